"""The worker's protocol front over streamable HTTP: the handshake while Blender loads.

The HTTP twin of :mod:`prompt2mesh.blender.front`. The worker's listening socket is opened in
the first milliseconds of the process, and this front serves it on its own threads while the
main thread imports the MCP SDK and loads Blender. It answers, from the shipped
:class:`~prompt2mesh.blender.catalogue.Catalogue`, exactly what a client needs before its first
tool call: ``initialize`` (opening a session with an id the SDK will later take over),
``notifications/initialized``, ``tools/list`` and ``ping``, plus the errors the SDK gives a
``GET`` without a session (the service's start probe). Every answer closes its connection, so
a client's next request opens a new one.

Every other request waits, with its connection, until the SDK's server is ready. Then
:meth:`HttpFront.hand_over` stops the front (it answers and accepts nothing more), the SDK
adopts the front's sessions (:func:`prompt2mesh.blender.http.serve_http`: the client's
``initialize`` and ``initialized`` are replayed into a session under the same id), uvicorn
takes over the listening socket, and :meth:`HttpFront.release` relays each waiting request,
byte for byte but marked ``Connection: close``, to uvicorn on that socket. A tool call that
arrives during start-up therefore waits and then runs, and a session opened with the front
works after the handover as if the SDK had opened it; nothing stays behind a relay for longer
than the one request (a ``GET`` event stream: for as long as it lasts).

The bearer token is checked here from the first request on, in constant time, with the same
401 as :class:`prompt2mesh.blender.http.BearerAuth`. The front answers only requests it can
answer exactly as the SDK would; anything unusual (another path, an ``Origin`` or a host the
SDK's DNS-rebinding check may refuse, a chunked or large body, a batch, a paginated list) waits
for the SDK.

Standard library only: this module runs before the SDK is imported.
"""

from __future__ import annotations

import contextlib
import hmac
import json
import selectors
import socket
import threading
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, TypeGuard

from prompt2mesh.blender.catalogue import Catalogue
from prompt2mesh.blender.front import _well_formed_initialize

MCP_PATH = "/mcp"
"""Where FastMCP serves streamable HTTP (its ``streamable_http_path``)."""
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "::1")
"""Hosts for which FastMCP turns its DNS-rebinding protection on (and the allowed Host headers'
names: ``127.0.0.1:*``, ``localhost:*``, ``[::1]:*``)."""
_ALLOWED_HOST_PREFIXES = ("127.0.0.1:", "localhost:", "[::1]:")
_MAX_HEAD_BYTES = 64 * 1024
_MAX_BODY_BYTES = 1024 * 1024
"""Larger bodies wait for the SDK (its own limit is 4 MiB; no handshake message is this big)."""
_UNAUTHORIZED_BODY = b'{"error":{"code":"unauthorized","message":"a valid worker token is required"}}'


@dataclass
class FrontSession:
    """A session the front opened; the SDK adopts it at the handover."""

    id: str
    initialize: bytes
    """The client's ``initialize`` request body, replayed into the SDK's session."""
    headers: list[tuple[str, str]]
    """The headers it came with (the SDK checks Host and Content-Type on the replay too)."""
    initialized: bool = False
    """The client sent ``notifications/initialized`` (replayed after the ``initialize``)."""


@dataclass
class _Request:
    method: str
    target: str
    head: bytes
    """The request line and headers, as received (without the blank line)."""
    headers: dict[str, str]
    """Lower-cased names; a repeated header keeps its last value (the front then waits)."""
    repeated: bool
    body: bytes
    rest: bytes
    """Bytes read past this request (a pipelining client's next one); relayed as they are."""
    complete: bool
    """False when the body was not read (chunked or too large): it is relayed as it arrives."""


_HOLD = None
"""What :meth:`HttpFront._answer` returns for a request that waits for the SDK."""


