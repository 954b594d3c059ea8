"""Fixtures for the LLM role tests: the shared real worker as an async ToolRunner, a context."""

from __future__ import annotations

from typing import Any

import pytest

from async_worker import AsyncWorker
from prompt2mesh.roles.interface import RefinedPrompt, RoleContext, ToolInfo
from prompt2mesh.workers.blocking import BlockingWorker


class Recorder:
    """Collects ``ctx.emit`` events."""

    def __init__(self) -> None:
        self.events: list[tuple[str, dict[str, Any]]] = []

    def __call__(self, kind: str, data: dict[str, Any]) -> None:
        self.events.append((kind, data))

    def of(self, kind: str) -> list[dict[str, Any]]:
        return [d for k, d in self.events if k == kind]


@pytest.fixture
def all_tools(shared_worker: BlockingWorker) -> list[ToolInfo]:
    return shared_worker.list_tools()


@pytest.fixture
def events() -> Recorder:
    return Recorder()


@pytest.fixture
def ctx(runner: AsyncWorker, all_tools: list[ToolInfo], events: Recorder) -> RoleContext:
    creation = [t for t in all_tools if t.category in ("creation", "materials", "inspection")]
    return RoleContext(
        runner=runner,
        tools=creation,
        emit=events,
        step_index=1,
        total_steps=3,
        requirement=RefinedPrompt(
            original="a red box", refined="A red box, 1 m on each side, on the ground."
        ),
    )
