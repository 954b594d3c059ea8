"""Local backend: each user's worker is a ``prompt2mesh mcp`` child process over stdio.

The MCP stdio client is an async context manager whose task group must be entered and left
by the same task, so each worker is *held open* by a background task; callers in any other
task share its :class:`WorkerSession`. Handles carry a :class:`_ManagedRunner` that looks the
session up on every call, so a worker that died is restarted by the next call.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import os
import re
import shutil
import time
import uuid
from collections.abc import Callable, Sequence
from contextlib import AbstractAsyncContextManager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import anyio
from mcp.shared.exceptions import McpError

from prompt2mesh.config import Settings
from prompt2mesh.roles.interface import ToolInfo, ToolResult
from prompt2mesh.workers.base import WorkerHandle, WorkerInfo, WorkerManager, WorkerState
from prompt2mesh.workers.errors import WorkersBusy, WorkerStartFailed, WorkerUnavailable
from prompt2mesh.workers.session import (
    ToolTimedOut,
    WorkerSession,
    assign_workspace,
    find_child_pid,
    open_local_worker,
)

log = logging.getLogger(__name__)

_SAFE_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
_PING_TIMEOUT_S = 5.0
_STOP_TIMEOUT_S = 10.0


class _Worker:
    """Book-keeping for one user's worker process."""

    def __init__(
        self, user_id: str, workspace: Path, clock: Callable[[], float], *, spare: bool = False
    ) -> None:
        self._clock = clock
        self.user_id = user_id
        self.spare = spare
        """Started ahead for whoever needs a worker next; ``workspace`` is its placeholder."""
        self.workspace = workspace
        self.state = WorkerState.STOPPED
        self.session: WorkerSession | None = None
        self.task: asyncio.Task[None] | None = None
        self.ready = asyncio.Event()
        self.stop = asyncio.Event()
        self.error: BaseException | None = None
        self.lock = asyncio.Lock()
        self.started_at: datetime | None = None
        self.last_used_at: datetime | None = None
        self.last_used_mono = clock()
        self.leases = 0
        self.in_flight = 0
        self.restarts = 0
        self.restore_next = False
        """Start the next process with ``--restore`` (after a call was stopped by a kill)."""
        self.launches = 0
        self.pid: int | None = None
        self.evicting = False
        """Chosen to give its slot to another user's start; no second start may choose it."""

    def touch(self) -> None:
        self.last_used_at = datetime.now(UTC)
        self.last_used_mono = self._clock()

    def alive(self) -> bool:
        if self.state is not WorkerState.READY or self.session is None:
            return False
        if self.task is None or self.task.done() or not getattr(self.session, "alive", True):
            return False
        return self.pid is None or pid_alive(self.pid)


class _ManagedRunner:
    """A :class:`ToolRunner` bound to a user rather than to one process."""

    def __init__(self, manager: LocalWorkerManager, user_id: str) -> None:
        self._manager = manager
        self._user_id = user_id
        self._generation: int | None = None

    async def call(self, tool: str, args: dict[str, Any] | None = None) -> ToolResult:
        session = await self._manager._ensure(self._user_id)
        worker = self._manager._workers[self._user_id]
        # A worker that died between two calls comes back empty. Carrying on would build the
        # rest of a run on a blank scene and lose its accepted work, so the holder is told once
        # (a run fails resumably; resume reopens the last saved scene).
        if self._generation is None:
            self._generation = worker.restarts
        elif worker.restarts != self._generation:
            self._generation = worker.restarts
            raise WorkerUnavailable(
                f"the Blender worker restarted before {tool}; its scene was lost and must be reopened"
            )
        worker.in_flight += 1
        try:
            return await session.call(tool, args)
        except ToolTimedOut as exc:
            # The call was stopped by killing its worker. A fresh one reopens the scene as it
            # was when the call started, so the holder just sees a failed call and goes on.
            self._manager._mark_dead(self._user_id)
            worker.restore_next = True
            await self._manager._ensure(self._user_id)
            self._generation = worker.restarts
            return ToolResult(
                tool=tool,
                args=dict(args or {}),
                ok=False,
                error=f"[tool_timeout] {exc}; the worker was restarted with the scene as it was before the call",
                duration_s=exc.timeout_s,
            )
        except WorkerUnavailable:
            self._manager._mark_dead(self._user_id)
            raise
        except McpError as exc:
            # A dead process surfaces as "Connection closed" from the MCP session itself.
            self._manager._mark_dead(self._user_id)
            raise WorkerUnavailable(f"worker connection lost during {tool}: {exc}") from exc
        finally:
            worker.in_flight -= 1
            self._manager._touch(self._user_id)

    async def list_tools(self) -> list[ToolInfo]:
        session = await self._manager._ensure(self._user_id)
        return await session.list_tools()


