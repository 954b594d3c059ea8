"""The offline refiner and planner: specific requirement, 5-15 valid steps, resume."""

from __future__ import annotations

import pytest

from async_worker import AsyncWorker
from prompt2mesh.roles.interface import RoleContext
from prompt2mesh.roles.offline import make_offline_roles
from prompt2mesh.workers.blocking import BlockingWorker

from .conftest import build

PROMPTS = [
    "A black umbrella",
    "Create a decorated Christmas tree",
    "Four chairs around a round table",
    "A dragon next to a castle",
    "a red cube, a blue ball, a green cone, a yellow book, a lamp, a vase, a mug, a chair and a bench",
]


@pytest.mark.parametrize("prompt", PROMPTS)
async def test_plans_have_5_to_15_steps_of_tools_the_worker_has(
    prompt: str, shared_worker: BlockingWorker
) -> None:
    roles = make_offline_roles()
    ctx = RoleContext(runner=AsyncWorker(shared_worker))
    requirement = await roles.refiner.refine(prompt, ctx)
    plan = await roles.planner.plan(requirement, {}, ctx)
    known = {t.name for t in shared_worker.list_tools()}
    assert 5 <= len(plan.steps) <= 12
    assert [s.number for s in plan.steps] == list(range(1, len(plan.steps) + 1))
    for step in plan.steps:
        assert step.calls and step.action
        assert {c.tool for c in step.calls} <= known
        assert set(step.tools) == {c.tool for c in step.calls}
    tail = [c.tool for s in plan.steps[-3:-1] for c in s.calls]
    assert "setup_lighting" in tail and tail[-1] == "frame_camera"
    assert plan.steps[-1].action == "Review the whole scene"


async def test_the_refined_prompt_says_what_will_be_built(shared_worker: BlockingWorker) -> None:
    roles = make_offline_roles()
    refined = await roles.refiner.refine(
        "Create a decorated Christmas tree", RoleContext(runner=AsyncWorker(shared_worker))
    )
    assert "christmas tree" in refined.refined.lower()
    assert "20" in refined.refined
    assert "star" in refined.refined.lower() and " m tall" in refined.refined
    assert refined.details["spec"]["objects"][0]["kind"] == "christmas_tree"


async def test_kinds_without_a_recipe_are_built_as_proxies_with_a_warning(
    shared_worker: BlockingWorker,
) -> None:
    roles = make_offline_roles()
    ctx = RoleContext(runner=AsyncWorker(shared_worker))
    refined = await roles.refiner.refine("a glorpus next to a house", ctx)
    assert any("glorpus" in w and "proxy" in w for w in refined.warnings)
    plan = await roles.planner.plan(refined, {}, ctx)
    assert any("glorpus" in w for w in plan.warnings)
    assert any(c.args.get("name") == "Glorpus_Body" for s in plan.steps for c in s.calls)


async def test_unknown_words_are_reported_in_the_requirement(shared_worker: BlockingWorker) -> None:
    refined = await make_offline_roles().refiner.refine(
        "a shimmering red cube", RoleContext(runner=AsyncWorker(shared_worker))
    )
    assert any("shimmering" in w for w in refined.warnings)


async def test_completed_steps_are_those_whose_objects_already_exist(runner: AsyncWorker) -> None:
    built = await build(runner, "A red cube on a blue table", upto=2)
    done = await built.roles.planner.completed_steps(built.plan, {}, built.ctx)
    assert done == [1, 2]
    for step in built.plan.steps[2:]:
        await built.roles.executor.execute(step, built.ctx)
    done = await built.roles.planner.completed_steps(built.plan, {}, built.ctx)
    assert done == [s.number for s in built.plan.steps[:-1]]


async def test_a_ground_named_in_the_prompt_replaces_the_stage_plane(runner: AsyncWorker) -> None:
    built = await build(runner, "a red ball on the grass")
    assert built.plan.steps[0].action == "Prepare the world"
    boxes = (await runner.call("get_bounding_boxes", {"names": ["Grass", "Ball"]})).result["boxes"]
    assert boxes["Ball"]["min"][2] == pytest.approx(boxes["Grass"]["max"][2], abs=0.03)
    assert not (await runner.call("get_object_info", {"name": "Ground"})).ok
