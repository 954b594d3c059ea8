"""The LLM roles through the real provider integrations and SDKs, over real HTTP on loopback.

A small server speaks the Anthropic Messages and OpenAI Chat Completions wire formats and
answers from a script (the scripted chat model, one level down): the requests the SDKs send
are checked as JSON, and a real 429/5xx travels through the SDK's own exception classes.
"""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import pytest

from prompt2mesh.config import Settings
from prompt2mesh.roles.factory import make_roles
from prompt2mesh.roles.interface import PlanStep, RoleContext

from .conftest import Recorder

STEP = PlanStep(number=1, action="Build the box", description="A cube named Box.")


class ScriptedServer(ThreadingHTTPServer):
    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.replies: list[tuple[int, dict[str, Any]]] = []
        self.requests: list[tuple[str, dict[str, Any]]] = []

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.server_address[1]}"


class _Handler(BaseHTTPRequestHandler):
    server: ScriptedServer

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        self.server.requests.append((self.path, body))
        status, reply = (
            self.server.replies.pop(0) if self.server.replies else (500, {"error": "script exhausted"})
        )
        data = json.dumps(reply).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def server() -> Iterator[ScriptedServer]:
    srv = ScriptedServer()
    thread = threading.Thread(target=srv.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    yield srv
    srv.shutdown()
    srv.server_close()
    thread.join(timeout=5)


class SleepRecorder:
    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


def _claude(content: list[dict[str, Any]], stop: str = "end_turn") -> tuple[int, dict[str, Any]]:
    return 200, {
        "id": "msg_1",
        "type": "message",
        "role": "assistant",
        "model": "claude-sonnet-5-5",
        "content": content,
        "stop_reason": stop,
        "stop_sequence": None,
        "usage": {
            "input_tokens": 50,
            "output_tokens": 7,
            "cache_read_input_tokens": 900,
            "cache_creation_input_tokens": 0,
        },
    }


def _gpt(message: dict[str, Any], finish: str = "stop") -> tuple[int, dict[str, Any]]:
    return 200, {
        "id": "chatcmpl-1",
        "object": "chat.completion",
        "created": 0,
        "model": "local-vl",
        "choices": [{"index": 0, "message": {"role": "assistant", **message}, "finish_reason": finish}],
        "usage": {"prompt_tokens": 40, "completion_tokens": 6, "total_tokens": 46},
    }


def _settings(**values: Any) -> Settings:
    keys = {"ANTHROPIC_API_KEY": None, "OPENAI_API_KEY": None, "GOOGLE_API_KEY": None, "GEMINI_API_KEY": None}
    return Settings(**{**keys, "model": None, **values})


async def test_claude_runs_a_step_through_a_rate_limit_with_cached_prompts_over_http(
    server: ScriptedServer, ctx: RoleContext, events: Recorder
) -> None:
    server.replies = [
        (429, {"type": "error", "error": {"type": "rate_limit_error", "message": "slow down"}}),
        _claude(
            [
                {
                    "type": "tool_use",
                    "id": "toolu_1",
                    "name": "create_primitive",
                    "input": {"kind": "cube", "name": "Box"},
                }
            ],
            stop="tool_use",
        ),
        _claude([{"type": "text", "text": "The box is built."}]),
    ]
    sleep = SleepRecorder()
    roles = make_roles(
        _settings(provider="anthropic", ANTHROPIC_API_KEY="sk-ant-test", base_url=server.url), sleep=sleep
    )

    results = await roles.executor.execute(STEP, ctx)

    assert [(r.tool, r.ok) for r in results] == [("create_primitive", True)]
    assert (await ctx.runner.call("get_object_info", {"name": "Box"})).ok
    assert sleep.delays == [1.0]
    # Cached prompt tokens count as input and are reported apart in the trace.
    assert ctx.usage.calls == 2 and ctx.usage.input_tokens == 2 * 950
    assert [e["cache_read_tokens"] for e in events.of("model_call")] == [900, 900]
    path, first = server.requests[1]
    assert path == "/v1/messages" and first["model"] == "claude-sonnet-5-5"
    assert "temperature" not in first  # the newest Sonnet refuses one
    assert first["system"][-1]["cache_control"] == {"type": "ephemeral"}
    assert first["tools"][-1]["cache_control"] == {"type": "ephemeral"}
    assert {t["name"] for t in first["tools"]} == {t.name for t in ctx.tools}
    tool_result = server.requests[2][1]["messages"][-1]["content"][0]
    assert tool_result["type"] == "tool_result" and tool_result["tool_use_id"] == "toolu_1"
    assert '"name":"Box"' in json.dumps(tool_result["content"]).replace('\\"', '"')


async def test_claude_judges_the_real_screenshot_sent_as_a_base64_image(
    server: ScriptedServer, ctx: RoleContext
) -> None:
    await ctx.runner.call("create_primitive", {"kind": "cube", "name": "Box"})
    shot = await ctx.runner.call("get_viewport_screenshot", {"max_size": 256})
    server.replies = [
        _claude([{"type": "text", "text": '{"score": 7, "analysis": "ok", "issues": ["plain"]}'}])
    ]
    roles = make_roles(_settings(provider="anthropic", ANTHROPIC_API_KEY="sk-ant-test", base_url=server.url))

    verdict = await roles.critic.critique(STEP, shot.images[0], ctx)

    assert (verdict.score, verdict.issues) == (7, ["plain"])
    content = server.requests[0][1]["messages"][0]["content"]
    image = next(block for block in content if block["type"] == "image")
    assert image["source"]["media_type"] == "image/png"
    assert base64.b64decode(image["source"]["data"]) == shot.images[0]


async def test_an_openai_compatible_server_runs_a_step_after_a_503_over_http(
    server: ScriptedServer, ctx: RoleContext
) -> None:
    call = {
        "id": "call_1",
        "type": "function",
        "function": {"name": "create_primitive", "arguments": '{"kind": "cube", "name": "Box"}'},
    }
    server.replies = [
        (503, {"error": {"message": "loading model", "type": "server_error"}}),
        _gpt({"content": None, "tool_calls": [call]}, finish="tool_calls"),
        _gpt({"content": "Done."}),
    ]
    sleep = SleepRecorder()
    settings = _settings(provider="openai_compatible", base_url=server.url + "/v1", model="local-vl")
    roles = make_roles(settings, sleep=sleep)

    results = await roles.executor.execute(STEP, ctx)

    assert [(r.tool, r.ok) for r in results] == [("create_primitive", True)]
    assert sleep.delays == [1.0]
    path, first = server.requests[1]
    assert path == "/v1/chat/completions" and first["model"] == "local-vl"
    assert {t["function"]["name"] for t in first["tools"]} == {t.name for t in ctx.tools}
    assert isinstance(first["messages"][0]["content"], str)  # no Anthropic cache blocks elsewhere
    assert server.requests[2][1]["messages"][-1]["role"] == "tool"
    assert roles.provider == "openai_compatible" and roles.model_names["executor"] == "local-vl"


async def test_a_tool_call_with_broken_json_gets_an_answer_in_the_next_openai_request(
    server: ScriptedServer, ctx: RoleContext
) -> None:
    bad = {
        "id": "call_bad",
        "type": "function",
        "function": {"name": "create_primitive", "arguments": '{"kind": '},
    }
    server.replies = [
        _gpt({"content": None, "tool_calls": [bad]}, finish="tool_calls"),
        _gpt({"content": "Gave up."}),
    ]
    roles = make_roles(_settings(provider="openai_compatible", base_url=server.url + "/v1", model="local-vl"))

    results = await roles.executor.execute(STEP, ctx)

    assert [(r.tool, r.ok) for r in results] == [("create_primitive", False)]
    sent = server.requests[1][1]["messages"]
    assert sent[-2]["tool_calls"][0]["id"] == "call_bad"
    assert sent[-1]["role"] == "tool" and sent[-1]["tool_call_id"] == "call_bad"
