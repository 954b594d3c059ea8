"""Workers that live elsewhere (a container, a pod): MCP over streamable HTTP with a token.

:class:`RemoteWorkerManager` keeps every rule of the local manager (the cap, idle pre-emption,
start turns, restarts, reaping, leases) and changes only how a worker comes to life and goes
away: a backend implements :meth:`~RemoteWorkerManager._provision` (start the container or
pod, return where it answers) and :meth:`~RemoteWorkerManager._deprovision` (remove it).

Every worker gets a fresh random token (``P2M_WORKER_TOKEN`` inside it), sent as a bearer
header on every request. The handle's ``workspace`` is a folder on the service's side: the
agent writes its report and screenshots there, and a :class:`~prompt2mesh.workers.mirror.
MirroringRunner` copies in, over MCP, every file a tool reports having written on the worker.
"""

from __future__ import annotations

import abc
import asyncio
import contextlib
import hashlib
import logging
import secrets
import shutil
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, replace
from pathlib import Path

import anyio
import httpx
from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client

from prompt2mesh.workers.base import WorkerHandle
from prompt2mesh.workers.errors import WorkerStartFailed
from prompt2mesh.workers.local import LocalWorkerManager, _Worker
from prompt2mesh.workers.mirror import DEFAULT_MAX_FILE_BYTES, MirroringRunner
from prompt2mesh.workers.session import WorkerSession, _wait_for_blender, _WatchedStream

log = logging.getLogger(__name__)

WORKER_PORT = 8765
_CONNECT_RETRY_S = 0.25


@dataclass(frozen=True)
class Endpoint:
    """Where a provisioned worker answers, and the secret it wants."""

    url: str
    token: str


def new_token() -> str:
    """A per-worker secret: 256 random bits."""
    return secrets.token_urlsafe(32)


def resource_name(prefix: str, user_id: str) -> str:
    """A name for the user's container, pod, service or volume, valid whatever the user id.

    RFC 1123 labels (Kubernetes) and Docker names both accept ``[a-z0-9-]``, at most 63
    characters, starting and ending with an alphanumeric; a user id may be anything. A hash
    of the id is always valid and never collides in practice (80 bits).
    """
    digest = hashlib.sha256(user_id.encode()).hexdigest()[:20]
    return f"{prefix}-{digest}"[:63]


@asynccontextmanager
async def open_http_worker(
    endpoint: Endpoint, *, timeout_s: float = 120.0, start_timeout_s: float = 60.0
) -> AsyncIterator[WorkerSession]:
    """A :class:`WorkerSession` to a worker served by ``prompt2mesh mcp --http``.

    Connection refusals are retried until ``start_timeout_s`` (the worker may still be
    starting); any other failure (a wrong token: 401) ends the attempt at once. The session is
    yielded once Blender answers, within ``start_timeout_s``.

    Raises:
        WorkerStartFailed: the worker did not answer ``initialize`` or load Blender in time,
            or refused us.
        WorkerUnavailable: the worker has no usable Blender.
    """
    deadline = time.monotonic() + start_timeout_s
    headers = {"Authorization": f"Bearer {endpoint.token}"}
    # Reads wait as long as a tool may run; the session's own timeout stops the call first.
    timeout = httpx.Timeout(10.0, read=timeout_s + 30.0)
    while True:
        try:
            async with httpx.AsyncClient(headers=headers, timeout=timeout) as probe:
                await probe.get(endpoint.url)
            break
        except httpx.TransportError as exc:
            if time.monotonic() >= deadline:
                raise WorkerStartFailed(f"worker at {endpoint.url} did not answer: {exc}") from exc
            await anyio.sleep(_CONNECT_RETRY_S)
    async with (
        httpx.AsyncClient(headers=headers, timeout=timeout) as client,
        streamable_http_client(endpoint.url, http_client=client) as (read, write, _),
    ):
        closed = anyio.Event()
        async with ClientSession(_WatchedStream(read, closed), write) as session:  # type: ignore[arg-type]
            try:
                with anyio.fail_after(max(1.0, deadline - time.monotonic())):
                    await session.initialize()
                    # As for a local worker: the handshake is answered before Blender has
                    # loaded, and the session is handed out once Blender answers, so start-up
                    # stays within this timeout and never counts against the first call's.
                    await _wait_for_blender(session)
            except TimeoutError as exc:
                raise WorkerStartFailed(f"worker at {endpoint.url} did not start in time") from exc
            yield WorkerSession(session, timeout_s=timeout_s, closed=closed)


class RemoteWorkerManager(LocalWorkerManager):
    """A :class:`LocalWorkerManager` whose workers run somewhere else, reached over HTTP.

    ``root`` holds the service-side copy of each workspace (``root/<user id>``).
    """

    def __init__(
        self, root: Path, *, max_fetch_bytes: int = DEFAULT_MAX_FILE_BYTES, **kwargs: object
    ) -> None:
        super().__init__(root, **kwargs)  # type: ignore[arg-type]
        self.max_fetch_bytes = max_fetch_bytes
        self._endpoints: dict[str, Endpoint] = {}

    # --- what a backend provides ------------------------------------------------------------

    @abc.abstractmethod
    async def _provision(self, user_id: str, token: str, restore: bool) -> Endpoint:
        """Start the user's worker (replacing any left-over one) and return its endpoint."""

    @abc.abstractmethod
    async def _deprovision(self, user_id: str) -> None:
        """Remove the user's worker; its workspace volume stays."""

    @abc.abstractmethod
    async def _delete_volume(self, user_id: str) -> None:
        """Remove the user's workspace volume (the account is being deleted)."""

    # --- the local manager's hooks ----------------------------------------------------------

    async def acquire(self, user_id: str) -> WorkerHandle:
        handle = await super().acquire(user_id)
        mirror = MirroringRunner(
            handle.runner,
            lambda: self._ensure(user_id),
            handle.workspace,
            max_file_bytes=self.max_fetch_bytes,
        )
        return replace(handle, runner=mirror)

    async def delete_workspace(self, user_id: str) -> None:
        await self.stop_worker(user_id)
        await self._delete_volume(user_id)
        await asyncio.to_thread(shutil.rmtree, self.root / user_id, True)

    @asynccontextmanager
    async def _open_session(self, w: _Worker, restore: bool) -> AsyncIterator[WorkerSession]:
        endpoint = await self._provision(w.user_id, new_token(), restore)
        self._endpoints[w.user_id] = endpoint
        async with open_http_worker(
            endpoint, timeout_s=self.tool_timeout_s, start_timeout_s=self.start_timeout_s
        ) as session:
            yield session

    async def _after_session(self, w: _Worker) -> None:
        self._endpoints.pop(w.user_id, None)
        # Shielded: a start that timed out cancels this task, and the container or pod it
        # began must still go.
        with contextlib.suppress(Exception):
            await asyncio.shield(self._deprovision(w.user_id))
