"""WorkerSession / BlockingWorker: results parsed, tool errors returned, dead workers reported."""

from __future__ import annotations

import base64
import time
from pathlib import Path
from typing import Any

import anyio
import pytest
from mcp.shared.exceptions import McpError
from mcp.types import (
    CONNECTION_CLOSED,
    INVALID_PARAMS,
    CallToolResult,
    ErrorData,
    ImageContent,
    ListToolsResult,
    TextContent,
    Tool,
)

from prompt2mesh.workers.blocking import BlockingWorker
from prompt2mesh.workers.session import WorkerSession, WorkerUnavailable, parse_result

pytestmark = pytest.mark.timeout(120)


# --- parse_result -------------------------------------------------------------------------------


def test_structured_results_are_unwrapped() -> None:
    raw = CallToolResult(
        content=[TextContent(type="text", text="ignored")], structuredContent={"result": [1, 2]}
    )
    parsed = parse_result("t", {"a": 1}, raw, 0.5)
    assert parsed.ok and parsed.result == [1, 2] and parsed.args == {"a": 1} and parsed.duration_s == 0.5
    raw = CallToolResult(content=[], structuredContent={"name": "Cube", "result": 3})
    assert parse_result("t", {}, raw, 0).result == {"name": "Cube", "result": 3}


def test_text_results_are_read_as_json_when_they_are_json() -> None:
    one = CallToolResult(content=[TextContent(type="text", text='{"x": 1}')])
    assert parse_result("t", {}, one, 0).result == {"x": 1}
    two = CallToolResult(content=[TextContent(type="text", text="1"), TextContent(type="text", text="[2]")])
    assert parse_result("t", {}, two, 0).result == [1, [2]]
    prose = CallToolResult(
        content=[TextContent(type="text", text="hello"), TextContent(type="text", text="world")]
    )
    assert parse_result("t", {}, prose, 0).result == "hello\nworld"


def test_images_are_decoded_and_errors_are_not_raised() -> None:
    png = b"\x89PNG\r\n\x1a\nfake"
    raw = CallToolResult(
        content=[
            ImageContent(type="image", data=base64.b64encode(png).decode(), mimeType="image/png"),
            TextContent(type="text", text='{"width": 4}'),
        ]
    )
    parsed = parse_result("shot", {}, raw, 0)
    assert parsed.images == [png] and parsed.result == {"width": 4}
    failed = CallToolResult(content=[TextContent(type="text", text="[not_found] no object")], isError=True)
    result = parse_result("t", {}, failed, 0)
    assert not result.ok and result.error == "[not_found] no object" and result.result is None
    assert parse_result("t", {}, CallToolResult(content=[], isError=True), 0).error == "tool failed"


# --- WorkerSession with a stand-in MCP session ------------------------------------------------------


class FakeSession:
    """Just enough of ``mcp.ClientSession`` for WorkerSession."""

    def __init__(self, behaviour: Any) -> None:
        self.behaviour = behaviour
        self.calls = 0
        self.listings = 0

    async def call_tool(self, tool: str, args: dict[str, Any]) -> CallToolResult:
        self.calls += 1
        return await self.behaviour(tool, args)

    async def list_tools(self) -> ListToolsResult:
        self.listings += 1
        return ListToolsResult(
            tools=[
                Tool(
                    name="a", description="A.", inputSchema={"type": "object"}, _meta={"category": "creation"}
                ),
                Tool(name="b", inputSchema={"type": "object"}),
            ]
        )


async def _answer(tool: str, args: dict[str, Any]) -> CallToolResult:
    return CallToolResult(content=[], structuredContent={"tool": tool, **args})


async def _hang(tool: str, args: dict[str, Any]) -> CallToolResult:
    await anyio.sleep_forever()
    raise AssertionError


def _raising(exc: BaseException) -> Any:
    async def behaviour(tool: str, args: dict[str, Any]) -> CallToolResult:
        raise exc

    return behaviour


async def test_calls_and_tool_listing() -> None:
    fake = FakeSession(_answer)
    session = WorkerSession(fake, timeout_s=5)  # type: ignore[arg-type]
    result = await session.call("create", {"n": 1})
    assert result.ok and result.result == {"tool": "create", "n": 1} and result.duration_s >= 0
    tools = await session.list_tools()
    assert [(t.name, t.category, t.description) for t in tools] == [
        ("a", "creation", "A."),
        ("b", "advanced", ""),
    ]
    await session.list_tools()
    assert fake.listings == 1  # cached


async def test_a_silent_worker_times_out() -> None:
    session = WorkerSession(FakeSession(_hang), timeout_s=0.3)  # type: ignore[arg-type]
    started = time.monotonic()
    with pytest.raises(WorkerUnavailable, match="did not answer slow within"):
        await session.call("slow")
    assert time.monotonic() - started < 3


@pytest.mark.parametrize(
    "exc",
    [
        McpError(ErrorData(code=CONNECTION_CLOSED, message="Connection closed")),
        anyio.ClosedResourceError(),
        anyio.BrokenResourceError(),
        BrokenPipeError(),
    ],
)
async def test_a_lost_connection_is_worker_unavailable(exc: BaseException) -> None:
    session = WorkerSession(FakeSession(_raising(exc)), timeout_s=5)  # type: ignore[arg-type]
    with pytest.raises(WorkerUnavailable, match="connection lost during t"):
        await session.call("t")


async def test_a_protocol_refusal_is_a_failed_result_not_an_exception() -> None:
    refusal = McpError(ErrorData(code=INVALID_PARAMS, message="Invalid request parameters"))
    session = WorkerSession(FakeSession(_raising(refusal)), timeout_s=5)  # type: ignore[arg-type]
    result = await session.call("t", {"x": 1})
    assert not result.ok and result.error == "Invalid request parameters" and result.args == {"x": 1}


async def test_other_errors_propagate() -> None:
    session = WorkerSession(FakeSession(_raising(KeyError("bug"))), timeout_s=5)  # type: ignore[arg-type]
    with pytest.raises(KeyError):
        await session.call("t")


async def test_a_closed_connection_fails_at_once_and_during_a_call() -> None:
    closed = anyio.Event()
    fake = FakeSession(_hang)
    session = WorkerSession(fake, timeout_s=60, closed=closed)  # type: ignore[arg-type]
    assert session.alive
    started = time.monotonic()
    async with anyio.create_task_group() as tg:
        tg.start_soon(_set_later, closed)
        with pytest.raises(WorkerUnavailable):
            await session.call("t")
    assert time.monotonic() - started < 5 and not session.alive
    with pytest.raises(WorkerUnavailable, match="closed"):
        await session.call("t")
    assert fake.calls == 1  # the second call never reached the connection


async def _set_later(event: anyio.Event) -> None:
    await anyio.sleep(0.2)
    event.set()


# --- BlockingWorker with a real worker ----------------------------------------------------------------


def test_blocking_worker_round_trip_and_close(tmp_path: Path) -> None:
    worker = BlockingWorker(tmp_path / "ws")
    try:
        assert worker.alive
        result = worker.call("create_empty", name="Probe")  # `name` is a tool argument, not the tool
        assert result.ok and result.result["name"] == "Probe"
        assert any(t.name == "create_empty" for t in worker.list_tools())
        assert (tmp_path / "ws" / "worker.log").exists()  # Blender's log is kept, off the protocol
    finally:
        worker.close()
    worker.close()  # twice is fine
    started = time.monotonic()
    with pytest.raises(WorkerUnavailable):
        worker.call("get_scene_info")
    assert time.monotonic() - started < 5
