"""MCP client sessions to Blender workers, wrapped as a :class:`ToolRunner`.

``open_local_worker`` spawns ``prompt2mesh mcp`` as a child process over stdio; the same
:class:`WorkerSession` wraps any ``mcp.ClientSession`` (stdio, streamable HTTP, a pod).
"""

from __future__ import annotations

import base64
import json
import os
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import anyio
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp.types import CallToolResult, ImageContent, TextContent

from prompt2mesh.models.roles import ToolInfo, ToolResult


class WorkerUnavailable(RuntimeError):
    """The worker process died or stopped answering."""


class WorkerSession:
    """Calls tools on one worker; a tool's own error comes back as ``ok=False``, never raised."""

    def __init__(self, session: ClientSession, *, timeout_s: float = 120.0) -> None:
        self.session = session
        self.timeout_s = timeout_s
        self._tools: list[ToolInfo] | None = None

    async def list_tools(self) -> list[ToolInfo]:
        if self._tools is None:
            listed = await self.session.list_tools()
            self._tools = [
                ToolInfo(
                    name=t.name,
                    description=t.description or "",
                    input_schema=t.inputSchema,
                    category=str((t.meta or {}).get("category", "advanced")),
                )
                for t in listed.tools
            ]
        return self._tools

    async def call(self, tool: str, args: dict[str, Any] | None = None) -> ToolResult:
        args = dict(args or {})
        started = time.perf_counter()
        try:
            with anyio.fail_after(self.timeout_s):
                raw = await self.session.call_tool(tool, args)
        except TimeoutError as exc:
            raise WorkerUnavailable(f"worker did not answer {tool} within {self.timeout_s:.0f} s") from exc
        except (anyio.ClosedResourceError, anyio.BrokenResourceError, anyio.EndOfStream) as exc:
            raise WorkerUnavailable(f"worker connection lost during {tool}") from exc
        return parse_result(tool, args, raw, time.perf_counter() - started)


def parse_result(tool: str, args: dict[str, Any], raw: CallToolResult, duration_s: float) -> ToolResult:
    """Turn an MCP ``CallToolResult`` into a :class:`ToolResult` (JSON result + PNG images)."""
    texts = [c.text for c in raw.content if isinstance(c, TextContent)]
    images = [base64.b64decode(c.data) for c in raw.content if isinstance(c, ImageContent)]
    if raw.isError:
        return ToolResult(
            tool=tool, args=args, ok=False, error="\n".join(texts) or "tool failed", duration_s=duration_s
        )
    result: Any = raw.structuredContent
    if isinstance(result, dict) and set(result) == {"result"}:
        result = result["result"]
    if result is None and texts:
        try:
            result = json.loads(texts[0]) if len(texts) == 1 else [json.loads(t) for t in texts]
        except json.JSONDecodeError:
            result = "\n".join(texts)
    return ToolResult(tool=tool, args=args, ok=True, result=result, images=images, duration_s=duration_s)


def worker_command(workspace: Path, *, allow_code: bool = False) -> StdioServerParameters:
    """How to start a local stdio worker with this interpreter."""
    cli_args = ["-m", "prompt2mesh", "mcp", "--workspace", str(workspace)]
    if allow_code:
        cli_args.append("--allow-code")
    env = {k: v for k, v in os.environ.items() if not k.startswith("P2M_")}
    return StdioServerParameters(command=sys.executable, args=cli_args, env=env)


@asynccontextmanager
async def open_local_worker(
    workspace: Path, *, allow_code: bool = False, timeout_s: float = 120.0, errlog: Any = None
) -> AsyncIterator[WorkerSession]:
    """Start a private Blender worker over stdio and yield a ready :class:`WorkerSession`."""
    workspace.mkdir(parents=True, exist_ok=True)
    params = worker_command(workspace, allow_code=allow_code)
    log = errlog if errlog is not None else open(workspace / "worker.log", "a")  # noqa: SIM115
    try:
        async with (
            stdio_client(params, errlog=log) as (read, write),
            ClientSession(read, write) as session,
        ):
            await session.initialize()
            yield WorkerSession(session, timeout_s=timeout_s)
    finally:
        if errlog is None:
            log.close()
