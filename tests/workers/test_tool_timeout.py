"""A tool call past ``tool_timeout_s`` is stopped for real (issue 15, item 2).

Blender runs a tool on the thread that would read the next request, so nothing short of
ending the process stops it. The session kills the worker; the manager starts a fresh one that
reopens the scene as it was when the call started, and the caller sees one failed call.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from prompt2mesh.workers.local import LocalWorkerManager, pid_alive
from prompt2mesh.workers.session import ToolTimedOut, find_child_pid, open_local_worker

pytestmark = pytest.mark.timeout(180)

SLOW_CODE = "bpy.ops.mesh.primitive_uv_sphere_add()\nimport time\ntime.sleep(8)"
"""Changes the scene, then keeps the worker busy past the 3 s limit below (but within the
10 s limit of execute_blender_code itself, so only the per-call limit can stop it)."""


async def test_a_call_past_the_limit_is_killed_and_the_scene_comes_back(tmp_path: Path) -> None:
    manager = LocalWorkerManager(tmp_path, allow_code=True, tool_timeout_s=3.0, health_interval_s=600)
    try:
        async with manager.lease("alice") as handle:
            runner = handle.runner
            assert (await runner.call("new_scene")).ok
            assert (await runner.call("create_primitive", {"kind": "cube", "name": "Kept"})).ok
            moved = await runner.call("set_transform", {"name": "Kept", "location": [0, 0, 3]})
            assert moved.ok, moved.error
            first_pid = manager.info("alice").pid
            assert first_pid is not None

            started = time.monotonic()
            slow = await runner.call("execute_blender_code", {"code": SLOW_CODE})
            # 3 s to the limit, then a fresh worker's start-up (slow on a loaded machine); the
            # plain-session test below times the kill itself.
            assert time.monotonic() - started < 3 + manager.start_timeout_s
            assert not slow.ok and "[tool_timeout]" in (slow.error or ""), slow
            assert "restarted" in (slow.error or "")

            assert not pid_alive(first_pid), "the busy worker was left running"
            info = manager.info("alice")
            assert info.pid not in (None, first_pid) and info.restarts == 1
            # The same runner goes on, on the scene as it was when the stopped call began:
            # the cube (moved by the last call before it), and not the sphere the call added.
            scene = await runner.call("get_scene_info")
            assert scene.ok, scene.error
            assert [o["name"] for o in scene.result["objects"]] == ["Kept"]
            kept = await runner.call("get_object_info", {"name": "Kept"})
            assert kept.result["location"] == [0.0, 0.0, 3.0]
    finally:
        await manager.shutdown()


async def test_a_plain_session_kills_its_worker_instead_of_waiting(tmp_path: Path) -> None:
    workspace = tmp_path / "ws"
    async with open_local_worker(workspace, allow_code=True, timeout_s=2.0) as session:
        pid = find_child_pid(workspace)
        assert pid is not None and pid_alive(pid)
        started = time.monotonic()
        with pytest.raises(ToolTimedOut, match="ran past the 2 s limit"):
            await session.call("execute_blender_code", {"code": "import time\ntime.sleep(8)"})
        assert time.monotonic() - started < 6
        assert not session.alive
        deadline = time.monotonic() + 5
        while pid_alive(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not pid_alive(pid)
