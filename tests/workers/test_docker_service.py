"""The service with ``P2M_WORKER_BACKEND=docker``: a user's run happens in their container and
its model, scene and screenshots are downloadable, with no folder shared with the container;
deleting the account removes the container's volume."""

from __future__ import annotations

import asyncio
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest

from docker_worker_image import docker_available, worker_image
from prompt2mesh.workers.docker import LABEL_PREFIX, DockerWorkerManager
from prompt2mesh.workers.docker_api import DockerEngine
from service.live import PASSWORD, LiveServer, make_settings, signup_and_login, stream_events

pytestmark = [
    pytest.mark.docker,
    pytest.mark.timeout(600),
    pytest.mark.skipif(not docker_available(), reason="no Docker engine answers"),
]


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    image = worker_image()
    prefix = f"p2m-backends-{secrets.token_hex(3)}"
    settings = make_settings(
        tmp_path_factory.mktemp("data"),
        worker_backend="docker",
        worker_image=image.image,
        worker_command=image.command,
        docker_mounts=image.mounts,
        worker_name_prefix=prefix,
        worker_start_timeout_s=180,
    )
    try:
        with LiveServer(settings) as live:
            yield live
    finally:

        async def clean() -> None:
            engine = DockerEngine()
            for container in await engine.list_containers({LABEL_PREFIX: prefix}):
                await engine.remove_container(str(container["Id"]))
            for volume in await engine.list_volumes({LABEL_PREFIX: prefix}):
                await engine.remove_volume(str(volume["Name"]))
            await engine.aclose()

        asyncio.run(clean())


def test_a_run_in_a_container_yields_downloadable_files_and_account_deletion_removes_its_volume(
    server: LiveServer,
) -> None:
    user = signup_and_login(server.url, "dockeruser")
    run_id = user.client.post("/runs", json={"prompt": "a red cube on a table"}).json()["id"]
    events = stream_events(user, run_id, timeout=400)
    assert events[-1] == {"type": "end", "status": "completed"}, events[-5:]

    glb = user.client.get(f"/runs/{run_id}/files/scene.glb")
    assert glb.status_code == 200 and glb.content[:4] == b"glTF"
    blend = user.client.get(f"/runs/{run_id}/files/scene.blend")
    # Blender 5 writes its files zstd-compressed; older ones start with "BLENDER".
    assert blend.status_code == 200 and blend.content[:4] in (b"\x28\xb5\x2f\xfd", b"BLEN")
    names = {f["name"] for f in user.client.get(f"/runs/{run_id}/files").json()}
    assert any(n.startswith("screenshots/") for n in names) and "report.json" in names

    manager = server.app_services().workers
    assert isinstance(manager, DockerWorkerManager)
    volume = manager.volume_name(user.id)
    assert server.call(manager.engine.volume_exists(volume))
    deleted = user.client.request("DELETE", "/auth/me", json={"password": PASSWORD})
    assert deleted.status_code == 204, deleted.text
    assert not server.call(manager.engine.volume_exists(volume))
    assert server.call(manager.engine.inspect_container(manager.container_name(user.id))) is None
    assert not Path(manager.root / user.id).exists()