class HttpFront:
    """Serves ``host:port`` until :meth:`hand_over`; then uvicorn serves the same socket."""

    def __init__(
        self,
        host: str,
        port: int,
        token: str | None,
        catalogue: Catalogue | None,
        *,
        mark: Callable[[str], None] = lambda step: None,
    ) -> None:
        self.host = host
        self.port = port
        self.catalogue = catalogue
        self._expected = f"Bearer {token}".encode() if token is not None else None
        self._host_checked = host in LOOPBACK_HOSTS
        self.mark = mark
        self.sessions: dict[str, FrontSession] = {}
        self.socket: socket.socket | None = None
        self._lock = threading.Lock()
        self._handing_over = False
        self._released = threading.Event()
        self._wake_r, self._wake_w = socket.socketpair()
        self._acceptor: threading.Thread | None = None
        self._listed = False

    # --- life cycle -------------------------------------------------------------------------
    def listen(self) -> socket.socket:
        """Open the listening socket (as uvicorn would: ``SO_REUSEADDR``, IPv6 for ``::``).

        Raises:
            OSError: the address cannot be bound (the port is taken, the host unknown).
        """
        family = socket.AF_INET6 if ":" in self.host else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        try:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            sock.bind((self.host, self.port))
            sock.listen(2048)
        except OSError:
            sock.close()
            raise
        self.socket = sock
        return sock

    def start(self) -> None:
        if self.socket is None:
            self.listen()
        self._acceptor = threading.Thread(target=self._accept, name="p2m-http-front", daemon=True)
        self._acceptor.start()

    def hand_over(self) -> list[FrontSession]:
        """Stop answering and accepting (requests from now on wait for the SDK); return the
        sessions the SDK must adopt. The listening socket is uvicorn's from then on."""
        with self._lock:
            self._handing_over = True
        self._wake_w.send(b"x")
        if self._acceptor is not None:
            self._acceptor.join()
        return list(self.sessions.values())

    def release(self) -> None:
        """Relay every waiting request to the SDK's server (call once it owns the socket)."""
        self._released.set()

    # --- connections ------------------------------------------------------------------------
    def _accept(self) -> None:
        assert self.socket is not None
        with selectors.DefaultSelector() as selector:
            selector.register(self.socket, selectors.EVENT_READ)
            selector.register(self._wake_r, selectors.EVENT_READ)
            while True:
                ready = {key.fileobj for key, _ in selector.select()}
                if self._wake_r in ready:
                    return  # handed over: uvicorn accepts from here on
                try:
                    conn, _ = self.socket.accept()
                except (BlockingIOError, InterruptedError):
                    continue
                except OSError:
                    return
                threading.Thread(target=self._serve, args=(conn,), name="p2m-http-conn", daemon=True).start()

    def _serve(self, conn: socket.socket) -> None:
        try:
            try:
                request = _read_request(conn)
            except _Malformed:
                _respond(conn, 400, "Bad Request", _TEXT, _MALFORMED_BODY)
                return
            if request is None:
                conn.close()
                return
            if self._expected is not None and not self._authorized(request):
                _respond(conn, 401, "Unauthorized", _UNAUTHORIZED_HEADERS, _UNAUTHORIZED_BODY)
                return
            answer = self._answer(request) if request.complete and not request.repeated else _HOLD
            if answer is not _HOLD:
                _respond(conn, *answer)
                return
            self._released.wait()
            self._relay(conn, request)
        except OSError:
            conn.close()

    def _authorized(self, request: _Request) -> bool:
        assert self._expected is not None
        given = request.headers.get("authorization", "").encode("latin-1")
        return hmac.compare_digest(given, self._expected)

    def _relay(self, conn: socket.socket, request: _Request) -> None:
        """Send ``request`` to uvicorn on the listening socket and pipe the two together until
        uvicorn has answered it (``Connection: close``) or the client goes away."""
        assert self.socket is not None
        address = self.socket.getsockname()
        target = {"0.0.0.0": "127.0.0.1", "::": "::1"}.get(address[0], address[0])
        try:
            upstream = socket.create_connection((target, address[1]))
        except OSError:
            conn.close()
            return
        lines = [line for line in request.head.split(b"\r\n") if not line.lower().startswith(b"connection:")]
        upstream.sendall(b"\r\n".join(lines) + b"\r\nConnection: close\r\n\r\n" + request.body + request.rest)

        def forward() -> None:  # the client's further bytes (a large or chunked body)
            _pipe(conn, upstream)

        threading.Thread(target=forward, name="p2m-http-relay", daemon=True).start()
        _pipe(upstream, conn)
        for sock in (upstream, conn):
            # shutdown, not only close: it also ends the forwarding thread's recv on ``conn``
            with contextlib.suppress(OSError):
                sock.shutdown(socket.SHUT_RDWR)
            sock.close()

    # --- answers ----------------------------------------------------------------------------
    def _answer(self, request: _Request) -> tuple[int, str, list[tuple[str, str]], bytes] | None:
        """The front's response to ``request``, or None when it must wait for the SDK."""
        with self._lock:
            if self._handing_over or request.target.split("?", 1)[0] != MCP_PATH:
                return _HOLD
            headers = request.headers
            if "origin" in headers or (
                self._host_checked and not headers.get("host", "").startswith(_ALLOWED_HOST_PREFIXES)
            ):
                return _HOLD  # the SDK's DNS-rebinding check decides
            session_id = headers.get("mcp-session-id")
            if request.method == "GET" and session_id is None:
                return _get_without_session(headers)
            if request.method != "POST" or not _posts_json(headers):
                return _HOLD
            try:
                message = json.loads(request.body)
            except ValueError:
                return _HOLD
            if not isinstance(message, dict) or message.get("jsonrpc") != "2.0":
                return _HOLD
            if session_id is None:
                return self._open_session(request, message)
            session = self.sessions.get(session_id)
            version = headers.get("mcp-protocol-version")
            if session is None or self.catalogue is None:
                return _HOLD
            if version is not None and version not in self.catalogue.protocol_versions:
                return _HOLD
            return self._in_session(session, message)

    def _open_session(
        self, request: _Request, message: dict[str, Any]
    ) -> tuple[int, str, list[tuple[str, str]], bytes] | None:
        params = message.get("params")
        ident = message.get("id")
        if (
            self.catalogue is None
            or message.get("method") != "initialize"
            or not _is_id(ident)
            or not isinstance(params, dict)
            or not _well_formed_initialize(params)
        ):
            return _HOLD
        session = FrontSession(
            id=uuid.uuid4().hex,
            initialize=request.body,
            headers=[(k, v) for k, v in request.headers.items() if k not in ("connection", "content-length")],
        )
        self.sessions[session.id] = session
        self.mark("initialize answered")
        return _event(session.id, ident, self.catalogue.initialize_result(params["protocolVersion"]))

    def _in_session(
        self, session: FrontSession, message: dict[str, Any]
    ) -> tuple[int, str, list[tuple[str, str]], bytes] | None:
        assert self.catalogue is not None
        method, params = message.get("method"), message.get("params")
        if "id" not in message:
            if method == "notifications/initialized" and isinstance(params, dict | None):
                session.initialized = True
                return 202, "Accepted", _json_headers(session.id), b""
            return _HOLD
        ident = message["id"]
        if not _is_id(ident) or not isinstance(params, dict | None):
            return _HOLD
        if method == "ping":
            return _event(session.id, ident, {})
        # The SDK's session answers tools/list only once the client said it is initialized.
        if method == "tools/list" and session.initialized and set(params or {}) <= {"_meta"}:
            if not self._listed:
                self._listed = True
                self.mark("tools listed")
            return _event(session.id, ident, self.catalogue.tools)
        return _HOLD


