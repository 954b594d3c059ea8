"""The worker-manager interface: one private Blender worker per user.

A backend (local subprocesses in :mod:`prompt2mesh.workers.local`, Kubernetes pods later)
starts a user's worker on first need, health-checks it, restarts it when it dies, reaps it
after an idle timeout and refuses new workers beyond a cap with :class:`WorkersBusy`.

Callers hold a *lease* while they use a worker so it is never reaped mid-run::

    async with manager.lease(user_id) as handle:
        await handle.runner.call("get_scene_info", {})
"""

from __future__ import annotations

import abc
import asyncio
import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from pathlib import Path

from prompt2mesh.roles.interface import ToolRunner


class WorkerState(StrEnum):
    STOPPED = "stopped"
    STARTING = "starting"
    READY = "ready"
    DEAD = "dead"


@dataclass(frozen=True)
class WorkerInfo:
    """A snapshot of one user's worker, for the API and the benchmark."""

    user_id: str
    state: WorkerState
    workspace: Path
    started_at: datetime | None = None
    last_used_at: datetime | None = None
    restarts: int = 0
    leases: int = 0
    pid: int | None = None
    rss_bytes: int | None = None


@dataclass(frozen=True)
class WorkerHandle:
    """What a lease hands out: the user's workspace and a runner for their worker.

    ``runner`` survives restarts: after the worker dies, its next call goes to a fresh one.
    ``workspace`` is the folder the service reads artifacts from (the worker's own folder
    for local workers; the mounted volume for pods).
    """

    user_id: str
    workspace: Path
    runner: ToolRunner


class WorkerManager(abc.ABC):
    """Hands out per-user workers; every backend implements these methods."""

    max_workers: int

    @abc.abstractmethod
    def workspace_for(self, user_id: str) -> Path:
        """The user's persistent workspace folder (created on first use)."""

    @abc.abstractmethod
    async def start(self) -> None:
        """Start background housekeeping (health checks, idle reaping)."""

    @abc.abstractmethod
    async def acquire(self, user_id: str) -> WorkerHandle:
        """Return a ready worker for ``user_id``, starting it if needed, and take a lease.

        Raises:
            WorkersBusy: the cap on concurrent workers is reached.
            WorkerStartFailed: the worker did not become ready in time.
        """

    @abc.abstractmethod
    async def release(self, handle: WorkerHandle) -> None:
        """Give back a lease taken by :meth:`acquire`; the idle clock restarts now."""

    @abc.abstractmethod
    async def health(self, user_id: str) -> bool:
        """Whether the user's worker answers a cheap request (False if none is running)."""

    @abc.abstractmethod
    async def reap(self) -> list[str]:
        """Stop workers idle past the timeout and without leases; return their user ids."""

    @abc.abstractmethod
    async def stop_worker(self, user_id: str) -> None:
        """Stop the user's worker now (its workspace stays)."""

    @abc.abstractmethod
    def info(self, user_id: str) -> WorkerInfo:
        """The current state of the user's worker (``stopped`` when there is none)."""

    @abc.abstractmethod
    def active_count(self) -> int:
        """Workers started or starting (what counts against the cap)."""

    def has_free_slot(self) -> bool:
        """Whether a user without a worker could get one now (backends that can pre-empt
        idle workers count those as free)."""
        return self.active_count() < self.max_workers

    async def delete_workspace(self, user_id: str) -> None:
        """Stop the user's worker and delete their workspace for good (the account is deleted).

        Backends that keep a workspace elsewhere (a Docker volume, a PersistentVolumeClaim)
        delete that too.
        """
        await self.stop_worker(user_id)
        await asyncio.to_thread(shutil.rmtree, self.workspace_for(user_id), True)

    @abc.abstractmethod
    async def shutdown(self) -> None:
        """Stop every worker and the housekeeping."""

    @asynccontextmanager
    async def lease(self, user_id: str) -> AsyncIterator[WorkerHandle]:
        """:meth:`acquire` and :meth:`release` around a block.

        Raises:
            WorkersBusy: the cap on concurrent workers is reached.
            WorkerStartFailed: the worker did not become ready in time.
        """
        handle = await self.acquire(user_id)
        try:
            yield handle
        finally:
            await self.release(handle)
