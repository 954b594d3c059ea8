"""A synchronous handle on a local worker, for scripts, benchmarks and tests.

Runs the MCP client in a private event loop on a background thread, so synchronous code
can call ``worker.call("create_primitive", kind="cube")`` without touching asyncio.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Coroutine, Sequence
from concurrent.futures import CancelledError, Future
from concurrent.futures import TimeoutError as FutureTimeout
from pathlib import Path
from typing import Any, TypeVar

from prompt2mesh.roles.interface import ToolInfo, ToolResult
from prompt2mesh.workers.session import WorkerSession, WorkerUnavailable, open_local_worker

T = TypeVar("T")


class BlockingWorker:
    """Starts a private Blender worker and calls its tools synchronously.

    ``call`` never hangs on a dead worker: it raises :class:`WorkerUnavailable`.
    """

    def __init__(
        self,
        workspace: Path,
        *,
        allow_code: bool = False,
        timeout_s: float = 120.0,
        start_timeout_s: float = 60.0,
        extra_args: Sequence[str] = (),
    ) -> None:
        self.workspace = workspace
        self.extra_args = tuple(extra_args)
        self.timeout_s = timeout_s
        self.error: BaseException | None = None
        self._loop = asyncio.new_event_loop()
        self._ready: Future[WorkerSession] = Future()
        self._stop: asyncio.Event | None = None
        self._thread = threading.Thread(
            target=self._run,
            args=(workspace, allow_code, timeout_s, start_timeout_s),
            daemon=True,
            name="p2m-worker-client",
        )
        self._thread.start()
        try:
            self.session = self._ready.result(timeout=start_timeout_s + 10)
        except BaseException:
            self.close()
            raise

    def _run(self, workspace: Path, allow_code: bool, timeout_s: float, start_timeout_s: float) -> None:
        asyncio.set_event_loop(self._loop)
        try:
            self._loop.run_until_complete(self._main(workspace, allow_code, timeout_s, start_timeout_s))
        finally:
            # Calls still in flight (the connection broke under them) end as cancelled, so no
            # caller waits on a future that nothing will ever complete.
            pending = asyncio.all_tasks(self._loop)
            for task in pending:
                task.cancel()
            if pending:
                self._loop.run_until_complete(asyncio.gather(*pending, return_exceptions=True))
            self._loop.close()

    async def _main(
        self, workspace: Path, allow_code: bool, timeout_s: float, start_timeout_s: float
    ) -> None:
        self._stop = asyncio.Event()
        try:
            async with open_local_worker(
                workspace,
                allow_code=allow_code,
                timeout_s=timeout_s,
                start_timeout_s=start_timeout_s,
                extra_args=self.extra_args,
            ) as session:
                self._ready.set_result(session)
                await self._stop.wait()
        except BaseException as exc:  # noqa: BLE001 (reported through call / ready, never lost)
            if not self._ready.done():
                self._ready.set_exception(exc)
            else:
                # The worker died or shutting it down failed: remember why, for call().
                self.error = exc

    def _submit(self, coro: Coroutine[Any, Any, T], what: str) -> T:
        if not self._thread.is_alive() or self._loop.is_closed():
            coro.close()
            raise WorkerUnavailable(f"worker client has stopped; cannot run {what}") from self.error
        try:
            future = asyncio.run_coroutine_threadsafe(coro, self._loop)
        except RuntimeError as exc:  # the loop closed in between
            coro.close()
            raise WorkerUnavailable(f"worker client has stopped; cannot run {what}") from exc
        while True:
            try:
                return future.result(timeout=1.0)
            except FutureTimeout:
                if not self._thread.is_alive():
                    future.cancel()
                    raise WorkerUnavailable(f"worker client stopped during {what}") from self.error
            except CancelledError as exc:
                raise WorkerUnavailable(f"worker connection lost during {what}") from exc

    def call(self, tool: str, /, **args: Any) -> ToolResult:
        """Call ``tool`` with keyword arguments; returns the :class:`ToolResult`."""
        return self._submit(self.session.call(tool, args), tool)

    def list_tools(self) -> list[ToolInfo]:
        return self._submit(self.session.list_tools(), "list_tools")

    @property
    def alive(self) -> bool:
        return self._thread.is_alive() and self.session.alive

    def close(self) -> None:
        if self._thread.is_alive():
            if self._stop is not None:
                try:
                    self._loop.call_soon_threadsafe(self._stop.set)
                except RuntimeError:  # the loop closed meanwhile
                    pass
            self._thread.join(timeout=30)

    def __enter__(self) -> BlockingWorker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
