"""Material words from prompts -> create_material arguments."""

from __future__ import annotations

from prompt2mesh.roles.offline.recipes.materials import canonical_material, known_materials, material_args


def test_wooden_is_brown_and_not_metallic() -> None:
    args = material_args("wooden")
    assert args["color"] == "#8b5a2b"
    assert args["metallic"] == 0.0


def test_gold_and_silver_are_metallic_in_their_colours() -> None:
    assert material_args("golden") | {} == material_args("gold")
    assert material_args("gold")["color"] == "#d4af37"
    assert material_args("gold")["metallic"] == 1.0
    assert material_args("metal")["color"] == "#c0c0c0"


def test_glass_is_see_through() -> None:
    args = material_args("glass")
    assert args["transmission"] == 1.0
    assert args["alpha"] < 1.0


def test_an_explicit_colour_wins_over_the_materials_own() -> None:
    assert material_args("gold", "#ff0000")["color"] == "#ff0000"
    assert material_args("gold", "#ff0000")["metallic"] == 1.0


def test_unknown_words_keep_the_recipes_defaults() -> None:
    assert canonical_material("fluffy") is None
    assert material_args("fluffy", None, {"color": "#123456", "roughness": 0.9}) == {
        "color": "#123456",
        "metallic": 0.0,
        "roughness": 0.9,
    }
    assert "stone" in known_materials()
