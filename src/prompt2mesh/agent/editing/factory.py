"""Builds the editing session for a scene folder from the settings (offline or LLM)."""

from __future__ import annotations

from langchain_core.language_models import BaseChatModel

from prompt2mesh.agent.editing.grammar import OfflineTranslator
from prompt2mesh.agent.editing.llm import LLMTranslator
from prompt2mesh.agent.editing.pipeline import Translator
from prompt2mesh.config import Settings
from prompt2mesh.models.roles import ToolRunner


def make_translator(
    settings: Settings, runner: ToolRunner, chat_model: BaseChatModel | None = None
) -> Translator:
    """The offline grammar, or the LLM translator when a provider (or a model) is given.

    Raises:
        ProviderConfigError: the provider cannot be built (e.g. its key is missing).
    """
    if chat_model is None and settings.provider == "offline":
        from prompt2mesh.models.offline.recipes import RECIPES

        return OfflineTranslator(known_kinds=list(RECIPES))
    from prompt2mesh.models.llm import LLMRole
    from prompt2mesh.models.providers import build_chat_model, model_name
    from prompt2mesh.models.retry import RetryPolicy

    model = chat_model if chat_model is not None else build_chat_model(settings)
    role = LLMRole(
        model=model,
        model_label=model_name(model),
        retry=RetryPolicy(delays=settings.retry_delays_s),
        role="translator",
    )
    return LLMTranslator(role=role, runner=runner)
