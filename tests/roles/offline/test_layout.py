"""The layout solver: every relation holds, first on paper, then in a real worker measured
with its own analysis tools."""

from __future__ import annotations

import math

import pytest

from async_worker import AsyncWorker
from prompt2mesh.roles.offline.layout import Layout, Placement, solve
from prompt2mesh.roles.offline.parser import parse

from .conftest import build


def layout(prompt: str) -> Layout:
    return solve(parse(prompt))


def overlap(a: Placement, b: Placement) -> float:
    (alo, ahi), (blo, bhi) = a.bbox(), b.bbox()
    ox = min(ahi[0], bhi[0]) - max(alo[0], blo[0])
    oy = min(ahi[1], bhi[1]) - max(alo[1], blo[1])
    return max(0.0, ox) * max(0.0, oy)


def test_objects_are_named_after_what_they_are() -> None:
    names = [p.name for p in layout("Create a decorated Christmas tree").placements]
    assert names[0] == "Christmas_Tree"
    assert "Ornament_07" in names and "Star" in names
    assert [p.name for p in layout("three chairs").placements] == ["Chair_1", "Chair_2", "Chair_3"]


def test_a_supported_object_stands_on_the_top_surface_over_its_support() -> None:
    lay = layout("a red cube on a blue table")
    table, cube = lay.get("Table"), lay.get("Cube")
    assert cube.location[2] == pytest.approx(table.surface().top_z)
    hx, hy = cube.footprint()
    assert hx <= table.surface().top_half_extent[0] and hy <= table.surface().top_half_extent[1]


def test_a_contained_object_sits_on_the_inner_floor() -> None:
    lay = layout("an apple in a bowl")
    bowl, apple = lay.get("Bowl"), lay.get("Apple")
    floor = bowl.surface().inner_floor_z
    assert floor is not None and apple.location[2] == pytest.approx(floor)
    assert apple.location[:2] == bowl.location[:2]


def test_neighbours_stand_apart_on_the_same_ground() -> None:
    lay = layout("a wooden chair next to a wooden table")
    chair, table = lay.get("Chair"), lay.get("Table")
    assert overlap(chair, table) == 0.0
    assert chair.location[2] == table.location[2] == 0.0
    gap = abs(chair.location[0] - table.location[0]) - chair.footprint()[0] - table.footprint()[0]
    assert 0.0 < gap < 1.5 * max(table.size[:2])


def test_chairs_around_a_table_face_it_without_touching_it() -> None:
    lay = layout("four chairs around a round table")
    table = lay.get("Table")
    assert table.options.get("round") is True
    chairs = [p for p in lay.placements if p.kind == "chair"]
    assert len(chairs) == 4
    for c in chairs:
        assert overlap(c, table) == 0.0
        to_centre = math.atan2(table.location[1] - c.location[1], table.location[0] - c.location[0])
        front = math.radians(c.rotation_z - 90.0)  # recipes face -y
        assert math.cos(to_centre - front) == pytest.approx(1.0, abs=1e-6)


def test_counts_in_a_row_are_evenly_spaced_along_x() -> None:
    balls = layout("three yellow balls in a row").placements
    xs = [b.location[0] for b in balls]
    assert xs == sorted(xs) and xs[1] - xs[0] == pytest.approx(xs[2] - xs[1])
    assert {b.location[1] for b in balls} == {0.0}
    assert all(overlap(a, b) == 0.0 for a in balls for b in balls if a is not b)


def test_stacked_objects_rest_on_each_other() -> None:
    books = layout("a stack of three books").placements
    for lower, upper in zip(books, books[1:], strict=False):
        assert upper.location[2] == pytest.approx(lower.location[2] + lower.surface().top_z)


def test_decorations_cover_the_host_and_the_star_sits_at_the_apex() -> None:
    lay = layout("Create a decorated Christmas tree")
    tree = lay.get("Christmas_Tree")
    ornaments = [p for p in lay.placements if p.kind == "ornament"]
    heights = [o.location[2] for o in ornaments]
    assert max(heights) - min(heights) > 0.4 * tree.size[2]
    assert all(o.parent == "Christmas_Tree" for o in ornaments)
    star = lay.get("Star")
    assert star.location[2] > 0.8 * tree.size[2]


def test_only_flying_things_leave_the_ground() -> None:
    lay = layout("a kite and a bench")
    assert lay.get("Kite").location[2] > 1.0
    assert lay.get("Bench").location[2] == 0.0
    assert overlap(lay.get("Kite"), lay.get("Bench")) == 0.0


def test_independent_objects_are_packed_side_by_side() -> None:
    lay = layout("a car and a house and a tree")
    for a in lay.placements:
        for b in lay.placements:
            if a is not b:
                assert overlap(a, b) == 0.0


RELATIONS = [
    ("A red cube on a blue table", "Cube", "Table", {"on_top_of"}),
    ("A lamp on a bedside table", "Lamp", "Bedside_Table", {"on_top_of"}),
    ("A wooden chair next to a wooden table", "Chair", "Table", {"separate", "adjacent"}),
    ("A golden star above a green hill", "Star", "Hill", {"above"}),
    ("A ladder leaning against a wall", "Ladder", "Wall", {"adjacent"}),
]


