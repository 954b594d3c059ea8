"""Fixtures shared by every test room: a real Blender worker over real MCP stdio."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

import image_prebuild
from async_worker import AsyncWorker
from prompt2mesh.workers.blocking import BlockingWorker


@pytest.fixture(scope="session")
def worker_workspace(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("workspace")


@pytest.fixture(scope="session")
def shared_worker(worker_workspace: Path) -> Iterator[BlockingWorker]:
    """One real worker for the whole session (start-up is paid once)."""
    with BlockingWorker(worker_workspace) as worker:
        yield worker


@pytest.fixture
def worker(shared_worker: BlockingWorker) -> BlockingWorker:
    """The shared worker with an empty scene (``new_scene``) before each test."""
    result = shared_worker.call("new_scene")
    assert result.ok, result.error
    return shared_worker


@pytest.fixture
def runner(worker: BlockingWorker) -> AsyncWorker:
    """The shared worker, empty scene, as an async ToolRunner."""
    return AsyncWorker(worker)


def _needs_project_images(item: pytest.Item) -> bool:
    if "images" in getattr(item, "fixturenames", ()):
        return True  # tests/deploy
    # The docker-backend tests run the app image unless another image is given.
    return item.get_closest_marker("docker") is not None and not os.environ.get("P2M_TEST_WORKER_IMAGE")


def pytest_collection_finish(session: pytest.Session) -> None:
    """Start building the container images in the background when a selected test needs them."""
    # Opt-in (P2M_TEST_IMAGES_PREBUILD=1): on a loaded 2-core machine the overlap gained nothing
    # measurable and slowed the tests beside it 2.5x; by default the fixtures build in the foreground.
    off = os.environ.get("P2M_TEST_IMAGES_PREBUILD") != "1"
    if off or session.config.option.collectonly or not shutil.which("docker"):
        return
    if any(_needs_project_images(item) for item in session.items):
        image_prebuild.start()


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    image_prebuild.stop()
