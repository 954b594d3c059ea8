"""Looking recipes up by the words prompts use."""

from __future__ import annotations

from prompt2mesh.roles.offline.recipes import RECIPES, lookup, normalize


def test_kind_names_synonyms_and_plurals_find_their_recipe() -> None:
    assert lookup("chair") is RECIPES["chair"]
    assert lookup("Chairs") is RECIPES["chair"]
    assert lookup("Christmas tree") is RECIPES["christmas_tree"]
    assert lookup("christmas-trees") is RECIPES["christmas_tree"]
    assert lookup("couch") is RECIPES["sofa"]
    assert lookup("benches") is RECIPES["bench"]
    assert lookup("boxes") is RECIPES["box"]
    assert lookup("glasses") is RECIPES["glass"]
    assert lookup("shelves") is RECIPES["shelf"]
    assert lookup("cherries") is None
    assert lookup("dice") is RECIPES["dice"]
    assert lookup("bookshelves") is RECIPES["shelf"]
    assert lookup("crate") is RECIPES["box"]
    assert lookup("launch pad") is RECIPES["launch_pad"]
    assert lookup("bedside table") is RECIPES["nightstand"]


def test_unknown_and_empty_words_find_nothing() -> None:
    assert lookup("xylophone") is None
    assert lookup("   ") is None


def test_normalize_joins_words_with_underscores() -> None:
    assert normalize("  Flower-Pot ") == "flower_pot"
