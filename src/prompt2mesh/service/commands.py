"""Follow-up commands on a session's current scene: background jobs with live, stored events.

A command edits the scene of the session's latest completed run in place (its scene.blend,
scene.glb and ``screenshots/edit_<n>.png``), with the editing pipeline on the user's worker.
Its events go to the same store as that run's events (``run_events``, the run's ``seq``
continued), each tagged with ``command_id``, so a late subscriber replays them like run events.
The conversation (focus stack and history) is ``session.json`` in the run's folder.

A command holds the user's run lock: a run started meanwhile waits (``queued``) for it, since
both would use the same worker; the routes refuse a command while a run is active.

With several replicas, a command holds the lease of the run whose scene it edits (so it runs
where the user's worker lives, and never beside a run of the same user on another replica),
and its stream follows the stored events from any replica.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import time
import uuid
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from prompt2mesh.config import Settings
from prompt2mesh.service.errors import SceneBusy
from prompt2mesh.service.events import KEEPALIVE_S, format_sse
from prompt2mesh.service.runs import RunManager
from prompt2mesh.service.store import RunStore
from prompt2mesh.workers.base import WorkerManager

log = logging.getLogger(__name__)

Event = dict[str, Any]


@dataclass
class CommandJob:
    """One command in flight (the stored events outlive it)."""

    id: str
    user_id: str
    session_id: str
    run_id: str
    text: str
    next_seq: int
    started_at: float = field(default_factory=time.time)
    status: str = "running"
    outcome: dict[str, Any] | None = None
    pending: list[Event] = field(default_factory=list)
    subscribers: set[asyncio.Queue[Event | None]] = field(default_factory=set)
    task: asyncio.Task[None] | None = None

    def summary(self) -> dict[str, Any]:
        """A history entry for a command still running."""
        return {"id": self.id, "run_id": self.run_id, "command": self.text, "status": self.status}


def session_file(workspace: Path, run_id: str) -> Path:
    """The run folder's ``session.json`` (the editing conversation of that scene)."""
    return workspace / "runs" / run_id / "session.json"


def read_history(workspace: Path, run_id: str) -> list[dict[str, Any]]:
    """The stored history of the commands on the run's scene (empty when none)."""
    path = session_file(workspace, run_id)
    if not path.is_file():
        return []
    history = json.loads(path.read_text()).get("history", [])
    return [{**entry, "run_id": run_id} for entry in history if isinstance(entry, dict)]


def append_history(workspace: Path, run_id: str, entry: dict[str, Any]) -> None:
    """Add an entry the pipeline did not record (a command that failed before it could)."""
    path = session_file(workspace, run_id)
    data = json.loads(path.read_text()) if path.is_file() else {}
    data.setdefault("history", []).append(entry)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=2))
    tmp.replace(path)


