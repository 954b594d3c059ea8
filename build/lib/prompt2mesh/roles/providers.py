"""Build the LangChain chat model a provider setting names, and check it can be reached.

``P2M_PROVIDER`` picks one of: ``anthropic`` (the default model is a current Claude Sonnet),
``openai``, ``google`` (Gemini), ``ollama`` (local models) and ``openai_compatible`` (any
server speaking the OpenAI API at ``P2M_BASE_URL``); ``offline`` needs no model at all.
Keys come from the usual variables (``ANTHROPIC_API_KEY``, ``OPENAI_API_KEY``,
``GOOGLE_API_KEY`` or ``GEMINI_API_KEY``), read by :mod:`prompt2mesh.config`. The SDKs' own retries are switched
off: :mod:`prompt2mesh.roles.retry` owns the backoff policy so it is the same everywhere.

Building a model opens no connection; :func:`check_provider` is the optional start-up check
that turns "no key / wrong URL / server down" into one clear line before a run starts.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx
from langchain_core.language_models import BaseChatModel
from pydantic import SecretStr

from prompt2mesh.config import Settings
from prompt2mesh.roles.errors import ProviderConfigError, ProviderUnreachableError

DEFAULT_MODELS: dict[str, str] = {
    "anthropic": "claude-sonnet-5-5",
    "openai": "gpt-5.5",
    "google": "gemini-flash-latest",
    "ollama": "qwen3-vl:8b",
}
"""Each provider's model when ``P2M_MODEL`` is unset (all take images and call tools).