_UNAUTHORIZED_HEADERS = [
    ("content-type", "application/json"),
    ("www-authenticate", 'Bearer realm="prompt2mesh-worker"'),
]


def _is_id(ident: Any) -> TypeGuard[int | str]:
    return not isinstance(ident, bool) and isinstance(ident, int | str)


def _posts_json(headers: dict[str, str]) -> bool:
    """The SDK's rules for a POST it answers with an event stream (Accept and Content-Type)."""
    accept = [part.strip() for part in headers.get("accept", "").split(",")]
    content_type = headers.get("content-type", "").split(";")[0]
    return (
        any(a.startswith("application/json") for a in accept)
        and any(a.startswith("text/event-stream") for a in accept)
        and any(part.strip() == "application/json" for part in content_type.split(","))
    )


def _json_headers(session_id: str) -> list[tuple[str, str]]:
    return [("content-type", "application/json"), ("mcp-session-id", session_id)]


def _event(
    session_id: str, ident: int | str, result: dict[str, Any]
) -> tuple[int, str, list[tuple[str, str]], bytes]:
    """A JSON-RPC result as the SDK sends it: one server-sent event on the POST's stream."""
    data = json.dumps(
        {"jsonrpc": "2.0", "id": ident, "result": result}, separators=(",", ":"), ensure_ascii=False
    )
    headers = [
        ("cache-control", "no-cache, no-transform"),
        ("content-type", "text/event-stream"),
        ("mcp-session-id", session_id),
        ("x-accel-buffering", "no"),
    ]
    return 200, "OK", headers, f"event: message\r\ndata: {data}\r\n\r\n".encode()


