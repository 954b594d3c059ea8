"""The offline critic finds real faults in a deliberately broken scene, in words and metres,
and the improver's run of its fix calls raises the score."""

from __future__ import annotations

from async_worker import AsyncWorker
from prompt2mesh.roles.interface import Critique, PlanStep

from .conftest import Built, build


async def judge(built: Built, step: PlanStep) -> Critique:
    shot = await built.ctx.runner.call("get_viewport_screenshot", {"max_size": 256})
    assert shot.ok, shot.error
    return await built.roles.critic.critique(step, shot.images[0], built.ctx)


async def repair(built: Built, step: PlanStep, critique: Critique) -> Critique:
    results = await built.roles.improver.improve(step, critique, built.ctx)
    assert results and all(r.ok for r in results), [r.error for r in results if not r.ok]
    return await judge(built, step)


async def test_a_first_build_is_made_at_the_prompts_detail_and_has_nothing_to_refine(
    runner: AsyncWorker,
) -> None:
    built = await build(runner, "A black umbrella", upto=2)
    step = built.step("Build")
    assert any(c.tool in ("add_modifier", "set_shading") for c in step.calls)
    first = await judge(built, step)
    assert first.score >= 9 and not first.issues and not first.fix_calls
    # A refinement answers a measured fault only: with none named, nothing runs.
    assert await built.roles.improver.improve(step, first, built.ctx) == []


async def test_a_floating_object_is_named_with_its_gap_and_put_back(runner: AsyncWorker) -> None:
    built = await build(runner, "A red cube on a blue table", upto=3, refine=True)
    moved = await runner.call("set_transform", {"name": "Cube", "location": [0, 0, 0.4], "relative": True})
    assert moved.ok
    step = built.step("Place")
    broken = await judge(built, step)
    assert broken.score <= 6
    assert any("Cube floats 0.40 m above the Table" in i for i in broken.issues), broken.issues
    fixed = await repair(built, step, broken)
    assert fixed.score > broken.score and fixed.score >= 8
    rel = await runner.call("analyze_relations", {"pairs": [["Cube", "Table"]]})
    assert "on_top_of" in rel.result["relations"][0]["relations"]


async def test_an_intersection_is_found_and_the_objects_pushed_apart(runner: AsyncWorker) -> None:
    built = await build(runner, "A wooden chair next to a wooden table", upto=3, refine=True)
    table = (await runner.call("get_object_info", {"name": "Table"})).result["location"]
    await runner.call("set_transform", {"name": "Chair", "location": [table[0] + 0.4, table[1], 0.0]})
    step = built.step("Place")
    broken = await judge(built, step)
    assert broken.score <= 6
    assert any(i.startswith("Chair intersects Table") for i in broken.issues), broken.issues
    fixed = await repair(built, step, broken)
    assert fixed.score > broken.score
    problems = (await runner.call("analyze_scene_problems", {})).result
    assert not problems["intersecting"]


async def test_a_wrong_colour_is_seen_and_repainted(runner: AsyncWorker) -> None:
    built = await build(runner, "A red cube on a blue table", upto=2, refine=True)
    await runner.call("create_material", {"name": "Table_Wood", "color": "#22aa22"})
    step = built.step("Build")
    broken = await judge(built, step)
    assert broken.score <= 6
    assert any("Table is mostly green" in i and "asked for blue" in i for i in broken.issues), broken.issues
    fixed = await repair(built, step, broken)
    assert fixed.score > broken.score
    colors = {m["name"]: m["color"] for m in (await runner.call("list_materials", {})).result["materials"]}
    assert colors["Table_Wood"] == "#2255cc"


async def test_objects_outside_the_camera_frame_are_reframed(runner: AsyncWorker) -> None:
    built = await build(runner, "A black umbrella", upto=-1)
    await runner.call("set_camera", {"location": [10.0, 0.0, 1.0], "look_at": [20.0, 0.0, 1.0]})
    step = built.step("Frame")
    broken = await judge(built, step)
    assert any("Umbrella is outside the camera frame" in i for i in broken.issues), broken.issues
    assert any(c.tool == "frame_camera" for c in broken.fix_calls)
    fixed = await repair(built, step, broken)
    assert fixed.score > broken.score and not fixed.issues


async def test_a_missing_object_scores_lowest_and_is_rebuilt(runner: AsyncWorker) -> None:
    built = await build(runner, "Three yellow balls in a row", upto=2, refine=True)
    await runner.call("delete_objects", {"names": ["Ball_2"]})
    step = built.step("Build")
    broken = await judge(built, step)
    assert broken.score <= 4
    assert "Ball_2 is missing from the scene" in broken.issues
    fixed = await repair(built, step, broken)
    assert fixed.score > broken.score
    assert (await runner.call("get_object_info", {"name": "Ball_2"})).ok


async def test_a_sunk_ornament_and_a_floating_star_are_described_on_their_tree(
    runner: AsyncWorker,
) -> None:
    built = await build(runner, "Create a decorated Christmas tree", upto=4)
    await runner.call("set_transform", {"name": "Ornament_03", "location": [0, 0, -0.3], "relative": True})
    await runner.call("set_transform", {"name": "Star", "location": [0, 0, 0.4], "relative": True})
    ornaments = await judge(built, built.step("Hang"))
    assert any(
        i.startswith("Ornament_03 sinks 0.30 m into the surface of the Christmas_Tree")
        for i in ornaments.issues
    )
    star = await judge(built, built.step("Put"))
    assert any(i.startswith("Star floats 0.4") and "apex of the Christmas_Tree" in i for i in star.issues), (
        star.issues
    )
    fixed = await repair(built, built.step("Put"), star)
    assert fixed.score > star.score