@pytest.mark.parametrize(("prompt", "a", "b", "wanted"), RELATIONS)
async def test_built_layouts_satisfy_their_relation_in_blender(
    runner: AsyncWorker, prompt: str, a: str, b: str, wanted: set[str]
) -> None:
    await build(runner, prompt, upto=None)
    rel = await runner.call("analyze_relations", {"pairs": [[a, b]]})
    assert rel.ok, rel.error
    found = set(rel.result["relations"][0]["relations"])
    assert found & wanted, (prompt, found)
    assert "intersecting" not in found
    problems = await runner.call("analyze_scene_problems", {})
    floating = {f["name"] for f in problems.result["floating"]}
    assert floating <= {"Star"}, floating
    assert not problems.result["sunk"] and not problems.result["intersecting"]


async def test_an_apple_in_a_bowl_is_inside_the_bowl_in_blender(runner: AsyncWorker) -> None:
    await build(runner, "A red apple in a bowl", upto=None)
    boxes = (await runner.call("get_bounding_boxes", {"names": ["Apple", "Bowl"]})).result["boxes"]
    apple, bowl = boxes["Apple"], boxes["Bowl"]
    assert bowl["min"][2] - 0.01 <= apple["min"][2] <= bowl["max"][2]
    assert bowl["min"][0] <= apple["center"][0] <= bowl["max"][0]


async def test_a_cat_under_a_table_is_beneath_its_top_without_touching_it(runner: AsyncWorker) -> None:
    await build(runner, "A cat under a table", upto=None)
    boxes = (await runner.call("get_bounding_boxes", {"names": ["Cat", "Table"]})).result["boxes"]
    cat, table = boxes["Cat"], boxes["Table"]
    assert table["min"][0] <= cat["center"][0] <= table["max"][0]
    assert table["min"][1] <= cat["center"][1] <= table["max"][1]
    assert cat["max"][2] < table["max"][2] - 0.03
    problems = (await runner.call("analyze_scene_problems", {})).result
    assert not problems["intersecting"] and not problems["floating"]


async def test_a_part_named_in_the_prompt_is_renamed_and_recoloured_not_duplicated(
    runner: AsyncWorker,
) -> None:
    built = await build(runner, "A house with a red door", upto=2, refine=True)
    assert built.plan.steps[1].objects == ["House"]
    info = await runner.call("get_object_info", {"name": "House_Door"})
    assert info.ok, info.error
    colors = {m["name"]: m["color"] for m in (await runner.call("list_materials", {})).result["materials"]}
    assert colors[info.result["materials"][0]] == "#cc2222"
    assert not (await runner.call("get_object_info", {"name": "Door"})).ok


def test_chairs_around_a_long_table_line_its_sides_and_ends_facing_it() -> None:
    lay = layout("Six orange chairs around a long table")
    table = lay.get("Table")
    chairs = [p for p in lay.placements if p.kind == "chair"]
    assert len(chairs) == 6
    for c in chairs:
        assert overlap(c, table) == 0.0
        assert all(overlap(c, d) == 0.0 for d in chairs if d is not c)
        dx, dy = table.location[0] - c.location[0], table.location[1] - c.location[1]
        front = math.radians(c.rotation_z - 90.0)
        # the chair's front points at the table along the axis it stands on
        assert math.cos(front) * dx + math.sin(front) * dy > 0


def test_groups_sharing_a_support_are_spread_over_its_top_without_overlapping() -> None:
    lay = layout("Two red apples and a banana on a white plate")
    plate = lay.get("Plate")
    fruit = [p for p in lay.placements if p.target == "Plate"]
    assert len(fruit) == 3
    for a in fruit:
        assert all(overlap(a, b) == 0.0 for b in fruit if b is not a)
        assert abs(a.location[0] - plate.location[0]) <= plate.surface().top_half_extent[0]


def test_on_a_support_that_publishes_its_seat_means_on_the_seat_not_the_back() -> None:
    lay = layout("A cat sleeping on a sofa")
    sofa, cat = lay.get("Sofa"), lay.get("Cat")
    seat = sofa.surface()
    assert cat.location[2] == pytest.approx(seat.top_z, abs=0.01)
    assert cat.location[2] < sofa.size[2] - 0.1  # below the top of the back
    assert cat.location[1] < sofa.location[1]  # forward of the back (+y)


@pytest.mark.parametrize(
    ("prompt", "host", "left_out"),
    [
        ("Four white candles around a chocolate cake", "Cake", "Candle"),
        ("three candles on a birthday cake", "Birthday_Cake", "Candle"),
        ("a cherry on a cake", "Cake", "Cherry"),
    ],
)
def test_a_hosts_own_parts_the_prompt_asks_for_separately_are_left_out(
    prompt: str, host: str, left_out: str
) -> None:
    cake = layout(prompt).get(host)
    assert cake.omit and all(part.startswith(f"{host}_{left_out}") for part in cake.omit)


def test_parts_that_never_stand_alone_stay_on_their_host() -> None:
    assert all(not p.omit for p in layout("a red door on a house").placements)


def test_left_out_parts_are_neither_built_nor_detailed_nor_addressed() -> None:
    from prompt2mesh.roles.offline.build import build_calls, detail_calls, max_detail

    cake = layout("three candles on a birthday cake").get("Birthday_Cake")
    calls = build_calls(cake) + [
        c for level in range(1, max_detail(cake) + 1) for c in detail_calls(cake, level)
    ]
    named = [str(v) for c in calls for k, v in c.args.items() if k in ("name", "object", "parent", "child")]
    named += [str(o) for c in calls for o in c.args.get("objects") or []]
    assert calls and not [n for n in named if "Candle" in n]
    assert any("Cherry" in n for n in named)  # what was not asked for separately is still there
