"""The worker's protocol front over stdio: answers the handshake while Blender loads.

A client's first requests are ``initialize`` and ``tools/list``; neither needs Blender or the
MCP SDK, only the shipped :class:`~prompt2mesh.blender.catalogue.Catalogue`. The front reads
stdin on its own thread from the first milliseconds of the process and answers those two
(and ``ping``) itself, while the main thread imports the SDK and loads Blender. Every other
message waits, in order, for the SDK's server; when that server is ready it :meth:`attaches
<StdioFront.attach>` and receives, first, the client's ``initialize`` again (under a private id
whose answer is dropped, so its session knows the client exactly as if it had answered), then
everything that waited, then the rest of the stream as it comes. A tool call that arrives
during start-up therefore waits and then runs, as it always did.

The answers are the SDK's own (built by it, see :mod:`prompt2mesh.blender.catalogue`); the
front answers only requests it can answer exactly as the SDK would, and leaves anything
unusual (a malformed ``initialize``, a paginated ``tools/list``) to the SDK.

Standard library only: this module runs before the SDK is imported.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Callable
from typing import Any, BinaryIO

from prompt2mesh.blender.catalogue import Catalogue

REPLAYED_INITIALIZE_ID = "p2m-front-initialize"
"""The id under which the client's ``initialize`` is handed to the SDK; its answer is dropped."""

ASSIGN_WORKSPACE = "notifications/prompt2mesh/assign_workspace"
"""The parent's one message to a spare worker (``--spare-root``): ``{"workspace": path, "log":
name}``. Only the process's parent can send it (it holds stdin); it is never passed to the SDK."""

Sink = Callable[[bytes | None], None]
"""Takes one raw message line, or None for the end of the input."""


class StdioFront:
    """Reads the client's messages from ``stdin`` and writes every answer to ``protocol``."""

    def __init__(self, stdin: BinaryIO, protocol: BinaryIO, catalogue: Catalogue | None) -> None:
        self._stdin = stdin
        self._protocol = protocol  # kept open for as long as the front lives
        self._fd = protocol.fileno()
        self.catalogue = catalogue
        self._lock = threading.Lock()
        self._write_lock = threading.Lock()
        self._waiting: list[bytes | None] = []
        self._sink: Sink | None = None
        self._initialize: dict[str, Any] | None = None
        """The client's ``initialize`` request, once the front answered it."""
        self._request_waiting = False

    def start(self) -> None:
        threading.Thread(target=self._read, name="p2m-front", daemon=True).start()

    # --- input ------------------------------------------------------------------------------
    def _read(self) -> None:
        try:
            for line in iter(self._stdin.readline, b""):
                if line.strip():
                    self._receive(line)
        except (OSError, ValueError):
            pass  # stdin closed under us: the same as its end
        self._receive(None)

    def _receive(self, line: bytes | None) -> None:
        with self._lock:
            if self._sink is not None:
                self._sink(line)
                return
            answer = self._answer(line) if line is not None else None
            if answer is None:
                self._waiting.append(line)
                return
        self.write_line(json.dumps(answer, separators=(",", ":"), ensure_ascii=False).encode())

    def attach(self, sink: Sink) -> None:
        """Hand every further message to ``sink``, starting with those that waited (called
        once, by the SDK's server when it is ready; ``sink`` must not block)."""
        with self._lock:
            if self._initialize is not None:
                sink(json.dumps({**self._initialize, "id": REPLAYED_INITIALIZE_ID}).encode())
            for line in self._waiting:
                sink(line)
            self._waiting.clear()
            self._sink = sink

    # --- answers ----------------------------------------------------------------------------
    def _answer(self, line: bytes) -> dict[str, Any] | None:
        """The front's answer to ``line``, or None when it must wait for the SDK."""
        try:
            message = json.loads(line)
        except ValueError:
            message = None
        if not isinstance(message, dict) or message.get("jsonrpc") != "2.0":
            self._request_waiting = True
            return None
        ident, method, params = message.get("id"), message.get("method"), message.get("params")
        if not isinstance(method, str) or "id" not in message:
            return None  # a notification (or a stray response): the SDK gets it in order
        if isinstance(ident, bool) or not isinstance(ident, int | str) or not isinstance(params, dict | None):
            self._request_waiting = True
            return None
        result = self._result(method, params or {})
        if result is None:
            self._request_waiting = True
            return None
        if method == "initialize":
            self._initialize = message
        return {"jsonrpc": "2.0", "id": ident, "result": result}

    def _result(self, method: str, params: dict[str, Any]) -> dict[str, Any] | None:
        if method == "ping":
            return {}
        catalogue = self.catalogue
        if catalogue is None:
            return None
        if method == "initialize":
            # Only as the session's first request and in the shape the SDK accepts; anything
            # else is the SDK's to answer (or refuse).
            if self._initialize is not None or self._request_waiting or not _well_formed_initialize(params):
                return None
            return catalogue.initialize_result(params["protocolVersion"])
        if method == "tools/list" and self._initialize is not None and set(params) <= {"_meta"}:
            return catalogue.tools
        return None

    # --- output -----------------------------------------------------------------------------
    def write_line(self, data: bytes) -> None:
        """Write one message (thread-safe; messages never interleave)."""
        view = memoryview(data + b"\n")
        with self._write_lock:
            while view:
                view = view[os.write(self._fd, view) :]


def _well_formed_initialize(params: dict[str, Any]) -> bool:
    info = params.get("clientInfo")
    capabilities = params.get("capabilities")
    return (
        isinstance(params.get("protocolVersion"), str)
        and isinstance(capabilities, dict)
        and all(isinstance(v, dict) or v is None for v in capabilities.values())
        and isinstance(info, dict)
        and isinstance(info.get("name"), str)
        and isinstance(info.get("version"), str)
        and all(isinstance(info.get(k), str | None) for k in ("title", "websiteUrl"))
    )
