"""The whole scene judged against the prompt: deliberately broken scenes and misparsed prompts
score low and say what is wrong; a right model scores high."""

from __future__ import annotations

from async_worker import AsyncWorker
from prompt2mesh.roles.interface import Critique, PlanStep, ToolCall

from .conftest import Built, build

FINAL = PlanStep(
    number=99,
    action="Judge the finished scene against the prompt",
    calls=[ToolCall(tool="analyze_scene_problems", args={})],
)


async def final(built: Built) -> Critique:
    shot = await built.ctx.runner.call("get_viewport_screenshot", {"max_size": 256})
    assert shot.ok, shot.error
    return await built.roles.critic.critique(FINAL, shot.images[0], built.ctx)


async def test_a_right_model_scores_high(runner: AsyncWorker) -> None:
    verdict = await final(await build(runner, "A red cube on a blue table"))
    assert verdict.score >= 8, verdict.issues


async def test_a_cube_moved_off_its_table_breaks_the_relation_and_cannot_pass(runner: AsyncWorker) -> None:
    built = await build(runner, "A red cube on a blue table")
    moved = await runner.call(
        "set_transform", {"name": "Cube", "location": [2.5, 0, -0.75], "relative": True}
    )
    assert moved.ok
    verdict = await final(built)
    assert verdict.score <= 5
    assert any(i.startswith("Cube is not on Table on the measured geometry") for i in verdict.issues), (
        verdict.issues
    )


async def test_thin_things_stacked_on_each_other_are_not_hidden_inside_each_other(
    runner: AsyncWorker,
) -> None:
    verdict = await final(await build(runner, "a pile of gold coins"))
    assert not [i for i in verdict.issues if "hidden inside" in i], verdict.issues
    assert verdict.score >= 8


async def test_a_thing_really_inside_another_is_still_found_hidden(runner: AsyncWorker) -> None:
    built = await build(runner, "a red cube next to a big box")
    box = (await runner.call("get_bounding_boxes", {"names": ["Box"]})).result["boxes"]["Box"]
    moved = await runner.call(
        "set_transform", {"name": "Cube", "location": box["center"], "scale": [0.2, 0.2, 0.2]}
    )
    assert moved.ok, moved.error
    verdict = await final(built)
    assert any(i.startswith("Cube") and "hidden inside Box" in i for i in verdict.issues), verdict.issues


async def test_an_ignored_subject_caps_the_score_at_3(runner: AsyncWorker) -> None:
    # An invented animal: whatever the vocabulary learns, nobody knows a zorblax.
    verdict = await final(await build(runner, "A zorblax swimming in a pond"))
    assert verdict.score <= 3
    assert any("subject 'zorblax' is not in the scene" in i for i in verdict.issues), verdict.issues


async def test_a_stand_in_box_for_an_unknown_kind_cannot_pass(runner: AsyncWorker) -> None:
    verdict = await final(await build(runner, "A table with three glorps"))
    assert verdict.score <= 5
    assert any("stand-in boxes for 'glorps'" in i for i in verdict.issues), verdict.issues


async def test_a_prompt_with_no_known_object_builds_no_cube_and_scores_lowest(runner: AsyncWorker) -> None:
    for prompt in ("🎄🎁✨", "Ein roter Hund auf dem Tisch"):
        built = await build(runner, prompt)
        assert not any(s.objects and s.objects != ["Ground"] for s in built.plan.steps)
        assert "Nothing I can build" in built.requirement.refined
        assert any("understands English" in w for w in built.requirement.warnings)
        verdict = await final(built)
        assert verdict.score <= 2
        assert "understands English" in verdict.analysis
        await runner.call("new_scene", {})


async def test_a_part_the_host_already_has_counts_as_built(runner: AsyncWorker) -> None:
    verdict = await final(await build(runner, "A snowman wearing a red scarf"))
    assert verdict.score >= 8, verdict.issues
    # Without a colour the part is not recoloured, and is still the host's own, built.
    verdict = await final(await build(runner, "A wooden table with four legs"))
    assert verdict.score >= 8, verdict.issues


async def test_a_host_part_in_the_wrong_number_is_not_honoured(runner: AsyncWorker) -> None:
    verdict = await final(await build(runner, "A wooden table with six legs"))
    assert verdict.score <= 6
    assert any("named 'leg' but the prompt asks for 6" in i for i in verdict.issues), verdict.issues


async def test_a_part_in_the_wrong_colour_is_not_honoured(runner: AsyncWorker) -> None:
    built = await build(runner, "A snowman with a carrot nose and a black hat")
    assert (await final(built)).score >= 8
    grey = await runner.call(
        "create_material",
        {"name": "Grey", "color": "#9a9a9a", "assign_to": ["Snowman_Hat_Brim", "Snowman_Hat_Top"]},
    )
    assert grey.ok, grey.error
    verdict = await final(built)
    assert verdict.score <= 6
    assert any("Hat" in i and "black" in i for i in verdict.issues), verdict.issues


async def test_a_noun_built_as_another_kind_with_its_own_look_is_named_and_not_full_marks(
    runner: AsyncWorker,
) -> None:
    # 'doghouse' is known only through WordNet as a kind of house: a house is what gets built.
    built = await build(runner, "A dog in front of a doghouse")
    assert any("'doghouse': built as the nearest kind I know, house" in w for w in built.requirement.warnings)
    verdict = await final(built)
    assert verdict.score <= 8
    assert any("Doghouse is built as a house" in i for i in verdict.issues), verdict.issues
    # A plain member of a family (a frog as a small animal) is a fair stand-in: no such note.
    verdict = await final(await build(runner, "A green frog sitting on a lily pad"))
    assert not any("is built as a" in i for i in verdict.issues), verdict.issues
