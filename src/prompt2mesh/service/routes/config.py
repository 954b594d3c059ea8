"""What a person writing a prompt should know about this install: which provider and model
build it, what the offline modeller understands, the limits. Open to everyone (the log-in
page may show it) and free of secrets: no keys, no URLs, no folders."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from pydantic import BaseModel, Field

from prompt2mesh.service.deps import ServicesDep

router = APIRouter(tags=["health"])

MAX_VARIATIONS = 4
PROVIDER_NAMES = {
    "offline": "the built-in offline modeller",
    "anthropic": "Anthropic Claude",
    "openai": "OpenAI",
    "google": "Google Gemini",
    "ollama": "a local model (Ollama)",
    "openai_compatible": "an OpenAI-compatible server",
}
OFFLINE_NOTE = (
    "The offline modeller understands English: common objects (furniture, trees, houses, food, "
    "vehicles, tableware, animals) and their parts, colours, counts, sizes and places "
    "('a wooden table with four legs, 1 m long, and a red vase on it')."
)
MODEL_NOTE = "A language model plans the build; any language it reads works, English is the safest."


class ClientConfig(BaseModel):
    provider: str = Field(description="offline, anthropic, openai, google, ollama or openai_compatible.")
    provider_name: str
    model: str | None = Field(description="The model that plans and judges (None for the offline modeller).")
    offline: bool
    language: Literal["en", "any"] = Field(description="The language prompts are understood in.")
    note: str
    max_prompt_chars: int
    max_command_chars: int = 500
    max_variations: int = Field(
        description="Most variations one request may start (2-4, within the run limits)."
    )


@router.get("/config", response_model=ClientConfig)
def client_config(services: ServicesDep) -> ClientConfig:
    """Who builds the models here, in words for the prompt box's help (no secrets)."""
    from prompt2mesh.roles.errors import ProviderConfigError
    from prompt2mesh.roles.providers import model_for

    settings = services.settings
    offline = settings.provider == "offline"
    model: str | None = None
    if not offline:
        try:
            model = model_for(settings)
        except ProviderConfigError:
            model = None
    return ClientConfig(
        provider=settings.provider,
        provider_name=PROVIDER_NAMES.get(settings.provider, settings.provider),
        model=model,
        offline=offline,
        language="en" if offline else "any",
        note=OFFLINE_NOTE if offline else MODEL_NOTE,
        max_prompt_chars=settings.max_prompt_chars,
        max_variations=max(1, min(MAX_VARIATIONS, settings.max_active_runs_per_user)),
    )
