"""Fixtures for the agent tests: a real worker as an async ToolRunner and scripted models."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

from fakes.chat import ScriptedChatModel, critique, plan, refined, text, tool_calls
from prompt2mesh.agent.runner import RunRequest
from prompt2mesh.config import Settings
from prompt2mesh.roles.factory import make_roles
from prompt2mesh.roles.interface import Roles


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    """Spec defaults, small screenshots, checkpoints in the test's folder."""
    return Settings(data_dir=tmp_path / "data", screenshot_size=96)


@pytest.fixture
def request_for(tmp_path: Path) -> Callable[..., RunRequest]:
    """A RunRequest writing under tmp_path (artifacts in a per-test folder of the worker workspace)."""

    def build(prompt: str = "Make a row of blocks", **kwargs: Any) -> RunRequest:
        kwargs.setdefault("run_id", f"run-{tmp_path.name}")
        return RunRequest(
            prompt=prompt, out_dir=tmp_path / "out", artifact_prefix=f"runs/{tmp_path.name}/", **kwargs
        )

    return build


class Sleeps:
    """Records the retry backoff's waits instead of sleeping."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


def block(i: int) -> tuple[str, dict[str, Any]]:
    """The executor's call for step ``i``: one cube in a row, standing on the ground."""
    return (
        "create_primitive",
        {"kind": "cube", "name": f"Block{i}", "size": 1.0, "location": [i * 1.5, 0, 0.5]},
    )


def executor_turns(*calls: tuple[str, dict[str, Any]]) -> list[Any]:
    """A step done in one round of tool calls, then 'done'."""
    return [tool_calls(*calls), text("done")]


def script(
    *,
    steps: int = 5,
    scores: Sequence[int] = (),
    plans: Sequence[Any] | None = None,
    executor: list[Any] | None = None,
    improver: list[Any] | None = None,
    extra_critic: Sequence[Any] = (),
) -> ScriptedChatModel:
    """A scripted model for a plan of ``steps`` block-building steps.

    ``scores`` are the critic's answers in order (8 once they run out); the improver smooths
    the step's block unless ``improver`` is given.
    """
    actions = [f"Build block {i}" for i in range(1, steps + 1)]
    return ScriptedChatModel(
        roles={
            "refiner": [refined("A row of five 1 m cubes, 1.5 m apart, standing on the ground")],
            "planner": list(plans) if plans is not None else [plan(*actions)],
            "executor": executor
            if executor is not None
            else [t for i in range(1, steps + 1) for t in executor_turns(block(i))],
            "critic": [
                *extra_critic,
                *(
                    critique(s, issues=["edges too sharp"], suggestions=["bevel and smooth the edges"])
                    for s in scores
                ),
            ],
            "improver": improver if improver is not None else [],
        },
        default=critique(8),
    )


def block_builder(messages: list[Any]) -> Any:
    """An executor that builds the block of whatever step it is asked for (for replayed steps)."""
    import re

    from langchain_core.messages import ToolMessage

    if isinstance(messages[-1], ToolMessage):
        return text("done")
    asked = "\n".join(str(m.content) for m in messages)
    number = int(re.findall(r"Step (\d+)", asked)[-1])
    return tool_calls(block(number))


def smooth_turns(*names: str) -> list[Any]:
    """An improver refinement: smooth shading on each named block, then 'done'."""
    return [tool_calls(*(("set_shading", {"name": n, "smooth": True}) for n in names)), text("done")]


@pytest.fixture
def roles_for(settings: Settings, sleeps: Sleeps) -> Callable[[ScriptedChatModel], Roles]:
    """LLM roles (roles.factory) driven by a scripted chat model; backoff waits are recorded."""

    def build(model: ScriptedChatModel) -> Roles:
        return make_roles(settings, chat_model=model, sleep=sleeps)

    return build


@pytest.fixture
def kit() -> Any:
    """The script builders above, for test modules (conftest modules are not importable)."""
    from types import SimpleNamespace

    return SimpleNamespace(
        script=script,
        block=block,
        executor_turns=executor_turns,
        smooth_turns=smooth_turns,
        block_builder=block_builder,
    )
