from __future__ import annotations

import pytest

from fakes.chat import ScriptedChatModel, json_reply, plan, plan_step, text
from prompt2mesh.roles.errors import ModelOutputError
from prompt2mesh.roles.interface import Plan, PlanStep, RefinedPrompt, RoleContext, ToolInfo
from prompt2mesh.roles.llm import LLMPlanner

BRIEF = RefinedPrompt(original="a table", refined="A wooden table 1.2 m long", details={"legs": 4})


async def test_planner_turns_the_models_json_into_numbered_validated_steps(
    ctx: RoleContext, all_tools: list[ToolInfo]
) -> None:
    ctx.tools = all_tools
    model = ScriptedChatModel(
        script=[
            json_reply(
                {
                    "steps": [
                        plan_step(3, "Build the top", ["create_primitive"], expected_outcome="a slab"),
                        plan_step(7, "Add the legs", ["create_primitive", "duplicate_object"]),
                    ]
                }
            )
        ]
    )
    result = await LLMPlanner(model).plan(BRIEF, {"objects": []}, ctx)

    assert [(s.number, s.action) for s in result.steps] == [(1, "Build the top"), (2, "Add the legs")]
    assert result.steps[0].expected_outcome == "a slab"
    assert result.steps[1].tools == ["create_primitive", "duplicate_object"]
    system = model.turns[0].messages[0].content
    assert isinstance(system, str) and "[camera]\n- frame_camera(" in system
    # The planner sees parameters and their values, not just names.
    assert "create_primitive(kind: cube|uv_sphere|" in system and "parent?" in system
    assert "step 1 creates an empty named after what the model is" in system
    assert "A wooden table 1.2 m long" in model.turns[0].text and '"legs": 4' in model.turns[0].text


async def test_planner_asks_for_the_tool_catalogue_when_the_context_has_none(ctx: RoleContext) -> None:
    ctx.tools = []
    model = ScriptedChatModel(script=[plan("Build the top")])
    await LLMPlanner(model).plan(BRIEF, {"objects": []}, ctx)

    assert "- create_primitive(" in model.turns[0].text


async def test_a_rejected_plan_is_replanned_with_the_errors_in_the_request(ctx: RoleContext) -> None:
    model = ScriptedChatModel(script=[plan("Build the top")])
    await LLMPlanner(model).plan(BRIEF, {"objects": []}, ctx, errors=["step 2 uses unknown tool 'make_leg'"])

    assert "previous plan was rejected" in model.turns[0].text
    assert "unknown tool 'make_leg'" in model.turns[0].text


async def test_a_plan_that_is_not_json_is_asked_for_again_then_refused(ctx: RoleContext) -> None:
    model = ScriptedChatModel(script=[text("First, I would build the top..."), plan("Build the top")])
    assert len((await LLMPlanner(model).plan(BRIEF, {}, ctx)).steps) == 1

    model = ScriptedChatModel(script=[json_reply({"steps": []}), json_reply({"steps": [{"number": 1}]})])
    with pytest.raises(ModelOutputError, match="planner did not answer") as info:
        await LLMPlanner(model).plan(BRIEF, {}, ctx)
    assert "steps.0.action" in info.value.message


async def test_completed_steps_keeps_only_step_numbers_of_the_plan(ctx: RoleContext) -> None:
    steps = [PlanStep(number=n, action=f"Step {n}") for n in (1, 2, 3)]
    model = ScriptedChatModel(script=[json_reply({"completed": [2, 1, 9, 2]})])
    scene = {"objects": [{"name": "Table_Top", "type": "mesh", "location": [0, 0, 0.75]}], "total": 1}
    done = await LLMPlanner(model).completed_steps(Plan(steps=steps), scene, ctx)

    assert done == [1, 2]
    assert "Table_Top" in model.turns[0].text
