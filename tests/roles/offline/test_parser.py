"""Prompt understanding: counts, colours, materials, sizes, relations, synonyms, unknown words."""

from __future__ import annotations

import pytest

from prompt2mesh.roles.offline.parser import SceneSpec, parse, singular
from prompt2mesh.roles.offline.vocabulary import COLORS


def kinds(spec: SceneSpec) -> list[str]:
    return [o.kind for o in spec.objects]


def relations(spec: SceneSpec) -> list[tuple[str, str, str]]:
    return [(spec.get(r.a).kind, r.relation, spec.get(r.b).kind) for r in spec.relations]


@pytest.mark.parametrize(
    ("prompt", "count"),
    [
        ("a pair of chairs", 2),
        ("three chairs", 3),
        ("a dozen apples", 12),
        ("several balls", 4),
        ("7 books", 7),
        ("a couple of lamps", 2),
        ("a chair", 1),
        ("chairs", 3),
    ],
)
def test_count_words_set_how_many_are_built(prompt: str, count: int) -> None:
    assert parse(prompt).objects[0].count == count


@pytest.mark.parametrize(
    ("prompt", "color"),
    [
        ("a red cube", COLORS["red"]),
        ("a teal vase", COLORS["teal"]),
        ("a golden star", COLORS["golden"]),
        ("a salmon ball", COLORS["salmon"]),
    ],
)
def test_colour_words_and_css_names_become_hex_colours(prompt: str, color: str) -> None:
    assert parse(prompt).objects[0].color == color


def test_shade_words_darken_or_lighten_the_colour() -> None:
    dark, light = parse("a dark blue car").objects[0].color, parse("a light blue car").objects[0].color
    assert dark != COLORS["blue"] != light
    assert sum(int(dark[i : i + 2], 16) for i in (1, 3, 5)) < sum(
        int(light[i : i + 2], 16) for i in (1, 3, 5)
    )


def test_rainbow_coloured_objects_get_a_colour_per_instance() -> None:
    obj = parse("five rainbow-colored balloons").objects[0]
    assert obj.rainbow and obj.count == 5


@pytest.mark.parametrize(
    ("prompt", "material"),
    [
        ("a wooden chair", "wood"),
        ("a metal bucket", "metal"),
        ("a gold ring", "gold"),
        ("a silver cup", "silver"),
        ("a glass bottle", "glass"),
        ("a terracotta pot", "terracotta"),
        ("a clay pot", "clay"),
        ("a stone wall", "stone"),
        ("a brick wall", "brick"),
        ("a leather sofa", "leather"),
        ("a marble statue", "marble"),
        ("a plastic chair", "plastic"),
        ("a fabric sofa", "fabric"),
    ],
)
def test_material_words_are_recognised(prompt: str, material: str) -> None:
    assert parse(prompt).objects[0].material == material


def test_size_words_scale_the_object() -> None:
    assert parse("a small house").objects[0].scale < 1.0 < parse("a huge house").objects[0].scale
    assert parse("a tall tower").objects[0].size_words == ["tall"]


@pytest.mark.parametrize(
    ("prompt", "relation"),
    [
        ("a cube on a table", "on"),
        ("a cube on top of a table", "on"),
        ("an apple in a bowl", "in"),
        ("an apple inside a bowl", "in"),
        ("a chair next to a table", "next_to"),
        ("a chair beside a table", "next_to"),
        ("a cat under a table", "under"),
        ("a star above a hill", "above"),
        ("a star below a cloud", "below"),
        ("a dog in front of a house", "in_front_of"),
        ("a tree behind a house", "behind"),
        ("a picture hanging on a wall", "hanging_on"),
        ("a ladder leaning against a wall", "leaning_against"),
        ("four chairs around a table", "around"),
        ("two armchairs either side of a coffee table", "next_to"),
        ("two lamps flanking a sofa", "next_to"),
    ],
)
def test_relation_phrases_link_the_two_objects(prompt: str, relation: str) -> None:
    spec = parse(prompt)
    assert len(spec.objects) == 2
    assert [(r.a, r.relation, r.b) for r in spec.relations] == [(0, relation, 1)]


@pytest.mark.parametrize(
    ("prompt", "arrangement"), [("three balls in a row", "row"), ("a stack of books", "stack")]
)
def test_arrangements_are_kept_on_the_group(prompt: str, arrangement: str) -> None:
    assert parse(prompt).objects[0].arrangement == arrangement


