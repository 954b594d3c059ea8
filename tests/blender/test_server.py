"""The MCP server itself: transports, tool catalogue, robustness, a clean protocol channel."""

from __future__ import annotations

import inspect
import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from prompt2mesh.blender.errors import BlenderOperationFailed, InvalidArgument, ToolError
from prompt2mesh.blender.registry import CATEGORIES, ToolSpec
from prompt2mesh.blender.server import _bind
from prompt2mesh.workers.blocking import BlockingWorker
from prompt2mesh.workers.session import WorkerSession, WorkerUnavailable, open_local_worker

pytestmark = pytest.mark.timeout(180)

# The tools this room owns, by category (the others are tested next to their modules).
OWN_TOOLS = {
    "inspection": {"get_scene_info", "get_object_info", "list_materials"},
    "creation": {"create_primitive", "create_text", "create_curve", "create_empty"},
    "modification": {
        "set_transform",
        "duplicate_object",
        "delete_objects",
        "rename_object",
        "join_objects",
        "set_parent",
        "apply_transform",
        "set_shading",
        "set_origin",
        "select_objects",
        "add_modifier",
        "configure_modifier",
        "remove_modifier",
        "apply_modifier",
    },
    "materials": {"create_material", "assign_material"},
}
READ_ONLY = {"get_scene_info", "get_object_info", "list_materials", "select_objects"}


def _worker_pid(workspace: Path) -> int:
    """The pid of this process's worker child started with ``--workspace <workspace>``."""
    me = os.getpid()
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            args = (entry / "cmdline").read_bytes().split(b"\0")
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        if ppid == me and b"mcp" in args and str(workspace).encode() in args:
            return int(entry.name)
    raise AssertionError(f"no worker process for {workspace}")


# --- catalogue ---------------------------------------------------------------------------------


def test_every_tool_is_published_with_its_category(shared_worker: BlockingWorker) -> None:
    tools = {t.name: t for t in shared_worker.list_tools()}
    assert {t.category for t in tools.values()} <= set(CATEGORIES)
    for category, names in OWN_TOOLS.items():
        for name in names:
            assert name in tools, f"{name} is not published"
            assert tools[name].category == category, (name, tools[name].category)


def test_raw_tool_listing_carries_meta_and_hints(shared_worker: BlockingWorker) -> None:
    async def listing() -> Any:
        return await shared_worker.session.session.list_tools()

    import asyncio

    listed = asyncio.run_coroutine_threadsafe(listing(), shared_worker._loop).result(timeout=30)
    raw = {t.name: t for t in listed.tools}
    for names in OWN_TOOLS.values():
        for name in names:
            tool = raw[name]
            assert tool.meta is not None and tool.meta["category"] in CATEGORIES
            assert tool.meta["mutates"] is (name not in READ_ONLY)
            assert tool.annotations is not None and tool.annotations.readOnlyHint is (name in READ_ONLY)


def test_schemas_tell_a_model_the_accepted_ranges(shared_worker: BlockingWorker) -> None:
    tools = {t.name: t for t in shared_worker.list_tools()}
    primitive = tools["create_primitive"].input_schema
    assert primitive["required"] == ["kind"] and primitive["additionalProperties"] is False
    kinds = primitive["properties"]["kind"]["enum"]
    assert kinds == [
        "cube",
        "uv_sphere",
        "ico_sphere",
        "cylinder",
        "cone",
        "torus",
        "plane",
        "circle",
        "grid",
        "monkey",
    ]
    segments = json.dumps(primitive["properties"]["segments"])
    assert '"minimum": 3' in segments and '"maximum": 512' in segments
    location = primitive["properties"]["location"]
    assert location["minItems"] == 3 and location["maxItems"] == 3 and location["default"] == [0.0, 0.0, 0.0]
    modifier_types = tools["add_modifier"].input_schema["properties"]["type"]["enum"]
    assert "subdivision" in modifier_types and "boolean" in modifier_types
    material = tools["create_material"].input_schema["properties"]
    assert '"maximum": 1.0' in json.dumps(material["metallic"])
    for names in OWN_TOOLS.values():
        for name in names:
            tool = tools[name]
            first_line = tool.description.splitlines()[0]
            assert first_line.endswith(".") and len(first_line) > 20, (name, first_line)
            for prop, schema in tool.input_schema.get("properties", {}).items():
                assert "description" in schema, f"{name}.{prop} has no description"


