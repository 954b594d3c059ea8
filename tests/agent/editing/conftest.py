"""Editing tests share the session's real worker through an async adapter."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from async_worker import AsyncWorker
from prompt2mesh.agent.editing.grammar import OfflineTranslator
from prompt2mesh.agent.editing.pipeline import EditSession, SessionFiles
from prompt2mesh.roles.offline.recipes import RECIPES
from prompt2mesh.workers.blocking import BlockingWorker


@pytest.fixture
def make_session(runner: AsyncWorker, worker: BlockingWorker, tmp_path: Path):
    """A fresh editing session whose files live in a per-test folder of the worker workspace."""
    prefix = f"{tmp_path.name}/"
    folder = worker.workspace / tmp_path.name

    def make(events: list[dict[str, Any]] | None = None) -> EditSession:
        return EditSession(
            runner,
            SessionFiles(folder=folder, prefix=prefix),
            OfflineTranslator(known_kinds=list(RECIPES)),
            emit=(events.append if events is not None else None),
            screenshot_size=128,
        )

    return make
