"""Start-up over streamable HTTP: the handshake is answered while Blender loads, behind the
token from the first request; calls made meanwhile wait and run; sessions opened then keep
working once uvicorn has taken the socket over. Real worker processes, real HTTP, the MCP SDK's
client through the service's own remote-worker path (``open_http_worker``). The tests decide
when Blender may load through the worker's test-only hold FIFO, so nothing here sleeps."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import re
import socket
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from mcp import ClientSession
from mcp.client.streamable_http import streamable_http_client
from mcp.types import CallToolResult, TextContent

from http_worker import HttpWorker, http_worker
from prompt2mesh.blender.catalogue import CATALOGUE_PATH
from prompt2mesh.roles.interface import ToolResult
from prompt2mesh.workers.remote import open_http_worker
from prompt2mesh.workers.session import WorkerUnavailable

pytestmark = pytest.mark.timeout(120)

TOKEN = "start-token-" + "s" * 32
INITIALIZE = {
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {
        "protocolVersion": "2025-06-18",
        "capabilities": {},
        "clientInfo": {"name": "t", "version": "1"},
    },
}
MCP_HEADERS = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}
AUTHORIZED = {**MCP_HEADERS, "Authorization": f"Bearer {TOKEN}"}


@pytest.fixture
def hold(tmp_path: Path) -> Path:
    fifo = tmp_path / "hold"
    os.mkfifo(fifo)
    return fifo


@pytest.fixture
def held(tmp_path: Path, hold: Path) -> Iterator[HttpWorker]:
    """A worker whose Blender waits for :func:`release`."""
    with http_worker(tmp_path / "ws", TOKEN, hold=hold) as worker:
        yield worker


async def release(hold: Path, word: str = "") -> None:
    """Let the held worker load Blender (opening the FIFO waits until the worker reads it);
    ``fail`` makes the load fail."""

    def write() -> None:
        with open(hold, "w", encoding="utf-8") as fifo:
            fifo.write(word)

    await asyncio.to_thread(write)


def timeline(worker: HttpWorker) -> dict[str, float]:
    """The worker's own start-up marks (ms from its start), from its log."""
    log = (worker.workspace.parent / f"{worker.workspace.name}-http.log").read_text(errors="replace")
    found = re.search(r"start-up \(ms\): (.*)", log)
    assert found, log
    return {step: float(ms) for step, _, ms in (part.rpartition(" ") for part in found.group(1).split(", "))}


def event_data(response: httpx.Response) -> dict[str, Any]:
    data = [line[5:] for line in response.text.splitlines() if line.startswith("data:")]
    assert len(data) == 1, response.text
    return dict(json.loads(data[0]))


@contextlib.asynccontextmanager
async def sdk_session(worker: HttpWorker) -> AsyncIterator[ClientSession]:
    """A plain MCP SDK client session (as Claude Desktop or Cursor would hold one)."""
    headers = {"Authorization": f"Bearer {worker.endpoint.token}"}
    async with (
        httpx.AsyncClient(headers=headers, timeout=httpx.Timeout(10.0, read=90.0)) as http,
        streamable_http_client(worker.endpoint.url, http_client=http) as (read, write, _),
        ClientSession(read, write) as session,
    ):
        await session.initialize()
        yield session


def scene_of(result: CallToolResult) -> dict[str, Any]:
    assert not result.isError, result
    block = result.content[0]
    assert isinstance(block, TextContent)
    return dict(json.loads(block.text))


async def test_the_handshake_is_answered_from_the_catalogue_while_blender_is_held(
    held: HttpWorker, hold: Path
) -> None:
    async with sdk_session(held) as session:
        listed = await session.list_tools()
        shipped = json.loads(CATALOGUE_PATH.read_text())["tools"]["tools"]
        assert [t.name for t in listed.tools] == [t["name"] for t in shipped]
        await release(hold)
        scene_of(await session.call_tool("get_scene_info", {}))
    marks = timeline(held)
    # The worker's own clock: both answers went out before Blender was even initialised.
    assert marks["initialize answered"] < marks["tools listed"] < marks["blender initialised"]


async def test_a_call_during_start_up_waits_for_blender_and_then_runs_in_the_same_session(
    held: HttpWorker, hold: Path
) -> None:
    async with sdk_session(held) as session:
        created = asyncio.create_task(
            session.call_tool("create_primitive", {"kind": "cube", "name": "Early"})
        )
        await session.send_ping()  # answered while the call waits for Blender
        assert not created.done()
        await release(hold)
        assert scene_of(await created)["name"] == "Early"
        # The session the front opened is the SDK's now: later calls go straight to uvicorn.
        scene = scene_of(await session.call_tool("get_scene_info", {}))
        assert [o["name"] for o in scene["objects"]] == ["Early"]


