"""The role messages survive each real LangChain integration's request building (no network).

These read the integrations' request-building methods (private API), so a LangChain upgrade
that changes them fails here first rather than in a live run.
"""

from __future__ import annotations

import base64
from typing import Any

from langchain_core.messages import HumanMessage

from prompt2mesh.config import Settings
from prompt2mesh.roles.interface import ToolInfo
from prompt2mesh.roles.llm.critic import image_block
from prompt2mesh.roles.prompts import CACHE_CONTROL, EXECUTOR, gemini_schema, system_message, tool_schemas
from prompt2mesh.roles.providers import build_chat_model
from prompt2mesh.workers.blocking import BlockingWorker

PNG = b"\x89PNG\r\n\x1a\n-screenshot-"
TOOLS = [
    ToolInfo(
        name="create_primitive",
        description="Create a primitive.",
        category="creation",
        input_schema={"type": "object", "properties": {"kind": {"type": "string"}}},
    )
]
KEYS: dict[str, Any] = {"ANTHROPIC_API_KEY": "k", "OPENAI_API_KEY": "k", "GOOGLE_API_KEY": "k", "model": None}


def _critic_messages(cache: bool) -> list[Any]:
    return [
        system_message(EXECUTOR, cache=cache),
        HumanMessage(content=[{"type": "text", "text": "judge this"}, image_block(PNG)]),
    ]


def test_the_anthropic_request_caches_the_system_prompt_and_the_tool_schemas() -> None:
    claude = build_chat_model(Settings(provider="anthropic", **KEYS))
    payload = claude._get_request_payload(_critic_messages(True), tools=tool_schemas(TOOLS, cache=True))  # type: ignore[attr-defined]

    assert payload["system"][-1]["cache_control"] == CACHE_CONTROL
    assert payload["tools"][-1]["cache_control"] == CACHE_CONTROL
    image = payload["messages"][0]["content"][1]
    assert image["source"] == {
        "type": "base64",
        "media_type": "image/png",
        "data": base64.b64encode(PNG).decode(),
    }


def test_the_openai_request_carries_the_screenshot_as_a_data_url_and_the_tools_as_functions() -> None:
    gpt = build_chat_model(Settings(provider="openai", **KEYS))
    payload = gpt._get_request_payload(_critic_messages(False), tools=tool_schemas(TOOLS, cache=False))  # type: ignore[attr-defined]

    image = payload["messages"][1]["content"][1]
    assert image["image_url"]["url"] == "data:image/png;base64," + base64.b64encode(PNG).decode()
    assert payload["tools"][0]["function"]["name"] == "create_primitive"


def test_the_gemini_request_carries_the_screenshot_inline() -> None:
    gemini = build_chat_model(Settings(provider="google", **KEYS))
    request = gemini._prepare_request(_critic_messages(False))  # type: ignore[attr-defined]

    parts = request["contents"][0].parts
    assert parts[1].inline_data.data == PNG and parts[1].inline_data.mime_type == "image/png"


def test_every_worker_tool_schema_converts_into_a_gemini_request(shared_worker: BlockingWorker) -> None:
    tools = shared_worker.list_tools()
    gemini = build_chat_model(Settings(provider="google", **KEYS))
    bound = gemini.bind_tools(tool_schemas(tools, cache=False, gemini=True))
    request = gemini._prepare_request([HumanMessage(content="go")], **bound.kwargs)  # type: ignore[attr-defined]

    declarations = {fd.name: fd for tool in request["config"].tools for fd in tool.function_declarations}
    assert set(declarations) == {t.name for t in tools}
    assert "kind" in declarations["create_primitive"].parameters.properties


def test_every_worker_tool_schema_goes_into_claude_gpt_and_ollama_requests(
    shared_worker: BlockingWorker,
) -> None:
    tools = shared_worker.list_tools()
    names = {t.name for t in tools}
    claude = build_chat_model(Settings(provider="anthropic", **KEYS))
    gpt = build_chat_model(Settings(provider="openai", **KEYS))
    local = build_chat_model(Settings(provider="ollama", **KEYS))
    messages = [HumanMessage(content="go")]

    cached = claude.bind_tools(tool_schemas(tools, cache=True)).kwargs  # type: ignore[attr-defined]
    assert {t["name"] for t in claude._get_request_payload(messages, **cached)["tools"]} == names  # type: ignore[attr-defined]
    plain = tool_schemas(tools, cache=False)
    payload = gpt._get_request_payload(messages, **gpt.bind_tools(plain).kwargs)  # type: ignore[attr-defined]
    assert {t["function"]["name"] for t in payload["tools"]} == names
    params = local._chat_params(messages, **local.bind_tools(plain).kwargs)  # type: ignore[attr-defined]
    assert {t["function"]["name"] for t in params["tools"]} == names


def test_gemini_schemas_inline_nested_alternatives_and_drop_additional_properties() -> None:
    schema = {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "glow": {
                "anyOf": [
                    {"anyOf": [{"type": "string"}, {"type": "array"}], "description": "colour"},
                    {"type": "null"},
                ]
            }
        },
    }
    assert gemini_schema(schema) == {
        "type": "object",
        "properties": {"glow": {"anyOf": [{"type": "string"}, {"type": "array"}, {"type": "null"}]}},
    }


def test_the_ollama_request_carries_the_screenshot_as_an_image() -> None:
    local = build_chat_model(Settings(provider="ollama", **KEYS))
    params = local._chat_params(_critic_messages(False))  # type: ignore[attr-defined]

    assert params["messages"][1]["images"] == [base64.b64encode(PNG).decode()]
