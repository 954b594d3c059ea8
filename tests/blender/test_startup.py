"""Start-up: the protocol is answered while Blender loads; calls wait for Blender; a failed load
is a clear tool error. The worker is real; the tests decide when Blender may load through the
loader's test-only hold FIFO (``--test-hold-blender``), so nothing here sleeps."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from prompt2mesh.blender.catalogue import CATALOGUE_PATH

pytestmark = pytest.mark.timeout(120)

INITIALIZE = {
    "protocolVersion": "2025-06-18",
    "capabilities": {},
    "clientInfo": {"name": "test", "version": "0"},
}


class RawWorker:
    """A worker process spoken to line by line, as a client would."""

    def __init__(self, tmp_path: Path, hold: Path) -> None:
        self.log = tmp_path / "worker.log"
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "prompt2mesh",
                "mcp",
                "--workspace",
                str(tmp_path / "ws"),
                "--test-hold-blender",
                str(hold),
            ],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=open(self.log, "wb"),  # noqa: SIM115
        )
        self._ids = iter(range(1, 10_000))

    def send(self, message: dict[str, Any]) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write((json.dumps(message) + "\n").encode())
        self.proc.stdin.flush()

    def request(self, method: str, params: dict[str, Any] | None = None) -> int:
        ident = next(self._ids)
        self.send({"jsonrpc": "2.0", "id": ident, "method": method, "params": params or {}})
        return ident

    def reply(self) -> dict[str, Any]:
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        assert line, f"the worker closed its output; log:\n{self.log.read_text(errors='replace')}"
        return dict(json.loads(line))

    def close(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
        self.proc.wait(timeout=30)


@pytest.fixture
def hold(tmp_path: Path) -> Path:
    fifo = tmp_path / "hold"
    os.mkfifo(fifo)
    return fifo


@pytest.fixture
def raw(tmp_path: Path, hold: Path) -> Iterator[RawWorker]:
    worker = RawWorker(tmp_path, hold)
    try:
        yield worker
    finally:
        worker.close()


def release(hold: Path, word: str = "") -> None:
    """Let the held worker load Blender (opening the FIFO waits until the worker reads it)."""
    with open(hold, "w", encoding="utf-8") as fifo:
        fifo.write(word)


def test_initialize_and_tools_list_are_answered_while_blender_is_held(raw: RawWorker, hold: Path) -> None:
    ident = raw.request("initialize", INITIALIZE)
    init = raw.reply()
    assert init["id"] == ident and init["result"]["serverInfo"]["name"] == "prompt2mesh-blender"
    assert init["result"]["protocolVersion"] == "2025-06-18"
    raw.send({"jsonrpc": "2.0", "method": "notifications/initialized"})
    ident = raw.request("tools/list")
    listed = raw.reply()
    # Blender has not been allowed to load: this answer came from the catalogue.
    assert listed["id"] == ident
    assert listed == {
        "jsonrpc": "2.0",
        "id": ident,
        "result": json.loads(CATALOGUE_PATH.read_text())["tools"],
    }
    names = {t["name"] for t in listed["result"]["tools"]}
    assert {"create_primitive", "get_scene_info", "export_scene"} <= names
    release(hold)
    raw.request("tools/call", {"name": "get_scene_info", "arguments": {}})
    answer = raw.reply()
    assert not answer["result"].get("isError"), answer


def test_a_call_during_start_up_waits_for_blender_and_then_runs(raw: RawWorker, hold: Path) -> None:
    raw.request("initialize", INITIALIZE)
    raw.reply()
    raw.send({"jsonrpc": "2.0", "method": "notifications/initialized"})
    created = raw.request(
        "tools/call", {"name": "create_primitive", "arguments": {"kind": "cube", "name": "Early"}}
    )
    pinged = raw.request("ping")
    # The ping overtakes the held call: the worker answers, the call waits for Blender.
    assert raw.reply() == {"jsonrpc": "2.0", "id": pinged, "result": {}}
    releaser = threading.Thread(target=release, args=(hold,))
    releaser.start()
    answer = raw.reply()
    releaser.join(timeout=30)
    assert answer["id"] == created and not answer["result"].get("isError"), answer
    assert json.loads(answer["result"]["content"][0]["text"])["name"] == "Early"
    raw.request("tools/call", {"name": "get_scene_info", "arguments": {}})
    scene = json.loads(raw.reply()["result"]["content"][0]["text"])
    assert [o["name"] for o in scene["objects"]] == ["Early"]


def test_a_failed_blender_load_is_a_clear_tool_error_not_a_hang(raw: RawWorker, hold: Path) -> None:
    raw.request("initialize", INITIALIZE)
    raw.reply()
    raw.send({"jsonrpc": "2.0", "method": "notifications/initialized"})
    release(hold, "fail")
    for tool in ("get_scene_info", "create_primitive"):
        raw.request(
            "tools/call", {"name": tool, "arguments": {"kind": "cube"} if tool != "get_scene_info" else {}}
        )
        answer = raw.reply()
        assert answer["result"]["isError"] is True
        text = answer["result"]["content"][0]["text"]
        assert "[blender_unavailable]" in text and "Blender could not be loaded" in text, text
    raw.request("tools/list")
    assert len(raw.reply()["result"]["tools"]) > 40  # the protocol itself keeps working
    assert "Blender could not be loaded" in raw.log.read_text(errors="replace")


def test_a_client_that_leaves_during_start_up_ends_the_worker(raw: RawWorker, hold: Path) -> None:
    raw.request("initialize", INITIALIZE)
    raw.reply()
    assert raw.proc.stdin is not None
    raw.proc.stdin.close()
    release(hold)
    assert raw.proc.wait(timeout=60) == 0


HEAVY = {"mcp", "pydantic", "pydantic_core", "bpy", "anyio", "starlette", "httpx"}
FOREIGN = ("langgraph", "langchain", "fastapi", "sqlalchemy", "prompt2mesh.agent", "prompt2mesh.service")


def test_the_front_starts_before_any_library_is_imported() -> None:
    code = (
        "import sys; import prompt2mesh.cli, prompt2mesh.blender.startup; "
        "print(sorted({m.split('.')[0] for m in sys.modules}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert not HEAVY & set(json.loads(out.stdout.replace("'", '"'))), out.stdout


def test_the_worker_imports_neither_the_agent_nor_the_service(tmp_path: Path) -> None:
    # python -X importtime lists every module the worker imported (stdin closed: it ends).
    out = subprocess.run(
        [sys.executable, "-X", "importtime", "-m", "prompt2mesh", "mcp", "--workspace", str(tmp_path / "ws")],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=True,
    )
    order = [
        line.rsplit("|", 1)[-1].strip() for line in out.stderr.splitlines() if line.startswith("import time:")
    ]
    assert "bpy" in order and "mcp" in order  # it did start
    assert not [m for m in order if m.startswith(FOREIGN)]
    # The front (started by the startup module) came before the SDK was imported.
    assert order.index("prompt2mesh.blender.startup") < order.index("mcp")
