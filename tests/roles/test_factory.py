from __future__ import annotations

from fakes.chat import ScriptedChatModel, critique, rate_limit_error
from prompt2mesh.config import Settings
from prompt2mesh.roles.factory import make_roles
from prompt2mesh.roles.interface import PlanStep, RoleContext, ToolInfo, ToolResult
from prompt2mesh.roles.llm import LLMCritic, LLMExecutor, LLMImprover, LLMPlanner, LLMRefiner

NO_KEYS = {"ANTHROPIC_API_KEY": None, "OPENAI_API_KEY": None, "GOOGLE_API_KEY": None, "GEMINI_API_KEY": None}


def test_the_offline_provider_gives_the_offline_roles() -> None:
    roles = make_roles(Settings(provider="offline", **NO_KEYS))  # type: ignore[arg-type]

    assert roles.provider == "offline"
    assert not isinstance(roles.planner, LLMPlanner)


def test_a_given_chat_model_drives_every_llm_role_and_is_named_in_the_report() -> None:
    model = ScriptedChatModel()
    settings = Settings(
        provider="offline", min_plan_steps=3, max_plan_steps=9, executor_max_rounds=4, **NO_KEYS
    )  # type: ignore[arg-type]
    roles = make_roles(settings, chat_model=model)

    assert roles.provider == "scripted"
    assert roles.model_names == dict.fromkeys(
        ("refiner", "planner", "executor", "critic", "improver"), "scripted"
    )
    assert isinstance(roles.refiner, LLMRefiner) and isinstance(roles.critic, LLMCritic)
    assert isinstance(roles.planner, LLMPlanner) and (roles.planner.min_steps, roles.planner.max_steps) == (
        3,
        9,
    )
    assert isinstance(roles.executor, LLMExecutor) and roles.executor.max_rounds == 4
    assert isinstance(roles.improver, LLMImprover) and roles.improver.max_rounds == 4
    assert all(r.model is model for r in (roles.refiner, roles.planner, roles.executor, roles.critic))
    assert not roles.critic.cache


def test_an_anthropic_setting_builds_claude_with_prompt_caching() -> None:
    roles = make_roles(Settings(provider="anthropic", **{**NO_KEYS, "ANTHROPIC_API_KEY": "sk-ant-test"}))  # type: ignore[arg-type]

    assert roles.provider == "anthropic"
    assert roles.model_names["critic"] == "claude-sonnet-5-5"
    assert isinstance(roles.critic, LLMCritic) and roles.critic.cache


def test_a_gemini_setting_simplifies_the_tool_schemas_of_the_tool_using_roles() -> None:
    roles = make_roles(Settings(provider="google", **{**NO_KEYS, "GOOGLE_API_KEY": "g"}))  # type: ignore[arg-type]

    assert isinstance(roles.executor, LLMExecutor) and roles.executor.gemini_schemas
    assert isinstance(roles.improver, LLMImprover) and roles.improver.gemini_schemas
    assert not roles.critic.cache  # type: ignore[attr-defined]


def test_a_provider_setting_with_a_given_model_keeps_the_provider_name() -> None:
    roles = make_roles(Settings(provider="openai", **NO_KEYS), chat_model=ScriptedChatModel())  # type: ignore[arg-type]

    assert roles.provider == "openai"


class _NoWorker:
    async def call(self, tool: str, args: dict | None = None) -> ToolResult:
        return ToolResult(tool=tool, args=args or {}, ok=False, error=f"no tool {tool!r} here")

    async def list_tools(self) -> list[ToolInfo]:
        return []


async def test_the_factory_passes_the_retry_delays_and_the_injected_sleep_to_the_roles() -> None:
    waited: list[float] = []

    async def sleep(seconds: float) -> None:
        waited.append(seconds)

    model = ScriptedChatModel(script=[rate_limit_error(), rate_limit_error(), critique(7)])
    settings = Settings(provider="offline", retry_delays_s=(0.5, 3.0), **NO_KEYS)  # type: ignore[arg-type]
    roles = make_roles(settings, chat_model=model, sleep=sleep)

    verdict = await roles.critic.critique(
        PlanStep(number=1, action="Build"), b"\x89PNG", RoleContext(runner=_NoWorker())
    )
    assert verdict.score == 7 and waited == [0.5, 3.0]