Current models as the installed SDKs list them (the Anthropic SDK warns that
``claude-sonnet-4-5`` reaches end of life on 30 November 2026); ``P2M_MODEL`` overrides."""

_FIXED_SAMPLING_PREFIXES = ("claude-fable-5", "claude-sonnet-5-5")
"""Claude models that refuse a temperature other than the default (langchain-anthropic raises)."""

OLLAMA_DEFAULT_URL = "http://localhost:11434"

_KEY_VARIABLES = {"anthropic": "ANTHROPIC_API_KEY", "openai": "OPENAI_API_KEY", "google": "GOOGLE_API_KEY"}


def model_for(settings: Settings) -> str:
    """The model name a provider will use (``P2M_MODEL`` or the provider's default).

    Raises:
        ProviderConfigError: ``openai_compatible`` without ``P2M_MODEL`` (there is no default).
    """
    if settings.model:
        return settings.model
    if settings.provider in DEFAULT_MODELS:
        return DEFAULT_MODELS[settings.provider]
    raise ProviderConfigError(
        f"provider {settings.provider!r} has no default model; set P2M_MODEL to the served model's name"
    )


def _key(settings: Settings) -> str:
    value = {
        "anthropic": settings.anthropic_api_key,
        "openai": settings.openai_api_key,
        "google": settings.google_api_key,
    }[settings.provider]
    if not value:
        var = _KEY_VARIABLES[settings.provider] + (
            " or GEMINI_API_KEY" if settings.provider == "google" else ""
        )
        raise ProviderConfigError(
            f"provider {settings.provider!r} needs an API key: set {var} "
            f"(or use P2M_PROVIDER=offline, which needs no key)"
        )
    return value


def build_chat_model(settings: Settings) -> BaseChatModel:
    """The LangChain chat model for ``settings.provider``, built without any network access.

    Args:
        settings: Provider, model, key, base URL, timeout, temperature and token limit.

    Returns:
        A ``ChatAnthropic``, ``ChatOpenAI``, ``ChatGoogleGenerativeAI`` or ``ChatOllama``.

    Raises:
        ProviderConfigError: ``offline`` (it has no chat model), a missing key (naming the
            variable to set), or a missing base URL / model for ``openai_compatible``.
    """
    provider = settings.provider
    if provider == "anthropic":
        from langchain_anthropic import ChatAnthropic

        # P2M_BASE_URL points Claude at a gateway or proxy; unset means Anthropic's API.
        where: dict[str, Any] = {"base_url": settings.base_url} if settings.base_url else {}
        model = model_for(settings)
        return ChatAnthropic(  # type: ignore[call-arg]
            model=model,
            api_key=SecretStr(_key(settings)),
            **where,
            max_tokens=settings.model_max_tokens,
            timeout=settings.model_timeout_s,
            max_retries=0,
            temperature=None if model.startswith(_FIXED_SAMPLING_PREFIXES) else settings.model_temperature,
        )
    if provider in ("openai", "openai_compatible"):
        from langchain_openai import ChatOpenAI

        if provider == "openai":
            key, base_url = _key(settings), settings.base_url
        else:
            if not settings.base_url:
                raise ProviderConfigError(
                    "provider 'openai_compatible' needs P2M_BASE_URL (e.g. http://localhost:8000/v1)"
                )
            # Local servers usually ignore the key, but the client insists on one.
            key, base_url = settings.openai_api_key or "not-needed", settings.base_url
        return ChatOpenAI(  # type: ignore[call-arg]
            model=model_for(settings),
            api_key=SecretStr(key),
            base_url=base_url,
            max_tokens=settings.model_max_tokens,
            timeout=settings.model_timeout_s,
            max_retries=0,
            temperature=settings.model_temperature,
        )
    if provider == "google":
        from langchain_google_genai import ChatGoogleGenerativeAI

        return ChatGoogleGenerativeAI(
            model=model_for(settings),
            google_api_key=_key(settings),
            max_output_tokens=settings.model_max_tokens,
            timeout=settings.model_timeout_s,
            max_retries=0,
            temperature=settings.model_temperature,
        )
    if provider == "ollama":
        from langchain_ollama import ChatOllama

        return ChatOllama(
            model=model_for(settings),
            base_url=settings.base_url or OLLAMA_DEFAULT_URL,
            num_predict=settings.model_max_tokens,
            client_kwargs={"timeout": settings.model_timeout_s},
            temperature=settings.model_temperature,
        )
    raise ProviderConfigError(
        f"provider {provider!r} has no chat model; choose anthropic, openai, google, ollama or "
        "openai_compatible (P2M_PROVIDER), or use the offline roles"
    )


def model_name(model: BaseChatModel) -> str:
    """A readable name of a chat model for the run report (``claude-sonnet-5-5``...)."""
    for attr in ("model", "model_name"):
        value = getattr(model, attr, None)
        if isinstance(value, str) and value:
            return value
    return model._llm_type


@dataclass(frozen=True)
class ProviderCheck:
    """What the start-up check found."""

    provider: str
    model: str
    url: str
    status: int


def _probe(settings: Settings) -> tuple[str, dict[str, str], dict[str, str]]:
    """The cheapest authenticated read each provider offers (list models): url, headers, params."""
    provider = settings.provider
    if provider == "anthropic":
        base = (settings.base_url or "https://api.anthropic.com").rstrip("/")
        headers = {"x-api-key": _key(settings), "anthropic-version": "2023-06-01"}
        return f"{base}/v1/models", headers, {"limit": "1"}
    if provider == "openai":
        base = (settings.base_url or "https://api.openai.com/v1").rstrip("/")
        return f"{base}/models", {"Authorization": f"Bearer {_key(settings)}"}, {}
    if provider == "google":
        return (
            "https://generativelanguage.googleapis.com/v1beta/models",
            {"x-goog-api-key": _key(settings)},
            {"pageSize": "1"},
        )
    if provider == "ollama":
        return f"{(settings.base_url or OLLAMA_DEFAULT_URL).rstrip('/')}/api/tags", {}, {}
    if provider == "openai_compatible":
        if not settings.base_url:
            raise ProviderConfigError("provider 'openai_compatible' needs P2M_BASE_URL")
        headers = {"Authorization": f"Bearer {settings.openai_api_key}"} if settings.openai_api_key else {}
        return f"{settings.base_url.rstrip('/')}/models", headers, {}
    raise ProviderConfigError(f"provider {provider!r} has nothing to check")


async def check_provider(settings: Settings, *, timeout_s: float = 10.0) -> ProviderCheck:
    """Ask the provider one cheap question (list models) to fail fast with a clear message.

    Args:
        settings: The provider settings to check.
        timeout_s: How long to wait for the answer.

    Returns:
        What answered, for a start-up log line.

    Raises:
        ProviderConfigError: The settings are incomplete (see :func:`build_chat_model`).
        ProviderUnreachableError: No answer, the key was refused, or an unexpected status.
    """
    model = model_for(settings)
    url, headers, params = _probe(settings)
    try:
        async with httpx.AsyncClient(timeout=timeout_s) as client:
            response = await client.get(url, headers=headers, params=params)
    except httpx.HTTPError as exc:
        raise ProviderUnreachableError(
            f"cannot reach {settings.provider} at {url}: {type(exc).__name__} {exc}".rstrip()
            + (" (is `ollama serve` running?)" if settings.provider == "ollama" else "")
        ) from exc
    if response.status_code in (401, 403):
        var = _KEY_VARIABLES.get(settings.provider, "the API key")
        raise ProviderUnreachableError(
            f"{settings.provider} refused the credentials (HTTP {response.status_code}); check {var}"
        )
    if response.status_code >= 400:
        raise ProviderUnreachableError(
            f"{settings.provider} at {url} answered HTTP {response.status_code}: {response.text[:200]}"
        )
    return ProviderCheck(provider=settings.provider, model=model, url=url, status=response.status_code)