def test_with_and_it_make_the_second_object_sit_in_the_first() -> None:
    spec = parse("A blue vase with a red flower in it")
    assert relations(spec) == [("flower", "in", "vase")]


def test_filled_with_reverses_the_containment() -> None:
    assert relations(parse("a bowl filled with apples")) == [("apple", "in", "bowl")]


def test_decorated_tree_gets_ornaments_and_a_star_on_top() -> None:
    spec = parse("Create a decorated Christmas tree")
    assert kinds(spec) == ["christmas_tree", "ornament", "star"]
    assert spec.objects[1].count >= 10
    assert ("star", "top_of", "christmas_tree") in relations(spec)


def test_a_star_on_top_is_placed_at_the_apex() -> None:
    spec = parse("a pine tree with a star on top")
    assert relations(spec) == [("star", "top_of", spec.objects[0].kind)]


@pytest.mark.parametrize(
    ("word", "kind"), [("couch", "sofa"), ("sofas", "sofa"), ("bedside table", "nightstand")]
)
def test_synonyms_and_plurals_map_to_one_kind(word: str, kind: str) -> None:
    assert kinds(parse(f"two {word}")) == [kind]


def test_multi_word_names_win_over_their_parts() -> None:
    assert kinds(parse("a rocket on a launch pad")) == ["rocket", "launch_pad"]
    assert parse("a pine tree").objects[0].material is None


def test_plural_forms_are_made_singular() -> None:
    assert [singular(w) for w in ("cherries", "boxes", "cacti", "chairs", "glass")] == [
        "cherry",
        "box",
        "cactus",
        "chair",
        "glass",
    ]


def test_words_it_does_not_understand_are_reported() -> None:
    spec = parse("a red cube on a shimmering table")
    assert "shimmering" in spec.unknown
    assert kinds(spec) == ["cube", "table"]


def test_an_unknown_noun_after_an_article_becomes_its_own_object() -> None:
    spec = parse("a glorpus next to a house")
    assert kinds(spec) == ["glorpus", "house"]
    assert relations(spec) == [("glorpus", "next_to", "house")]


def test_smooth_and_detailed_set_the_detail_intent() -> None:
    assert parse("a smooth white vase").detail == "smooth"
    assert parse("a vase").detail is None


def test_a_second_sentence_can_refer_back_with_the() -> None:
    spec = parse("A table. On the table there is a red vase.")
    assert kinds(spec) == ["table", "vase"]
    assert relations(spec) == [("vase", "on", "table")]


def test_left_and_right_of_are_read_for_each_clause() -> None:
    spec = parse("A lamp to the left of a sofa and a plant to the right of the sofa")
    assert relations(spec) == [("lamp", "left_of", "sofa"), ("plant", "right_of", "sofa")]


def test_objects_joined_by_and_share_the_relation() -> None:
    assert relations(parse("a cube and a ball on a table")) == [
        ("cube", "on", "table"),
        ("ball", "on", "table"),
    ]
    assert kinds(parse("a red cube, a blue ball and a green cone")) == ["cube", "ball", "cone"]


def test_a_part_word_after_with_names_the_hosts_part() -> None:
    spec = parse("a snowman with an orange nose")
    assert kinds(spec) == ["snowman", "nose"]
    assert spec.objects[1].color_word == "orange"


def test_a_container_of_things_holds_them_and_the_phrase_goes_on_as_the_container() -> None:
    spec = parse("a vase of red roses on the table")
    assert relations(spec) == [("rose", "in", "vase"), ("vase", "on", "table")]


def test_it_refers_to_the_first_of_two_joined_objects() -> None:
    assert relations(parse("a table and four chairs around it")) == [("chair", "around", "table")]


def test_a_tree_with_small_fruit_wears_it_as_decoration() -> None:
    spec = parse("A tree with red apples")
    assert relations(spec) == [("apple", "with", "tree")]
    from prompt2mesh.roles.offline.layout import solve

    assert {p.relation for p in solve(spec).placements if p.kind == "apple"} == {"decoration"}


def test_group_words_only_count_before_of() -> None:
    assert kinds(parse("a tower")) == ["tower"]
    assert parse("a tower of red blocks").objects[0].arrangement == "stack"


