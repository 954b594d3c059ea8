"""The multi-user service: ``create_app(settings)`` builds the FastAPI app that
``prompt2mesh serve`` runs (accounts, per-user workers, runs with live events, artifacts,
the web UI). The HTTP API is documented in docs/API.md and at ``/openapi.json``.

Imported lazily: every ``prompt2mesh`` command loads ``service.cli``, and a Blender worker
must not pay for FastAPI and SQLAlchemy.
"""

from __future__ import annotations

from typing import Any

__all__ = ["create_app"]


def __getattr__(name: str) -> Any:
    if name == "create_app":
        from prompt2mesh.service.app import create_app

        return create_app
    raise AttributeError(name)
