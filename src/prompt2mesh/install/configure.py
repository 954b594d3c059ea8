"""Reading and writing one client's configuration: merge our entry, never touch the others,
back the file up before changing it, write atomically.

Raises :class:`ConfigFileError` for a file that exists but cannot be read as its format
(nothing is written then: a person's hand-edited file is never replaced by a guess).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import tomllib
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Literal

from prompt2mesh.install.clients import Client, ServerEntry

Action = Literal["add", "update", "unchanged", "remove", "absent"]


class ConfigFileError(RuntimeError):
    """A client's configuration file exists but is not valid JSON/TOML of the expected shape."""


@dataclass(frozen=True)
class Change:
    """What writing (or removing) our entry does to one client's file."""

    client: Client
    action: Action
    before: dict[str, Any] | None
    after: dict[str, Any] | None

    @property
    def writes(self) -> bool:
        return self.action in ("add", "update", "remove")


def _servers_key(client: Client) -> str:
    return "servers" if client.style == "vscode" else "mcpServers"


def _read_json(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    text = path.read_text(encoding="utf-8")
    if not text.strip():
        return {}
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigFileError(
            f"{path} is not valid JSON ({exc.msg}, line {exc.lineno}); fix it or move it away"
        ) from exc
    if not isinstance(data, dict):
        raise ConfigFileError(f"{path} does not hold a JSON object")
    return data


def _read_toml(path: Path) -> dict[str, Any]:
    if not path.exists():
        return {}
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise ConfigFileError(f"{path} is not valid TOML ({exc}); fix it or move it away") from exc


def current_entry(client: Client, name: str) -> dict[str, Any] | None:
    """Our server entry as the client's file has it now, or None."""
    if client.style == "codex":
        servers = _read_toml(client.path).get("mcp_servers", {})
    else:
        servers = _read_json(client.path).get(_servers_key(client), {})
    if not isinstance(servers, dict):
        raise ConfigFileError(f"{client.path}: the servers section is not an object")
    entry = servers.get(name)
    return entry if isinstance(entry, dict) else None


def plan_change(client: Client, name: str, entry: ServerEntry | None) -> Change:
    """What would change: ``entry`` None means remove our server."""
    before = current_entry(client, name)
    if entry is None:
        return Change(client, "remove" if before is not None else "absent", before, None)
    after = entry.render(client)
    if before == after:
        return Change(client, "unchanged", before, after)
    return Change(client, "update" if before is not None else "add", before, after)


def apply_change(change: Change, name: str) -> Path | None:
    """Write the change; returns the backup of the previous file (None if there was none)."""
    if not change.writes:
        return None
    path = change.client.path
    backup = _backup(path)
    if change.client.style == "codex":
        text = path.read_text(encoding="utf-8") if path.exists() else ""
        new_text = _toml_with_table(text, name, change.after)
    else:
        data = _read_json(path)
        key = _servers_key(change.client)
        servers = data.setdefault(key, {})
        if change.after is None:
            servers.pop(name, None)
        else:
            servers[name] = change.after
        new_text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    _write_atomically(path, new_text)
    return backup


def _backup(path: Path) -> Path | None:
    if not path.exists():
        return None
    stamp = datetime.now(UTC).strftime("%Y%m%d-%H%M%S-%f")
    backup = path.with_name(f"{path.name}.prompt2mesh-backup-{stamp}")
    shutil.copy2(path, backup)
    return backup


def _write_atomically(path: Path, text: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.prompt2mesh-tmp")
    tmp.write_text(text, encoding="utf-8")
    if path.exists():
        shutil.copymode(path, tmp)  # a private file (mode 0600) stays private
    os.replace(tmp, path)


def _toml_table_header(name: str) -> str:
    key = name if re.fullmatch(r"[A-Za-z0-9_-]+", name) else json.dumps(name)
    return f"[mcp_servers.{key}]"


def _toml_with_table(text: str, name: str, entry: dict[str, Any] | None) -> str:
    """``text`` with our ``[mcp_servers.<name>]`` table (and its sub-tables) replaced, added
    or removed; every other line, comments included, is kept as it was."""
    header = _toml_table_header(name)
    lines = text.splitlines()
    kept: list[str] = []
    inside = False
    for line in lines:
        stripped = line.strip()
        if stripped.startswith("["):
            inside = stripped == header or stripped.startswith(header[:-1] + ".")
        if not inside:
            kept.append(line)
    while kept and not kept[-1].strip():
        kept.pop()
    if entry is not None:
        if kept:
            kept.append("")
        kept.append(header)
        kept.extend(f"{key} = {json.dumps(value, ensure_ascii=False)}" for key, value in entry.items())
    result = "\n".join(kept) + ("\n" if kept else "")
    tomllib.loads(result)  # never write a file the client cannot read
    return result
