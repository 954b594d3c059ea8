"""The MCP clients ``prompt2mesh setup`` knows: where each keeps its configuration and how a
server entry looks there.

Three shapes cover them: a JSON file with a ``mcpServers`` object (Claude Desktop, Claude
Code, Cursor, Windsurf), VS Code's ``mcp.json`` with a ``servers`` object and a ``type`` per
server, and Codex's ``config.toml`` with one ``[mcp_servers.<name>]`` table per server.
"""

from __future__ import annotations

import os
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

Style = Literal["mcpServers", "vscode", "codex"]
STYLES: tuple[Style, ...] = ("mcpServers", "vscode", "codex")


@dataclass(frozen=True)
class Client:
    """One MCP client's user-level configuration file."""

    key: str
    label: str
    path: Path
    style: Style
    marker: Path
    """Exists when the client is installed for this user (a folder or file it creates)."""
    url_key: str | None = "url"
    """How an HTTP server's address is written; None when the file cannot hold one."""

    @property
    def installed(self) -> bool:
        return self.marker.exists()


@dataclass(frozen=True)
class ServerEntry:
    """What to start (stdio) or where to connect (HTTP)."""

    command: str
    args: tuple[str, ...] = ()
    url: str | None = None

    def render(self, client: Client) -> dict[str, Any]:
        """The entry as this client's file spells it."""
        if self.url is not None:
            if client.url_key is None:
                raise ValueError(
                    f"{client.label} starts its servers itself and cannot connect to a URL from its "
                    "configuration file: use stdio (drop --http)"
                )
            entry: dict[str, Any] = {client.url_key: self.url}
            if client.style == "vscode" or client.key == "claude-code":
                entry = {"type": "http", **entry}
            return entry
        entry = {"command": self.command, "args": list(self.args)}
        if client.style == "vscode" or client.key == "claude-code":
            entry = {"type": "stdio", **entry}
        return entry


def _app_dirs(home: Path, platform: str, env: dict[str, str]) -> tuple[Path, Path]:
    """(per-user application-support folder, VS Code's user folder) for this platform."""
    if platform == "darwin":
        support = home / "Library" / "Application Support"
    elif platform.startswith("win"):
        support = Path(env.get("APPDATA") or home / "AppData" / "Roaming")
    else:
        support = Path(env.get("XDG_CONFIG_HOME") or home / ".config")
    return support, support / "Code" / "User"


def known_clients(
    home: Path | None = None, platform: str | None = None, env: dict[str, str] | None = None
) -> list[Client]:
    """Every client setup can configure, with this user's paths (home/platform/env for tests)."""
    home = Path.home() if home is None else home
    platform = sys.platform if platform is None else platform
    env = dict(os.environ) if env is None else env
    support, vscode_user = _app_dirs(home, platform, env)
    codex_home = Path(env.get("CODEX_HOME") or home / ".codex")
    return [
        Client(
            "claude-desktop",
            "Claude Desktop",
            support / "Claude" / "claude_desktop_config.json",
            "mcpServers",
            support / "Claude",
            url_key=None,
        ),
        Client("claude-code", "Claude Code", home / ".claude.json", "mcpServers", home / ".claude.json"),
        Client("cursor", "Cursor", home / ".cursor" / "mcp.json", "mcpServers", home / ".cursor"),
        Client("vscode", "VS Code", vscode_user / "mcp.json", "vscode", vscode_user.parent),
        Client(
            "windsurf",
            "Windsurf",
            home / ".codeium" / "windsurf" / "mcp_config.json",
            "mcpServers",
            home / ".codeium" / "windsurf",
            url_key="serverUrl",
        ),
        Client("codex", "Codex", codex_home / "config.toml", "codex", codex_home),
    ]


def custom_client(path: Path, style: Style) -> Client:
    """Any other client, given by its configuration file and the shape it uses."""
    return Client(f"file:{path}", str(path), path, style, path.parent)
