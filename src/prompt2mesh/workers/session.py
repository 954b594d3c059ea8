"""MCP client sessions to Blender workers, wrapped as a :class:`ToolRunner`.

``open_local_worker`` spawns ``prompt2mesh mcp`` as a child process over stdio; the same
:class:`WorkerSession` wraps any ``mcp.ClientSession`` (stdio, streamable HTTP, a pod).
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import signal
import sys
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import anyio
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client
from mcp.shared.exceptions import McpError
from mcp.types import CONNECTION_CLOSED, CallToolResult, ImageContent, TextContent

from prompt2mesh.blender.arguments import find_unsendable
from prompt2mesh.blender.front import ASSIGN_WORKSPACE
from prompt2mesh.roles.interface import ToolInfo, ToolResult

READY_PROBE = "get_history"
"""A cheap read-only tool: its first answer says the worker's Blender is loaded."""


class WorkerUnavailable(RuntimeError):
    """The worker process died or stopped answering."""


class ToolTimedOut(WorkerUnavailable):
    """A tool call ran past the time limit; the worker process was killed (never left running)."""

    def __init__(self, tool: str, timeout_s: float) -> None:
        super().__init__(
            f"{tool} ran past the {timeout_s:.0f} s limit for one tool call and was stopped "
            "(the worker was killed)"
        )
        self.tool = tool
        self.timeout_s = timeout_s


class _WatchedStream:
    """A read stream that sets ``closed`` when it ends: the worker's output is gone.

    ``ClientSession`` only answers requests pending at that moment with "Connection closed";
    a request sent later would wait for ever. :class:`WorkerSession` checks this event instead.
    """

    def __init__(self, stream: Any, closed: anyio.Event) -> None:
        self._stream = stream
        self._closed = closed

    async def __aenter__(self) -> _WatchedStream:
        await self._stream.__aenter__()
        return self

    async def __aexit__(self, *exc: Any) -> bool | None:
        self._closed.set()
        return await self._stream.__aexit__(*exc)

    def __aiter__(self) -> _WatchedStream:
        return self

    async def __anext__(self) -> Any:
        try:
            return await self._stream.receive()
        except (anyio.EndOfStream, anyio.ClosedResourceError, anyio.BrokenResourceError):
            self._closed.set()
            raise StopAsyncIteration from None

    async def receive(self) -> Any:
        try:
            return await self._stream.receive()
        except (anyio.EndOfStream, anyio.ClosedResourceError, anyio.BrokenResourceError):
            self._closed.set()
            raise

    async def aclose(self) -> None:
        self._closed.set()
        await self._stream.aclose()


_CONNECTION_ERRORS = (
    anyio.ClosedResourceError,
    anyio.BrokenResourceError,
    anyio.EndOfStream,
    BrokenPipeError,
    ConnectionError,
)


class WorkerSession:
    """Calls tools on one worker; a tool's own error comes back as ``ok=False``, never raised.

    Raises :class:`WorkerUnavailable` (promptly, not after ``timeout_s``) when the connection
    is gone, and after ``timeout_s`` when the worker does not answer.
    """

    def __init__(
        self,
        session: ClientSession,
        *,
        timeout_s: float = 120.0,
        closed: anyio.Event | None = None,
        kill: Callable[[], None] | None = None,
    ) -> None:
        self.session = session
        self.timeout_s = timeout_s
        self.closed = closed
        self.kill = kill
        """Ends the worker process; called when a request runs past ``timeout_s``, because a
        Blender busy in a tool cannot be interrupted any other way."""
        self._tools: list[ToolInfo] | None = None

    @property
    def alive(self) -> bool:
        return self.closed is None or not self.closed.is_set()

    async def _request(self, what: str, request: Callable[[], Awaitable[Any]]) -> Any:
        """Run one MCP request; connection loss and timeouts become WorkerUnavailable."""
        if not self.alive:
            raise WorkerUnavailable(f"worker connection is closed; cannot run {what}")
        outcome: list[Any] = []

        async def run(scope: anyio.CancelScope) -> None:
            outcome.append(await request())
            scope.cancel()

        async def watch(scope: anyio.CancelScope) -> None:
            assert self.closed is not None
            await self.closed.wait()
            scope.cancel()

        try:
            with anyio.fail_after(self.timeout_s):
                async with anyio.create_task_group() as tg:
                    tg.start_soon(run, tg.cancel_scope)
                    if self.closed is not None:
                        tg.start_soon(watch, tg.cancel_scope)
        except TimeoutError as exc:
            if self.kill is not None:
                self.kill()
                if self.closed is not None:
                    self.closed.set()
                raise ToolTimedOut(what, self.timeout_s) from exc
            raise WorkerUnavailable(f"worker did not answer {what} within {self.timeout_s:.0f} s") from exc
        except McpError as exc:
            if exc.error.code == CONNECTION_CLOSED:
                raise WorkerUnavailable(f"worker connection lost during {what}") from exc
            raise
        except _CONNECTION_ERRORS as exc:
            raise WorkerUnavailable(f"worker connection lost during {what}") from exc
        except BaseExceptionGroup as group:
            lost = group.subgroup(lambda e: isinstance(e, _CONNECTION_ERRORS) or _closed_error(e))
            if lost is not None:
                raise WorkerUnavailable(f"worker connection lost during {what}") from group
            rest = group.subgroup(lambda e: not isinstance(e, BaseExceptionGroup))
            if rest is not None and len(rest.exceptions) == 1:
                raise rest.exceptions[0] from None
            raise
        if not outcome:
            raise WorkerUnavailable(f"worker connection lost during {what}")
        return outcome[0]

    async def list_tools(self) -> list[ToolInfo]:
        if self._tools is None:
            listed = await self._request("list_tools", self.session.list_tools)
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
        problem = find_unsendable(args)
        if problem is not None:
            # Refused here: JSON would carry NaN as null (read as "the default"), and a string
            # that is not valid Unicode would break the connection instead of the call.
            return ToolResult(
                tool=tool,
                args=args,
                ok=False,
                error=f"Error executing tool {tool}: [invalid_argument] {problem}",
                duration_s=time.perf_counter() - started,
            )
        try:
            raw = await self._request(tool, lambda: self.session.call_tool(tool, args))
        except McpError as exc:
            # A protocol-level refusal (bad request, unknown method): the caller's mistake.
            return ToolResult(
                tool=tool,
                args=args,
                ok=False,
                error=exc.error.message,
                duration_s=time.perf_counter() - started,
            )
        return parse_result(tool, args, raw, time.perf_counter() - started)


