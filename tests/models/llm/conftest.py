"""Fixtures for the LLM role tests: the shared real worker as an async ToolRunner, a context."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest

from prompt2mesh.models.roles import RefinedPrompt, RoleContext, ToolInfo, ToolResult
from prompt2mesh.workers.blocking import BlockingWorker


class ThreadedRunner:
    """The session's real worker (a BlockingWorker on its own loop) seen as an async ToolRunner."""

    def __init__(self, worker: BlockingWorker) -> None:
        self.worker = worker

    async def call(self, tool: str, args: dict[str, Any] | None = None) -> ToolResult:
        return await asyncio.to_thread(self.worker.call, tool, **(args or {}))

    async def list_tools(self) -> list[ToolInfo]:
        return await asyncio.to_thread(self.worker.list_tools)


class Recorder:
    """Collects ``ctx.emit`` events."""

    def __init__(self) -> None:
        self.events: list[tuple[str, dict[str, Any]]] = []

    def __call__(self, kind: str, data: dict[str, Any]) -> None:
        self.events.append((kind, data))

    def of(self, kind: str) -> list[dict[str, Any]]:
        return [d for k, d in self.events if k == kind]


@pytest.fixture
def runner(worker: BlockingWorker) -> ThreadedRunner:
    return ThreadedRunner(worker)


@pytest.fixture
def all_tools(shared_worker: BlockingWorker) -> list[ToolInfo]:
    return shared_worker.list_tools()


@pytest.fixture
def events() -> Recorder:
    return Recorder()


@pytest.fixture
def ctx(runner: ThreadedRunner, all_tools: list[ToolInfo], events: Recorder) -> RoleContext:
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