def test_can_is_a_thing_after_an_article_or_modifier_and_a_verb_otherwise() -> None:
    spec = parse("A green bottle and a red can on a shelf")
    assert [(o.kind, o.color) for o in spec.objects][:2] == [
        ("bottle", COLORS["green"]),
        ("can", COLORS["red"]),
    ]
    assert [o.kind for o in parse("Three cans on a table").objects] == ["can", "table"]
    for request in ("You can make a red cube", "Can you build a tree"):
        assert "can" not in [o.kind for o in parse(request).objects], request


@pytest.mark.parametrize(
    ("prompt", "word", "kind"),
    [
        ("a peach in a bowl", "peach", "fruit"),
        ("a banana next to a plum", "plum", "fruit"),
        ("a cherry on a cake", "cherry", "fruit"),
        ("a bowl of cherries", "cherry", "fruit"),
    ],
)
def test_a_fruit_named_like_a_colour_or_a_tree_is_the_fruit(prompt: str, word: str, kind: str) -> None:
    spec = parse(prompt)
    assert [o.kind for o in spec.objects if o.word == word] == [kind]
    assert spec.unknown == []


@pytest.mark.parametrize(
    ("prompt", "color_word"),
    [("a peach dress on a bed", "peach"), ("a plum coloured sofa", "plum")],
)
def test_a_colour_word_before_its_noun_stays_a_colour(prompt: str, color_word: str) -> None:
    spec = parse(prompt)
    assert all(o.word != color_word for o in spec.objects)
    assert spec.objects[0].color_word == color_word


def test_a_noun_naming_a_shade_of_a_colour_is_no_thing_of_its_own() -> None:
    spec = parse("a cherry red car")
    assert [(o.word, o.color_word) for o in spec.objects] == [("car", "red")]
    assert spec.objects[0].color == "#b01830" and spec.shades == ["cherry"]


def test_a_stand_in_named_after_a_colour_takes_it_unless_another_is_asked() -> None:
    assert parse("a plum").objects[0].color == COLORS["plum"]
    assert parse("a red plum").objects[0].color == COLORS["red"]
    assert parse("a cube").objects[0].color is None  # a recipe or a plain shape keeps its own


@pytest.mark.parametrize(
    ("prompt", "things"),
    [
        ("a jar of honey next to a loaf of bread", [("jar", 1), ("honey", 1), ("bread", 1)]),
        ("two slices of cake on a plate", [("cake", 2), ("plate", 1)]),
        ("a slice of watermelon on a plate", [("watermelon", 1), ("plate", 1)]),
    ],
)
def test_a_portion_word_before_of_is_the_thing_after_it(prompt: str, things: list[tuple[str, int]]) -> None:
    spec = parse(prompt)
    assert [(o.word, o.count) for o in spec.objects] == things
    assert spec.unknown == []
    assert all(r.relation != "in" or spec.get(r.b).word != "bread" for r in spec.relations)


def test_a_loaf_of_bread_keeps_the_loafs_place_in_the_scene() -> None:
    spec = parse("a jar next to a loaf of bread")
    bread = next(o for o in spec.objects if o.word == "bread")
    assert [(r.relation, r.b) for r in spec.relations] == [("next_to", bread.id)]


def test_an_unknown_noun_before_what_it_does_is_still_a_thing_to_report() -> None:
    spec = parse("a glorp sleeping on a rug")
    assert [(o.word, o.kind) for o in spec.objects] == [("glorp", "glorp"), ("rug", "rug")]
    assert [(r.relation, r.b) for r in spec.relations] == [("on", 1)]


@pytest.mark.parametrize(
    ("word", "kind"), [("dragon", "large_animal"), ("unicorn", "large_animal"), ("mermaid", "person")]
)
def test_creatures_of_legend_are_built_as_the_nearest_kind(word: str, kind: str) -> None:
    spec = parse(f"a {word} sleeping under a tree")
    assert [(o.word, o.kind) for o in spec.objects] == [(word, kind), ("tree", "tree")]


def test_a_compound_ending_in_can_is_one_thing_and_keeps_its_colour() -> None:
    spec = parse("A blue watering can next to three flower pots")
    assert [(o.word, o.color_word, o.count) for o in spec.objects] == [
        ("watering can", "blue", 1),
        ("flower pot", None, 3),
    ]
    assert parse("you can make a cube").objects[0].word == "cube"


def test_a_colour_before_a_word_nobody_knows_is_no_thing() -> None:
    spec = parse("a blue zorblax next to a chair")
    assert all(o.word != "blue" for o in spec.objects)
