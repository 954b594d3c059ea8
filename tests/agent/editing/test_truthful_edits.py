"""Edits are judged by before/after measurements of what the command asked: a new object where
the relation word put it, a colour on the intended object only; a command that describes a new
model is recognised instead of being applied as an edit (no worker needed)."""

from __future__ import annotations

import copy

import pytest

from prompt2mesh.agent.editing.cli import exit_code
from prompt2mesh.agent.editing.evaluator import Evaluation, OfflineEvaluator, _scale_words
from prompt2mesh.agent.editing.focus import FocusStack
from prompt2mesh.agent.editing.grammar import OfflineTranslator, new_subject
from prompt2mesh.agent.editing.scene_state import SceneObject, SceneState
from prompt2mesh.agent.editing.taskspec import Operation, TaskSpec
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


def scene_of(*objects: SceneObject, materials: dict[str, str] | None = None) -> SceneState:
    state = SceneState()
    for o in objects:
        state.objects[o.name] = o
    state.materials = {k: {"color": v} for k, v in (materials or {}).items()}
    return state


@pytest.fixture
def tree_scene() -> SceneState:
    return scene_of(
        obj("Tree", [-0.5, -0.5, 0], [0.5, 0.5, 2.0], ["Tree_Green"]), materials={"Tree_Green": "#2e7d32"}
    )


@pytest.fixture
def translator() -> OfflineTranslator:
    return OfflineTranslator(known_kinds=list(RECIPES))


def add_spec(translator: OfflineTranslator, scene: SceneState, text: str) -> TaskSpec:
    return translator.parse(text, scene, FocusStack())


def with_star(scene: SceneState, lo: list[float], hi: list[float]) -> SceneState:
    after = copy.deepcopy(scene)
    after.objects["Star"] = obj("Star", lo, hi)
    return after


def test_add_a_star_on_top_targets_the_focus_and_is_checked_as_top_of(translator, tree_scene) -> None:
    spec = add_spec(translator, tree_scene, "add a star on top")
    op = spec.operations[0]
    assert op.action == "add_object" and op.parameters["anchor"] == "Tree"
    assert spec.target_properties.position == "on top Tree"
    on_top = with_star(tree_scene, [-0.1, -0.1, 2.0], [0.1, 0.1, 2.2])
    on_ground = with_star(tree_scene, [1.0, -0.1, 0.0], [1.2, 0.1, 0.2])
    good = OfflineEvaluator().evaluate(spec, tree_scene, on_top, ["Star"])
    bad = OfflineEvaluator().evaluate(spec, tree_scene, on_ground, ["Star"])
    assert good.carried_out and good.checks[0].question == "Is there a new star on top of Tree?"
    assert not bad.carried_out and bad.score < 0.5
    assert "Star is not on top of Tree" in bad.issues[0]


def test_a_box_under_the_tree_beside_it_is_not_under_it(translator, tree_scene) -> None:
    spec = add_spec(translator, tree_scene, "add a red gift box under the tree")
    op = spec.operations[0]
    assert op.parameters["relation"] == "under" and op.parameters["anchor"] == "Tree"
    beside = with_star(tree_scene, [1.0, -0.2, 0.0], [1.4, 0.2, 0.4])
    beneath = with_star(tree_scene, [-0.2, -0.2, 0.0], [0.2, 0.2, 0.4])
    assert not OfflineEvaluator().evaluate(spec, tree_scene, beside, ["Star"]).carried_out
    assert OfflineEvaluator().evaluate(spec, tree_scene, beneath, ["Star"]).carried_out


def test_recolouring_another_object_too_fails_the_colour_check() -> None:
    before = scene_of(
        obj("Cube", [0, 0, 0], [1, 1, 1], ["Shared"]),
        obj("Ball", [2, 0, 0], [3, 1, 1], ["Shared"]),
        materials={"Shared": "#808080"},
    )
    after = copy.deepcopy(before)
    after.materials["Shared"] = {"color": "#cc2222"}
    spec = TaskSpec(
        task_type="modify",
        intent="make the cube red",
        target_objects=["Cube"],
        operations=[
            Operation(action="set_color", target="Cube", parameters={"color": "#cc2222", "color_name": "red"})
        ],
        confidence=0.95,
    )
    ev = OfflineEvaluator().evaluate(spec, before, after, [])
    assert not ev.carried_out
    assert "also recoloured: Ball" in ev.issues[0]


def test_questions_read_naturally() -> None:
    assert _scale_words([1.5, 1.5, 1.5]) == "1.5 times as big as before"
    assert _scale_words([1.0, 1.0, 1.5]) == "1.5 times as tall as before"
    assert "[" not in _scale_words([1.5, 1.2, 1.0])


@pytest.mark.parametrize("text", ["A red sports car", "Create a wooden chair next to a table", "a snowman"])
def test_a_different_subject_in_edit_mode_is_a_new_request(translator, tree_scene, text) -> None:
    spec = add_spec(translator, tree_scene, text)
    assert spec.new_request and not spec.operations
    assert new_subject(text, tree_scene) is not None


@pytest.mark.parametrize(
    "text",
    ["make it red", "add a star on top", "make the tree taller", "a bit bigger", "put a ball next to it"],
)
def test_commands_about_the_open_scene_stay_edits(translator, tree_scene, text) -> None:
    assert not add_spec(translator, tree_scene, text).new_request


def test_edit_exit_codes_say_whether_the_command_was_carried_out() -> None:
    assert exit_code("applied") == 0 and exit_code("answered") == 0 and exit_code("undone") == 0
    assert exit_code("partial") == 1 and exit_code("not_done") == 1 and exit_code("failed") == 1
    assert exit_code("clarify") == 3 and exit_code("new_request") == 4


def test_a_judges_retry_with_suggestions_asks_for_another_attempt() -> None:
    ev = Evaluation(score=0.4, judge_retry=True, suggestions=["make the star bigger"])
    assert ev.retry and ev.to_dict()["suggested_refinements"] == ["make the star bigger"]
    assert not Evaluation(score=0.4, judge_retry=True).retry