# --- robustness ---------------------------------------------------------------------------------


def test_the_worker_survives_bad_input(worker: BlockingWorker) -> None:
    bad_calls: list[tuple[str, dict[str, Any]]] = [
        ("no_such_tool", {}),
        ("create_primitive", {"kind": 42}),
        ("create_primitive", {"kind": "cube", "size": "big"}),
        ("create_primitive", {"kind": "cube", "location": [1, 2, "three"]}),
        ("create_primitive", {"kind": "cube", "scale": [1e308, 1e308, 1e308]}),
        ("create_primitive", {"kind": "uv_sphere", "segments": 10**12}),
        ("create_text", {"text": "x" * 100_000}),
        ("create_curve", {"points": [[0, 0, 0]] * 100_000}),
        ("set_transform", {"name": None, "location": [0, 0, 0]}),
        ("delete_objects", {"names": "Cube"}),
        ("add_modifier", {"object": "Cube", "type": "array", "params": {"count": 10**9}}),
        ("add_modifier", {"object": "Cube", "type": "subdivision", "params": {"levels": 12}}),
        ("create_material", {"name": "M", "color": {"r": 1}}),
        ("get_scene_info", {"offset": "zero"}),
        ("join_objects", {"names": ["Cube", "Cube", "Cube"]}),
    ]
    assert worker.call("create_primitive", kind="cube").ok
    for tool, args in bad_calls:
        result = worker.call(tool, **args)
        assert not result.ok, (tool, args, result.result)
        assert result.error and len(result.error) < 5000, (tool, result.error)
    scene = worker.call("get_scene_info")
    assert scene.ok and scene.result["total"] == 1
    info = worker.call("get_object_info", name="Cube")
    assert info.ok and info.result["modifiers"] == [] and info.result["dimensions"] == [2.0, 2.0, 2.0]


def test_refused_calls_do_not_become_undo_steps(worker: BlockingWorker) -> None:
    assert worker.call("create_primitive", kind="cube").ok
    before = worker.call("get_history").result["undo"]
    assert not worker.call("set_transform", name="Ghost", location=[0, 0, 0]).ok
    assert not worker.call("add_modifier", object="Cube", type="subdivision", params={"levels": 9}).ok
    after = worker.call("get_history").result["undo"]
    # (When the ring buffer is full, the snapshot of a refused call may push out the oldest entry.)
    assert after[-1] == "create_primitive" and after == before[len(before) - len(after) :]
    assert worker.call("set_transform", name="Cube", location=[0, 0, 1]).ok
    assert worker.call("get_history").result["undo"][-2:] == ["create_primitive", "set_transform"]
    undone = worker.call("undo")
    assert undone.ok, undone.error
    assert worker.call("get_object_info", name="Cube").result["location"] == [0.0, 0.0, 0.0]


class _FakeWorker:
    def __init__(self) -> None:
        self.events: list[str] = []

    def before_call(self, name: str, arguments: dict[str, Any]) -> None:
        pass

    def measure(self) -> tuple[int, int]:
        return (0, 0)

    def after_mutation(self, name: str, before: tuple[int, int]) -> None:
        self.events.append(f"budget {name}")

    def before_mutation(self, name: str) -> None:
        self.events.append(f"snapshot {name}")

    def discard_snapshot(self, name: str) -> None:
        self.events.append(f"discard {name}")


def _spec(func: Any, mutates: bool = True) -> ToolSpec:
    return ToolSpec(func.__name__, "creation", func, mutates)


