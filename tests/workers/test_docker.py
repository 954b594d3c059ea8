"""The docker backend with real containers: one per user, isolated, restarted, reaped, cleaned up.

One manager (cap 3, a clock the tests move) serves the module; its names carry a random
``p2m-backends-`` prefix, so the tests find exactly their own containers and volumes on a
shared engine.
"""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest
import pytest_asyncio

from docker_worker_image import docker_available, worker_image
from prompt2mesh.workers.base import WorkerState
from prompt2mesh.workers.docker import LABEL_PREFIX, DockerWorkerManager
from prompt2mesh.workers.docker_api import DockerEngine
from prompt2mesh.workers.errors import WorkerUnavailable

pytestmark = [
    pytest.mark.docker,
    pytest.mark.timeout(600),
    pytest.mark.asyncio(loop_scope="module"),
    pytest.mark.skipif(not docker_available(), reason="no Docker engine answers"),
]

ALICE, BOB = "alice-1", "Bob_2"


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
) -> AsyncIterator[DockerWorkerManager]:
    image = await asyncio.to_thread(worker_image)
    manager = DockerWorkerManager(
        tmp_path_factory.mktemp("docker") / "workspaces",
        image=image.image,
        command=image.command,
        mounts=image.mounts,
        prefix=f"p2m-backends-{secrets.token_hex(3)}",
        cpus=1.0,
        memory_mb=1024,
        max_workers=3,
        idle_timeout_s=60,
        start_timeout_s=120,
        health_interval_s=3600,  # the tests drive health checks and reaping themselves
        clock=clock,
    )
    try:
        yield manager
    finally:
        await manager.shutdown()
        # Whatever a failed test left behind, found by this run's own prefix.
        engine = DockerEngine()
        labels = {LABEL_PREFIX: manager.prefix}
        for container in await engine.list_containers(labels):
            await engine.remove_container(str(container["Id"]))
        for volume in await engine.list_volumes(labels):
            await engine.remove_volume(str(volume["Name"]))
        await engine.aclose()


async def _ours(manager: DockerWorkerManager, kind: str) -> list[dict[str, object]]:
    engine = manager.engine
    if kind == "containers":
        return await engine.list_containers({LABEL_PREFIX: manager.prefix})
    return await engine.list_volumes({LABEL_PREFIX: manager.prefix})


async def test_each_user_gets_a_limited_labelled_container_on_loopback(manager: DockerWorkerManager) -> None:
    async with manager.lease(ALICE), manager.lease(BOB):
        containers = await _ours(manager, "containers")
        assert len(containers) == 2
        for user in (ALICE, BOB):
            details = await manager.engine.inspect_container(manager.container_name(user))
            assert details is not None
            host = details["HostConfig"]
            assert host["AutoRemove"] is True
            assert host["NanoCpus"] == 1_000_000_000 and host["Memory"] == 1024 * 1024 * 1024
            assert {b["HostIp"] for b in host["PortBindings"]["8765/tcp"]} == {"127.0.0.1"}
            assert details["Config"]["Labels"][LABEL_PREFIX] == manager.prefix
            volumes = [m for m in details["Mounts"] if m["Type"] == "volume"]
            # The user's named volume and nothing anonymous (the image's VOLUME /data is covered).
            assert [m["Name"] for m in volumes] == [manager.volume_name(user)]


async def test_users_do_not_see_each_other_and_their_files_reach_the_service(
    manager: DockerWorkerManager,
) -> None:
    async with manager.lease(ALICE) as alice, manager.lease(BOB) as bob:
        assert (await alice.runner.call("create_primitive", {"kind": "cube", "name": "AliceCube"})).ok
        assert (await bob.runner.call("create_primitive", {"kind": "uv_sphere", "name": "BobBall"})).ok
        alice_scene = str((await alice.runner.call("get_scene_info", {})).result)
        bob_scene = str((await bob.runner.call("get_scene_info", {})).result)
        assert "AliceCube" in alice_scene and "BobBall" not in alice_scene
        assert "BobBall" in bob_scene and "AliceCube" not in bob_scene
        exported = await alice.runner.call("export_scene", {"format": "glb", "filename": "runs/r1/scene.glb"})
        assert exported.ok, exported.error
        glb = alice.workspace / "runs" / "r1" / "scene.glb"
        assert glb.read_bytes()[:4] == b"glTF"
        assert glb.stat().st_size == exported.result["bytes"]
        assert not (bob.workspace / "runs").exists()


