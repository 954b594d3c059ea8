"""Read-only share links: the owner makes an unguessable link to one model and can revoke it;
whoever has the link sees the model in the viewer and downloads its files, without an account.

Public routes (``/shared/{token}``, ``/s/{token}``) answer 404 alike for an unknown and a
revoked token, so a guess learns nothing.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Response, status
from fastapi.responses import FileResponse
from pydantic import BaseModel
from sqlalchemy import select
from sqlalchemy.orm import Session

import prompt2mesh
from prompt2mesh.service.deps import CurrentUser, ServicesDep, SessionDep
from prompt2mesh.service.errors import NotFound, RunNotActive
from prompt2mesh.service.models import Run, ShareLink, utcnow
from prompt2mesh.service.naming import display_name, download_name, thumbnail
from prompt2mesh.service.routes.files import confined, file_response
from prompt2mesh.service.routes.runs import owned_run
from prompt2mesh.service.schemas import ErrorOut, _Out

router = APIRouter(tags=["shares"], responses={404: {"model": ErrorOut}})

SHARE_PAGE = Path(prompt2mesh.__file__).parent / "web" / "share.html"
# What a share link exposes: the results, never the agent's internal folders.
SHARED_FILES = ("scene.glb", "scene.blend", "report.json")
SHARED_FOLDERS = ("screenshots/", "exports/")


class ShareOut(_Out):
    token: str
    url: str
    run_id: str
    created_at: Any


class SharedModel(BaseModel):
    name: str
    prompt: str
    status: str
    totals: dict[str, Any] | None
    thumbnail: str | None
    files: list[str]


def _out(link: ShareLink) -> ShareOut:
    return ShareOut(token=link.token, url=f"/s/{link.token}", run_id=link.run_id, created_at=link.created_at)


@router.post(
    "/runs/{run_id}/shares",
    status_code=status.HTTP_201_CREATED,
    response_model=ShareOut,
    responses={409: {"model": ErrorOut}},
)
def create_share(run_id: str, user: CurrentUser, db: SessionDep) -> ShareOut:
    """A new read-only link to the finished model (256 random bits)."""
    run = owned_run(db, user, run_id)
    if run.status != "completed":
        raise RunNotActive(f"run {run_id!r} is {run.status}; only a finished model can be shared")
    link = ShareLink(token=secrets.token_urlsafe(32), run_id=run.id, user_id=user.id)
    db.add(link)
    db.commit()
    return _out(link)


@router.get("/runs/{run_id}/shares", response_model=list[ShareOut])
def list_shares(run_id: str, user: CurrentUser, db: SessionDep) -> list[ShareOut]:
    """The model's links that still work, newest first."""
    owned_run(db, user, run_id)
    links = db.scalars(
        select(ShareLink)
        .where(ShareLink.run_id == run_id, ShareLink.revoked_at.is_(None))
        .order_by(ShareLink.created_at.desc())
    )
    return [_out(link) for link in links]


@router.delete("/shares/{token}", status_code=status.HTTP_204_NO_CONTENT)
def revoke_share(token: str, user: CurrentUser, db: SessionDep) -> Response:
    """Revoke a link: it answers 404 from now on."""
    link = db.get(ShareLink, token)
    if link is None or link.user_id != user.id:
        raise NotFound("no such share link")
    link.revoked_at = link.revoked_at or utcnow()
    db.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)


def _shared_run(db: Session, token: str) -> Run:
    link = db.get(ShareLink, token) if len(token) <= 64 else None
    run = db.get(Run, link.run_id) if link is not None and link.revoked_at is None else None
    if run is None:
        raise NotFound("this share link does not exist or was revoked")
    return run


def _shared_files(folder: Path) -> list[str]:
    names = [name for name in SHARED_FILES if (folder / name).is_file()]
    for sub in SHARED_FOLDERS:
        base = folder / sub
        if base.is_dir():
            names += [f"{sub}{p.name}" for p in sorted(base.iterdir()) if p.is_file() and not p.is_symlink()]
    return names


@router.get("/shared/{token}", response_model=SharedModel)
def shared_model(token: str, db: SessionDep, services: ServicesDep) -> SharedModel:
    """What the link shows (no account needed)."""
    run = _shared_run(db, token)
    folder = services.workers.workspace_for(run.user_id) / "runs" / run.id
    return SharedModel(
        name=display_name(run),
        prompt=run.prompt,
        status=run.status,
        totals=(run.report or {}).get("totals"),
        thumbnail=thumbnail(folder),
        files=_shared_files(folder),
    )


@router.get("/shared/{token}/files/{name:path}", response_class=FileResponse)
def shared_file(token: str, name: str, db: SessionDep, services: ServicesDep) -> Response:
    """One of the shared model's files."""
    run = _shared_run(db, token)
    workspace = services.workers.workspace_for(run.user_id)
    folder = workspace / "runs" / run.id
    if name not in _shared_files(folder):
        raise NotFound(f"the shared model has no file {name!r}")
    return file_response(confined(folder, name), download_name(run, name), scrub_under=workspace.parent)


@router.get("/s/{token}", include_in_schema=False)
def share_page(token: str) -> FileResponse:
    """The read-only page; it reads ``/shared/{token}`` itself (and says so when it is gone)."""
    return FileResponse(SHARE_PAGE, media_type="text/html", headers={"Referrer-Policy": "no-referrer"})
