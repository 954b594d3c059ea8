"""``prompt2mesh serve [--host H] [--port P]``: the API and the web UI in one uvicorn process."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from prompt2mesh.config import PLACEHOLDER_SECRETS, Settings


def _provider_problem(settings: Settings) -> str | None:
    """Why the configured model provider cannot serve runs (missing key, unreachable), if so:
    said once at start rather than as a failed run for every user."""
    if settings.provider == "offline":
        return None
    import asyncio

    from prompt2mesh.roles.errors import ModelsError
    from prompt2mesh.roles.factory import make_roles
    from prompt2mesh.roles.providers import check_provider

    try:
        make_roles(settings)
        asyncio.run(check_provider(settings))
    except ModelsError as exc:
        return exc.message
    return None


def _cmd_serve(ns: argparse.Namespace) -> int:
    from pydantic import ValidationError

    from prompt2mesh.config import Settings

    try:
        settings = Settings()
    except ValidationError as exc:
        # The settings refuse a placeholder secret outside development: say so, plainly.
        print(f"prompt2mesh serve: refusing to start:\n{exc}", file=sys.stderr)
        return 2
    problem = _provider_problem(settings)
    if problem:
        print(f"prompt2mesh serve: refusing to start: {problem}", file=sys.stderr)
        return 2
    overrides = {k: v for k, v in (("host", ns.host), ("port", ns.port)) if v is not None}
    settings = settings.model_copy(update=overrides)
    if (settings.secret_key or "") in PLACEHOLDER_SECRETS:
        print(
            "prompt2mesh serve: P2M_SECRET_KEY is not set: tokens are signed with this install's own "
            f"random key ({settings.data_dir / 'secret_key'}); set P2M_SECRET_KEY to share one key "
            "between replicas",
            file=sys.stderr,
        )
    print(
        f"prompt2mesh serve: http://{settings.host}:{settings.port}  "
        f"(database {settings.resolved_database_url().split('@')[-1]}, data {settings.data_dir})",
        file=sys.stderr,
        flush=True,
    )
    # Imported only now: a refused start should not pay for loading the whole app.
    import uvicorn

    from prompt2mesh.service.app import create_app

    uvicorn.run(
        create_app(settings),
        host=settings.host,
        port=settings.port,
        log_level=ns.log_level,
        timeout_graceful_shutdown=10,
        # uvicorn would believe X-Forwarded-For from 127.0.0.1; the app reads it itself, and
        # only from P2M_TRUSTED_PROXIES.
        proxy_headers=False,
    )
    return 0


def _add_serve(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("serve", help="run the multi-user service (API + web UI)")
    p.add_argument("--host", default=None, help="address to bind (default: P2M_HOST or 127.0.0.1)")
    p.add_argument("--port", type=int, default=None, help="port (default: P2M_PORT or 8000)")
    p.add_argument("--log-level", default="info", choices=["critical", "error", "warning", "info", "debug"])
    p.set_defaults(handler=_cmd_serve)


COMMANDS: list[Callable[[argparse._SubParsersAction], None]] = [_add_serve]  # type: ignore[type-arg]
