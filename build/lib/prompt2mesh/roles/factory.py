"""Pick the roles a run uses: the offline roles, or LLM roles sharing one chat model."""

from __future__ import annotations

import importlib

from langchain_core.language_models import BaseChatModel

from prompt2mesh.config import Settings
from prompt2mesh.roles.interface import Roles
from prompt2mesh.roles.llm import LLMCritic, LLMExecutor, LLMImprover, LLMPlanner, LLMRefiner
from prompt2mesh.roles.providers import build_chat_model, model_name
from prompt2mesh.roles.retry import RetryPolicy, Sleep

ROLE_NAMES = ("refiner", "planner", "executor", "critic", "improver")


def _is_anthropic(model: BaseChatModel) -> bool:
    try:
        from langchain_anthropic import ChatAnthropic
    except ImportError:  # pragma: no cover - a dependency, but the check must not break runs
        return False
    return isinstance(model, ChatAnthropic)


def _is_gemini(model: BaseChatModel) -> bool:
    try:
        from langchain_google_genai import ChatGoogleGenerativeAI
    except ImportError:  # pragma: no cover
        return False
    return isinstance(model, ChatGoogleGenerativeAI)


def make_roles(
    settings: Settings,
    chat_model: BaseChatModel | None = None,
    *,
    sleep: Sleep | None = None,
    prompt_caching: bool | None = None,
) -> Roles:
    """The roles for ``settings.provider`` (``offline`` -> the built-in planner and critic).

    Args:
        settings: Provider, model, retry delays, plan bounds, executor rounds.
        chat_model: Use this model for every LLM role instead of building one from the
            settings (tests pass the scripted model); LLM roles are then used whatever the
            provider setting says.
        sleep: How the retry backoff waits (``asyncio.sleep``; tests inject a recorder).
        prompt_caching: Mark static prompt parts for Anthropic prompt caching; by default
            on exactly when the model is a ``ChatAnthropic``.

    Returns:
        The roles, with the provider and each role's model name for the run report.

    Raises:
        ProviderConfigError: The provider cannot be built (e.g. its key is missing).
    """
    if chat_model is None and settings.provider == "offline":
        # Imported late: the offline package is large and LLM runs never need it.
        offline = importlib.import_module("prompt2mesh.roles.offline")
        roles: Roles = offline.make_offline_roles()
        return roles

    model = chat_model if chat_model is not None else build_chat_model(settings)
    label = model_name(model)
    if chat_model is not None and settings.provider == "offline":
        provider = model._llm_type
    else:
        provider = settings.provider
    cache = _is_anthropic(model) if prompt_caching is None else prompt_caching
    retry = RetryPolicy(
        delays=tuple(settings.retry_delays_s), **({"sleep": sleep} if sleep is not None else {})
    )
    rounds = settings.executor_max_rounds
    gemini = _is_gemini(model)
    return Roles(
        provider=provider,
        refiner=LLMRefiner(model, label, retry, cache),
        planner=LLMPlanner(
            model, label, retry, cache, min_steps=settings.min_plan_steps, max_steps=settings.max_plan_steps
        ),
        executor=LLMExecutor(model, label, retry, cache, gemini_schemas=gemini, max_rounds=rounds),
        critic=LLMCritic(model, label, retry, cache),
        improver=LLMImprover(model, label, retry, cache, gemini_schemas=gemini, max_rounds=rounds),
        model_names=dict.fromkeys(ROLE_NAMES, label),
    )
