"""Follow-up commands on a session's current scene, undo, their live events (SSE), and
push-to-talk transcription. Owner only: another user's session is a 404 on every route."""

from __future__ import annotations

import asyncio
import re
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, File, Header, Query, Request, UploadFile, status
from fastapi.responses import StreamingResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from prompt2mesh.service.command_schemas import CommandAccepted, CommandCreate, CommandOut, Heard
from prompt2mesh.service.commands import CommandManager, command_stream, read_history
from prompt2mesh.service.deps import CurrentUser, Services, ServicesDep, SessionDep
from prompt2mesh.service.errors import BadAudio, NoScene, NotFound, SceneBusy
from prompt2mesh.service.models import ChatSession, Run, User
from prompt2mesh.service.routes.sessions import owned_session
from prompt2mesh.service.schemas import ErrorOut
from prompt2mesh.service.store import ACTIVE


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    # FastAPI nests a router's lifespan inside the app's, after the services exist and
    # before the run manager and the workers stop: commands in flight end first.
    services: Services = app.state.services
    app.state.commands = CommandManager(services.settings, services.runs, services.workers)
    try:
        yield
    finally:
        await app.state.commands.shutdown()


router = APIRouter(
    prefix="/sessions",
    tags=["commands"],
    responses={404: {"model": ErrorOut}, 409: {"model": ErrorOut}},
    lifespan=_lifespan,
)

MAX_AUDIO_BYTES = 10 * 1024 * 1024
MAX_AUDIO_S = 60.0
_SAMPLE_RATE = 16_000


def get_commands(request: Request, services: ServicesDep) -> CommandManager:
    """The app's command manager (made by the router's lifespan; on first use without one)."""
    manager: CommandManager | None = getattr(request.app.state, "commands", None)
    if manager is None:
        manager = CommandManager(services.settings, services.runs, services.workers)
        request.app.state.commands = manager
    return manager


def scene_run(db: Session, chat: ChatSession) -> Run:
    """The session's current scene: its latest completed run.

    Raises:
        SceneBusy: the session's first model is still being built.
        NoScene: the session has no completed run.
    """
    runs = list(db.scalars(select(Run).where(Run.session_id == chat.id).order_by(Run.created_at.desc())))
    done = next((r for r in runs if r.status == "completed"), None)
    if done is not None:
        return done
    if any(r.status in ACTIVE for r in runs):
        raise SceneBusy(
            "the model of this session is still being built; wait for it to finish, then send the command"
        )
    raise NoScene("this session has no finished model to edit yet; start a run in it first")


def _refuse_if_busy(db: Session, user: User, commands: CommandManager) -> None:
    active = db.scalar(select(Run.id).where(Run.user_id == user.id, Run.status.in_(ACTIVE)).limit(1))
    if active is not None:
        raise SceneBusy(f"run {active} is still working on your Blender worker; wait for it to finish")
    if commands.active_for(user.id) is not None:
        raise SceneBusy("your previous command is still running; wait for it to finish")


async def _start(
    session_id: str, text: str, user: User, db: Session, services: Services, commands: CommandManager
) -> CommandAccepted:
    chat = owned_session(db, user, session_id)
    run = scene_run(db, chat)
    _refuse_if_busy(db, user, commands)
    job = await commands.submit(user.id, chat.id, run.id, text)
    return CommandAccepted(id=job.id, session_id=chat.id, run_id=run.id, command=text)


Commands = Annotated[CommandManager, Depends(get_commands)]


@router.post("/{session_id}/commands", status_code=status.HTTP_202_ACCEPTED, response_model=CommandAccepted)
async def send_command(
    session_id: str,
    body: CommandCreate,
    user: CurrentUser,
    db: SessionDep,
    services: ServicesDep,
    commands: Commands,
) -> CommandAccepted:
    """Change the session's current scene with one command; runs in the background.

    Follow it with ``GET /sessions/{id}/commands/{command_id}/events``.
    """
    return await _start(session_id, body.text, user, db, services, commands)


@router.post(
    "/{session_id}/commands/undo", status_code=status.HTTP_202_ACCEPTED, response_model=CommandAccepted
)
async def undo_command(
    session_id: str, user: CurrentUser, db: SessionDep, services: ServicesDep, commands: Commands
) -> CommandAccepted:
    """Undo the last command that changed the scene (the command "undo")."""
    return await _start(session_id, "undo", user, db, services, commands)