async def _wait_for_blender(session: ClientSession) -> None:
    probe = await session.call_tool(READY_PROBE, {})
    if probe.isError:
        reason = " ".join(c.text for c in probe.content if isinstance(c, TextContent))
        raise WorkerUnavailable(f"the worker has no usable Blender: {reason}")


async def assign_workspace(worker: WorkerSession, workspace: Path, *, log: str = "worker.log") -> None:
    """Give a spare worker its workspace, and return once its Blender answers there.

    The assignment is a notification only the worker's parent can send (it holds the
    worker's stdin); the SDK's client has no type for it, so it goes out on the session's
    write stream directly.

    Raises:
        WorkerUnavailable: the worker is gone, or has no usable Blender.
    """
    from mcp.shared.message import SessionMessage
    from mcp.types import JSONRPCMessage, JSONRPCNotification

    notification = JSONRPCNotification(
        jsonrpc="2.0", method=ASSIGN_WORKSPACE, params={"workspace": str(workspace), "log": log}
    )
    try:
        await worker.session._write_stream.send(SessionMessage(JSONRPCMessage(notification)))
    except _CONNECTION_ERRORS as exc:
        raise WorkerUnavailable("the spare worker is gone") from exc
    await worker._request("the first call", lambda: _wait_for_blender(worker.session))


def _closed_error(exc: BaseException) -> bool:
    return isinstance(exc, McpError) and exc.error.code == CONNECTION_CLOSED


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


def worker_command(
    workspace: Path, *, allow_code: bool = False, restore: bool = False, extra_args: Sequence[str] = ()
) -> StdioServerParameters:
    """How to start a local stdio worker with this interpreter.

    ``restore`` reopens the scene the previous worker in ``workspace`` held when its last call
    started; ``extra_args`` are more ``prompt2mesh mcp`` flags (limits such as
    ``--max-vertices 500000``).
    """
    cli_args = ["-m", "prompt2mesh", "mcp", "--workspace", str(workspace)]
    if allow_code:
        cli_args.append("--allow-code")
    if restore:
        cli_args.append("--restore")
    cli_args.extend(extra_args)
    env = {k: v for k, v in os.environ.items() if not k.startswith("P2M_")}
    return StdioServerParameters(command=sys.executable, args=cli_args, env=env)


@asynccontextmanager
async def open_local_worker(
    workspace: Path,
    *,
    allow_code: bool = False,
    timeout_s: float = 120.0,
    errlog: Any = None,
    start_timeout_s: float = 60.0,
    restore: bool = False,
    extra_args: Sequence[str] = (),
    spare: bool = False,
) -> AsyncIterator[WorkerSession]:
    """Start a private Blender worker over stdio and yield a ready :class:`WorkerSession`.

    The worker's stderr (Blender's logs) goes to ``errlog``, by default ``worker.log`` in
    the workspace. Leaving the block ends the worker process. A call that runs past
    ``timeout_s`` kills the process (:class:`ToolTimedOut`); see :func:`worker_command` for
    ``restore`` and ``extra_args``. A ``spare`` worker (started with ``--spare-root``) is
    handed out without waiting for Blender: it waits for :func:`assign_workspace` first.
    """
    workspace.mkdir(parents=True, exist_ok=True)
    params = worker_command(workspace, allow_code=allow_code, restore=restore, extra_args=extra_args)
    log = errlog if errlog is not None else open(workspace / "worker.log", "a")  # noqa: SIM115
    try:
        async with (
            stdio_client(params, errlog=log) as (read, write),
        ):
            closed = anyio.Event()
            async with ClientSession(_WatchedStream(read, closed), write) as session:  # type: ignore[arg-type]
                with anyio.fail_after(start_timeout_s):
                    await session.initialize()
                    if not spare:
                        # The worker answers the handshake before Blender has loaded; a session
                        # is handed out once Blender answers, so start-up stays within this
                        # timeout and never counts against the first call's.
                        await _wait_for_blender(session)
                pid = find_child_pid(workspace)
                yield WorkerSession(
                    session, timeout_s=timeout_s, closed=closed, kill=(lambda: kill_pid(pid)) if pid else None
                )
    finally:
        if errlog is None:
            log.close()


def find_child_pid(workspace: Path) -> int | None:
    """The pid of this process's worker child started with ``--workspace <workspace>`` (Linux)."""
    me = os.getpid()
    needle = f"--workspace\0{workspace}\0".encode()
    with contextlib.suppress(OSError):
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                if needle not in (entry / "cmdline").read_bytes() + b"\0":
                    continue
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == me:
                return int(entry.name)
    return None


def kill_pid(pid: int) -> None:
    """SIGKILL ``pid`` (a Blender busy inside a tool does not run Python signal handlers)."""
    with contextlib.suppress(OSError):
        os.kill(pid, signal.SIGKILL)