def pid_alive(pid: int) -> bool:
    """Whether a process exists and is not a zombie."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in ("Z", "X")


def process_rss_bytes(pid: int) -> int | None:
    """Resident memory of a process, or None if it is gone."""
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    except OSError:
        return None
    return None


def pool_options(settings: Settings) -> dict[str, Any]:
    """The pool settings every backend's manager takes (cap, timeouts, budgets)."""
    return {
        "max_workers": settings.max_workers,
        "idle_timeout_s": settings.worker_idle_timeout_s,
        "start_timeout_s": settings.worker_start_timeout_s,
        "start_concurrency": settings.worker_start_concurrency,
        "allow_code": settings.worker_allow_code,
        "tool_timeout_s": settings.tool_timeout_s,
        "health_interval_s": settings.worker_health_interval_s,
        "limit_args": settings.worker_limit_args(),
    }


class LocalWorkerManager(WorkerManager):
    """Per-user Blender workers as local child processes, workspaces under ``root``."""

    def __init__(
        self,
        root: Path,
        *,
        max_workers: int = 16,
        idle_timeout_s: float = 900.0,
        start_timeout_s: float = 30.0,
        start_concurrency: int = 4,
        allow_code: bool = False,
        tool_timeout_s: float = 120.0,
        health_interval_s: float = 10.0,
        ping_timeout_s: float = _PING_TIMEOUT_S,
        spares: int = 0,
        clock: Callable[[], float] = time.monotonic,
        limit_args: Sequence[str] = (),
    ) -> None:
        self.root = root
        self.spares = spares
        """Workers kept started ahead (they count against ``max_workers``)."""
        self._spares: list[_Worker] = []
        self._spare_ids = itertools.count(1)
        self._filling: asyncio.Task[int] | None = None
        self._booting: set[asyncio.Task[None]] = set()
        self.limit_args = tuple(limit_args)
        """Budget flags for every worker (``--max-vertices N``...), from the settings."""
        self.max_workers = max_workers
        self.idle_timeout_s = idle_timeout_s
        self.start_timeout_s = start_timeout_s
        self._start_slots = asyncio.Semaphore(start_concurrency)
        self.allow_code = allow_code
        self.tool_timeout_s = tool_timeout_s
        self.health_interval_s = health_interval_s
        self.ping_timeout_s = ping_timeout_s
        self._clock = clock
        self._workers: dict[str, _Worker] = {}
        self._monitor: asyncio.Task[None] | None = None

    @classmethod
    def from_settings(cls, settings: Settings) -> LocalWorkerManager:
        """A manager configured from :class:`Settings` (workspaces under ``data_dir/workspaces``)."""
        return cls(settings.data_dir / "workspaces", spares=settings.worker_spares, **pool_options(settings))

    # --- interface ------------------------------------------------------------------------

    def workspace_for(self, user_id: str) -> Path:
        if not _SAFE_ID.fullmatch(user_id):
            raise ValueError(f"unsafe user id for a workspace folder: {user_id!r}")
        path = (self.root / user_id).resolve()
        path.mkdir(parents=True, exist_ok=True)
        return path

    async def start(self) -> None:
        if self._monitor is None:
            self._monitor = asyncio.create_task(self._housekeeping(), name="p2m-worker-monitor")
        self._fill_later()

    async def acquire(self, user_id: str) -> WorkerHandle:
        w = self._worker(user_id)
        # Lease first so housekeeping never reaps a worker we are about to hand out.
        w.leases += 1
        try:
            await self._ensure(user_id)
        except BaseException:
            w.leases -= 1
            raise
        w.touch()
        return WorkerHandle(user_id=user_id, workspace=w.workspace, runner=_ManagedRunner(self, user_id))

    async def release(self, handle: WorkerHandle) -> None:
        w = self._workers.get(handle.user_id)
        if w is not None:
            w.leases = max(0, w.leases - 1)
            w.touch()

    async def health(self, user_id: str) -> bool:
        w = self._workers.get(user_id)
        if w is None or not w.alive() or w.session is None:
            return False
        if w.in_flight:
            # Blender runs a tool on the thread that would answer the ping, so a long render
            # would look dead; the process is alive and the call has its own timeout.
            return True
        try:
            with anyio.fail_after(self.ping_timeout_s):
                await w.session.session.send_ping()
        except Exception:
            self._mark_dead(user_id)
            return False
        return True

    async def reap(self) -> list[str]:
        now = self._clock()
        idle = [
            w
            for w in self._workers.values()
            if w.state is not WorkerState.STOPPED
            and w.leases == 0
            and now - w.last_used_mono >= self.idle_timeout_s
        ]
        for w in idle:
            log.info("reaping idle worker of %s", w.user_id)
            async with w.lock:
                await self._stop(w)
        return [w.user_id for w in idle]

    async def stop_worker(self, user_id: str) -> None:
        w = self._workers.get(user_id)
        if w is not None:
            async with w.lock:
                await self._stop(w)

    def info(self, user_id: str) -> WorkerInfo:
        w = self._workers.get(user_id)
        if w is None:
            return WorkerInfo(user_id=user_id, state=WorkerState.STOPPED, workspace=self.root / user_id)
        state = WorkerState.DEAD if w.state is WorkerState.READY and not w.alive() else w.state
        pid = w.pid if state is WorkerState.READY else None
        return WorkerInfo(
            user_id=user_id,
            state=state,
            workspace=w.workspace,
            started_at=w.started_at,
            last_used_at=w.last_used_at,
            restarts=w.restarts,
            leases=w.leases,
            pid=pid,
            rss_bytes=process_rss_bytes(pid) if pid else None,
        )

    def active_count(self) -> int:
        """Workers started or starting, spares included: a spare is a process like any other."""
        running = (WorkerState.STARTING, WorkerState.READY)
        return sum(w.state in running for w in self._workers.values()) + sum(
            s.state in running for s in self._spares
        )

    def spare_count(self) -> int:
        """Spares ready to be handed out now."""
        return sum(s.state is WorkerState.READY and s.alive() for s in self._spares)

    def has_free_slot(self) -> bool:
        return (
            self.active_count() < self.max_workers
            or bool(self._spares)
            or self._idle_victim(None) is not None
        )

    async def shutdown(self) -> None:
        if self._monitor is not None:
            self._monitor.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._monitor
            self._monitor = None
        if self._filling is not None:
            self._filling.cancel()
            with contextlib.suppress(BaseException):
                await self._filling
        spares, self._spares = self._spares, []
        for booting in list(self._booting):
            booting.cancel()
        await asyncio.gather(*self._booting, return_exceptions=True)
        await asyncio.gather(
            *(self._stop(w) for w in [*self._workers.values(), *spares]), return_exceptions=True
        )
        for spare in spares:
            shutil.rmtree(spare.workspace, ignore_errors=True)

    # --- spares ---------------------------------------------------------------------------

    async def fill_spares(self) -> int:
        """Start spares until there are ``spares`` of them or the cap is reached, and return
        how many are ready once those started have booted.

        A spare takes a free slot only: it never pre-empts anyone, and a user who needs a slot
        takes a spare's (see :meth:`_ensure`).
        """
        for gone in [s for s in self._spares if s.state is not WorkerState.STARTING and not s.alive()]:
            await self._drop_spare(gone)
        while len(self._spares) < self.spares and self.active_count() < self.max_workers:
            spare = _Worker(
                f"spare-{next(self._spare_ids)}",
                self.root / ".spares" / uuid.uuid4().hex,
                self._clock,
                spare=True,
            )
            # Claimed before the first await, like a user's start: racing starts count it.
            spare.state = WorkerState.STARTING
            self._spares.append(spare)
            booting = asyncio.create_task(self._start_spare(spare), name=f"p2m-{spare.user_id}")
            self._booting.add(booting)
            booting.add_done_callback(self._booting.discard)
        # Also those another fill started: "ready" means booted, whoever started them.
        await asyncio.gather(*self._booting)
        return self.spare_count()

    async def _start_spare(self, spare: _Worker) -> None:
        spare.workspace.mkdir(parents=True, exist_ok=True)
        try:
            async with self._start_slots:
                if spare.state is not WorkerState.STARTING:  # taken for a user while waiting
                    return
                await self._launch(spare)
        except Exception as exc:  # noqa: BLE001  (a spare that fails is only a missed head start)
            log.warning("spare worker did not start: %r", exc)
            await self._drop_spare(spare)

    async def _drop_spare(self, spare: _Worker) -> None:
        if spare in self._spares:
            self._spares.remove(spare)
        await self._stop(spare)
        shutil.rmtree(spare.workspace, ignore_errors=True)

    def _fill_later(self) -> None:
        if self.spares and (self._filling is None or self._filling.done()):
            self._filling = asyncio.create_task(self.fill_spares(), name="p2m-worker-spares")

    def _take_spare(self) -> _Worker | None:
        """A ready spare, removed from the pool (synchronously: no other start can take it)."""
        for spare in self._spares:
            if spare.state is WorkerState.READY and spare.alive() and spare.session is not None:
                self._spares.remove(spare)
                return spare
        return None

    async def _adopt(self, w: _Worker, spare: _Worker) -> bool:
        """Make ``spare`` the worker of ``w``'s user: its process gets their workspace. False
        (and the spare stopped) when it cannot, and the caller starts a worker as usual."""
        assert spare.session is not None
        try:
            with anyio.fail_after(self.start_timeout_s):
                await assign_workspace(spare.session, w.workspace)
        except Exception as exc:  # noqa: BLE001
            log.warning("spare worker could not be handed to %s: %r", w.user_id, exc)
            await self._drop_spare(spare)
            return False
        w.task, w.session, w.ready, w.stop, w.pid = (
            spare.task,
            spare.session,
            spare.ready,
            spare.stop,
            spare.pid,
        )
        w.error = None
        w.launches += 1
        w.state = WorkerState.READY
        w.started_at = spare.started_at
        w.touch()
        shutil.rmtree(spare.workspace, ignore_errors=True)
        log.info("spare worker (pid %s) handed to %s", w.pid, w.user_id)
        return True

    # --- internals ------------------------------------------------------------------------

    def _worker(self, user_id: str) -> _Worker:
        w = self._workers.get(user_id)
        if w is None:
            w = self._workers[user_id] = _Worker(user_id, self.workspace_for(user_id), self._clock)
        return w

    def _touch(self, user_id: str) -> None:
        w = self._workers.get(user_id)
        if w is not None:
            w.touch()

    def _mark_dead(self, user_id: str) -> None:
        w = self._workers.get(user_id)
        if w is not None and w.state is WorkerState.READY:
            log.warning("worker of %s died", user_id)
            w.state = WorkerState.DEAD

    async def _ensure(self, user_id: str) -> WorkerSession:
        """The user's live session, (re)starting the process when needed."""
        w = self._worker(user_id)
        async with w.lock:
            if w.alive() and w.session is not None:
                return w.session
            if w.state is not WorkerState.STOPPED:
                await self._stop(w)
                w.restarts += 1
            # A spare needs no new slot: its process already counts against the cap. (A
            # restart that must reopen the scene needs a process started with --restore.)
            spare = None if w.restore_next else self._take_spare()
            if spare is not None:
                w.state = WorkerState.STARTING  # claimed before the first await
                adopted = await self._adopt(w, spare)
                self._fill_later()
                if adopted:
                    assert w.session is not None
                    return w.session
                w.state = WorkerState.STOPPED
            # Sixteen Blender processes booting at once on two cores each take longer than
            # the start timeout and all fail; in turns, every one boots within it. The cap is
            # checked inside the turn, so workers waiting for one never overshoot it.
            async with self._start_slots:
                others = sum(
                    o.state in (WorkerState.STARTING, WorkerState.READY)
                    for o in self._workers.values()
                    if o is not w
                )
                others += sum(s.state in (WorkerState.STARTING, WorkerState.READY) for s in self._spares)
                victim = None
                if others >= self.max_workers:
                    # A spare still booting gives way first, then a worker nobody holds
                    # (warmed at log-in, or done with its run): idle sign-ups must never keep
                    # a real run from starting.
                    victim = next((s for s in self._spares if not s.evicting), None) or self._idle_victim(w)
                    if victim is None:
                        raise WorkersBusy(self.max_workers)
                    victim.evicting = True
                    if victim in self._spares:
                        self._spares.remove(victim)
                # Claimed before the first await: several starts run at once (one per start
                # slot), and each must count this one and never pick the same victim.
                w.state = WorkerState.STARTING
                try:
                    if victim is not None:
                        log.info("pre-empting the idle worker of %s for %s", victim.user_id, user_id)
                        try:
                            async with victim.lock:
                                await self._stop(victim)
                                if victim.spare:
                                    shutil.rmtree(victim.workspace, ignore_errors=True)
                        finally:
                            victim.evicting = False
                    await self._launch(w)
                except BaseException:
                    if w.state is WorkerState.STARTING:
                        w.state = WorkerState.STOPPED
                    raise
            assert w.session is not None
            return w.session

    def _idle_victim(self, exclude: _Worker | None) -> _Worker | None:
        """The least recently used running worker without a lease or a call in flight."""
        idle = [
            o
            for o in self._workers.values()
            if o is not exclude
            and o.state in (WorkerState.STARTING, WorkerState.READY)
            and o.leases == 0
            and o.in_flight == 0
            and not o.evicting
            and not o.lock.locked()
        ]
        return min(idle, key=lambda o: o.last_used_mono, default=None)

    async def _launch(self, w: _Worker) -> None:
        w.state = WorkerState.STARTING
        w.ready = asyncio.Event()
        w.stop = asyncio.Event()
        w.error = None
        w.launches += 1
        w.task = asyncio.create_task(self._hold(w), name=f"p2m-worker-{w.user_id}")
        waiter = asyncio.create_task(w.ready.wait())
        await asyncio.wait(
            {waiter, w.task}, timeout=self.start_timeout_s, return_when=asyncio.FIRST_COMPLETED
        )
        waiter.cancel()
        if not w.ready.is_set():
            error = w.error
            await self._stop(w)
            raise WorkerStartFailed(
                f"worker for {w.user_id} did not start within {self.start_timeout_s:.0f} s"
                + (f": {error}" if error else f" (see {w.workspace / 'worker.log'})")
            )
        w.state = WorkerState.READY
        w.started_at = datetime.now(UTC)
        w.pid = find_child_pid(w.workspace)
        w.touch()
        log.info("worker of %s ready (pid %s)", w.user_id, w.pid)

    async def _hold(self, w: _Worker) -> None:
        """Run the worker's session until it is told to stop (the task behind a running worker)."""
        restore, w.restore_next = w.restore_next, False
        try:
            async with self._open_session(w, restore) as session:
                w.session = session
                w.ready.set()
                await w.stop.wait()
        except Exception as exc:
            w.error = exc
            log.warning("worker of %s ended: %r", w.user_id, exc)
        finally:
            w.session = None
            if w.state is WorkerState.READY:
                w.state = WorkerState.DEAD
            await self._after_session(w)

    def _open_session(self, w: _Worker, restore: bool) -> AbstractAsyncContextManager[WorkerSession]:
        """The worker process and its MCP session (other backends start a container or pod)."""
        return open_local_worker(
            w.workspace,
            allow_code=self.allow_code,
            timeout_s=self.tool_timeout_s,
            restore=restore,
            extra_args=[*self.limit_args, "--spare-root", str(self.root.resolve())]
            if w.spare
            else self.limit_args,
            spare=w.spare,
        )

    async def _after_session(self, w: _Worker) -> None:
        """Clean-up once a session has ended, however it ended (nothing for a local process)."""

    async def _stop(self, w: _Worker) -> None:
        task, w.task = w.task, None
        w.state = WorkerState.STOPPED
        w.session = None
        w.stop.set()
        if task is not None and not task.done():
            try:
                await asyncio.wait_for(asyncio.shield(task), _STOP_TIMEOUT_S)
            except (TimeoutError, asyncio.CancelledError):
                task.cancel()
                with contextlib.suppress(BaseException):
                    await task
        if w.pid is not None and pid_alive(w.pid):
            with contextlib.suppress(OSError):
                os.kill(w.pid, 9)
        w.pid = None

    async def _housekeeping(self) -> None:
        while True:
            await asyncio.sleep(self.health_interval_s)
            try:
                for user_id, w in list(self._workers.items()):
                    if w.state is WorkerState.READY and not await self.health(user_id) and w.leases:
                        # Someone is mid-run: bring a fresh worker up before their next call.
                        await self._ensure(user_id)
                await self.reap()
                self._fill_later()
            except Exception:
                log.exception("worker housekeeping failed")
