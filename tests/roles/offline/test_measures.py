"""Sizes in units: a number followed by a unit is a measurement of its object, never a count,
and the built object measures what was asked on that side."""

from __future__ import annotations

import pytest

from prompt2mesh.roles.offline.layout import solve
from prompt2mesh.roles.offline.measures import Measure, read, scale_for
from prompt2mesh.roles.offline.parser import parse

SIDE_INDEX = {"width": 0, "depth": 1, "height": 2}


@pytest.mark.parametrize(
    ("words", "metres", "side"),
    [
        ("3 m tall", 3.0, "height"),
        ("1.5 metres long", 1.5, "length"),
        ("50 cm wide", 0.5, "width"),
        ("10 feet high", 3.048, "height"),
        ("2 m in diameter", 2.0, "diameter"),
        ("2 m", 2.0, None),
    ],
)
def test_a_number_and_a_unit_read_as_metres_and_a_side(words: str, metres: float, side: str | None) -> None:
    measure = read(words.split(), 0)
    assert measure is not None and measure.metres == pytest.approx(metres) and measure.side == side
    assert measure.used == len(words.split())


@pytest.mark.parametrize("words", ["3 cats", "2 in the box", "-1 m", "m 3", "0 m tall"])
def test_counts_prepositions_and_nonsense_are_no_measurement(words: str) -> None:
    assert read(words.split(), 0) is None


def test_a_measurement_beyond_what_a_scene_holds_is_not_honoured() -> None:
    assert scale_for((1.0, 1.0, 1.0), Measure(10_000.0, "height", 2)) is None


@pytest.mark.parametrize(
    ("prompt", "name", "side", "metres"),
    [
        ("a 3 meter tall statue", "Statue", "height", 3.0),
        ("a table 1.5 m long", "Table", "width", 1.5),
        ("a 50 cm wide box", "Box", "width", 0.5),
        ("a tree 4 metres high", "Tree", "height", 4.0),
        ("a tower with a height of 20 m", "Tower", "height", 20.0),
        ("a 1.5m tall lamp", "Lamp", "height", 1.5),
    ],
)
def test_the_built_object_measures_what_was_asked(prompt: str, name: str, side: str, metres: float) -> None:
    spec = parse(prompt)
    assert [o.count for o in spec.objects] == [1] and spec.unknown == []
    placement = solve(spec).get(name)
    assert placement.size[SIDE_INDEX[side]] == pytest.approx(metres, rel=1e-3)


def test_a_measurement_is_never_a_count_and_a_decimal_point_ends_no_sentence() -> None:
    spec = parse("two 1.5 m tall lamps next to a 50 cm box. 2 cats")
    assert [(o.word, o.count) for o in spec.objects] == [("lamp", 2), ("box", 1), ("cat", 2)]
    assert [(r.relation, spec.get(r.b).word) for r in spec.relations] == [("next_to", "box")]


def test_a_radius_phrase_after_with_is_a_size_not_a_second_object() -> None:
    spec = parse("a sphere with a radius of 2 m")
    assert [o.word for o in spec.objects] == ["sphere"] and spec.relations == []
    assert solve(spec).get("Sphere").size[0] == pytest.approx(4.0, rel=1e-3)