@router.get("/{session_id}/commands", response_model=list[CommandOut])
def list_commands(
    session_id: str, user: CurrentUser, db: SessionDep, services: ServicesDep, commands: Commands
) -> list[dict[str, Any]]:
    """The conversation's commands, oldest first, over every completed run of the session."""
    # A plain function: FastAPI runs it in the threadpool, so the database and file reads
    # never stall the event loop (and the live streams on it).
    chat = owned_session(db, user, session_id)
    workspace = services.workers.workspace_for(user.id)
    run_ids = list(
        db.scalars(
            select(Run.id)
            .where(Run.session_id == chat.id, Run.status == "completed")
            .order_by(Run.created_at)
        )
    )
    history = [entry for run_id in run_ids for entry in read_history(workspace, run_id)]
    running = commands.active_for(user.id)
    if running is not None and running.session_id == chat.id:
        history.append(running.summary())
    return history


@router.get(
    "/{session_id}/commands/{command_id}/events",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}, "description": "Server-sent events"}},
)
async def command_events(
    session_id: str,
    command_id: str,
    user: CurrentUser,
    db: SessionDep,
    services: ServicesDep,
    commands: Commands,
    after: Annotated[int, Query(ge=0, description="Replay only events with seq > after.")] = 0,
    last_event_id: Annotated[str | None, Header()] = None,
) -> StreamingResponse:
    """The command's events as SSE (taskspec, tool_call, evaluation, screenshot,
    command_finished), replayed for late subscribers; ends with ``end``."""
    chat = owned_session(db, user, session_id)
    run_id = _command_run(db, chat, command_id, services, commands)
    db.close()  # the stream outlives the request's need for a connection
    if last_event_id and last_event_id.isdigit():
        after = max(after, int(last_event_id))
    return StreamingResponse(
        command_stream(commands, run_id, command_id, after),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


def _command_run(
    db: Session, chat: ChatSession, command_id: str, services: Services, commands: CommandManager
) -> str:
    job = commands.get(command_id)
    if job is not None and job.session_id == chat.id:
        return job.run_id
    # Running on another replica: its lease names the run whose scene it edits.
    leased = services.runs.leases.command_run(command_id)
    if leased is not None and db.scalar(select(Run.id).where(Run.id == leased, Run.session_id == chat.id)):
        return leased
    workspace = services.workers.workspace_for(chat.user_id)
    for run_id in db.scalars(select(Run.id).where(Run.session_id == chat.id)):
        if any(entry.get("id") == command_id for entry in read_history(workspace, run_id)):
            return str(run_id)
    raise NotFound(f"no command {command_id!r} in session {chat.id!r}")


@router.post("/{session_id}/voice", response_model=Heard, responses={400: {"model": ErrorOut}})
async def transcribe_voice(
    session_id: str,
    user: CurrentUser,
    db: SessionDep,
    audio: Annotated[
        UploadFile, File(description="A recording (webm, ogg, wav, mp3), at most 10 MB / 60 s.")
    ],
) -> Heard:
    """What the recording says (local Whisper); the client then sends it as a command."""
    owned_session(db, user, session_id)
    data = await audio.read(MAX_AUDIO_BYTES + 1)
    if len(data) > MAX_AUDIO_BYTES:
        raise BadAudio(f"the recording is larger than {MAX_AUDIO_BYTES // (1024 * 1024)} MB")
    if not data:
        raise BadAudio("the recording is empty")
    suffix = Path(audio.filename or "").suffix.lower()
    suffix = suffix if re.fullmatch(r"\.[a-z0-9]{1,5}", suffix) else ".audio"
    return await asyncio.to_thread(_transcribe_bytes, data, suffix)


def _transcribe_bytes(data: bytes, suffix: str) -> Heard:
    from faster_whisper.audio import decode_audio

    from prompt2mesh.roles.speech import SpeechError, transcribe

    with tempfile.TemporaryDirectory(prefix="p2m-voice-") as folder:
        path = Path(folder) / f"recording{suffix}"
        path.write_bytes(data)
        try:
            samples = decode_audio(str(path), sampling_rate=_SAMPLE_RATE)
        except Exception as exc:  # PyAV raises many types for data that is not audio
            raise BadAudio(f"the upload is not a recording we can decode: {exc}") from exc
        seconds = len(samples) / _SAMPLE_RATE
        if seconds > MAX_AUDIO_S:
            raise BadAudio(f"the recording is {seconds:.0f} s long; keep commands under {MAX_AUDIO_S:.0f} s")
        try:
            heard = transcribe(path)
        except SpeechError as exc:
            raise BadAudio(str(exc)) from exc
    return Heard(text=heard.text, language=heard.language, duration_s=round(heard.duration_s, 2))
