from __future__ import annotations

import base64

import pytest

from fakes.chat import ScriptedChatModel, critique, json_reply, text
from prompt2mesh.roles.errors import ModelOutputError
from prompt2mesh.roles.interface import PlanStep, RoleContext
from prompt2mesh.roles.llm import LLMCritic

STEP = PlanStep(
    number=2, action="Build the box", description="A red cube named Box.", expected_outcome="A red box"
)


@pytest.fixture
async def screenshot(ctx: RoleContext) -> bytes:
    await ctx.runner.call("create_primitive", {"kind": "cube", "name": "Box"})
    shot = await ctx.runner.call("get_viewport_screenshot", {"max_size": 256})
    assert shot.ok and shot.images, shot.error
    return shot.images[0]


async def test_critic_sends_the_screenshot_as_an_image_block_and_parses_the_score(
    ctx: RoleContext, screenshot: bytes
) -> None:
    model = ScriptedChatModel(
        script=[critique(4, issues=["Box is grey, not red"], suggestions=["assign a red material to Box"])]
    )
    result = await LLMCritic(model).critique(STEP, screenshot, ctx)

    assert result.score == 4
    assert result.issues == ["Box is grey, not red"]
    assert result.suggestions == ["assign a red material to Box"]
    [image] = model.images_sent()
    assert image["mime_type"] == "image/png"
    assert base64.b64decode(image["base64"]) == screenshot
    assert "Step 2 of 3: Build the box" in model.turns[0].text
    assert ctx.usage.calls == 1


async def test_the_final_judgement_is_not_called_a_step_past_the_plan(
    ctx: RoleContext, screenshot: bytes
) -> None:
    """A real model read "Step 4 of 3" for the judgement after the plan as an off-by-one."""
    final = PlanStep(number=4, action="Judge the finished scene against the prompt")
    model = ScriptedChatModel(script=[critique(8)])
    await LLMCritic(model).critique(final, screenshot, ctx)

    assert "After all 3 steps: Judge the finished scene against the prompt" in model.turns[0].text
    assert "Step 4 of 3" not in model.turns[0].text


async def test_a_step_that_builds_objects_is_also_shown_from_behind(
    ctx: RoleContext, screenshot: bytes
) -> None:
    builds = STEP.model_copy(update={"objects": ["Box"]})
    model = ScriptedChatModel(script=[critique(8)])
    await LLMCritic(model).critique(builds, screenshot, ctx)

    front, behind = model.images_sent()
    assert base64.b64decode(front["base64"]) == screenshot
    assert base64.b64decode(behind["base64"]) not in (b"", screenshot)
    assert "from behind" in model.turns[0].text

    model = ScriptedChatModel(script=[critique(8)])
    await LLMCritic(model, second_view=False).critique(builds, screenshot, ctx)
    assert len(model.images_sent()) == 1


async def test_critic_tells_the_model_what_the_worker_measured(ctx: RoleContext) -> None:
    await ctx.runner.call(
        "create_primitive", {"kind": "cube", "name": "Ground", "size": 1, "location": [0, 0, 0.5]}
    )
    await ctx.runner.call(
        "create_primitive", {"kind": "cube", "name": "Lamp", "size": 0.5, "location": [3, 0, 1.25]}
    )
    model = ScriptedChatModel(script=[critique(5)])
    await LLMCritic(model).critique(STEP, b"\x89PNG", ctx)

    assert "Lamp floats 1.00 m above the ground" in model.turns[0].text

    model = ScriptedChatModel(script=[critique(5)])
    await LLMCritic(model, measure=False).critique(STEP, b"\x89PNG", ctx)
    assert "Measured" not in model.turns[0].text


@pytest.mark.parametrize(
    ("score", "expected"),
    [("7/10", 7), (7.6, 8), (14, 10), (0, 1), ("8", 8)],
)
async def test_critic_reads_scores_written_loosely_and_clamps_them_to_one_to_ten(
    ctx: RoleContext, score: object, expected: int
) -> None:
    model = ScriptedChatModel(script=[json_reply({"score": score, "analysis": "ok", "issues": "one issue"})])
    result = await LLMCritic(model).critique(STEP, b"\x89PNG", ctx)

    assert result.score == expected
    assert result.issues == ["one issue"]


async def test_critic_finds_the_verdict_inside_prose_and_code_fences(ctx: RoleContext) -> None:
    reply = 'Here is my verdict:\n```json\n{"score": 6, "analysis": "decent"}\n```\nThanks.'
    result = await LLMCritic(ScriptedChatModel(script=[text(reply)])).critique(STEP, b"\x89PNG", ctx)

    assert (result.score, result.analysis) == (6, "decent")


async def test_an_unusable_verdict_is_asked_for_once_more_then_refused(ctx: RoleContext) -> None:
    model = ScriptedChatModel(script=[text("Looks nice!"), critique(7)])
    assert (await LLMCritic(model).critique(STEP, b"\x89PNG", ctx)).score == 7
    assert "could not be used" in model.turns[1].text

    model = ScriptedChatModel(script=[text("Looks nice!"), text('{"analysis": "no score"}')])
    with pytest.raises(ModelOutputError, match="critic did not answer with the JSON") as info:
        await LLMCritic(model).critique(STEP, b"\x89PNG", ctx)
    assert info.value.role == "critic"
