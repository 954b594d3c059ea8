"""``prompt2mesh doctor``: check what a working install needs, say what is wrong and the
command that fixes it.

Each check returns :class:`Finding` rows; ``ok=None`` is a note (an optional part that is
not installed), not a failure. The checks take their inputs as arguments so tests can point
them at a broken workspace or a temporary home directory.
"""

from __future__ import annotations

import asyncio
import os
import socket
import sys
import tempfile
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from prompt2mesh.config import Settings
from prompt2mesh.extras import EXTRAS, install_command, is_installed
from prompt2mesh.install.clients import Client
from prompt2mesh.install.configure import ConfigFileError, current_entry


@dataclass(frozen=True)
class Finding:
    check: str
    ok: bool | None
    detail: str
    fix: str | None = None


def check_python() -> list[Finding]:
    version = ".".join(map(str, sys.version_info[:3]))
    if sys.version_info[:2] == (3, 11):
        return [Finding("python", True, f"Python {version}")]
    return [
        Finding(
            "python",
            False,
            f"Python {version}; Blender's bpy 5.0.1 wheel exists for Python 3.11 only",
            "install Python 3.11, then `pipx install --python python3.11 prompt2mesh`",
        )
    ]


def check_extras() -> list[Finding]:
    rows = []
    for extra in EXTRAS:
        if is_installed(extra):
            rows.append(Finding(f"extra [{extra}]", True, "installed"))
        else:
            rows.append(Finding(f"extra [{extra}]", None, "not installed (optional)", install_command(extra)))
    return rows


def check_workspace(workspace: Path) -> list[Finding]:
    path = workspace.expanduser()
    try:
        path.mkdir(parents=True, exist_ok=True)
        probe = path / ".p2m-doctor-probe"
        probe.write_bytes(b"ok")
        probe.unlink()
    except OSError as exc:
        return [
            Finding(
                "workspace",
                False,
                f"{path} is not a writable folder ({exc.strerror or exc})",
                f"choose another with --workspace, or `mkdir -p {path} && chmod u+rwx {path}`",
            )
        ]
    return [Finding("workspace", True, f"{path} is writable")]


def check_worker(timeout_s: float = 120.0) -> list[Finding]:
    """Start a real worker over stdio: MCP handshake, tools, status, and a tiny render."""
    import importlib.util

    if importlib.util.find_spec("bpy") is None:
        return [
            Finding(
                "blender",
                False,
                "the bpy module is not installed",
                "pip install --force-reinstall prompt2mesh",
            )
        ]
    try:
        return asyncio.run(_probe_worker(timeout_s))
    except Exception as exc:  # every failure is the finding; the doctor itself must not crash
        return [
            Finding(
                "worker",
                False,
                f"the MCP worker did not start or answer: {type(exc).__name__}: {exc}",
                "run `prompt2mesh mcp --workspace /tmp/p2m-check` to see Blender's own error",
            )
        ]


async def _probe_worker(timeout_s: float) -> list[Finding]:
    from prompt2mesh.workers.session import open_local_worker

    with tempfile.TemporaryDirectory(prefix="p2m-doctor-") as tmp:
        started = time.perf_counter()
        async with open_local_worker(Path(tmp), timeout_s=timeout_s, start_timeout_s=timeout_s) as worker:
            ready = time.perf_counter() - started
            tools = await worker.list_tools()
            status = await worker.call("get_status")
            await worker.call("create_primitive", {"kind": "cube"})
            shot = await worker.call("get_viewport_screenshot", {"max_size": 64})
    rows = [Finding("mcp", True, f"worker answered the handshake in {ready:.1f} s with {len(tools)} tools")]
    if status.ok and isinstance(status.result, dict):
        versions = status.result.get("versions", {})
        rows.append(Finding("blender", True, f"Blender {versions.get('blender')} (bpy)"))
    else:
        rows.append(Finding("blender", False, f"get_status failed: {status.error}"))
    if shot.ok and shot.images and shot.images[0].startswith(b"\x89PNG"):
        rows.append(Finding("render", True, "rendered a 64 px screenshot"))
    else:
        rows.append(
            Finding(
                "render",
                False,
                f"the worker could not render: {shot.error or 'no image'}",
                "headless rendering needs the system's OpenGL/EGL libraries (e.g. `apt-get install libegl1 libgl1`)",
            )
        )
    return rows


