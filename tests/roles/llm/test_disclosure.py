"""Progressive disclosure: a step starts small and loads more tools on demand with find_tools."""

from __future__ import annotations

from dataclasses import replace

from fakes.chat import ScriptedChatModel, text, tool_calls
from prompt2mesh.roles.interface import PlanStep, RoleContext, ToolInfo
from prompt2mesh.roles.llm import LLMExecutor
from prompt2mesh.roles.llm._disclosure import FIND_TOOLS, find_tools, find_tools_info

from .conftest import Recorder

STEP = PlanStep(number=1, action="Build the box", description="A cube named Box with rounded edges.")


async def test_find_tools_loads_the_matching_tools_for_the_next_turn(
    ctx: RoleContext, all_tools: list[ToolInfo], events: Recorder
) -> None:
    small = replace(ctx, loadable=all_tools)
    model = ScriptedChatModel(
        script=[
            tool_calls(
                ("create_primitive", {"kind": "cube", "name": "Box", "size": 1, "location": [0, 0, 0.5]}),
                (FIND_TOOLS, {"category": "modification", "query": "bevel modifier"}),
            ),
            tool_calls(("add_modifier", {"object": "Box", "type": "bevel", "params": {"width": 0.05}})),
            text("The box has rounded edges."),
        ]
    )
    results = await LLMExecutor(model).execute(STEP, small)

    assert [r.tool for r in results] == ["create_primitive", "add_modifier"]
    assert all(r.ok for r in results), [r.error for r in results]
    first, second = model.offered[0], model.offered[-1]
    assert first[0] == FIND_TOOLS and "add_modifier" not in first
    assert "add_modifier" in second and set(first) < set(second)
    answer = [m for m in model.received[1] if getattr(m, "name", None) == FIND_TOOLS][0]
    assert "add_modifier" in str(answer.content)
    assert events.of("tools_loaded")[0]["loaded"][0] == "add_modifier"


async def test_a_loadable_tool_called_by_name_runs_and_is_bound_from_then_on(
    ctx: RoleContext, all_tools: list[ToolInfo]
) -> None:
    small = replace(ctx, loadable=all_tools)
    model = ScriptedChatModel(
        script=[
            tool_calls(("create_primitive", {"kind": "cube", "name": "Box", "size": 1})),
            tool_calls(("set_shading", {"name": "Box", "smooth": True})),
            text("done"),
        ]
    )
    results = await LLMExecutor(model).execute(STEP, small)
    assert [r.ok for r in results] == [True, True]
    assert "set_shading" not in model.offered[0] and "set_shading" in model.offered[-1]


def test_the_find_tools_schema_does_not_grow_with_the_number_of_tools(all_tools: list[ToolInfo]) -> None:
    more = [
        ToolInfo(
            name=f"extra_tool_{i}", description=f"Extra tool {i}. Long text " * 20, category="constraints"
        )
        for i in range(40)
    ]
    small, large = find_tools_info(all_tools), find_tools_info([*all_tools, *more])
    assert len(large.description) - len(small.description) < 40  # one more category name
    loaded, answer = find_tools({"category": "constraints"}, [*all_tools, *more], set())
    assert len(loaded) == 10 and "extra_tool_0" in answer


def test_an_unknown_query_says_which_categories_exist(all_tools: list[ToolInfo]) -> None:
    loaded, answer = find_tools({"query": "quantum teleport"}, all_tools, set())
    assert loaded == [] and "creation" in answer