def test_bind_hides_the_worker_and_keeps_the_signature() -> None:
    def sample(worker: Any, size: float = 1.0, name: str | None = None) -> dict[str, Any]:
        """Make something."""
        return {"size": size, "name": name}

    fake = _FakeWorker()
    bound = _bind(fake, _spec(sample))  # type: ignore[arg-type]
    assert list(inspect.signature(bound).parameters) == ["size", "name"]
    result = bound(size=2.0)
    assert json.loads(result.content[0].text) == {"size": 2.0, "name": None}
    assert fake.events == ["snapshot sample", "budget sample"]


def test_bind_turns_every_failure_into_a_tool_error() -> None:
    def refuses(worker: Any) -> None:
        raise InvalidArgument("bad size")

    def crashes(worker: Any) -> None:
        raise ZeroDivisionError("division by zero")

    def exits(worker: Any) -> None:
        raise SystemExit(3)

    def looks(worker: Any) -> None:
        raise RuntimeError("Blender says no")

    fake = _FakeWorker()
    with pytest.raises(InvalidArgument):
        _bind(fake, _spec(refuses))()  # type: ignore[arg-type]
    assert fake.events == ["snapshot refuses", "discard refuses"]  # nothing changed: no undo step
    fake.events.clear()
    for func in (crashes, exits):
        with pytest.raises(BlenderOperationFailed) as caught:
            _bind(fake, _spec(func))()  # type: ignore[arg-type]
        assert isinstance(caught.value, ToolError) and func.__name__ in caught.value.message
    assert fake.events == ["snapshot crashes", "snapshot exits"]  # kept: undo can repair a half change
    fake.events.clear()
    with pytest.raises(BlenderOperationFailed, match="Blender says no"):
        _bind(fake, _spec(looks, mutates=False))()  # type: ignore[arg-type]
    assert fake.events == []


# --- the protocol channel ------------------------------------------------------------------------


@pytest.fixture
def raw_worker(tmp_path: Path) -> Iterator[subprocess.Popen[bytes]]:
    proc = subprocess.Popen(
        [sys.executable, "-m", "prompt2mesh", "mcp", "--workspace", str(tmp_path / "ws")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=open(tmp_path / "stderr.log", "wb"),  # noqa: SIM115
    )
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=30)


def test_stdout_carries_only_protocol_messages(raw_worker: subprocess.Popen[bytes], tmp_path: Path) -> None:
    """Exports make Blender print to C-level and Python stdout; none of it may reach the client."""
    assert raw_worker.stdin is not None and raw_worker.stdout is not None
    next_id = iter(range(1, 1000))

    def send(message: dict[str, Any]) -> None:
        raw_worker.stdin.write((json.dumps(message) + "\n").encode())  # type: ignore[union-attr]
        raw_worker.stdin.flush()  # type: ignore[union-attr]

    def request(method: str, params: dict[str, Any]) -> dict[str, Any]:
        ident = next(next_id)
        send({"jsonrpc": "2.0", "id": ident, "method": method, "params": params})
        line = raw_worker.stdout.readline()  # type: ignore[union-attr]
        reply = json.loads(line)  # junk on stdout fails here
        assert reply["jsonrpc"] == "2.0" and reply["id"] == ident, reply
        return reply

    def call(tool: str, **args: Any) -> dict[str, Any]:
        reply = request("tools/call", {"name": tool, "arguments": args})
        assert not reply["result"].get("isError"), reply
        return reply["result"]

    init = request(
        "initialize",
        {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "raw", "version": "0"}},
    )
    assert init["result"]["serverInfo"]["name"] == "prompt2mesh-blender"
    send({"jsonrpc": "2.0", "method": "notifications/initialized"})
    call("new_scene")
    call("create_primitive", kind="monkey")
    call("export_scene", format="obj", filename="a.obj")  # C++ exporter: printf to fd 1
    call("export_scene", format="glb", filename="a.glb")  # Python add-on: print() to sys.stdout
    call("save_blend", filename="a.blend")  # operator report "Info: Saved ..."
    assert json.loads(call("get_scene_info")["content"][0]["text"])["total"] == 1
    raw_worker.stdin.close()
    assert raw_worker.wait(timeout=30) == 0  # the client going away ends the worker
    assert raw_worker.stdout.read() == b""
    log = (tmp_path / "stderr.log").read_text(errors="replace")
    assert "a.obj" in log and "glTF" in log  # the logs went to stderr instead


