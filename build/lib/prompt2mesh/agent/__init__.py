"""The Artisan agent: a LangGraph loop that plans, builds, looks, judges and refines.

Public surface (imported lazily, so ``prompt2mesh.agent.editing`` does not pay for LangGraph):
``RunRequest``, ``run_make``, ``resume_run``, ``load_state``, ``build_graph``, ``summarize``.
"""

from __future__ import annotations

import importlib
from typing import Any

_EXPORTS = {
    "RunRequest": "prompt2mesh.agent.runner",
    "run_make": "prompt2mesh.agent.runner",
    "resume_run": "prompt2mesh.agent.runner",
    "load_state": "prompt2mesh.agent.runner",
    "build_graph": "prompt2mesh.agent.graph",
    "summarize": "prompt2mesh.agent.trace",
}

__all__ = sorted(_EXPORTS)


def __getattr__(name: str) -> Any:
    if name in _EXPORTS:
        return getattr(importlib.import_module(_EXPORTS[name]), name)
    raise AttributeError(f"module 'prompt2mesh.agent' has no attribute {name!r}")
