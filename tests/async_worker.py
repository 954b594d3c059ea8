"""The session's real worker (a BlockingWorker on its own event loop) as an async ToolRunner."""

from __future__ import annotations

import asyncio
from typing import Any

from prompt2mesh.roles.interface import ToolInfo, ToolResult
from prompt2mesh.workers.blocking import BlockingWorker


class AsyncWorker:
    """Awaitable calls on a BlockingWorker, whose MCP session lives on another event loop."""

    def __init__(self, worker: BlockingWorker) -> None:
        self.worker = worker

    async def call(self, tool: str, args: dict[str, Any] | None = None) -> ToolResult:
        return await asyncio.to_thread(self.worker.call, tool, **(args or {}))

    async def list_tools(self) -> list[ToolInfo]:
        return await asyncio.to_thread(self.worker.list_tools)
