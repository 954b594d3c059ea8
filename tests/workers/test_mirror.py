"""Files a remote worker writes reach the service's copy of the workspace over MCP."""

from __future__ import annotations

import os
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import pytest_asyncio

from http_worker import HttpWorker, held_session, http_worker
from prompt2mesh.blender.files import CHUNK_BYTES
from prompt2mesh.workers.mirror import MirroringRunner, fetch_file, pull_folder
from prompt2mesh.workers.session import WorkerSession

pytestmark = [pytest.mark.timeout(120), pytest.mark.asyncio(loop_scope="module")]

TOKEN = "mirror-token-" + "z" * 32


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[HttpWorker]:
    with http_worker(tmp_path_factory.mktemp("mirror") / "worker-ws", TOKEN) as worker:
        yield worker


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def session(served: HttpWorker) -> AsyncIterator[WorkerSession]:
    async with held_session(served.endpoint) as opened:
        yield opened


async def test_a_saved_glb_and_blend_appear_in_the_local_workspace(
    session: WorkerSession, served: HttpWorker, tmp_path: Path
) -> None:
    async def current() -> WorkerSession:
        return session

    runner = MirroringRunner(session, current, tmp_path)
    assert (await runner.call("create_primitive", {"kind": "cube", "name": "Mirrored"})).ok
    exported = await runner.call("export_scene", {"format": "glb", "filename": "runs/r1/scene.glb"})
    saved = await runner.call("save_blend", {"filename": "runs/r1/scene.blend"})
    assert exported.ok and saved.ok, (exported.error, saved.error)
    for name in ("scene.glb", "scene.blend"):
        local = tmp_path / "runs" / "r1" / name
        assert local.read_bytes() == (served.workspace / "runs" / "r1" / name).read_bytes()
    # The resume anchors in dot-folders stay on the worker.
    anchored = await runner.call("save_blend", {"filename": "runs/r1/.p2m/r1/step_01.blend"})
    assert anchored.ok and not (tmp_path / "runs" / "r1" / ".p2m").exists()


async def test_an_unchanged_file_is_not_copied_twice(session: WorkerSession, tmp_path: Path) -> None:
    assert (await session.call("create_primitive", {"kind": "uv_sphere", "name": "Twice"})).ok
    assert (await session.call("export_scene", {"format": "glb", "filename": "runs/r2/scene.glb"})).ok
    assert await pull_folder(session, "runs/r2", tmp_path) == ["runs/r2/scene.glb"]
    assert await pull_folder(session, "runs/r2", tmp_path) == []
    assert (await session.call("export_scene", {"format": "glb", "filename": "runs/r2/scene.glb"})).ok
    assert await pull_folder(session, "runs/r2", tmp_path) == ["runs/r2/scene.glb"]


async def test_a_file_larger_than_one_chunk_arrives_whole(
    session: WorkerSession, served: HttpWorker, tmp_path: Path
) -> None:
    data = os.urandom(2 * CHUNK_BYTES + 17)
    (served.workspace / "runs" / "big").mkdir(parents=True, exist_ok=True)
    (served.workspace / "runs" / "big" / "blob.bin").write_bytes(data)
    size = await fetch_file(session, "runs/big/blob.bin", tmp_path / "blob.bin")
    assert size == len(data)
    assert (tmp_path / "blob.bin").read_bytes() == data


async def test_files_over_the_limit_are_not_copied(
    session: WorkerSession, served: HttpWorker, tmp_path: Path
) -> None:
    (served.workspace / "runs" / "limit").mkdir(parents=True, exist_ok=True)
    (served.workspace / "runs" / "limit" / "big.bin").write_bytes(b"x" * 5000)
    (served.workspace / "runs" / "limit" / "small.txt").write_bytes(b"ok")
    copied = await pull_folder(session, "runs/limit", tmp_path, max_file_bytes=1024)
    assert copied == ["runs/limit/small.txt"]
    assert not (tmp_path / "runs" / "limit" / "big.bin").exists()


async def test_a_multi_file_export_arrives_with_every_part(session: WorkerSession, tmp_path: Path) -> None:
    async def current() -> WorkerSession:
        return session

    runner = MirroringRunner(session, current, tmp_path)
    assert (await runner.call("create_primitive", {"kind": "cube", "name": "Parts"})).ok
    exported = await runner.call(
        "export_scene", {"format": "gltf", "filename": "runs/r3/exports/gltf/model.gltf"}
    )
    assert exported.ok, exported.error
    parts = sorted(p.name for p in (tmp_path / "runs" / "r3" / "exports" / "gltf").iterdir())
    assert "model.gltf" in parts and any(name.endswith(".bin") for name in parts), parts
