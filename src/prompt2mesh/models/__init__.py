"""The model side: roles (the interface the agent sees), providers, retries and the factory.

``prompt2mesh.models.roles`` has no heavy imports (the worker side uses it); everything
else is loaded on first use, so importing this package stays cheap.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from prompt2mesh.models.errors import (
        ModelOutputError,
        ModelsError,
        ProviderConfigError,
        ProviderUnreachableError,
        RetriesExhaustedError,
    )
    from prompt2mesh.models.factory import make_roles
    from prompt2mesh.models.providers import build_chat_model, check_provider
    from prompt2mesh.models.retry import RetryPolicy, is_transient, with_retries

_EXPORTS = {
    "ModelOutputError": "prompt2mesh.models.errors",
    "ModelsError": "prompt2mesh.models.errors",
    "ProviderConfigError": "prompt2mesh.models.errors",
    "ProviderUnreachableError": "prompt2mesh.models.errors",
    "RetriesExhaustedError": "prompt2mesh.models.errors",
    "make_roles": "prompt2mesh.models.factory",
    "build_chat_model": "prompt2mesh.models.providers",
    "check_provider": "prompt2mesh.models.providers",
    "RetryPolicy": "prompt2mesh.models.retry",
    "is_transient": "prompt2mesh.models.retry",
    "with_retries": "prompt2mesh.models.retry",
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
