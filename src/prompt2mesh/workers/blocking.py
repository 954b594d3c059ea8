"""A synchronous handle on a local worker, for scripts, benchmarks and tests.

Runs the MCP client in a private event loop on a background thread, so synchronous code
can call ``worker.call("create_primitive", kind="cube")`` without touching asyncio.
"""

from __future__ import annotations

import asyncio
import threading
from concurrent.futures import Future
from pathlib import Path
from typing import Any

from prompt2mesh.models.roles import ToolInfo, ToolResult
from prompt2mesh.workers.session import WorkerSession, open_local_worker


class BlockingWorker:
    """Starts a private Blender worker and calls its tools synchronously."""

    def __init__(self, workspace: Path, *, allow_code: bool = False, timeout_s: float = 120.0) -> None:
        self.workspace = workspace
        self._loop = asyncio.new_event_loop()
        self._ready: Future[WorkerSession] = Future()
        self._stop: asyncio.Event | None = None
        self._thread = threading.Thread(
            target=self._run, args=(workspace, allow_code, timeout_s), daemon=True, name="p2m-worker-client"
        )
        self._thread.start()
        self.session = self._ready.result(timeout=60)

    def _run(self, workspace: Path, allow_code: bool, timeout_s: float) -> None:
        asyncio.set_event_loop(self._loop)
        self._loop.run_until_complete(self._main(workspace, allow_code, timeout_s))
        self._loop.close()

    async def _main(self, workspace: Path, allow_code: bool, timeout_s: float) -> None:
        self._stop = asyncio.Event()
        try:
            async with open_local_worker(workspace, allow_code=allow_code, timeout_s=timeout_s) as session:
                self._ready.set_result(session)
                await self._stop.wait()
        except BaseException as exc:
            if not self._ready.done():
                self._ready.set_exception(exc)
            else:
                raise

    def call(self, tool: str, /, **args: Any) -> ToolResult:
        """Call ``tool`` with keyword arguments; returns the :class:`ToolResult`."""
        return asyncio.run_coroutine_threadsafe(self.session.call(tool, args), self._loop).result()

    def list_tools(self) -> list[ToolInfo]:
        return asyncio.run_coroutine_threadsafe(self.session.list_tools(), self._loop).result()

    def close(self) -> None:
        if self._stop is not None and self._thread.is_alive():
            self._loop.call_soon_threadsafe(self._stop.set)
            self._thread.join(timeout=30)

    def __enter__(self) -> BlockingWorker:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
