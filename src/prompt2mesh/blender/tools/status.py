"""The worker's own state: versions, workspace, limits and whether code may run."""

import platform
import shutil
from dataclasses import fields
from typing import Any

import bpy

from prompt2mesh.blender.registry import tool
from prompt2mesh.blender.runtime import Worker

# Every other WorkerConfig field is a limit, so limits added later are reported too.
_NOT_LIMITS = frozenset(
    {"workspace", "allow_code", "code_timeout_s", "transport", "host", "port", "extra", "restore"}
)


def _package_version(name: str) -> str | None:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return version(name)
    except PackageNotFoundError:
        return None


@tool("inspection")
def get_status(worker: Worker) -> dict[str, Any]:
    """Report versions, workspace, limits and whether execute_blender_code is enabled."""
    from prompt2mesh import __version__

    config = worker.config
    root = worker.workspace.root
    usage = shutil.disk_usage(root)
    return {
        "versions": {
            "prompt2mesh": __version__,
            "blender": bpy.app.version_string,
            "python": platform.python_version(),
            "mcp": _package_version("mcp"),
        },
        # The workspace's name and state, never its absolute path: in a shared service the
        # path names the server's folders and the user's id.
        "workspace": {
            "name": root.name,
            "writable": _writable(root),
            "free_bytes": usage.free,
        },
        "transport": config.transport,
        "code_allowed": config.allow_code,
        "code_timeout_s": config.code_timeout_s if config.allow_code else None,
        "limits": {f.name: getattr(config, f.name) for f in fields(config) if f.name not in _NOT_LIMITS},
        "telemetry": False,
    }


def _writable(root: Any) -> bool:
    probe = root / ".p2m-write-probe"
    try:
        probe.write_bytes(b"")
        probe.unlink()
    except OSError:
        return False
    return True
