"""Local backend: each user's worker is a ``prompt2mesh mcp`` child process over stdio.

The MCP stdio client is an async context manager whose task group must be entered and left
by the same task, so each worker is *held open* by a background task; callers in any other
task share its :class:`WorkerSession`. Handles carry a :class:`_ManagedRunner` that looks the
session up on every call, so a worker that died is restarted by the next call.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import re
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import anyio
from mcp.shared.exceptions import McpError

from prompt2mesh.config import Settings
from prompt2mesh.roles.interface import ToolInfo, ToolResult
from prompt2mesh.workers.base import WorkerHandle, WorkerInfo, WorkerManager, WorkerState
from prompt2mesh.workers.errors import WorkersBusy, WorkerStartFailed, WorkerUnavailable
from prompt2mesh.workers.session import ToolTimedOut, WorkerSession, find_child_pid, open_local_worker

log = logging.getLogger(__name__)

_SAFE_ID = re.compile(r"[A-Za-z0-9_-]{1,64}")
_PING_TIMEOUT_S = 5.0
_STOP_TIMEOUT_S = 10.0


class _Worker:
    """Book-keeping for one user's worker process."""

    def __init__(self, user_id: str, workspace: Path, clock: Callable[[], float]) -> None:
        self._clock = clock
        self.user_id = user_id
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
        clock: Callable[[], float] = time.monotonic,
        limit_args: Sequence[str] = (),
    ) -> None:
        self.root = root
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
        return cls(
            settings.data_dir / "workspaces",
            max_workers=settings.max_workers,
            idle_timeout_s=settings.worker_idle_timeout_s,
            start_timeout_s=settings.worker_start_timeout_s,
            start_concurrency=settings.worker_start_concurrency,
            allow_code=settings.worker_allow_code,
            tool_timeout_s=settings.tool_timeout_s,
            health_interval_s=settings.worker_health_interval_s,
            limit_args=settings.worker_limit_args(),
        )

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
        return sum(w.state in (WorkerState.STARTING, WorkerState.READY) for w in self._workers.values())

    def has_free_slot(self) -> bool:
        return self.active_count() < self.max_workers or self._idle_victim(None) is not None

    async def shutdown(self) -> None:
        if self._monitor is not None:
            self._monitor.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._monitor
            self._monitor = None
        await asyncio.gather(*(self._stop(w) for w in self._workers.values()), return_exceptions=True)

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
            # Sixteen Blender processes booting at once on two cores each take longer than
            # the start timeout and all fail; in turns, every one boots within it. The cap is
            # checked inside the turn, so workers waiting for one never overshoot it.
            async with self._start_slots:
                others = sum(
                    o.state in (WorkerState.STARTING, WorkerState.READY)
                    for o in self._workers.values()
                    if o is not w
                )
                victim = None
                if others >= self.max_workers:
                    # A worker nobody holds (warmed at log-in, or done with its run) gives
                    # way: idle sign-ups must never keep a real run from starting.
                    victim = self._idle_victim(w)
                    if victim is None:
                        raise WorkersBusy(self.max_workers)
                    victim.evicting = True
                # Claimed before the first await: several starts run at once (one per start
                # slot), and each must count this one and never pick the same victim.
                w.state = WorkerState.STARTING
                try:
                    if victim is not None:
                        log.info("pre-empting the idle worker of %s for %s", victim.user_id, user_id)
                        try:
                            async with victim.lock:
                                await self._stop(victim)
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
        restore, w.restore_next = w.restore_next, False
        try:
            async with open_local_worker(
                w.workspace,
                allow_code=self.allow_code,
                timeout_s=self.tool_timeout_s,
                restore=restore,
                extra_args=self.limit_args,
            ) as session:
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
            except Exception:
                log.exception("worker housekeeping failed")