async def test_a_worker_refuses_requests_without_its_token(manager: DockerWorkerManager) -> None:
    async with manager.lease(ALICE):
        endpoint = manager._endpoints[ALICE]
        async with httpx.AsyncClient() as client:
            response = await client.post(endpoint.url, json={"jsonrpc": "2.0", "id": 1, "method": "ping"})
        assert response.status_code == 401


async def test_a_killed_container_is_replaced_and_the_holder_is_told(manager: DockerWorkerManager) -> None:
    async with manager.lease(ALICE) as alice:
        assert (await alice.runner.call("get_scene_info", {})).ok
        before = await manager.engine.inspect_container(manager.container_name(ALICE))
        assert before is not None
        await manager.engine.kill_container(before["Id"])
        with pytest.raises(WorkerUnavailable):
            await alice.runner.call("get_scene_info", {})
        # The next call reaches a fresh container (the scene was lost, and the holder knows).
        with pytest.raises(WorkerUnavailable, match="restarted"):
            await alice.runner.call("get_scene_info", {})
        again = await alice.runner.call("get_scene_info", {})
        assert again.ok, again.error
        after = await manager.engine.inspect_container(manager.container_name(ALICE))
        assert after is not None and after["Id"] != before["Id"]
        assert manager.info(ALICE).restarts >= 1
        # The workspace volume survived: the glb written before the kill is still there.
        listed = await alice.runner.call("save_blend", {"filename": "runs/r1/after.blend"})
        assert listed.ok and (alice.workspace / "runs" / "r1" / "after.blend").exists()


async def test_an_idle_worker_is_reaped_and_its_container_removed(
    manager: DockerWorkerManager, clock: Clock
) -> None:
    async with manager.lease(BOB):
        pass
    clock.now += 61
    reaped = await manager.reap()
    assert BOB in reaped
    assert manager.info(BOB).state is WorkerState.STOPPED
    assert await manager.engine.inspect_container(manager.container_name(BOB)) is None
    assert await manager.engine.volume_exists(manager.volume_name(BOB))  # the workspace stays


async def test_deleting_an_account_leaves_no_container_and_no_volume(
    manager: DockerWorkerManager, tmp_path: Path
) -> None:
    user = "carol"
    async with manager.lease(user) as carol:
        details = await manager.engine.inspect_container(manager.container_name(user))
        assert details is not None
        anonymous = [
            m["Name"]
            for m in details["Mounts"]
            if m["Type"] == "volume" and m["Name"] != manager.volume_name(user)
        ]
        assert (await carol.runner.call("get_scene_info", {})).ok
    await manager.delete_workspace(user)
    assert await manager.engine.inspect_container(manager.container_name(user)) is None
    assert not await manager.engine.volume_exists(manager.volume_name(user))
    for name in anonymous:
        assert not await manager.engine.volume_exists(name)
    assert not (manager.root / user).exists()


async def test_shutdown_removes_every_container_and_accounts_their_volumes(
    manager: DockerWorkerManager,
) -> None:
    async with manager.lease(ALICE):
        pass
    await manager.delete_workspace(BOB)
    await manager.delete_workspace(ALICE)
    assert await _ours(manager, "volumes") == []
    async with manager.lease(BOB):
        pass
    await manager.shutdown()
    engine = DockerEngine()
    try:
        assert await engine.list_containers({LABEL_PREFIX: manager.prefix}) == []
        # Bob's volume stays until his account goes: a restart of the service keeps his work.
        assert [v["Name"] for v in await engine.list_volumes({LABEL_PREFIX: manager.prefix})] == [
            manager.volume_name(BOB)
        ]
    finally:
        await engine.aclose()


async def test_the_operators_budgets_reach_the_worker_container(tmp_path: Path) -> None:
    manager = DockerWorkerManager(tmp_path, image="prompt2mesh:latest", limit_args=["--max-objects", "50"])
    config = manager.container_config("someone", "t" * 43, restore=False)
    assert config["Cmd"][-2:] == ["--max-objects", "50"]
    assert "P2M_WORKER_TOKEN=" + "t" * 43 in config["Env"]


async def test_containers_left_by_a_crashed_service_are_removed_when_it_starts(
    manager: DockerWorkerManager,
) -> None:
    # What a service killed mid-way leaves: a worker container that nothing manages.
    config = manager.container_config("orphan", "o" * 43, restore=False)
    config["Cmd"] = ["sleep", "600"]
    stray = await manager.engine.create_container(manager.container_name("orphan"), config)
    await manager.engine.start_container(stray)
    await manager.start()
    assert await manager.engine.inspect_container(stray) is None
    await manager._delete_volume("orphan")