# --- streamable HTTP -----------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


async def test_streamable_http_transport(tmp_path: Path) -> None:
    from mcp import ClientSession
    from mcp.client.streamable_http import streamable_http_client

    port = _free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "prompt2mesh",
            "mcp",
            "--http",
            "--port",
            str(port),
            "--workspace",
            str(tmp_path / "ws"),
        ],
        stdout=subprocess.DEVNULL,
        stderr=open(tmp_path / "http.log", "wb"),  # noqa: SIM115
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            assert proc.poll() is None, (tmp_path / "http.log").read_text()
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                assert time.monotonic() < deadline, "HTTP worker did not start"
                time.sleep(0.2)
        async with (
            streamable_http_client(f"http://127.0.0.1:{port}/mcp") as (read, write, _),
            ClientSession(read, write) as session,
        ):
            await session.initialize()
            runner = WorkerSession(session, timeout_s=60)
            tools = {t.name: t for t in await runner.list_tools()}
            assert tools["create_primitive"].category == "creation"
            assert (await runner.call("new_scene")).ok
            cube = await runner.call("create_primitive", {"kind": "cube", "size": 1, "location": [0, 0, 0.5]})
            assert cube.ok and cube.result["bbox_min"] == [-0.5, -0.5, 0.0]
            bad = await runner.call("create_primitive", {"kind": "cube", "radius": 1})
            assert not bad.ok and "accepts size" in (bad.error or "")
            info = await runner.call("get_object_info", {"name": "Cube"})
            assert info.ok and info.result["mesh"]["vertices"] == 8
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


# --- a worker that dies ---------------------------------------------------------------------------


def test_a_killed_idle_worker_gives_a_clean_error(tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    worker = BlockingWorker(workspace, timeout_s=120)
    try:
        assert worker.call("new_scene").ok
        os.kill(_worker_pid(workspace.resolve()), signal.SIGKILL)
        started = time.monotonic()
        with pytest.raises(WorkerUnavailable):
            for _ in range(50):  # the first call may already have been answered by a dying loop
                worker.call("get_scene_info")
                time.sleep(0.1)
        assert time.monotonic() - started < 15  # promptly, not after the 120 s call timeout
        with pytest.raises(WorkerUnavailable):
            worker.call("get_scene_info")
        assert not worker.alive
    finally:
        started = time.monotonic()
        worker.close()
        assert time.monotonic() - started < 15


async def test_a_worker_killed_during_a_call_gives_a_clean_error(tmp_path: Path) -> None:
    import anyio

    workspace = tmp_path / "ws"
    async with open_local_worker(workspace, allow_code=True, timeout_s=120) as session:
        assert (await session.call("new_scene")).ok
        pid = _worker_pid(workspace.resolve())
        outcome: list[BaseException | Any] = []

        async def long_call() -> None:
            try:
                outcome.append(
                    await session.call("execute_blender_code", {"code": "import time\ntime.sleep(8)"})
                )
            except BaseException as exc:  # noqa: BLE001
                outcome.append(exc)

        started = time.monotonic()
        async with anyio.create_task_group() as tg:
            tg.start_soon(long_call)
            await anyio.sleep(1.5)
            os.kill(pid, signal.SIGKILL)
        assert time.monotonic() - started < 6, "the call waited for its timeout instead of failing"
        assert isinstance(outcome[0], WorkerUnavailable), outcome
        assert not session.alive
        with pytest.raises(WorkerUnavailable):
            await session.call("get_scene_info")
