"""The local worker manager with real Blender worker processes over MCP stdio.

One manager (cap 2, a clock the tests move) serves the module, so workers start only a few
times; each test releases every lease it takes.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
import pytest_asyncio

from prompt2mesh.config import Settings
from prompt2mesh.workers.base import WorkerState
from prompt2mesh.workers.errors import WorkersBusy, WorkerUnavailable
from prompt2mesh.workers.local import LocalWorkerManager

pytestmark = [pytest.mark.timeout(180), pytest.mark.asyncio(loop_scope="module")]


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def clock() -> Clock:
    return Clock()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def manager(
    tmp_path_factory: pytest.TempPathFactory, clock: Clock
) -> AsyncIterator[LocalWorkerManager]:
    manager = LocalWorkerManager(
        tmp_path_factory.mktemp("workspaces"),
        max_workers=2,
        idle_timeout_s=60,
        health_interval_s=600,
        clock=clock,
    )
    await manager.start()
    yield manager
    await manager.shutdown()


async def test_each_user_gets_a_ready_worker_with_a_private_workspace(manager: LocalWorkerManager) -> None:
    alice, bob = await asyncio.gather(manager.acquire("alice"), manager.acquire("bob"))
    try:
        assert alice.workspace != bob.workspace
        assert alice.workspace.parent == bob.workspace.parent
        assert await manager.health("alice") and await manager.health("bob")
        info = manager.info("alice")
        assert info.state is WorkerState.READY and info.leases == 1
        assert info.pid and info.pid != manager.info("bob").pid
        assert info.rss_bytes and info.rss_bytes < 1_000_000_000
        result = await alice.runner.call("save_blend", {"filename": "mine.blend"})
        assert result.ok, result.error
        assert (alice.workspace / "mine.blend").is_file()
        assert not (bob.workspace / "mine.blend").exists()
    finally:
        await manager.release(alice)
        await manager.release(bob)


async def test_a_new_user_beyond_the_cap_is_told_the_workers_are_busy(manager: LocalWorkerManager) -> None:
    handles = [await manager.acquire("alice"), await manager.acquire("bob")]
    try:
        with pytest.raises(WorkersBusy, match="busy, try again"):
            await manager.acquire("carol")
        handles.append(await manager.acquire("alice"))  # a user who has a worker is never refused
        assert manager.active_count() == 2
    finally:
        for handle in handles:
            await manager.release(handle)


async def test_starts_racing_for_idle_slots_never_overshoot_the_cap(manager: LocalWorkerManager) -> None:
    for user in ("alice", "bob"):  # both slots held by idle workers
        await manager.release(await manager.acquire(user))
    results = await asyncio.gather(
        *(manager.acquire(user) for user in ("carol", "dave", "erin")), return_exceptions=True
    )
    handles = [r for r in results if not isinstance(r, BaseException)]
    try:
        # Each racing start takes a different idle worker's slot; the third finds none left.
        assert len(handles) == 2, results
        assert [type(r) for r in results if isinstance(r, BaseException)] == [WorkersBusy]
        assert manager.active_count() == 2
        assert {manager.info(u).state for u in ("alice", "bob")} == {WorkerState.STOPPED}
    finally:
        for handle in handles:
            await manager.release(handle)


async def test_a_killed_worker_is_unhealthy_and_the_next_call_restarts_it(
    manager: LocalWorkerManager,
) -> None:
    handle = await manager.acquire("alice")
    try:
        first_pid = manager.info("alice").pid
        assert first_pid is not None
        os.kill(first_pid, signal.SIGKILL)
        assert not await manager.health("alice")
        # A call racing the death may fail (the scene died with the process); the next one
        # must run on a fresh worker.
        with contextlib.suppress(WorkerUnavailable):
            await handle.runner.call("get_scene_info", {})
        result = await handle.runner.call("get_scene_info", {})
        assert result.ok, result.error
        info = manager.info("alice")
        assert info.state is WorkerState.READY and info.pid not in (None, first_pid)
        assert info.restarts >= 1
    finally:
        await manager.release(handle)


async def test_a_worker_busy_in_a_long_tool_call_is_healthy_not_restarted(tmp_path: Path) -> None:
    manager = LocalWorkerManager(tmp_path, max_workers=1, allow_code=True, ping_timeout_s=0.2)
    try:
        handle = await manager.acquire("alice")
        pid = manager.info("alice").pid
        # Blender answers nothing else while a tool runs: a ping would time out. The code tells
        # us through a FIFO when it has started, so the health check surely lands mid-call.
        fifo = tmp_path / "started"
        os.mkfifo(fifo)
        code = f"import os, time\nfd = os.open({str(fifo)!r}, os.O_WRONLY)\nos.write(fd, b'x')\nos.close(fd)\ntime.sleep(1.5)"
        slow = asyncio.create_task(handle.runner.call("execute_blender_code", {"code": code}))
        assert await asyncio.wait_for(asyncio.to_thread(fifo.read_bytes), 30) == b"x"
        assert await manager.health("alice")
        result = await slow
        assert result.ok, result.error
        assert manager.info("alice").pid == pid and manager.info("alice").restarts == 0
        assert await manager.health("alice")
        await manager.release(handle)
    finally:
        await manager.shutdown()


async def test_idle_workers_are_reaped_but_leased_ones_are_kept(
    manager: LocalWorkerManager, clock: Clock
) -> None:
    leased = await manager.acquire("alice")
    idle = await manager.acquire("bob")
    await manager.release(idle)
    assert await manager.reap() == []
    clock.now += 61
    assert await manager.reap() == ["bob"]
    assert manager.info("bob").state is WorkerState.STOPPED
    assert manager.info("alice").state is WorkerState.READY
    await manager.release(leased)
    clock.now += 61
    assert await manager.reap() == ["alice"]
    assert manager.active_count() == 0
    assert not await manager.health("alice")
    # The workspace outlives the worker: the next acquire starts a fresh process on it.
    again = await manager.acquire("bob")
    assert again.workspace == idle.workspace
    await manager.release(again)


async def test_user_ids_that_could_escape_the_workspace_root_are_refused(tmp_path: Path) -> None:
    manager = LocalWorkerManager(tmp_path)
    for bad in ("../evil", "a/b", "", "x" * 65):
        with pytest.raises(ValueError, match="unsafe user id"):
            manager.workspace_for(bad)


async def test_the_settings_budgets_reach_every_worker_the_manager_starts(tmp_path: Path) -> None:
    settings = Settings(data_dir=tmp_path, max_workers=1, worker_max_objects=3)
    manager = LocalWorkerManager.from_settings(settings)
    await manager.start()
    try:
        async with manager.lease("dora") as handle:
            for i in range(3):
                made = await handle.runner.call("create_primitive", {"kind": "cube", "name": f"C{i}"})
                assert made.ok, made.error
            refused = await handle.runner.call("create_primitive", {"kind": "cube", "name": "C3"})
            assert not refused.ok and "allows 3" in (refused.error or ""), refused.error
    finally:
        await manager.shutdown()


async def test_budget_settings_become_worker_flags_and_unset_ones_keep_the_worker_default() -> None:
    settings = Settings(worker_max_vertices=500_000, worker_max_workspace_bytes=1 << 30)
    assert settings.worker_limit_args() == ["--max-vertices", "500000", "--max-workspace-bytes", str(1 << 30)]
    assert Settings().worker_limit_args() == []
