"""Errors raised by the model side (providers, retries, LLM roles).

ModelsError                     base; ``code`` is stable, ``message`` says what to do
├── ProviderConfigError         unknown provider, missing key / base URL / model name
├── ProviderUnreachableError    the start-up check could not reach the provider
├── RetriesExhaustedError       rate limits or transient failures outlasted the backoff
└── ModelOutputError            the model's answer could not be used (e.g. not the JSON asked for)

Errors that are neither transient nor ours (a rejected key mid-run, a bad request) are the
provider SDK's own exceptions and pass through unchanged.
"""

from __future__ import annotations


class ModelsError(RuntimeError):
    """Something on the model side failed in a way a person can act on."""

    code = "models_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return f"[{self.code}] {self.message}"


class ProviderConfigError(ModelsError):
    """The settings do not describe a usable provider (names the variable to set)."""

    code = "provider_config"


class ProviderUnreachableError(ModelsError):
    """The provider did not answer the start-up check, or refused the credentials."""

    code = "provider_unreachable"


class RetriesExhaustedError(ModelsError):
    """A model call kept failing with rate limits or transient errors after every retry."""

    code = "model_retries_exhausted"

    def __init__(self, message: str, *, attempts: int, last_error: BaseException) -> None:
        super().__init__(message)
        self.attempts = attempts
        self.last_error = last_error


class ModelOutputError(ModelsError):
    """The model answered, but not in the shape the role asked for, even after one repair."""

    code = "model_output_invalid"

    def __init__(self, message: str, *, role: str, reply: str = "") -> None:
        super().__init__(message)
        self.role = role
        self.reply = reply