def check_provider(settings: Settings) -> list[Finding]:
    if settings.provider == "offline":
        return [Finding("provider", True, "offline (built-in modeller, no key, no network)")]
    from prompt2mesh.extras import missing_extra_message
    from prompt2mesh.roles.errors import ModelsError

    try:
        from prompt2mesh.roles.providers import check_provider as ask

        asyncio.run(ask(settings))
    except ModuleNotFoundError as exc:
        message = missing_extra_message(exc)
        if message is None:
            raise
        return [Finding("provider", False, message, message.rsplit(": ", 1)[-1])]
    except ModelsError as exc:
        return [
            Finding(
                "provider",
                False,
                f"{settings.provider}: {exc.message}",
                "check P2M_PROVIDER, the key and P2M_BASE_URL",
            )
        ]
    return [Finding("provider", True, f"{settings.provider} answered")]


def check_service(settings: Settings) -> list[Finding]:
    if not is_installed("service"):
        return [
            Finding("serve", None, "the web service is not installed (optional)", install_command("service"))
        ]
    rows = [_check_database(settings)]
    rows.append(_check_port(settings.host, settings.port))
    return rows


def _check_database(settings: Settings) -> Finding:
    from sqlalchemy import create_engine, text

    url = settings.resolved_database_url()
    shown = url.split("@")[-1]
    if url.startswith("sqlite:///"):
        folder = Path(url.removeprefix("sqlite:///")).parent
        if not folder.exists():
            if os.access(_existing_parent(folder), os.W_OK):
                return Finding("database", True, f"SQLite will be created under {folder}")
            return Finding(
                "database", False, f"cannot create {folder}", "set P2M_DATA_DIR to a writable folder"
            )
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            conn.execute(text("select 1"))
    except Exception as exc:
        return Finding(
            "database",
            False,
            f"cannot connect to {shown}: {type(exc).__name__}",
            "check P2M_DATABASE_URL (and that the server is running)",
        )
    finally:
        engine.dispose()
    return Finding("database", True, f"connected to {shown}")


def _existing_parent(path: Path) -> Path:
    while not path.exists() and path != path.parent:
        path = path.parent
    return path


def _check_port(host: str, port: int) -> Finding:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind((host, port))
        except OSError:
            return Finding(
                "port",
                False,
                f"{host}:{port} is in use (another program, or `prompt2mesh serve` already running)",
                "stop it, or choose another with `prompt2mesh serve --port N` (P2M_PORT)",
            )
    return Finding("port", True, f"{host}:{port} is free for `prompt2mesh serve`")


def check_clients(clients: Iterable[Client], name: str) -> list[Finding]:
    rows = []
    for client in clients:
        if not client.installed:
            continue
        label = f"client {client.key}"
        fix = f"prompt2mesh setup --client {client.key}"
        try:
            entry = current_entry(client, name)
        except ConfigFileError as exc:
            rows.append(Finding(label, False, str(exc), f"repair the file, then `{fix}`"))
            continue
        if entry is None:
            rows.append(Finding(label, None, f"{client.label} is installed but has no {name!r} server", fix))
            continue
        rows.append(_entry_finding(label, client, entry, fix))
    return rows


def _entry_finding(label: str, client: Client, entry: dict[str, object], fix: str) -> Finding:
    command = entry.get("command")
    if not command:
        url = entry.get("url") or entry.get("serverUrl")
        return Finding(
            label, True, f"{client.label} connects to {url} (start it with `prompt2mesh mcp --http`)"
        )
    if not isinstance(command, str) or not _runnable(command):
        return Finding(
            label, False, f"{client.label} starts {command!r}, which is not an executable here", fix
        )
    args = entry.get("args") or []
    workspace = _arg_after(args if isinstance(args, list) else [], "--workspace")
    if workspace is not None and not Path(workspace).is_dir():
        return Finding(
            label, False, f"{client.label}'s workspace {workspace} does not exist", f"mkdir -p {workspace}"
        )
    return Finding(label, True, f"{client.label} starts {command}")


def _runnable(command: str) -> bool:
    import shutil

    path = Path(command)
    if path.is_absolute():
        return path.is_file() and os.access(path, os.X_OK)
    return shutil.which(command) is not None


def _arg_after(args: list[object], flag: str) -> str | None:
    for i, arg in enumerate(args[:-1]):
        if arg == flag and isinstance(args[i + 1], str):
            return str(args[i + 1])
    return None