class CommandManager:
    """Starts commands in the background and streams their events."""

    def __init__(self, settings: Settings, runs: RunManager, workers: WorkerManager) -> None:
        self.settings = settings
        self.runs = runs
        self.store: RunStore = runs.store
        self.workers = workers
        self._jobs: dict[str, CommandJob] = {}
        self._write_lock = asyncio.Lock()

    def active_for(self, user_id: str) -> CommandJob | None:
        return next((j for j in self._jobs.values() if j.user_id == user_id), None)

    def get(self, command_id: str) -> CommandJob | None:
        return self._jobs.get(command_id)

    async def submit(self, user_id: str, session_id: str, run_id: str, text: str) -> CommandJob:
        """Start the command on the run's scene in the background; returns at once.

        Raises:
            SceneBusy: another replica works on this user's scene (a run or a command).
        """
        job = CommandJob(uuid.uuid4().hex, user_id, session_id, run_id, text, next_seq=0)
        self._jobs[job.id] = job  # claimed before awaiting: a second command sees it
        # Held before it is claimed: the lease scan must never take it for a dead one.
        self.runs.keeper.command_leases.add(run_id)
        try:
            claim = await asyncio.to_thread(self.runs.leases.claim, run_id, user_id, command_id=job.id)
        except BaseException:
            self._jobs.pop(job.id, None)
            self.runs.keeper.command_leases.discard(run_id)
            raise
        if not claim.granted:
            self._jobs.pop(job.id, None)
            self.runs.keeper.command_leases.discard(run_id)
            raise SceneBusy("another run or command is working on your scene; wait for it to finish")
        job.next_seq = await asyncio.to_thread(self.store.last_seq, run_id) + 1
        job.task = asyncio.create_task(self._execute(job), name=f"p2m-command-{job.id}")
        return job

    async def shutdown(self) -> None:
        """Cancel the commands in flight (their scenes keep the last saved state)."""
        tasks = [j.task for j in self._jobs.values() if j.task is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)

    # --- events ---------------------------------------------------------------------------

    def _emit(self, job: CommandJob, event: Event) -> None:
        event = {**event, "seq": job.next_seq, "run_id": job.run_id, "command_id": job.id}
        event.setdefault("ts", time.time())
        job.next_seq += 1
        job.pending.append(event)

    async def _flush(self, job: CommandJob) -> None:
        """Store the events emitted since the last flush, then hand them to subscribers
        (only stored events are sent, so a replay never misses one a client has seen)."""
        async with self._write_lock:
            batch, job.pending = job.pending, []
            if not batch:
                return
            await asyncio.to_thread(self.store.append_events, batch)
            self.runs.eventlog.wake([job.run_id])
            for event in batch:
                for queue in job.subscribers:
                    queue.put_nowait(event)

    async def _flush_loop(self, job: CommandJob, wake: asyncio.Event, done: asyncio.Event) -> None:
        # Ends by itself after ``done`` (never cancelled mid-write: a cancelled write could
        # land in the database after the stream's subscribers were told the command is over).
        while True:
            await wake.wait()
            wake.clear()
            try:
                await self._flush(job)
            except Exception:
                log.exception("storing the events of command %s failed", job.id)
            if done.is_set():
                return

    # --- the job --------------------------------------------------------------------------

    async def _execute(self, job: CommandJob) -> None:
        wake = asyncio.Event()

        def emit(event: Event) -> None:
            self._emit(job, event)
            wake.set()

        done = asyncio.Event()
        writer = asyncio.create_task(self._flush_loop(job, wake, done), name=f"p2m-command-events-{job.id}")
        emit({"type": "command_started", "command": job.text})
        try:
            # The runs' per-user lock (RunManager has no public accessor): a run submitted
            # while this command edits the scene waits for it instead of sharing the worker.
            async with self.runs._user_locks[job.user_id]:
                outcome = await self._run_on_worker(job, emit)
            job.status = str(outcome.get("status") or "applied")
            job.outcome = outcome
        except asyncio.CancelledError:
            job.status = "failed"
            emit({"type": "error", "message": "the command was interrupted (server stopping)"})
            emit({"type": "command_finished", "outcome": self._failed(job, "interrupted")})
            raise
        except Exception as exc:
            log.exception("command %s failed", job.id)
            job.status = "failed"
            message = f"{type(exc).__name__}: {exc}"
            emit({"type": "error", "message": message})
            failed = self._failed(job, message)
            emit({"type": "command_finished", "outcome": failed})
            with contextlib.suppress(Exception):
                append_history(self.workers.workspace_for(job.user_id), job.run_id, failed)
        finally:
            done.set()
            wake.set()
            with contextlib.suppress(Exception):
                await asyncio.shield(writer)
            with contextlib.suppress(Exception):
                await asyncio.shield(self._flush(job))
            self._jobs.pop(job.id, None)
            for queue in job.subscribers:
                queue.put_nowait(None)
            with contextlib.suppress(Exception):
                await asyncio.shield(asyncio.to_thread(self.runs.leases.release, job.run_id))
            # Only now: until the lease is gone, a scan must not take it for a dead one.
            self.runs.keeper.command_leases.discard(job.run_id)

    def _failed(self, job: CommandJob, message: str) -> dict[str, Any]:
        return {"id": job.id, "command": job.text, "status": "failed", "message": message}

    async def _run_on_worker(self, job: CommandJob, emit: Callable[[Event], None]) -> dict[str, Any]:
        from prompt2mesh.agent.editing.errors import NoSceneToEdit
        from prompt2mesh.agent.editing.factory import make_evaluator, make_translator
        from prompt2mesh.agent.editing.pipeline import EditSession, SessionFiles
        from prompt2mesh.service import versions  # imports this module's history helpers

        prefix = f"runs/{job.run_id}/"
        async with self.workers.lease(job.user_id) as handle:
            # The worker may hold another scene (a later run, another session): load this one.
            opened = await handle.runner.call("open_blend", {"filename": f"{prefix}scene.blend"})
            if not opened.ok:
                raise NoSceneToEdit(f"could not open the scene of run {job.run_id}: {opened.error}")

            def tagged(event: Event) -> None:
                if event.get("type") == "command_finished":
                    event = {**event, "outcome": {"id": job.id, **event["outcome"]}}
                emit(event)

            session = EditSession(
                handle.runner,
                SessionFiles(folder=handle.workspace / prefix, prefix=prefix),
                make_translator(self.settings, handle.runner),
                evaluator=make_evaluator(self.settings, handle.runner),
                emit=tagged,
                screenshot_size=self.settings.screenshot_size,
            )
            folder = handle.workspace / prefix
            # The finished build stays a version of its own before the first change (versions.py).
            original = await asyncio.to_thread(versions.ensure_original, folder)
            if original is not None:  # the worker keeps its own copy (remote workers)
                await handle.runner.call("save_blend", {"filename": f"{prefix}{original['blend']}"})
            outcome = await session.handle(job.text)
            # The pipeline's history entry gets the command's id, so history and events join.
            session.history[-1]["id"] = job.id
            result = {"id": job.id, **outcome.to_dict()}
            version = await asyncio.to_thread(versions.record_command, folder, result)
            if version is not None:
                await handle.runner.call("save_blend", {"filename": f"{prefix}{version['blend']}"})
                # The history entry names it (command_finished stays the command's last event).
                session.history[-1]["version"] = version["number"]
            session.save()
            return result


