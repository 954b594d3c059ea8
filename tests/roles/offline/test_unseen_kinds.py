"""The kinds of failure the offline modeller had on prompts nobody had seen (issue 14), each
checked on prompts that were not used while the fixes were made: support surfaces,
containers, parts named with 'with', unknown nouns and verbs, material colours, counts and
arrangements."""

from __future__ import annotations

import colorsys

import pytest

from prompt2mesh.roles.offline.build import build_calls
from prompt2mesh.roles.offline.kinds import derived_nouns, word_tags
from prompt2mesh.roles.offline.layout import Layout, Placement, solve
from prompt2mesh.roles.offline.parser import parse


def layout(prompt: str) -> Layout:
    return solve(parse(prompt))


def kinds_of(prompt: str) -> dict[str, str]:
    return {o.word: o.kind for o in parse(prompt).objects}


def hue_value(hex_color: str) -> tuple[float, float]:
    r, g, b = (int(hex_color[i : i + 2], 16) / 255 for i in (1, 3, 5))
    h, _, v = colorsys.rgb_to_hsv(r, g, b)
    return h * 360, v


def inside_top(p: Placement, support: Placement) -> bool:
    """``p``'s footprint lies on ``support``'s published top surface."""
    surf = support.surface()
    cx = support.location[0] + surf.top_center[0]
    cy = support.location[1] + surf.top_center[1]
    hx, hy = surf.top_half_extent
    (lo, hi) = p.bbox()
    return (
        cx - hx - 1e-6 <= lo[0]
        and hi[0] <= cx + hx + 1e-6
        and cy - hy - 1e-6 <= lo[1]
        and hi[1] <= cy + hy + 1e-6
    )


# 1. support surfaces ----------------------------------------------------------------------


def test_something_on_a_bed_lies_on_the_mattress_not_on_the_headboard() -> None:
    lay = layout("A teddy bear on a single bed")
    bed = lay.get("Single_Bed")
    thing = next(p for p in lay.placements if p.target == bed.name)
    assert thing.location[2] == pytest.approx(bed.surface().top_z, abs=0.01)
    assert thing.location[2] < 0.8 * bed.size[2]
    assert inside_top(thing, bed)


def test_a_pillow_on_a_couch_sits_on_the_seat_within_it() -> None:
    lay = layout("A red pillow on a couch")
    couch, pillow = lay.get("Couch"), lay.get("Pillow")
    assert pillow.location[2] == pytest.approx(couch.surface().top_z, abs=0.01)
    assert inside_top(pillow, couch)


def test_several_things_on_a_writing_desk_keep_their_footprints_on_its_top() -> None:
    lay = layout("A lamp, a stack of books, a vase and a telephone on a writing desk")
    desk = lay.get("Writing_Desk")
    on_desk = [p for p in lay.placements if p.target == desk.name and p.relation == "on"]
    assert len(on_desk) >= 3
    assert all(inside_top(p, desk) for p in on_desk)


def test_on_top_of_a_pile_means_on_its_topmost_member() -> None:
    lay = layout("A crow atop a pile of newspapers")
    papers = [p for p in lay.placements if p.name.startswith("Newspaper")]
    crow = lay.get("Crow")
    top = max(papers, key=lambda p: p.location[2])
    assert crow.target == top.name
    assert crow.location[2] == pytest.approx(top.location[2] + top.size[2], abs=0.01)


# 2. containers ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("prompt", "thing", "container"),
    [("A tulip in a clay pot", "Tulip", "Pot"), ("A straw in a tumbler", "Straw", "Tumbler")],
)
def test_a_contained_thing_stands_inside_below_the_rim(prompt: str, thing: str, container: str) -> None:
    lay = layout(prompt)
    t, c = lay.get(thing), lay.get(container)
    assert t.relation == "in"
    assert c.location[2] <= t.location[2] < c.location[2] + c.surface().top_z
    assert abs(t.location[0] - c.location[0]) < 0.01 and abs(t.location[1] - c.location[1]) < 0.01


# 3. parts named with 'with' ---------------------------------------------------------------


def test_a_part_the_host_already_builds_is_its_own_part_not_a_separate_box() -> None:
    lay = layout("A bicycle with two wheels")
    assert [p.name for p in lay.placements] == ["Bicycle"]
    assert any("Wheel" in name for name in lay.get("Bicycle").renames.values()) or any(
        "Wheel" in str(c.args.get("name")) for c in build_calls(lay.get("Bicycle"))
    )


def test_a_body_part_the_host_lacks_never_stands_on_the_ground_alone() -> None:
    lay = layout("A penguin with two flippers and a tail")
    assert [p.name for p in lay.placements] == ["Penguin"]


