"""The image's HEALTHCHECK, for whichever role the container runs.

- ``prompt2mesh serve``: ``GET /health`` answers 200 (port from ``--port`` or ``P2M_PORT``).
- ``prompt2mesh mcp --http``: the MCP port accepts connections (the protocol itself needs a
  session, and possibly the worker's secret, so an open port is the honest cheap check).
- ``prompt2mesh mcp`` over stdio: healthy while it runs (its only channel is its stdin).

The role is read from PID 1's command line (``docker run --init`` puts it behind docker-init).
Exit 0 healthy, 1 unhealthy; Docker keeps the printed reason in ``docker inspect``.
"""

import os
import socket
import sys
import urllib.request


def _option(args: list[str], name: str, default: str) -> str:
    for i, arg in enumerate(args):
        if arg == name and i + 1 < len(args):
            return args[i + 1]
        if arg.startswith(name + "="):
            return arg.split("=", 1)[1]
    return default


def main() -> int:
    with open("/proc/1/cmdline", "rb") as handle:
        args = [a.decode(errors="replace") for a in handle.read().split(b"\0") if a]
    try:
        if "mcp" in args:
            if "--http" not in args:
                return 0
            port = int(_option(args, "--port", "8765"))
            socket.create_connection(("127.0.0.1", port), timeout=4).close()
        else:
            port = int(_option(args, "--port", os.environ.get("P2M_PORT", "8000")))
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=4) as answer:
                if answer.status != 200:
                    print(f"/health answered {answer.status}")
                    return 1
    except (OSError, ValueError) as exc:
        print(f"unhealthy: {exc}")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
