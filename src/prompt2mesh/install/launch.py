"""How an MCP client should start this installation's worker.

The entry written into a client's configuration must keep working after this shell closes:
an absolute path to the ``prompt2mesh`` script of this installation, or ``uvx prompt2mesh``
when this process runs from uv's throw-away cache (its path would vanish).
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from prompt2mesh.install.clients import ServerEntry

DEFAULT_HTTP_PORT = 8765


def default_workspace() -> Path:
    return Path.home() / "prompt2mesh-workspace"


def _running_from_uv_cache() -> bool:
    prefix = Path(sys.prefix).as_posix()
    return "/uv/" in prefix and ("/archive-" in prefix or "/environments-" in prefix or "/builds-" in prefix)


def launcher() -> list[str]:
    """The command (and leading arguments) that runs ``prompt2mesh`` from here."""
    if _running_from_uv_cache():
        return ["uvx", "prompt2mesh"]
    script = Path(sys.executable).with_name("prompt2mesh")
    if script.is_file():
        return [str(script)]
    found = shutil.which("prompt2mesh")
    if found:
        return [str(Path(found).resolve())]
    return [sys.executable, "-m", "prompt2mesh"]


def server_entry(
    workspace: Path, *, http: bool = False, port: int = DEFAULT_HTTP_PORT, allow_code: bool = False
) -> ServerEntry:
    """The entry for one worker on ``workspace`` (stdio: the client starts it; HTTP: the
    person runs ``prompt2mesh mcp --http`` and the client connects)."""
    if http:
        return ServerEntry(command="", url=f"http://127.0.0.1:{port}/mcp")
    command, *lead = launcher()
    args = [*lead, "mcp", "--workspace", str(workspace.expanduser().resolve())]
    if allow_code:
        args.append("--allow-code")
    return ServerEntry(command=command, args=tuple(args))
