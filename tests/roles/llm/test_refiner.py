from __future__ import annotations

from fakes.chat import ScriptedChatModel, refined, text
from prompt2mesh.roles.interface import RoleContext
from prompt2mesh.roles.llm import LLMRefiner


async def test_refiner_makes_the_prompt_specific_and_keeps_the_original(ctx: RoleContext) -> None:
    model = ScriptedChatModel(
        script=[refined("A conical tree 5 m tall with 20 ornaments", ["no snow"], height_m=5, ornaments=20)]
    )
    result = await LLMRefiner(model).refine("Christmas tree", ctx)

    assert result.original == "Christmas tree"
    assert result.refined == "A conical tree 5 m tall with 20 ornaments"
    assert result.details == {"height_m": 5, "ornaments": 20}
    assert result.warnings == ["no snow"]
    assert "Request: Christmas tree" in model.turns[0].text


async def test_an_unusable_refinement_leaves_the_prompt_as_it_is_with_a_warning(ctx: RoleContext) -> None:
    model = ScriptedChatModel(script=[text("Sure! A tree."), text("A big tree.")])
    result = await LLMRefiner(model).refine("Christmas tree", ctx)

    assert result.refined == "Christmas tree"
    assert result.warnings and "not refined" in result.warnings[0]
    assert len(model.turns) == 2
