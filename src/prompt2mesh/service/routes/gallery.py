"""The gallery: the user's models with thumbnails, search and paging; rename and duplicate.

Delete is ``DELETE /runs/{id}`` (the run, its events and its files).
"""

from __future__ import annotations

import shutil
from typing import Annotated, Any

from fastapi import APIRouter, Query, status
from pydantic import BaseModel, Field
from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from prompt2mesh.service.deps import CurrentUser, ServicesDep, SessionDep
from prompt2mesh.service.errors import RunNotActive
from prompt2mesh.service.models import ChatSession, Run, RunEvent
from prompt2mesh.service.naming import display_name, thumbnail
from prompt2mesh.service.routes.runs import owned_run
from prompt2mesh.service.schemas import ErrorOut, RunSummary
from prompt2mesh.service.store import TERMINAL

router = APIRouter(tags=["gallery"], responses={404: {"model": ErrorOut}})


class GalleryItem(RunSummary):
    name: str
    thumbnail: str | None = Field(description="A file of the run to show as its picture, if any.")
    average_score: float | None = None
    steps: int | None = None


class GalleryPage(BaseModel):
    items: list[GalleryItem]
    total: int
    limit: int
    offset: int


class RunRename(BaseModel):
    title: str = Field(min_length=1, max_length=200)


def _escape_like(text: str) -> str:
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")


@router.get("/gallery", response_model=GalleryPage)
def gallery(
    user: CurrentUser,
    db: SessionDep,
    services: ServicesDep,
    q: Annotated[str, Query(max_length=200, description="Words in the name or prompt.")] = "",
    limit: Annotated[int, Query(ge=1, le=100)] = 24,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> GalleryPage:
    """The user's models, newest first, a page at a time, optionally filtered by words."""
    where: list[Any] = [Run.user_id == user.id]
    for word in q.split():
        pattern = f"%{_escape_like(word.lower())}%"
        where.append(
            or_(
                func.lower(Run.prompt).like(pattern, escape="\\"),
                func.lower(func.coalesce(Run.title, "")).like(pattern, escape="\\"),
            )
        )
    total = db.scalar(select(func.count()).select_from(Run).where(*where)) or 0
    runs = db.scalars(select(Run).where(*where).order_by(Run.created_at.desc()).limit(limit).offset(offset))
    root = services.workers.workspace_for(user.id) / "runs"
    items = []
    for run in runs:
        totals = (run.report or {}).get("totals") or {}
        items.append(
            GalleryItem(
                **RunSummary.model_validate(run).model_dump(),
                name=display_name(run),
                thumbnail=thumbnail(root / run.id),
                average_score=totals.get("average_score"),
                steps=totals.get("steps"),
            )
        )
    return GalleryPage(items=items, total=total, limit=limit, offset=offset)


@router.patch("/runs/{run_id}", response_model=RunSummary)
def rename_run(run_id: str, body: RunRename, user: CurrentUser, db: SessionDep) -> Run:
    """Give the model a name of its own (its downloads are named after it too)."""
    run = owned_run(db, user, run_id)
    run.title = body.title.strip() or None
    db.commit()
    return run


@router.post(
    "/runs/{run_id}/duplicate",
    status_code=status.HTTP_201_CREATED,
    response_model=RunSummary,
    responses={409: {"model": ErrorOut}},
)
def duplicate_run(run_id: str, user: CurrentUser, db: SessionDep, services: ServicesDep) -> Run:
    """A copy of a finished model, in a conversation of its own: edit one, keep the other."""
    source = owned_run(db, user, run_id)
    if source.status not in TERMINAL:
        raise RunNotActive(f"run {run_id!r} is still {source.status}; duplicate it when it has finished")
    copy = _copy_row(db, source)
    root = services.workers.workspace_for(user.id) / "runs"
    if (root / source.id).is_dir():
        shutil.copytree(root / source.id, root / copy.id, symlinks=False, dirs_exist_ok=True)
    return copy


def _copy_row(db: Session, source: Run) -> Run:
    chat = ChatSession(user_id=source.user_id, title=f"Copy of {display_name(source)}"[:200])
    db.add(chat)
    db.flush()
    copy = Run(
        user_id=source.user_id,
        session_id=chat.id,
        prompt=source.prompt,
        title=f"Copy of {display_name(source)}"[:200],
        options=dict(source.options or {}),
        status=source.status,
        refined_prompt=source.refined_prompt,
        plan=source.plan,
        report=source.report,
        error=source.error,
        event_count=source.event_count,
        started_at=source.started_at,
        finished_at=source.finished_at,
    )
    db.add(copy)
    db.flush()
    for event in db.scalars(select(RunEvent).where(RunEvent.run_id == source.id).order_by(RunEvent.seq)):
        db.add(
            RunEvent(
                run_id=copy.id,
                seq=event.seq,
                type=event.type,
                ts=event.ts,
                data={**event.data, "run_id": copy.id},
            )
        )
    db.commit()
    return copy