def test_markings_sit_on_the_hosts_upper_surface_at_its_scale() -> None:
    lay = layout("A pony with brown spots")
    pony = lay.get("Pony")
    spots = [p for p in lay.placements if p.target == pony.name]
    assert len(spots) >= 3
    for s in spots:
        assert s.parent == pony.name
        assert max(s.size) <= 0.2 * min(pony.size)
        assert s.location[2] > 0.5 * pony.size[2]


def test_a_small_thing_with_its_host_goes_on_the_hosts_top() -> None:
    lay = layout("A muffin with a strawberry")
    berry = next(p for p in lay.placements if p.name == "Strawberry")
    assert berry.relation in ("on", "top_of", "decoration")
    assert berry.location[2] > 0.0


# 4. unknown nouns and verbs ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("noun", "kind"),
    [("salamander", "small_animal"), ("camel", "large_animal"), ("trestle table", "table"),
     ("driveway", "ground_surface"), ("bollard", "post"), ("hawk", "bird"), ("birch", "tree")],
)  # fmt: skip
def test_a_noun_without_a_recipe_gets_the_nearest_buildable_kind(noun: str, kind: str) -> None:
    assert derived_nouns()[noun] == kind
    assert kinds_of(f"A {noun} next to a chair")[noun] == kind


@pytest.mark.parametrize(
    "prompt", ["A dog chasing a ball", "A bus parked by a wall", "A swan gliding on a pond"]
)
def test_verbs_never_become_objects(prompt: str) -> None:
    spec = parse(prompt)
    assert all("v" not in word_tags().get(o.word, "") for o in spec.objects)
    assert len(spec.objects) == 2


def test_an_unknown_noun_in_a_relation_keeps_the_relation() -> None:
    spec = parse("A swan gliding on a pond")
    swan = next(o for o in spec.objects if o.word == "swan")
    assert swan.kind == "duck" or swan.kind == "bird"
    assert [(r.relation) for r in spec.relations] == ["on"]


# 5. material colours ----------------------------------------------------------------------


def test_a_flavour_colours_the_food_it_names() -> None:
    cake = parse("A raspberry cake").objects[0]
    assert cake.kind == "cake" and cake.word == "raspberry cake"
    h, _ = hue_value(cake.color or "#000000")
    assert h < 16 or h >= 330  # pink / red
    choc = parse("A chocolate donut").objects[0]
    h, v = hue_value(choc.color or "#ffffff")
    assert h < 42 and v < 0.55  # brown


def test_two_colour_stripes_cover_a_fair_share_with_the_second_colour() -> None:
    lay = layout("An orange and black striped vase")
    vase = lay.get("Vase")
    calls = build_calls(vase)
    stripes = [c for c in calls if c.tool == "create_primitive" and "_Stripe_" in str(c.args["name"])]
    assert len(stripes) >= 3
    second = next(c for c in calls if c.tool == "create_material" and c.args["name"] == "Vase_Second_Color")
    assert hue_value(str(second.args["color"]))[1] < 0.2  # black


# 6. counts and arrangements ---------------------------------------------------------------


def test_stacked_in_a_pyramid_makes_layers_of_n_to_one() -> None:
    lay = layout("Six tennis balls stacked in a pyramid")
    balls = lay.placements
    assert len(balls) == 6
    levels = sorted({round(p.location[2], 3) for p in balls})
    assert len(levels) == 3
    assert [sum(1 for p in balls if round(p.location[2], 3) == z) for z in levels] == [3, 2, 1]


def test_a_pile_of_flat_things_is_a_stack_and_of_round_things_a_heap() -> None:
    plates = layout("A pile of plates").placements
    assert len(plates) >= 3 and len({round(p.location[2], 3) for p in plates}) == len(plates)
    oranges = layout("A pile of oranges").placements
    assert len({round(p.location[2], 3) for p in oranges}) < len(oranges)


def test_in_a_circle_spreads_the_count_on_a_ring() -> None:
    stools = layout("Seven stools in a circle").placements
    assert len(stools) == 7
    radii = {round((p.location[0] ** 2 + p.location[1] ** 2) ** 0.5, 2) for p in stools}
    assert len(radii) == 1


def test_a_part_absorbed_by_its_host_hands_its_relations_to_the_host() -> None:
    lay = layout("A bicycle with two wheels next to a bench")
    bike = lay.get("Bicycle")
    assert bike.relation == "next_to" and bike.target == "Bench"


def test_a_place_word_before_a_noun_only_qualifies_it() -> None:
    spec = parse("A lamp on a bedroom dresser")
    assert [o.word for o in spec.objects] == ["lamp", "dresser"]
    assert [r.relation for r in spec.relations] == ["on"]


def test_a_thing_on_a_rock_rests_on_its_smoothed_crown() -> None:
    lay = layout("A frog on a boulder")
    frog, rock = lay.get("Frog"), lay.get("Boulder")
    assert frog.location[2] == pytest.approx(rock.surface().top_z, abs=0.005)
    assert frog.location[2] < rock.size[2]
