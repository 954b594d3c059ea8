"""Serving the worker over streamable HTTP, behind a per-worker bearer token.

A worker in a container or a pod is reachable by anything on its network, and the tools can
read and overwrite the user's files: every HTTP request must carry ``Authorization: Bearer
<token>``, the secret the manager that started the worker generated for it. A worker bound
beyond loopback refuses to start without a token; on loopback the token is optional (a local
MCP client such as Claude Desktop), but once configured it is always required.
"""

from __future__ import annotations

import contextlib
import functools
import hmac
import ipaddress
import sys
from collections.abc import AsyncIterator, Callable
from typing import Any

from prompt2mesh.blender.http_front import MCP_PATH, FrontSession, HttpFront

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


def serve_http(
    server: Any,
    host: str,
    port: int,
    token: str | None,
    front: HttpFront | None = None,
    *,
    ready: Callable[[], None] = lambda: None,
) -> None:
    """Serve a FastMCP ``server`` over streamable HTTP until stopped; ``ready`` is called
    once uvicorn is about to answer.

    With ``front`` (see :mod:`prompt2mesh.blender.http_front`), uvicorn takes over the front's
    listening socket: the front stops, the sessions it opened are adopted by the SDK before
    uvicorn answers anything, and the requests that waited are then relayed to uvicorn.

    Raises:
        TokenRequired: see :func:`check_token_policy`.
    """
    import uvicorn

    check_token_policy(host, token)
    app: Any = server.streamable_http_app()
    _on_startup(app, server.session_manager, front, ready)
    if token is not None:
        app = BearerAuth(app, token)
    # No websockets (MCP does not use them): their protocol module is most of uvicorn's
    # configuration time, on the way to the first answer.
    config = uvicorn.Config(app, host=host, port=port, log_level="warning", ws="none")
    uvicorn.Server(config).run(sockets=[front.socket] if front is not None and front.socket else None)


def _on_startup(app: Any, manager: Any, front: HttpFront | None, ready: Callable[[], None]) -> None:
    """Hand the front over inside the app's lifespan: after the SDK's session manager runs,
    before uvicorn accepts the first connection."""
    inner = app.router.lifespan_context

    @contextlib.asynccontextmanager
    async def lifespan(scope_app: Any) -> AsyncIterator[Any]:
        async with inner(scope_app) as state:
            if front is not None:
                for session in front.hand_over():
                    await adopt_session(manager, session)
                front.mark("sessions adopted")
            ready()
            if front is not None:
                front.release()
            yield state

    app.router.lifespan_context = lifespan


async def adopt_session(manager: Any, session: FrontSession) -> None:
    """Open, in the SDK's session manager, the session the front opened, under the same id.

    The client's ``initialize`` (and ``initialized``, if it came) are played to the new
    session as the client sent them, so the SDK's session knows the client exactly as if it
    had answered it; the SDK's answers are dropped (the front answered already). This uses the
    manager's own steps for an opening request (``_serve_opening_request``), with a transport
    it would have made but for the id; ``tests/blender/test_http_start.py`` checks it against
    the installed SDK.
    """
    from mcp.server.streamable_http import StreamableHTTPServerTransport

    transport = StreamableHTTPServerTransport(
        mcp_session_id=session.id,
        is_json_response_enabled=manager.json_response,
        event_store=manager.event_store,
        security_settings=manager.security_settings,
        retry_interval=manager.retry_interval,
        idle_timeout=manager.session_idle_timeout,
    )
    async with manager._session_creation_lock:
        manager._server_instances[session.id] = transport
    status = await _replay(
        functools.partial(manager._serve_opening_request, transport), session.headers, session.initialize
    )
    if status is not None and status < 400 and session.initialized:
        headers = [*session.headers, ("mcp-session-id", session.id)]
        initialized = b'{"jsonrpc":"2.0","method":"notifications/initialized"}'
        status = await _replay(transport.handle_request, headers, initialized)
    if status is None or status >= 400:
        print(
            f"prompt2mesh worker: session {session.id[:8]} could not be taken over ({status})",
            file=sys.stderr,
        )


async def _replay(app: Any, headers: list[tuple[str, str]], body: bytes) -> int | None:
    """Run the ASGI ``app`` for a POST of ``body`` to the MCP path; return its status."""
    import anyio

    scope = {
        "type": "http",
        "asgi": {"version": "3.0"},
        "http_version": "1.1",
        "method": "POST",
        "scheme": "http",
        "path": MCP_PATH,
        "raw_path": MCP_PATH.encode(),
        "query_string": b"",
        "root_path": "",
        "headers": [(k.encode("latin-1"), v.encode("latin-1")) for k, v in headers]
        + [(b"content-length", str(len(body)).encode())],
        "client": ("127.0.0.1", 0),
        "server": ("127.0.0.1", 0),
    }
    sent_body = False
    done = anyio.Event()
    status: int | None = None

    async def receive() -> dict[str, Any]:
        nonlocal sent_body
        if not sent_body:
            sent_body = True
            return {"type": "http.request", "body": body, "more_body": False}
        await done.wait()  # an event stream ends when its answer is out, not before
        return {"type": "http.disconnect"}

    async def send(message: dict[str, Any]) -> None:
        nonlocal status
        if message["type"] == "http.response.start":
            status = message["status"]
        elif message["type"] == "http.response.body" and not message.get("more_body", False):
            done.set()

    await app(scope, receive, send)
    done.set()
    return status
