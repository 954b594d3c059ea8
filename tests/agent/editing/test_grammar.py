"""The offline translator maps each verb family to a TaskSpec (no worker needed)."""

from __future__ import annotations

import pytest

from prompt2mesh.agent.editing.focus import FocusStack
from prompt2mesh.agent.editing.grammar import OfflineTranslator
from prompt2mesh.agent.editing.scene_state import SceneObject, SceneState
from prompt2mesh.agent.editing.taskspec import TaskSpec
from prompt2mesh.roles.offline.recipes import RECIPES


def obj(name: str, lo: list[float], hi: list[float], materials: list[str] | None = None) -> SceneObject:
    return SceneObject(
        name=name,
        type="mesh",
        parent=None,
        children=[],
        bbox_min=lo,
        bbox_max=hi,
        location=[(a + b) / 2 for a, b in zip(lo, hi, strict=True)],
        materials=materials or [],
        modifiers=[],
    )


@pytest.fixture
def scene() -> SceneState:
    state = SceneState()
    for o in (
        obj("Table", [-1, -0.5, 0], [1, 0.5, 0.75]),
        obj("Cube", [2, -0.5, 0], [3, 0.5, 1], ["Cube_Red"]),
        obj("Ball", [4, -0.5, 0], [5, 0.5, 1], ["Ball_Blue"]),
    ):
        state.objects[o.name] = o
    state.materials = {"Cube_Red": {"color": "#cc2222"}, "Ball_Blue": {"color": "#2255cc"}}
    return state


@pytest.fixture
def translator() -> OfflineTranslator:
    return OfflineTranslator(known_kinds=list(RECIPES))


def parse(
    translator: OfflineTranslator, scene: SceneState, text: str, focus: FocusStack | None = None
) -> TaskSpec:
    return translator.parse(text, scene, focus or FocusStack())


@pytest.mark.parametrize(
    ("text", "factor"),
    [
        ("make the table taller", [1.0, 1.0, 1.5]),
        ("make the table bigger", [1.5, 1.5, 1.5]),
        ("make the table a bit smaller", [0.835, 0.835, 0.835]),
        ("make the table wider", [1.5, 1.5, 1.0]),
        ("scale the table by 2", [2.0, 2.0, 2.0]),
        ("make the table twice as big", [2.0, 2.0, 2.0]),
    ],
)
def test_size_words_become_per_axis_scale_factors(translator, scene, text, factor) -> None:
    spec = parse(translator, scene, text)
    assert spec.task_type == "modify"
    assert [op.action for op in spec.operations] == ["scale"]
    assert spec.operations[0].target == "Table"
    assert spec.operations[0].parameters["factor"] == pytest.approx(factor, abs=0.01)
    assert spec.confidence >= 0.9


@pytest.mark.parametrize(
    ("text", "offset"),
    [
        ("move the cube left", [-0.5, 0, 0]),
        ("move the cube to the right by 2 meters", [2, 0, 0]),
        ("move the cube up 50 cm", [0, 0, 0.5]),
        ("move the cube back", [0, 0.5, 0]),
    ],
)
def test_moves_have_a_direction_and_a_distance(translator, scene, text, offset) -> None:
    spec = parse(translator, scene, text)
    op = spec.operations[0]
    assert (op.action, op.target) == ("move", "Cube")
    assert op.parameters["offset"] == pytest.approx(offset)


def test_put_it_on_the_table_places_the_focused_object_on_the_table(translator, scene) -> None:
    focus = FocusStack()
    focus.record_modified(["Cube"])
    spec = parse(translator, scene, "put it on the table", focus)
    assert [(o.action, o.target, o.parameters["anchor"]) for o in spec.operations] == [
        ("place_on", "Cube", "Table")
    ]


def test_rotation_reads_degrees(translator, scene) -> None:
    op = parse(translator, scene, "rotate the table 90 degrees").operations[0]
    assert (op.action, op.parameters["rotation"]) == ("rotate", [0.0, 0.0, 90.0])


def test_colour_and_material_words_are_told_apart(translator, scene) -> None:
    focus = FocusStack()
    focus.record_modified(["Ball"])
    red = parse(translator, scene, "make it red", focus).operations[0]
    gold = parse(translator, scene, "now make that one gold", focus).operations[0]
    assert (red.action, red.target, red.parameters["color"]) == ("set_color", "Ball", "#cc2222")
    assert (gold.action, gold.target, gold.parameters["material"]) == ("set_material", "Ball", "gold")


@pytest.mark.parametrize(
    ("text", "action"),
    [
        ("make the ball smoother", "smooth"),
        ("make the cube sharper", "sharpen"),
        ("round the edges of the cube", "round_edges"),
        ("delete the ball", "delete"),
        ("duplicate the ball", "duplicate"),
        ("make the cube look like a barrel", "replace_with"),
    ],
)
def test_surface_and_structure_verbs(translator, scene, text, action) -> None:
    spec = parse(translator, scene, text)
    assert [op.action for op in spec.operations] == [action]
    assert not spec.needs_clarification


def test_adding_an_object_on_another_uses_a_recipe_kind(translator, scene) -> None:
    spec = parse(translator, scene, "add a red mug on the table")
    op = spec.operations[0]
    assert spec.task_type == "create"
    assert op.action == "add_object"
    assert op.parameters | {"kind": op.parameters["kind"]} == {
        "kind": "mug",
        "count": 1,
        "relation": "on",
        "anchor": "Table",
        "color": "#cc2222",
    }


def test_two_clauses_share_their_target(translator, scene) -> None:
    spec = parse(translator, scene, "make the table taller and blue")
    assert [op.action for op in spec.operations] == ["scale", "set_color"]
    assert {op.target for op in spec.operations} == {"Table"}


def test_a_pronoun_with_nothing_in_focus_asks_for_clarification(translator, scene) -> None:
    spec = parse(translator, scene, "make it taller")
    assert spec.needs_clarification
    assert any("which object" in a for a in spec.ambiguities)


def test_gibberish_is_reported_not_guessed(translator, scene) -> None:
    spec = parse(translator, scene, "flibber the wobnix")
    assert spec.needs_clarification
    assert any("did not understand" in a for a in spec.ambiguities)


def test_questions_and_navigation_are_their_own_task_types(translator, scene) -> None:
    assert parse(translator, scene, "how tall is the table?").task_type == "query"
    assert parse(translator, scene, "zoom in on the ball").task_type == "navigate"


def test_a_question_about_the_whole_scene_is_not_about_the_last_object_touched(translator, scene) -> None:
    focus = FocusStack()
    focus.record_modified(["Table"])
    whole = parse(translator, scene, "what is in the scene?", focus)
    assert [(op.action, op.target) for op in whole.operations] == [("describe", "")]
    table = parse(translator, scene, "how big is the table?", focus)
    assert [(op.action, op.target) for op in table.operations] == [("describe", "Table")]


def test_the_ground_under_a_lone_object_is_scenery_not_it(translator) -> None:
    state = SceneState()
    for o in (obj("Ground", [-5, -5, 0], [5, 5, 0]), obj("Vase", [-0.1, -0.1, 0], [0.1, 0.1, 0.4])):
        state.objects[o.name] = o
    spec = parse(translator, state, "make it taller")
    assert spec.target_objects == ["Vase"] and spec.resolution_source == "only_object"
    assert parse(translator, state, "make the ground green").target_objects == ["Ground"]
