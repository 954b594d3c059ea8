"""The roles room: the interface the agent sees (refiner, planner, executor, critic, ...), its LLM and offline implementations, providers, retries and the factory.

``prompt2mesh.roles.interface`` has no heavy imports (the worker side uses it); everything
else is loaded on first use, so importing this package stays cheap.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from prompt2mesh.roles.errors import (
        ModelOutputError,
        ModelsError,
        ProviderConfigError,
        ProviderUnreachableError,
        RetriesExhaustedError,
    )
    from prompt2mesh.roles.factory import make_roles
    from prompt2mesh.roles.providers import build_chat_model, check_provider
    from prompt2mesh.roles.retry import RetryPolicy, is_transient, with_retries

_EXPORTS = {
    "ModelOutputError": "prompt2mesh.roles.errors",
    "ModelsError": "prompt2mesh.roles.errors",
    "ProviderConfigError": "prompt2mesh.roles.errors",
    "ProviderUnreachableError": "prompt2mesh.roles.errors",
    "RetriesExhaustedError": "prompt2mesh.roles.errors",
    "make_roles": "prompt2mesh.roles.factory",
    "build_chat_model": "prompt2mesh.roles.providers",
    "check_provider": "prompt2mesh.roles.providers",
    "RetryPolicy": "prompt2mesh.roles.retry",
    "is_transient": "prompt2mesh.roles.retry",
    "with_retries": "prompt2mesh.roles.retry",
}

__all__ = [
    "ModelOutputError",
    "ModelsError",
    "ProviderConfigError",
    "ProviderUnreachableError",
    "RetriesExhaustedError",
    "RetryPolicy",
    "build_chat_model",
    "check_provider",
    "is_transient",
    "make_roles",
    "with_retries",
]


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
