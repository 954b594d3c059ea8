"""The scripted chat model behaves as its docstring promises (other rooms' tests rely on it)."""

from __future__ import annotations

import anthropic
import pytest
from langchain_core.messages import HumanMessage

from fakes.chat import ScriptedChatModel, ScriptExhausted, critique, rate_limit_error, text, tool_calls


async def test_answers_come_in_script_order_with_tool_calls_and_usage() -> None:
    model = ScriptedChatModel(script=[tool_calls(("create_primitive", {"kind": "cube"})), "plain"])

    first = await model.ainvoke([HumanMessage(content="a")])
    second = await model.ainvoke([HumanMessage(content="b")])

    assert first.tool_calls[0]["name"] == "create_primitive" and first.tool_calls[0]["args"] == {
        "kind": "cube"
    }
    assert first.usage_metadata is not None and first.usage_metadata["input_tokens"] == 100
    assert second.content == "plain"
    assert [t.text for t in model.turns] == ["a", "b"]


async def test_a_scripted_exception_is_raised_by_its_call_and_the_next_call_goes_on() -> None:
    model = ScriptedChatModel(script=[rate_limit_error(), text("after")])

    with pytest.raises(anthropic.RateLimitError):
        await model.ainvoke("x")
    assert (await model.ainvoke("x")).content == "after"


async def test_role_queues_answer_their_role_and_the_script_the_rest() -> None:
    model = ScriptedChatModel(script=[text("shared")], roles={"critic": [critique(9)]})

    judged = await model.ainvoke("x", config={"metadata": {"p2m_role": "critic"}})
    other = await model.ainvoke("x", config={"metadata": {"p2m_role": "planner"}})

    assert '"score": 9' in str(judged.content) and other.content == "shared"
    assert [t.role for t in model.turns] == ["critic", "planner"]


async def test_bound_tools_are_recorded_and_an_exhausted_script_says_where() -> None:
    model = ScriptedChatModel(script=[text("ok")])
    bound = model.bind_tools([{"type": "function", "function": {"name": "new_scene", "parameters": {}}}])
    await bound.ainvoke("x")

    assert model.offered == [["new_scene"]] and model.turns[0].tools == ["new_scene"]
    with pytest.raises(ScriptExhausted, match="no answer for call 2"):
        await bound.ainvoke("the last words")
