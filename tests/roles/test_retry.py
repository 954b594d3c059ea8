from __future__ import annotations

import anthropic
import httpx
import openai
import pytest
from google.genai import errors as genai_errors
from langchain_core.exceptions import ModelAuthenticationError, ModelRateLimitError

from fakes.chat import ScriptedChatModel, critique, rate_limit_error, server_error
from prompt2mesh.roles.errors import RetriesExhaustedError
from prompt2mesh.roles.interface import PlanStep, RoleContext, ToolInfo, ToolResult
from prompt2mesh.roles.llm import LLMCritic
from prompt2mesh.roles.retry import RetryPolicy, is_transient, with_retries


class SleepRecorder:
    """An injected sleep: records the delays, never waits."""

    def __init__(self) -> None:
        self.delays: list[float] = []

    async def __call__(self, seconds: float) -> None:
        self.delays.append(seconds)


class Flaky:
    """Fails with the given errors, then answers."""

    def __init__(self, *errors: Exception) -> None:
        self.errors = list(errors)
        self.calls = 0

    async def __call__(self) -> str:
        self.calls += 1
        if self.errors:
            raise self.errors.pop(0)
        return "answer"


def _status_error(status: int) -> httpx.HTTPStatusError:
    request = httpx.Request("POST", "http://127.0.0.1/v1/chat")
    return httpx.HTTPStatusError("status", request=request, response=httpx.Response(status, request=request))


async def test_a_rate_limited_call_is_retried_after_one_two_and_four_seconds_then_succeeds() -> None:
    sleep = SleepRecorder()
    fn = Flaky(rate_limit_error("anthropic"), rate_limit_error("openai"), server_error("anthropic", 529))

    assert await with_retries(fn, sleep=sleep) == "answer"
    assert sleep.delays == [1.0, 2.0, 4.0]
    assert fn.calls == 4


async def test_retries_give_up_after_three_with_a_clear_error() -> None:
    sleep = SleepRecorder()
    fn = Flaky(*(rate_limit_error() for _ in range(5)))

    with pytest.raises(
        RetriesExhaustedError, match=r"failed 4 times .*waited 7 s in all.*RateLimitError: rate limited"
    ) as info:
        await with_retries(fn, sleep=sleep, what="critic model call")
    assert sleep.delays == [1.0, 2.0, 4.0]
    assert info.value.attempts == 4 and isinstance(info.value.last_error, anthropic.RateLimitError)
    assert str(info.value).startswith("[model_retries_exhausted] critic model call failed")


async def test_a_permanent_error_is_raised_at_once_without_waiting() -> None:
    sleep = SleepRecorder()
    fn = Flaky(ValueError("bad request body"))

    with pytest.raises(ValueError, match="bad request body"):
        await with_retries(fn, sleep=sleep)
    assert sleep.delays == [] and fn.calls == 1


@pytest.mark.parametrize(
    "error",
    [
        rate_limit_error("anthropic"),
        rate_limit_error("openai"),
        server_error("openai", 503),
        anthropic.APIConnectionError(request=httpx.Request("POST", "http://x")),
        openai.APITimeoutError(request=httpx.Request("POST", "http://x")),
        genai_errors.ClientError(
            429, {"error": {"code": 429, "message": "quota", "status": "RESOURCE_EXHAUSTED"}}
        ),
        genai_errors.ServerError(500, {"error": {"code": 500, "message": "boom", "status": "INTERNAL"}}),
        ModelRateLimitError("langchain-classified"),
        httpx.ConnectError("refused"),
        _status_error(429),
        _status_error(502),
        TimeoutError(),
    ],
    ids=lambda e: type(e).__name__,
)
def test_rate_limits_and_transient_failures_of_every_provider_are_retryable(error: Exception) -> None:
    assert is_transient(error)


@pytest.mark.parametrize(
    "error",
    [
        ValueError("parse"),
        _status_error(400),
        _status_error(401),
        genai_errors.ClientError(
            400, {"error": {"code": 400, "message": "bad", "status": "INVALID_ARGUMENT"}}
        ),
        ModelAuthenticationError("bad key"),
    ],
    ids=lambda e: type(e).__name__,
)
def test_bad_requests_and_refused_keys_are_not_retried(error: Exception) -> None:
    assert not is_transient(error)


def test_an_sdk_error_wrapped_by_an_integration_is_classified_by_its_cause() -> None:
    try:
        try:
            raise rate_limit_error()
        except anthropic.RateLimitError as inner:
            raise RuntimeError("integration wrapper") from inner
    except RuntimeError as outer:
        assert is_transient(outer)


class _NoWorker:
    async def call(self, tool: str, args: dict | None = None) -> ToolResult:
        return ToolResult(tool=tool, args=args or {}, ok=False, error=f"no tool {tool!r} here")

    async def list_tools(self) -> list[ToolInfo]:
        return []


async def test_a_role_retries_a_rate_limited_model_call_and_says_so_in_the_trace() -> None:
    sleep = SleepRecorder()
    events: list[tuple[str, dict]] = []
    ctx = RoleContext(runner=_NoWorker(), emit=lambda kind, data: events.append((kind, data)))
    model = ScriptedChatModel(script=[rate_limit_error(), rate_limit_error(), critique(8)])
    critic = LLMCritic(model, retry=RetryPolicy(sleep=sleep))

    result = await critic.critique(PlanStep(number=1, action="Build"), b"\x89PNG", ctx)

    assert result.score == 8
    assert sleep.delays == [1.0, 2.0]
    warnings = [d for k, d in events if k == "warning"]
    assert [w["attempt"] for w in warnings] == [1, 2]
    assert "retry 1 in 1 s" in warnings[0]["message"]
    assert ctx.usage.calls == 1
