"""Serving the worker over streamable HTTP, behind a per-worker bearer token.

A worker in a container or a pod is reachable by anything on its network, and the tools can
read and overwrite the user's files: every HTTP request must carry ``Authorization: Bearer
<token>``, the secret the manager that started the worker generated for it. A worker bound
beyond loopback refuses to start without a token; on loopback the token is optional (a local
MCP client such as Claude Desktop), but once configured it is always required.
"""

from __future__ import annotations

import hmac
import ipaddress
from typing import Any

TOKEN_ENV = "P2M_WORKER_TOKEN"
"""The environment variable a worker reads its token from (never a command-line flag: those are
readable by every user of the machine in ``/proc``)."""
MIN_TOKEN_CHARS = 16


class TokenRequired(ValueError):
    """A worker bound beyond loopback was started without a token (or with a short one)."""


def is_loopback(host: str) -> bool:
    """Whether ``host`` binds only this machine (``127.0.0.1``, ``::1``, ``localhost``)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_token_policy(host: str, token: str | None) -> None:
    """Refuse to serve beyond loopback without a usable token.

    Raises:
        TokenRequired: ``host`` is not loopback and ``token`` is missing, or a token is
            shorter than :data:`MIN_TOKEN_CHARS`.
    """
    if token is not None and len(token) < MIN_TOKEN_CHARS:
        raise TokenRequired(f"{TOKEN_ENV} must be at least {MIN_TOKEN_CHARS} characters long")
    if token is None and not is_loopback(host):
        raise TokenRequired(
            f"a worker bound to {host} is reachable from other machines: set {TOKEN_ENV} to a long "
            "random secret (the worker manager does this for every worker it starts)"
        )


class BearerAuth:
    """ASGI middleware: HTTP requests without ``Authorization: Bearer <token>`` get 401.

    The comparison is constant-time (``hmac.compare_digest``), so the time of a refusal says
    nothing about how much of a guess was right.
    """

    def __init__(self, app: Any, token: str) -> None:
        self.app = app
        self._expected = f"Bearer {token}".encode()

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        given = b""
        for key, value in scope.get("headers", ()):
            if key == b"authorization":
                given = value
                break
        if hmac.compare_digest(given, self._expected):
            await self.app(scope, receive, send)
            return
        await send(
            {
                "type": "http.response.start",
                "status": 401,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"www-authenticate", b'Bearer realm="prompt2mesh-worker"'),
                ],
            }
        )
        await send(
            {
                "type": "http.response.body",
                "body": b'{"error":{"code":"unauthorized","message":"a valid worker token is required"}}',
            }
        )


def serve_http(server: Any, host: str, port: int, token: str | None) -> None:
    """Serve a FastMCP ``server`` over streamable HTTP until stopped.

    Raises:
        TokenRequired: see :func:`check_token_policy`.
    """
    import uvicorn

    check_token_policy(host, token)
    app: Any = server.streamable_http_app()
    if token is not None:
        app = BearerAuth(app, token)
    uvicorn.run(app, host=host, port=port, log_level="warning")
