"""The builder: names, parents, scaling, materials and the calls each detail level makes."""

from __future__ import annotations

import pytest

from prompt2mesh.roles.offline.recipes import RECIPES
from prompt2mesh.roles.offline.recipes._parts import MAX_DETAIL, Builder, DetailLevelError, record
from prompt2mesh.roles.offline.recipes.base import BuildContext


def _chair_body(b: Builder) -> None:
    wood = b.mat("Wood", "#8b5a2b", primary=True)
    b.box("Seat", (0.4, 0.4, 0.05), (0, 0, 0.45), mat=wood)
    b.sphere("Knob", 0.05, (0, 0, 0.5), mat=wood)
    b.box("Rail", (0.3, 0.02, 0.02), (0, 0, 0.2), mat=wood, level=1)


def test_build_starts_with_the_root_empty_at_the_objects_place() -> None:
    calls = RECIPES["chair"].build(BuildContext(name="Chair_2", location=(1.0, 2.0, 0.5), rotation_z=30.0))
    root = calls[0]
    assert root.tool == "create_empty"
    assert root.args["name"] == "Chair_2"
    assert root.args["location"] == [1.0, 2.0, 0.5]
    assert root.args["rotation"] == [0.0, 0.0, 30.0]


def test_every_part_is_parented_to_the_root_and_named_after_it() -> None:
    for kind, recipe in RECIPES.items():
        for call in recipe.build(BuildContext(name="Obj")):
            if call.tool == "create_primitive":
                assert call.args["parent"] == "Obj", kind
                assert call.args["name"].startswith("Obj_"), kind
                assert call.args["material"].startswith("Obj_"), kind
            elif call.tool == "create_material":
                assert call.args["name"].startswith("Obj_"), kind


def test_scale_multiplies_every_length_but_not_the_shape_factors() -> None:
    one = record(_chair_body, BuildContext(name="C")).calls
    two = record(_chair_body, BuildContext(name="C", scale=2.0)).calls
    seat1, seat2 = one[1].args, two[1].args
    assert seat2["location"] == [2 * v for v in seat1["location"]]
    assert seat2["scale"] == [2 * v for v in seat1["scale"]]
    knob1, knob2 = one[2].args, two[2].args
    assert knob2["radius"] == 2 * knob1["radius"]
    assert "scale" not in knob2


def test_primary_material_takes_the_prompts_colour_and_material_word() -> None:
    calls = record(_chair_body, BuildContext(name="C", color="#ff0000", material="gold")).calls
    args = calls[0].args
    assert args["color"] == "#ff0000"
    assert args["metallic"] == 1.0
    calls = record(_chair_body, BuildContext(name="C", material="wooden")).calls
    assert calls[0].args["color"] == "#8b5a2b"


def test_detail_level_one_bevels_boxes_and_subdivides_round_parts_and_adds_extra_parts() -> None:
    calls = record(_chair_body, BuildContext(name="C"), level=1).detail_calls(1)
    tools = [(c.tool, c.args.get("object") or c.args.get("name")) for c in calls]
    assert ("create_primitive", "C_Rail") in tools
    assert ("apply_transform", "C_Seat") in tools
    assert ("add_modifier", "C_Seat") in tools
    assert ("add_modifier", "C_Knob") in tools
    assert tools[-1] == ("set_shading", "C")
    assert all(c.tool != "create_material" for c in calls)


def test_detail_level_two_raises_existing_modifiers_and_finishes_parts_added_at_level_one() -> None:
    calls = record(_chair_body, BuildContext(name="C"), level=2).detail_calls(2)
    by_object = {(c.tool, c.args.get("object") or c.args.get("name")): c.args for c in calls}
    assert by_object[("configure_modifier", "C_Seat")]["params"] == {"segments": 3}
    assert by_object[("configure_modifier", "C_Knob")]["params"] == {"levels": 2, "render_levels": 2}
    assert ("add_modifier", "C_Rail") in by_object


def test_asking_for_a_detail_level_a_recipe_lacks_is_an_error() -> None:
    with pytest.raises(DetailLevelError):
        RECIPES["chair"].detail(BuildContext(name="C"), MAX_DETAIL + 1)
    with pytest.raises(DetailLevelError):
        RECIPES["chair"].detail(BuildContext(name="C"), 0)


def test_the_library_has_at_least_sixty_kinds_each_with_detail_levels() -> None:
    assert len(RECIPES) >= 60
    assert all(r.max_detail >= 1 for r in RECIPES.values())


ACCESSORIES = {("snowman", "scarf")}
"""Parts that really are the thing they are named after (the snowman's own scarf)."""


def test_no_part_name_contains_another_kind_word() -> None:
    # "House_Door" would count as a door, "Car_Window" as a window, "Cabinet" as a cabin.
    words = {w for r in RECIPES.values() for w in (r.kind, *r.synonyms) if len(w) > 3}
    clashes: list[str] = []
    for kind, recipe in RECIPES.items():
        own = {kind, *recipe.synonyms}
        for call in recipe.build(BuildContext(name="X")):
            if call.tool != "create_primitive":
                continue
            part = call.args["name"][2:].lower()
            clashes += [
                f"{kind}: {part} ~ {w}"
                for w in words
                if w in part and not any(w in o for o in own) and (kind, w) not in ACCESSORIES
            ]
    assert not clashes


def test_no_word_names_two_recipes() -> None:
    seen: dict[str, str] = {}
    clashes = []
    for kind, recipe in RECIPES.items():
        for word in (kind, *recipe.synonyms):
            if word in seen and seen[word] != kind:
                clashes.append(f"{word}: {seen[word]} and {kind}")
            seen[word] = kind
    assert not clashes


def test_every_surface_lies_within_its_objects_box() -> None:
    for kind, recipe in RECIPES.items():
        ctx = BuildContext(name="S", scale=1.5)
        surface = recipe.surface(ctx)
        w, d, h = (1.5 * v for v in recipe.size)
        assert 0.0 <= surface.top_z <= h + 1e-6, kind
        assert surface.top_half_extent[0] <= w / 2 + 1e-6 and surface.top_half_extent[1] <= d / 2 + 1e-6, kind
        if surface.inner_floor_z is not None:
            assert 0.0 <= surface.inner_floor_z <= surface.top_z, kind
        for name, point in surface.anchors.items():
            assert 0.0 <= point[2] <= h + 1e-6, (kind, name)
