"""Each edit action's parameters are documented for the model, validated, and re-asked once."""

from __future__ import annotations

import pytest

from fakes.chat import ScriptedChatModel, json_reply
from prompt2mesh.agent.editing.codegen import CodeGenerator
from prompt2mesh.agent.editing.factory import make_translator
from prompt2mesh.agent.editing.focus import FocusStack
from prompt2mesh.agent.editing.parameters import PARAMETER_DOCS, SCHEMAS, validate_parameters
from prompt2mesh.agent.editing.scene_state import SceneObject, SceneState
from prompt2mesh.agent.editing.taskspec import Operation, TaskSpec
from prompt2mesh.config import Settings
from prompt2mesh.roles.errors import ModelOutputError


class NoTools:
    async def call(self, tool, args=None):  # pragma: no cover - the translator calls no tool
        raise AssertionError("the translator must not call tools")

    async def list_tools(self):  # pragma: no cover
        return []


def tree_scene() -> SceneState:
    state = SceneState()
    state.objects["Tree"] = SceneObject(
        "Tree", "empty", None, ["Star"], [-0.8, -0.8, 0.0], [0.8, 0.8, 2.2], [0, 0, 0], [], []
    )
    state.objects["Star"] = SceneObject(
        "Star", "mesh", "Tree", [], [-0.1, -0.05, 2.0], [0.1, 0.05, 2.2], [0, 0, 2.1], ["Gold"], []
    )
    state.materials["Gold"] = {
        "name": "Gold",
        "color": "#ffcc33",
        "metallic": 1.0,
        "emission_color": "#ffdd55",
        "transmission": 0.0,
        "alpha": 1.0,
    }
    return state


def add_box(parameters: dict) -> dict:
    return {
        "task_type": "create",
        "intent": "add a red gift box under the tree",
        "target_objects": ["Tree"],
        "operations": [{"action": "add_object", "target": "Gift_Box", "parameters": parameters}],
        "confidence": 0.9,
    }


def test_the_prompt_documents_every_action_and_its_keys() -> None:
    for action, model in SCHEMAS.items():
        assert f"- {action}:" in PARAMETER_DOCS
        for key in model.model_fields:
            assert key in PARAMETER_DOCS


async def test_a_reply_with_the_wrong_keys_is_asked_again_with_what_the_action_takes() -> None:
    wrong = add_box({"colour": "#cc2222", "where": "under the tree"})
    right = add_box({"kind": "cube", "color": "#cc2222", "relation": "under", "anchor": "Tree"})
    model = ScriptedChatModel(script=[json_reply(wrong), json_reply(right)])
    spec = await make_translator(Settings(), NoTools(), chat_model=model).translate(
        "add a red gift box under the tree", tree_scene(), FocusStack()
    )
    assert spec.operations[0].parameters["relation"] == "under"
    retry = str(model.received[1][-1].content)
    assert "add_object parameters" in retry and "kind" in retry and "Extra inputs" in retry


async def test_the_translator_prompt_carries_the_parameter_reference_and_each_objects_material() -> None:
    model = ScriptedChatModel(
        script=[json_reply(add_box({"shape": "cube", "relation": "under", "anchor": "Tree"}))]
    )
    spec = await make_translator(Settings(), NoTools(), chat_model=model).translate(
        "add a red gift box under the tree", tree_scene(), FocusStack()
    )
    system, task = str(model.received[0][0].content), str(model.received[0][-1].content)
    assert "add_object: {kind" in system and "relation" in system
    assert '"material": "Gold"' in task and '"metallic": 1.0' in task
    # "shape" is how people (and models) say it: accepted as the kind.
    assert spec.operations[0].parameters["kind"] == "cube"


async def test_two_unusable_replies_are_a_clear_model_error_not_a_crash() -> None:
    wrong = add_box({"colour": "#cc2222"})
    model = ScriptedChatModel(script=[json_reply(wrong), json_reply(wrong)])
    with pytest.raises(ModelOutputError, match="add_object"):
        await make_translator(Settings(), NoTools(), chat_model=model).translate(
            "add a red gift box under the tree", tree_scene(), FocusStack()
        )


def test_codegen_reports_a_malformed_operation_instead_of_raising_key_error() -> None:
    spec = TaskSpec(
        task_type="create",
        intent="add a box",
        operations=[Operation(action="add_object", target="", parameters={"shape_name": "cube"})],
        confidence=0.9,
    )
    out = CodeGenerator().generate(spec, tree_scene())
    assert out.calls == [] and "add_object" in out.notes[0]


def test_a_single_scale_number_means_every_axis() -> None:
    op = Operation(action="scale", target="Star", parameters={"factor": 1.5})
    assert validate_parameters(op) == {"factor": [1.5, 1.5, 1.5]}


async def test_the_translator_sees_that_a_material_became_glass() -> None:
    """A real model could not tell from the scene that "make the vase out of glass" had worked:
    the material keeps its name, and only its colour was shown."""
    scene = tree_scene()
    scene.materials["Gold"].update(transmission=1.0, alpha=0.35)
    model = ScriptedChatModel(script=[json_reply(add_box({"kind": "cube", "anchor": "Tree"}))])
    await make_translator(Settings(), NoTools(), chat_model=model).translate(
        "add a red gift box under the tree", scene, FocusStack()
    )
    task = str(model.received[0][-1].content)
    assert '"transmission": 1.0' in task and '"alpha": 0.35' in task
    plain = ScriptedChatModel(script=[json_reply(add_box({"kind": "cube", "anchor": "Tree"}))])
    await make_translator(Settings(), NoTools(), chat_model=plain).translate(
        "add a red gift box under the tree", tree_scene(), FocusStack()
    )
    task = str(plain.received[0][-1].content)
    assert "transmission" not in task and "alpha" not in task  # opaque: nothing extra to read
