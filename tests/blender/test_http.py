"""The worker over streamable HTTP: every request needs the worker's bearer token."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from http_worker import HttpWorker, http_worker
from prompt2mesh.blender.http import TokenRequired, check_token_policy, is_loopback
from prompt2mesh.workers.errors import WorkerStartFailed
from prompt2mesh.workers.remote import Endpoint, open_http_worker

pytestmark = pytest.mark.timeout(120)

TOKEN = "test-token-" + "x" * 32
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


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HttpWorker]:
    with http_worker(tmp_path_factory.mktemp("http") / "ws", TOKEN) as worker:
        yield worker


def test_a_request_without_a_token_is_refused_with_401(served: HttpWorker) -> None:
    response = httpx.post(served.endpoint.url, json=INITIALIZE, headers=MCP_HEADERS)
    assert response.status_code == 401
    assert response.headers["www-authenticate"].startswith("Bearer")
    assert response.json()["error"]["code"] == "unauthorized"


def test_a_wrong_token_is_refused_with_401(served: HttpWorker) -> None:
    for wrong in (TOKEN[:-1], TOKEN + "x", "Bearer", TOKEN.upper()):
        headers = {**MCP_HEADERS, "Authorization": f"Bearer {wrong}"}
        assert httpx.post(served.endpoint.url, json=INITIALIZE, headers=headers).status_code == 401
    basic = {**MCP_HEADERS, "Authorization": f"Basic {TOKEN}"}
    assert httpx.post(served.endpoint.url, json=INITIALIZE, headers=basic).status_code == 401


def test_the_right_token_opens_a_session(served: HttpWorker) -> None:
    headers = {**MCP_HEADERS, "Authorization": f"Bearer {TOKEN}"}
    response = httpx.post(served.endpoint.url, json=INITIALIZE, headers=headers)
    assert response.status_code == 200
    assert "mcp-session-id" in response.headers


async def test_a_client_with_the_token_calls_tools(served: HttpWorker) -> None:
    async with open_http_worker(served.endpoint, start_timeout_s=30) as session:
        made = await session.call("create_primitive", {"kind": "cube", "name": "HttpCube"})
        assert made.ok, made.error
        scene = await session.call("get_scene_info", {})
        assert "HttpCube" in str(scene.result)


async def test_a_client_with_a_wrong_token_cannot_start(served: HttpWorker) -> None:
    wrong = Endpoint(served.endpoint.url, "not-the-token-" + "y" * 20)
    with pytest.raises((WorkerStartFailed, httpx.HTTPStatusError, ExceptionGroup)):
        async with open_http_worker(wrong, start_timeout_s=10):
            pass


def test_a_worker_bound_beyond_loopback_refuses_to_start_without_a_token(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("P2M_")}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "prompt2mesh",
            "mcp",
            "--http",
            "--host",
            "0.0.0.0",
            "--workspace",
            str(tmp_path),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "P2M_WORKER_TOKEN" in done.stderr


def test_the_token_policy_reads_as_its_rules() -> None:
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert not is_loopback("0.0.0.0") and not is_loopback("10.1.2.3") and not is_loopback("worker")
    check_token_policy("127.0.0.1", None)  # a local MCP client may go without
    check_token_policy("0.0.0.0", TOKEN)
    with pytest.raises(TokenRequired):
        check_token_policy("0.0.0.0", None)
    with pytest.raises(TokenRequired):
        check_token_policy("127.0.0.1", "short")
