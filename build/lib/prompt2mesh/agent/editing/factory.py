"""Builds the editing roles from the settings: the offline grammar and measuring evaluator, or
the LLM translator and the vision evaluator sharing one chat model."""

from __future__ import annotations

from langchain_core.language_models import BaseChatModel

from prompt2mesh.agent.editing.evaluator import OfflineEvaluator
from prompt2mesh.agent.editing.grammar import OfflineTranslator
from prompt2mesh.agent.editing.llm import LLMEvaluator, LLMTranslator
from prompt2mesh.agent.editing.pipeline import Evaluator, Translator
from prompt2mesh.config import Settings
from prompt2mesh.roles.interface import ToolRunner
from prompt2mesh.roles.llm import LLMRole


def make_translator(
    settings: Settings, runner: ToolRunner, chat_model: BaseChatModel | None = None
) -> Translator:
    """The offline grammar, or the LLM translator when a provider (or a model) is given.

    Raises:
        ProviderConfigError: the provider cannot be built (e.g. its key is missing).
    """
    if chat_model is None and settings.provider == "offline":
        from prompt2mesh.roles.offline.recipes import RECIPES

        return OfflineTranslator(known_kinds=list(RECIPES))
    return LLMTranslator(role=_role(settings, chat_model, "translator"), runner=runner)


def make_evaluator(
    settings: Settings, runner: ToolRunner, chat_model: BaseChatModel | None = None
) -> Evaluator:
    """The measuring evaluator, or measurements plus a vision model's judgement of the image.

    Raises:
        ProviderConfigError: the provider cannot be built (e.g. its key is missing).
    """
    if chat_model is None and settings.provider == "offline":
        return OfflineEvaluator()
    return LLMEvaluator(role=_role(settings, chat_model, "edit_evaluator"), runner=runner)


def _role(settings: Settings, chat_model: BaseChatModel | None, name: str) -> LLMRole:
    from prompt2mesh.roles.providers import build_chat_model, model_name
    from prompt2mesh.roles.retry import RetryPolicy

    model = chat_model if chat_model is not None else build_chat_model(settings)
    return LLMRole(
        model=model,
        model_label=model_name(model),
        retry=RetryPolicy(delays=settings.retry_delays_s),
        role=name,
    )
