"""The LLM translator: validated TaskSpec JSON, one re-ask, hallucinated names never acted on."""

from __future__ import annotations

from fakes.chat import ScriptedChatModel, json_reply, text
from prompt2mesh.agent.editing.factory import make_evaluator, make_translator
from prompt2mesh.agent.editing.focus import FocusStack
from prompt2mesh.agent.editing.scene_state import SceneObject, SceneState
from prompt2mesh.config import Settings


class NoTools:
    async def call(self, tool, args=None):  # pragma: no cover - the translator calls no tool
        raise AssertionError("the translator must not call tools")

    async def list_tools(self):  # pragma: no cover
        return []


def scene() -> SceneState:
    state = SceneState()
    state.objects["Vase"] = SceneObject(
        "Vase", "mesh", None, [], [0, 0, 0], [0.2, 0.2, 0.4], [0.1, 0.1, 0.2], [], []
    )
    return state


TALLER = {
    "task_type": "modify",
    "intent": "make it taller",
    "target_objects": ["Vase"],
    "operations": [{"action": "scale", "target": "Vase", "parameters": {"factor": [1, 1, 1.5]}}],
    "confidence": 0.9,
}


async def test_a_valid_reply_becomes_the_taskspec_and_sees_the_focus() -> None:
    model = ScriptedChatModel(script=[json_reply(TALLER)])
    focus = FocusStack()
    focus.record_created(["Vase"])
    spec = await make_translator(Settings(), NoTools(), chat_model=model).translate(
        "make it taller", scene(), focus
    )
    assert spec.operations[0].parameters["factor"] == [1, 1, 1.5]
    assert not spec.needs_clarification
    sent = str(model.received[0][-1].content)
    assert '"last_created"' in sent and "Vase" in sent


async def test_an_invalid_reply_is_asked_again_with_the_errors() -> None:
    model = ScriptedChatModel(script=[text('{"task_type": "explode", "confidence": 3}'), json_reply(TALLER)])
    spec = await make_translator(Settings(), NoTools(), chat_model=model).translate(
        "make it taller", scene(), FocusStack()
    )
    assert spec.target_objects == ["Vase"]
    assert len(model.received) == 2
    assert "could not be used" in str(model.received[1][-1].content)


async def test_objects_the_scene_does_not_hold_lower_the_confidence_below_acting() -> None:
    invented = TALLER | {
        "target_objects": ["Teapot"],
        "operations": [{"action": "delete", "target": "Teapot"}],
    }
    model = ScriptedChatModel(script=[json_reply(invented)])
    spec = await make_translator(Settings(), NoTools(), chat_model=model).translate(
        "delete the teapot", scene(), FocusStack()
    )
    assert spec.needs_clarification
    assert any("Teapot" in a for a in spec.ambiguities)


async def test_the_llm_evaluator_sees_the_screenshot_and_questions_and_keeps_the_lower_score(
    worker, make_session
) -> None:
    worker.call("create_primitive", kind="cube", name="Crate", size=1.0, location=[0, 0, 0.5])
    model = ScriptedChatModel(
        roles={
            "translator": [
                json_reply(
                    TALLER
                    | {
                        "target_objects": ["Crate"],
                        "operations": [
                            {"action": "scale", "target": "Crate", "parameters": {"factor": [1, 1, 1.5]}}
                        ],
                    }
                )
            ],
            "edit_evaluator": [
                json_reply({"match_score": 0.6, "issues": ["looks squashed"], "retry": False})
            ],
        }
    )
    session = make_session()
    session.translator = make_translator(Settings(), session.runner, chat_model=model)
    session.evaluator = make_evaluator(Settings(), session.runner, chat_model=model)
    outcome = await session.handle("make it taller")

    assert worker.call("get_bounding_boxes", names=["Crate"]).result["boxes"]["Crate"]["dimensions"][2] > 1.4
    assert model.images_sent(), "the evaluator must send the screenshot"
    judged = [t for t in model.turns if t.role == "edit_evaluator"][0]
    assert "Is Crate 1.5 times as tall as before?" in str(judged.messages[-1].content)
    assert outcome.evaluation["match_score"] == 0.6
    assert "looks squashed" in " ".join(outcome.evaluation["issues"])


async def test_the_judges_retry_and_suggestions_are_used_and_it_sees_the_persons_words(
    worker, make_session
) -> None:
    worker.call("create_primitive", kind="cube", name="Crate", size=1.0, location=[0, 0, 0.5])
    scale = TALLER | {
        "target_objects": ["Crate"],
        "operations": [{"action": "scale", "target": "Crate", "parameters": {"factor": [1, 1, 1.5]}}],
    }
    model = ScriptedChatModel(
        roles={
            "translator": [json_reply(scale) for _ in range(4)],
            "edit_evaluator": [
                json_reply(
                    {
                        "match_score": 0.5,
                        "issues": ["still short"],
                        "suggested_refinements": ["make the crate taller"],
                        "retry": True,
                    }
                ),
                *[json_reply({"match_score": 0.95, "issues": [], "retry": False}) for _ in range(3)],
            ],
        }
    )
    session = make_session()
    session.translator = make_translator(Settings(), session.runner, chat_model=model)
    session.evaluator = make_evaluator(Settings(), session.runner, chat_model=model)
    await session.handle("please make the crate a good deal taller")

    judged = model.turns_of("edit_evaluator")
    assert '"command": "please make the crate a good deal taller"' in str(judged[0].messages[-1].content)
    assert len(judged) >= 2, "the judge asked for a retry: a second attempt must be judged"