def _get_without_session(headers: dict[str, str]) -> tuple[int, str, list[tuple[str, str]], bytes]:
    """The SDK's answer to a GET without a session: 406 without ``text/event-stream`` in its
    Accept header, else 400 (with a session id of its own that nobody can use)."""
    accept = [part.strip() for part in headers.get("accept", "").split(",")]
    if any(a.startswith("text/event-stream") for a in accept):
        status, reason, text = 400, "Bad Request", "Bad Request: Missing session ID"
    else:
        status, reason, text = 406, "Not Acceptable", "Not Acceptable: Client must accept text/event-stream"
    body = json.dumps(
        {"jsonrpc": "2.0", "id": "server-error", "error": {"code": -32600, "message": text}},
        separators=(",", ":"),
    ).encode()
    return status, reason, _json_headers(uuid.uuid4().hex), body


class _Malformed(ValueError):
    """Not an HTTP/1.1 request head the front can read."""


_TEXT = [("content-type", "text/plain; charset=utf-8")]
_MALFORMED_BODY = b"Invalid HTTP request received."
"""uvicorn's answer to the same."""


def _read_request(conn: socket.socket) -> _Request | None:
    """One request from ``conn`` (None if the client closed before its end; a body that is
    chunked or large is left unread).

    Raises:
        _Malformed: the head is too long or not HTTP.
    """
    data = b""
    while b"\r\n\r\n" not in data:
        if len(data) > _MAX_HEAD_BYTES:
            raise _Malformed("request head too long")
        chunk = conn.recv(65536)
        if not chunk:
            return None
        data += chunk
    head, _, data = data.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    try:
        method, target, _version = lines[0].decode("latin-1").split(" ", 2)
    except ValueError:
        raise _Malformed("no request line") from None
    headers: dict[str, str] = {}
    repeated = False
    for line in lines[1:]:
        name, sep, value = line.decode("latin-1").partition(":")
        if not sep:
            raise _Malformed("a header without a colon")
        key = name.strip().lower()
        repeated = repeated or key in headers
        headers[key] = value.strip()
    length_text = headers.get("content-length", "0")
    length = int(length_text) if length_text.isdigit() else -1
    if "transfer-encoding" in headers or length < 0 or length > _MAX_BODY_BYTES:
        return _Request(method, target, head, headers, repeated, b"", data, complete=False)
    while len(data) < length:
        chunk = conn.recv(65536)
        if not chunk:
            return None
        data += chunk
    return _Request(method, target, head, headers, repeated, data[:length], data[length:], complete=True)


def _respond(
    conn: socket.socket, status: int, reason: str, headers: list[tuple[str, str]], body: bytes
) -> None:
    lines = [f"HTTP/1.1 {status} {reason}", *(f"{k}: {v}" for k, v in headers)]
    lines += [f"content-length: {len(body)}", "connection: close", "", ""]
    try:
        conn.sendall("\r\n".join(lines).encode("latin-1") + body)
        conn.shutdown(socket.SHUT_WR)
    except OSError:
        pass
    finally:
        conn.close()


def _pipe(source: socket.socket, sink: socket.socket) -> None:
    try:
        while chunk := source.recv(65536):
            sink.sendall(chunk)
    except OSError:
        pass
    finally:
        try:
            sink.shutdown(socket.SHUT_WR)
        except OSError:
            pass
