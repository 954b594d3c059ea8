"""Runs the peer's Blender add-on headless for ``bench_start.py`` (never imported by the product).

djeada/blender-mcp-server is two processes: an MCP server (no Blender) and an add-on inside a
running Blender that executes commands sent over TCP. Its add-on drains its request queue from
a ``bpy.app.timers`` callback, which only a Blender with an event loop calls; headless ``bpy``
has none, so this harness drains the queue itself, as fast as requests arrive.

Run: ``python bench/peer_harness.py PORT ADDON_ROOT`` (ADDON_ROOT holds the ``addon`` package).
"""

from __future__ import annotations

import sys


def main() -> int:
    port, addon_root = int(sys.argv[1]), sys.argv[2]
    import bpy  # noqa: F401  (the add-on imports it too; first here, as Blender would be)

    sys.path.insert(0, addon_root)
    import addon  # the peer's add-on, from its own checkout

    addon.PORT = port
    addon.register()
    server = addon._server
    assert server is not None and server._running, "the add-on's bridge did not start"
    while True:
        queued = server._request_queue.get()
        queued["response"] = server._process_request(queued["request"])
        queued["event"].set()


if __name__ == "__main__":
    raise SystemExit(main())
