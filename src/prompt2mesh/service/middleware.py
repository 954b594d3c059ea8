"""ASGI middleware at the edge: request size limits (413 before reading), security headers,
and an access-log filter that keeps secrets in query strings out of the logs."""

from __future__ import annotations

import base64
import hashlib
import json
import logging
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import unquote_plus

from starlette.types import ASGIApp, Message, Receive, Scope, Send

# Query parameters that carry secrets: redacted in access logs.
SECRET_PARAMS = frozenset({"ticket", "access_token", "token", "refresh_token", "password"})


class _TooLarge(BaseException):
    # Not an Exception: FastAPI turns any Exception raised while it reads a body into
    # "400 error parsing the body"; this one must travel up to the middleware that sends 413.
    pass


def _error_body(code: str, message: str) -> bytes:
    return json.dumps({"error": {"code": code, "message": message}}).encode()


class BodySizeLimit:
    """Refuse request bodies over a limit with 413: from ``Content-Length`` before a byte is
    read, and for chunked bodies as soon as the running count passes the limit."""

    def __init__(self, app: ASGIApp, limit_for: Callable[[str], int]) -> None:
        self.app = app
        self.limit_for = limit_for

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        limit = self.limit_for(scope["path"])
        headers = dict(scope["headers"])
        length = headers.get(b"content-length")
        if length is not None:
            try:
                declared = int(length)
            except ValueError:
                declared = -1
            if declared < 0 or declared > limit:
                await self._refuse(send, limit)
                return
        received = 0
        started = False

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _TooLarge
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _TooLarge:
            if not started:
                await self._refuse(send, limit)

    @staticmethod
    async def _refuse(send: Send, limit: int) -> None:
        body = _error_body("payload_too_large", f"the request body is larger than {limit} bytes")
        await send(
            {
                "type": "http.response.start",
                "status": 413,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                    *SecurityHeaders.api_headers(),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


def inline_script_hashes(index: Path) -> list[str]:
    """CSP hashes of the inline scripts of the web UI's page (its import map)."""
    if not index.is_file():
        return []
    hashes = []
    for match in re.finditer(r"<script(?![^>]*\bsrc=)[^>]*>(.*?)</script>", index.read_text(), re.S):
        digest = hashlib.sha256(match.group(1).encode()).digest()
        hashes.append(f"'sha256-{base64.b64encode(digest).decode()}'")
    return hashes


class SecurityHeaders:
    """Headers on every answer: no sniffing, no framing, no referrer, and a strict CSP
    (scripts only from this origin plus the page's own hashed import map)."""

    def __init__(self, app: ASGIApp, script_hashes: list[str]) -> None:
        self.app = app
        csp = "; ".join(
            [
                "default-src 'self'",
                "script-src 'self' " + " ".join(script_hashes),
                "style-src 'self'",
                "img-src 'self' data: blob:",
                "media-src 'self' blob:",
                # glTF loaders fetch embedded buffers and textures as data: and blob: URLs.
                "connect-src 'self' blob: data:",
                "worker-src 'self' blob:",
                "font-src 'self'",
                "object-src 'none'",
                "base-uri 'none'",
                "form-action 'self'",
                "frame-ancestors 'none'",
            ]
        )
        self._headers = [*self.api_headers(), (b"content-security-policy", csp.encode())]

    @staticmethod
    def api_headers() -> list[tuple[bytes, bytes]]:
        return [
            (b"x-content-type-options", b"nosniff"),
            (b"x-frame-options", b"DENY"),
            (b"referrer-policy", b"no-referrer"),
            (b"cross-origin-opener-policy", b"same-origin"),
            (b"permissions-policy", b"camera=(), geolocation=(), microphone=(self)"),
        ]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                present = {name.lower() for name, _ in message.get("headers", [])}
                extra = [(k, v) for k, v in self._headers if k not in present]
                message = {**message, "headers": [*message.get("headers", []), *extra]}
            await send(message)

        await self.app(scope, receive, with_headers)


def redact_query(path: str) -> str:
    """``path`` with the values of secret-carrying query parameters replaced."""
    if "?" not in path:
        return path
    base, _, query = path.partition("?")
    parts = []
    for part in query.split("&"):
        key = unquote_plus(part.partition("=")[0]).lower()
        parts.append(f"{part.partition('=')[0]}=REDACTED" if key in SECRET_PARAMS else part)
    return base + "?" + "&".join(parts)


class RedactSecrets(logging.Filter):
    """For uvicorn's access log: its record args are (client, method, path, version, status)."""

    def filter(self, record: logging.LogRecord) -> bool:
        args: Any = record.args
        if isinstance(args, tuple) and len(args) >= 3 and isinstance(args[2], str):
            record.args = (*args[:2], redact_query(args[2]), *args[3:])
        return True


def install_log_redaction() -> None:
    """Add :class:`RedactSecrets` to uvicorn's access logger (once)."""
    logger = logging.getLogger("uvicorn.access")
    if not any(isinstance(f, RedactSecrets) for f in logger.filters):
        logger.addFilter(RedactSecrets())
