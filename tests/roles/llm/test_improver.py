from __future__ import annotations

from fakes.chat import ScriptedChatModel, text, tool_calls
from prompt2mesh.roles.interface import Critique, PlanStep, RoleContext
from prompt2mesh.roles.llm import LLMImprover

STEP = PlanStep(number=1, action="Build the box", description="A cube named Box.")


async def test_improver_enhances_the_step_from_the_critique_with_real_tool_calls(
    ctx: RoleContext, all_tools: list
) -> None:
    await ctx.runner.call("create_primitive", {"kind": "cube", "name": "Box"})
    ctx.tools = [t for t in all_tools if t.category in ("modification", "inspection")]
    verdict = Critique(
        score=4, analysis="Too plain.", issues=["Box has sharp edges"], suggestions=["bevel Box"]
    )
    model = ScriptedChatModel(
        script=[
            tool_calls(
                ("add_modifier", {"object": "Box", "type": "bevel", "params": {"width": 0.05, "segments": 3}})
            ),
            text("Bevelled."),
        ]
    )
    results = await LLMImprover(model).improve(STEP, verdict, ctx)

    assert [(r.tool, r.ok) for r in results] == [("add_modifier", True)]
    info = await ctx.runner.call("get_object_info", {"name": "Box"})
    assert [m["type"] for m in info.result["modifiers"]] == ["bevel"]
    prompt = model.turns[0].text
    assert "scored this step 4/10" in prompt and "Box has sharp edges" in prompt and "bevel Box" in prompt
    assert "Enhance, do not replace" in prompt
    assert model.offered == [[t.name for t in ctx.tools]]
