"""Fixtures shared by every test room: a real Blender worker over real MCP stdio."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

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
