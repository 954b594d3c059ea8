"""The worker's entry point: answer the protocol first, load Blender alongside.

Start-up order (measured in ``bench/bench_start.py``):

1. fd 1 is set aside for the protocol (Blender writes its logs to fd 1);
2. the front starts answering ``initialize`` and ``tools/list`` from the shipped catalogue:
   over stdio :mod:`prompt2mesh.blender.front` reads stdin; over HTTP
   :mod:`prompt2mesh.blender.http_front` opens the listening socket and serves it until
   uvicorn takes it over;
3. a background thread maps Blender's library (no GIL held) while the main thread imports the
   MCP SDK;
4. the main thread initialises Blender, imports the tools, empties the scene, and serves.

Only the standard library is imported before step 3 ends.
"""

from __future__ import annotations

import os
import sys
from typing import BinaryIO

from prompt2mesh.blender.catalogue import load_catalogue
from prompt2mesh.blender.front import StdioFront
from prompt2mesh.blender.loader import BlenderLoader
from prompt2mesh.blender.runtime import WorkerConfig


def reserve_stdout_for_protocol() -> BinaryIO:
    """Keep the process's stdout for MCP messages only; return the protocol stream.

    Blender prints render/export logs to C-level stdout (fd 1) and operator reports and add-on
    messages (e.g. the glTF exporter) through Python's ``sys.stdout``. Both now go to stderr:
    fd 1 becomes a copy of fd 2 and ``sys.stdout`` is stderr. The MCP messages are written to
    a private duplicate of the original fd 1, which nothing else knows about.
    """
    sys.stdout.flush()
    protocol_fd = os.dup(1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    return os.fdopen(protocol_fd, "wb", buffering=0)


def run_worker(config: WorkerConfig) -> None:
    """Serve one Blender over the configured transport until the client goes away."""
    loader = BlenderLoader(hold=config.hold_blender)
    front = None
    http_front = None
    if config.transport == "http":
        from prompt2mesh.blender.http import check_token_policy
        from prompt2mesh.blender.http_front import HttpFront

        check_token_policy(config.host, config.token)  # before Blender starts, not after
        http_front = HttpFront(config.host, config.port, config.token, load_catalogue(), mark=loader.mark)
        try:
            http_front.listen()
        except OSError as exc:
            print(f"prompt2mesh worker: cannot listen on {config.host}:{config.port}: {exc}", file=sys.stderr)
            raise SystemExit(1) from exc
        sys.setswitchinterval(0.0005)  # as for stdio below
        http_front.start()
        loader.mark("front ready")
    if config.transport == "stdio":
        protocol = reserve_stdout_for_protocol()
        front = StdioFront(sys.stdin.buffer, protocol, load_catalogue())
        # The front needs the GIL for a moment per message while the main thread imports the
        # SDK and Blender: shorter turns get its answers out sooner (reset once serving).
        sys.setswitchinterval(0.0005)
        front.start()
        loader.mark("front ready")
    loader.start()
    from prompt2mesh.blender.server import serve  # the MCP SDK: imported while Blender maps

    serve(config, front=front, loader=loader, http_front=http_front)
