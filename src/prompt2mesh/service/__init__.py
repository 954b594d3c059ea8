"""The multi-user service: ``create_app(settings)`` builds the FastAPI app that
``prompt2mesh serve`` runs (accounts, per-user workers, runs with live events, artifacts,
the web UI). The HTTP API is documented in docs/API.md and at ``/openapi.json``."""

from prompt2mesh.service.app import create_app

__all__ = ["create_app"]
