from __future__ import annotations

from langchain_core.messages import AIMessage, ToolMessage

from fakes.chat import ScriptedChatModel, text, tool_calls
from prompt2mesh.roles.interface import PlanStep, RoleContext
from prompt2mesh.roles.llm import LLMExecutor

from .conftest import Recorder

STEP = PlanStep(
    number=1, action="Build the box", description="A cube named Box, size 1, standing on the ground."
)


async def test_executor_runs_the_models_tool_calls_in_a_real_worker_until_it_stops(
    ctx: RoleContext, events: Recorder
) -> None:
    model = ScriptedChatModel(
        script=[
            tool_calls(
                ("create_material", {"name": "Red", "color": "#cc2222"}),
                ("create_primitive", {"kind": "cube", "name": "Box", "size": 1, "location": [0, 0, 0.5]}),
            ),
            tool_calls(("assign_material", {"objects": ["Box"], "material": "Red"})),
            text("The red box stands on the ground."),
        ]
    )
    results = await LLMExecutor(model).execute(STEP, ctx)

    assert [r.tool for r in results] == ["create_material", "create_primitive", "assign_material"]
    assert all(r.ok for r in results), [r.error for r in results]
    box = await ctx.runner.call("get_object_info", {"name": "Box"})
    assert box.ok and box.result["materials"] == ["Red"]
    # The model saw every result before its next turn.
    second = model.received[1]
    assert [m.name for m in second if isinstance(m, ToolMessage)] == ["create_material", "create_primitive"]
    assert ctx.usage.calls == 3 and ctx.usage.input_tokens == 300 and ctx.usage.output_tokens == 60
    assert [e["tool"] for e in events.of("tool_call")] == [
        "create_material",
        "create_primitive",
        "assign_material",
    ]
    assert len(events.of("model_call")) == 3


async def test_executor_offers_the_model_only_the_tools_of_the_step(ctx: RoleContext) -> None:
    model = ScriptedChatModel(script=[text("nothing to do")])
    await LLMExecutor(model).execute(STEP, ctx)

    assert model.offered == [[t.name for t in ctx.tools]]
    assert model.turns[0].tools == [t.name for t in ctx.tools]
    assert "delete_objects" not in model.offered[0]


async def test_a_failed_tool_call_goes_back_to_the_model_as_an_error_it_can_correct(ctx: RoleContext) -> None:
    model = ScriptedChatModel(
        script=[
            tool_calls(("create_primitive", {"kind": "dodecahedron", "name": "Box"})),
            tool_calls(("create_primitive", {"kind": "cube", "name": "Box"})),
            text("done"),
        ]
    )
    results = await LLMExecutor(model).execute(STEP, ctx)

    assert [r.ok for r in results] == [False, True]
    answer = model.received[1][-1]
    assert isinstance(answer, ToolMessage) and answer.status == "error"
    # The error names the argument and what it accepts (the worker no longer echoes the input).
    assert str(answer.content).startswith("ERROR:")
    assert "kind" in str(answer.content) and "'cube'" in str(answer.content)


async def test_a_call_to_a_tool_not_offered_is_refused_without_running_it(ctx: RoleContext) -> None:
    await ctx.runner.call("create_primitive", {"kind": "cube", "name": "Keep"})
    model = ScriptedChatModel(script=[tool_calls(("delete_objects", {"names": ["Keep"]})), text("done")])
    results = await LLMExecutor(model).execute(STEP, ctx)

    assert len(results) == 1 and not results[0].ok
    assert "not available in this step" in (results[0].error or "")
    assert (await ctx.runner.call("get_object_info", {"name": "Keep"})).ok


async def test_executor_gives_up_after_its_round_limit_with_a_warning(
    ctx: RoleContext, events: Recorder
) -> None:
    model = ScriptedChatModel(default=tool_calls(("get_scene_info", {"limit": 1})))
    results = await LLMExecutor(model, max_rounds=3).execute(STEP, ctx)

    assert len(results) == 3 and len(model.turns) == 3
    assert any("3 model rounds" in w["message"] for w in events.of("warning"))


async def test_executor_tells_the_model_which_objects_already_exist(ctx: RoleContext) -> None:
    await ctx.runner.call(
        "create_primitive", {"kind": "cylinder", "name": "Table_Leg", "location": [1, 2, 0.5]}
    )
    model = ScriptedChatModel(script=[text("done")])
    await LLMExecutor(model).execute(STEP, ctx)

    assert "Objects in the scene (1): name | type | location" in model.turns[0].text
    assert "\nTable_Leg | mesh | 1,2,0.5 | 2,2,2 | - | -" in model.turns[0].text

    model = ScriptedChatModel(script=[text("done")])
    await LLMExecutor(model, scene_context=False).execute(STEP, ctx)
    assert "Table_Leg" not in model.turns[0].text


async def test_a_call_with_unparsable_arguments_is_answered_with_an_error_and_corrected(
    ctx: RoleContext,
) -> None:
    broken = AIMessage(
        content="",
        invalid_tool_calls=[
            {
                "name": "create_primitive",
                "args": '{"kind": "cube",',
                "id": "call_bad",
                "error": "bad JSON",
                "type": "invalid_tool_call",
            }
        ],
    )
    model = ScriptedChatModel(
        script=[broken, tool_calls(("create_primitive", {"kind": "cube", "name": "Box"})), text("done")]
    )
    results = await LLMExecutor(model).execute(STEP, ctx)

    assert [(r.tool, r.ok) for r in results] == [("create_primitive", False), ("create_primitive", True)]
    answer = model.received[1][-1]
    assert (
        isinstance(answer, ToolMessage)
        and answer.tool_call_id == "call_bad"
        and "not valid JSON" in str(answer.content)
    )