async def test_the_services_remote_client_gets_its_session_once_blender_answers(
    held: HttpWorker, hold: Path
) -> None:
    opening = asyncio.create_task(_open_remote(held))
    # The worker answers the handshake meanwhile; the service's client still waits for Blender.
    async with httpx.AsyncClient(timeout=60) as http:
        assert (await http.post(held.endpoint.url, json=INITIALIZE, headers=AUTHORIZED)).status_code == 200
    assert not opening.done()
    await release(hold, "fail")
    # A worker whose Blender does not load is never handed out (it would fail every call).
    with pytest.raises(ExceptionGroup) as refused:  # raised inside the MCP client's task group
        await opening
    assert refused.group_contains(WorkerUnavailable, match="no usable Blender", depth=None)


async def test_the_services_remote_client_runs_calls_on_a_worker_that_was_starting(
    held: HttpWorker, hold: Path
) -> None:
    opening = asyncio.create_task(
        _open_remote(held, call=("create_primitive", {"kind": "cube", "name": "Remote"}))
    )
    await release(hold)
    made = await opening
    assert made is not None and made.ok and made.result["name"] == "Remote"  # type: ignore[index]


async def _open_remote(
    worker: HttpWorker, call: tuple[str, dict[str, Any]] | None = None
) -> ToolResult | None:
    async with open_http_worker(worker.endpoint, start_timeout_s=90) as session:
        return await session.call(*call) if call else None


async def test_a_session_opened_during_start_up_keeps_its_id_after_the_handover(
    held: HttpWorker, hold: Path
) -> None:
    async with httpx.AsyncClient(timeout=60) as http:
        opened = await http.post(held.endpoint.url, json=INITIALIZE, headers=AUTHORIZED)
        assert opened.status_code == 200
        session_id = opened.headers["mcp-session-id"]
        in_session = {**AUTHORIZED, "mcp-session-id": session_id, "mcp-protocol-version": "2025-06-18"}
        said = await http.post(
            held.endpoint.url,
            json={"jsonrpc": "2.0", "method": "notifications/initialized"},
            headers=in_session,
        )
        assert said.status_code == 202
        await release(hold)
        call = {
            "jsonrpc": "2.0",
            "id": 2,
            "method": "tools/call",
            "params": {"name": "get_scene_info", "arguments": {}},
        }
        answered = await http.post(held.endpoint.url, json=call, headers=in_session)
        assert answered.status_code == 200 and answered.headers["server"] == "uvicorn"
        answer = event_data(answered)
        assert answer["id"] == 2 and answer["result"]["isError"] is False
        unknown = {**in_session, "mcp-session-id": "0" * 32}
        assert (await http.post(held.endpoint.url, json=call, headers=unknown)).status_code == 404


async def test_the_token_is_required_from_the_first_request(held: HttpWorker, hold: Path) -> None:
    async with httpx.AsyncClient(timeout=60) as http:
        for headers in (MCP_HEADERS, {**MCP_HEADERS, "Authorization": f"Bearer {TOKEN}x"}):
            refused = await http.post(held.endpoint.url, json=INITIALIZE, headers=headers)
            assert refused.status_code == 401 and refused.json()["error"]["code"] == "unauthorized"
            assert refused.headers["www-authenticate"].startswith("Bearer")
            assert (await http.get(held.endpoint.url, headers=headers)).status_code == 401
        # A request the front leaves to the SDK is refused too, before it waits for anything.
        call = {"jsonrpc": "2.0", "id": 2, "method": "tools/call", "params": {"name": "get_scene_info"}}
        refused = await http.post(
            held.endpoint.url, json=call, headers={**MCP_HEADERS, "mcp-session-id": "x"}
        )
        assert refused.status_code == 401
        opened = await http.post(held.endpoint.url, json=INITIALIZE, headers=AUTHORIZED)
        assert (
            opened.status_code == 200
            and event_data(opened)["result"]["serverInfo"]["name"] == "prompt2mesh-blender"
        )
        await release(hold)


async def test_a_request_the_front_cannot_answer_exactly_waits_for_the_sdk(
    held: HttpWorker, hold: Path
) -> None:
    async with httpx.AsyncClient(timeout=60) as http:
        # The SDK's DNS-rebinding check decides about browsers' requests; the front leaves them.
        browser = {**AUTHORIZED, "Origin": "http://evil.example"}
        waiting = asyncio.create_task(http.post(held.endpoint.url, json=INITIALIZE, headers=browser))
        opened = await http.post(held.endpoint.url, json=INITIALIZE, headers=AUTHORIZED)
        assert opened.status_code == 200 and not waiting.done()
        await release(hold)
        refused = await waiting
        assert refused.status_code == 403 and refused.headers["server"] == "uvicorn"


async def test_a_malformed_request_during_start_up_is_answered_400_as_uvicorn_would(
    held: HttpWorker, hold: Path
) -> None:
    def ask(raw: bytes) -> bytes:
        with socket.create_connection(("127.0.0.1", held.port), timeout=30) as conn:
            conn.sendall(raw)
            answer = b""
            while chunk := conn.recv(65536):
                answer += chunk
            return answer

    for raw in (b"NONSENSE\r\n\r\n", b"POST /mcp HTTP/1.1\r\nno colon here\r\n\r\n"):
        answer = await asyncio.to_thread(ask, raw)
        assert answer.startswith(b"HTTP/1.1 400 "), answer
    await release(hold)