async def command_stream(
    commands: CommandManager, run_id: str, command_id: str, after: int = 0
) -> AsyncIterator[str]:
    """Replay the command's stored events after ``after``, follow it live, then send ``end``.

    Follows the run's stored events (``eventlog.py``) like the runs' stream, so it works from
    any replica; it ends at the command's ``command_finished``, or when no replica works on
    the command any more.
    """
    runs = commands.runs
    last = after
    final = "unknown"
    quiet_since = time.monotonic()
    while True:
        signal = runs.eventlog.signal(run_id)
        for event in await asyncio.to_thread(commands.store.events, run_id, last):
            last = event["seq"]
            if event.get("command_id") != command_id:
                continue
            quiet_since = time.monotonic()
            final = _status_of(event, final)
            yield format_sse(event)
        if final not in ("unknown", "running"):
            break
        if (
            commands.get(command_id) is None
            and await asyncio.to_thread(runs.leases.command_run, command_id) is None
        ):
            # Nobody works on it (it ended, or it ended before ``after``): read what is left.
            for event in await asyncio.to_thread(commands.store.events, run_id, last):
                if event.get("command_id") == command_id:
                    final = _status_of(event, final)
                    yield format_sse(event)
            break
        woken = await runs.eventlog.wait(signal, KEEPALIVE_S)
        if not woken and time.monotonic() - quiet_since >= KEEPALIVE_S:
            quiet_since = time.monotonic()
            yield ": keep-alive\n\n"
    if final in ("unknown", "running") and after > 0:
        # Resumed past the command's last event: its outcome is earlier in the log.
        for event in await asyncio.to_thread(commands.store.events, run_id, 0):
            if event.get("command_id") == command_id:
                final = _status_of(event, final)
    yield f"event: end\ndata: {json.dumps({'status': final})}\n\n"


def _status_of(event: Event, current: str) -> str:
    if event.get("type") == "command_finished":
        return str((event.get("outcome") or {}).get("status") or current)
    return "running" if current == "unknown" else current
