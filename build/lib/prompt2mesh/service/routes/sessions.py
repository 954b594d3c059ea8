"""Chat sessions (one scene conversation each): create, list, rename, delete. Owner only."""

from __future__ import annotations

import shutil

from fastapi import APIRouter, Response, status
from sqlalchemy import select
from sqlalchemy.orm import Session

from prompt2mesh.service.deps import CurrentUser, ServicesDep, SessionDep
from prompt2mesh.service.errors import NotFound
from prompt2mesh.service.models import ChatSession, Run, User
from prompt2mesh.service.schemas import (
    ErrorOut,
    RunSummary,
    SessionCreate,
    SessionDetail,
    SessionOut,
    SessionUpdate,
)

router = APIRouter(prefix="/sessions", tags=["sessions"], responses={404: {"model": ErrorOut}})


def owned_session(db: Session, user: User, session_id: str) -> ChatSession:
    """The user's session, or 404 (also when it belongs to someone else).

    Raises:
        NotFound: no such session for this user.
    """
    chat = db.get(ChatSession, session_id)
    if chat is None or chat.user_id != user.id:
        raise NotFound(f"no session {session_id!r}")
    return chat


@router.post("", status_code=status.HTTP_201_CREATED, response_model=SessionOut)
def create_session(body: SessionCreate, user: CurrentUser, db: SessionDep) -> ChatSession:
    """Start a new chat session."""
    chat = ChatSession(user_id=user.id, title=body.title)
    db.add(chat)
    db.commit()
    return chat


@router.get("", response_model=list[SessionOut])
def list_sessions(user: CurrentUser, db: SessionDep) -> list[ChatSession]:
    """The user's sessions, newest first."""
    rows = db.scalars(
        select(ChatSession).where(ChatSession.user_id == user.id).order_by(ChatSession.created_at.desc())
    )
    return list(rows)


@router.get("/{session_id}", response_model=SessionDetail)
def get_session(session_id: str, user: CurrentUser, db: SessionDep) -> SessionDetail:
    """One session with its runs (oldest first, the order of the conversation)."""
    chat = owned_session(db, user, session_id)
    runs = db.scalars(select(Run).where(Run.session_id == chat.id).order_by(Run.created_at))
    return SessionDetail(
        **SessionOut.model_validate(chat).model_dump(),
        runs=[RunSummary.model_validate(r) for r in runs],
    )


@router.patch("/{session_id}", response_model=SessionOut)
def rename_session(session_id: str, body: SessionUpdate, user: CurrentUser, db: SessionDep) -> ChatSession:
    """Change the session's title."""
    chat = owned_session(db, user, session_id)
    chat.title = body.title
    db.commit()
    return chat


@router.delete("/{session_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_session(
    session_id: str, user: CurrentUser, db: SessionDep, services: ServicesDep
) -> Response:
    """Delete the session, its runs (cancelled first if active), their events and files."""
    chat = owned_session(db, user, session_id)
    run_ids = list(db.scalars(select(Run.id).where(Run.session_id == chat.id)))
    for run_id in run_ids:
        await services.runs.cancel(run_id)
    db.delete(chat)
    db.commit()
    root = services.workers.workspace_for(user.id) / "runs"
    for run_id in run_ids:
        shutil.rmtree(root / run_id, ignore_errors=True)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
