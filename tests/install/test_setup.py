"""`prompt2mesh setup` against a temporary home holding realistic configurations of every client."""

from __future__ import annotations

import json
import tomllib
from pathlib import Path

import pytest

from prompt2mesh.cli import main

CLAUDE_DESKTOP = {
    "globalShortcut": "Ctrl+Space",
    "mcpServers": {
        "filesystem": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-filesystem", "/tmp"]}
    },
}
CLAUDE_CODE = {
    "numStartups": 12,
    "projects": {"/home/me/app": {"allowedTools": [], "mcpServers": {}}},
    "mcpServers": {"github": {"type": "stdio", "command": "github-mcp", "args": [], "env": {"TOKEN": "x"}}},
}
CURSOR = {"mcpServers": {"linear": {"url": "https://mcp.linear.app/sse"}}}
VSCODE = {
    "inputs": [{"type": "promptString", "id": "key", "description": "API key", "password": True}],
    "servers": {
        "memory": {"type": "stdio", "command": "npx", "args": ["-y", "@modelcontextprotocol/server-memory"]}
    },
}
WINDSURF = {
    "mcpServers": {"sqlite": {"command": "uvx", "args": ["mcp-server-sqlite", "--db-path", "/tmp/x.db"]}}
}
CODEX = """# my codex settings
model = "gpt-5.5"

[mcp_servers.docs]
command = "docs-mcp"
args = ["--port", "3000"]

[mcp_servers.docs.env]
TOKEN = "abc"
"""


@pytest.fixture
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    home = tmp_path / "home"
    files = {
        ".config/Claude/claude_desktop_config.json": json.dumps(CLAUDE_DESKTOP, indent=2),
        ".claude.json": json.dumps(CLAUDE_CODE),
        ".cursor/mcp.json": json.dumps(CURSOR, indent=4),
        ".config/Code/User/mcp.json": json.dumps(VSCODE, indent=2),
        ".codeium/windsurf/mcp_config.json": json.dumps(WINDSURF),
        ".codex/config.toml": CODEX,
    }
    for rel, text in files.items():
        path = home / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    monkeypatch.setenv("HOME", str(home))
    for var in ("XDG_CONFIG_HOME", "CODEX_HOME", "APPDATA"):
        monkeypatch.delenv(var, raising=False)
    return home


def _json(home: Path, rel: str) -> dict:
    return json.loads((home / rel).read_text())


def test_setup_adds_the_worker_to_every_client_found_and_keeps_their_other_servers(home: Path) -> None:
    workspace = home / "ws"
    assert main(["setup", "--yes", "--workspace", str(workspace)]) == 0

    desktop = _json(home, ".config/Claude/claude_desktop_config.json")
    assert desktop["globalShortcut"] == "Ctrl+Space"
    assert desktop["mcpServers"]["filesystem"] == CLAUDE_DESKTOP["mcpServers"]["filesystem"]
    ours = desktop["mcpServers"]["prompt2mesh"]
    assert Path(ours["command"]).is_absolute() or ours["command"] == "uvx"
    assert ours["args"][-3:] == ["mcp", "--workspace", str(workspace.resolve())]
    assert "--allow-code" not in ours["args"]

    code = _json(home, ".claude.json")
    assert code["numStartups"] == 12 and code["projects"] == CLAUDE_CODE["projects"]
    assert code["mcpServers"]["github"] == CLAUDE_CODE["mcpServers"]["github"]
    assert code["mcpServers"]["prompt2mesh"]["type"] == "stdio"

    assert _json(home, ".cursor/mcp.json")["mcpServers"]["linear"] == CURSOR["mcpServers"]["linear"]
    vscode = _json(home, ".config/Code/User/mcp.json")
    assert vscode["inputs"] == VSCODE["inputs"] and "memory" in vscode["servers"]
    assert vscode["servers"]["prompt2mesh"]["type"] == "stdio"
    assert "prompt2mesh" in _json(home, ".codeium/windsurf/mcp_config.json")["mcpServers"]

    codex_text = (home / ".codex/config.toml").read_text()
    assert codex_text.startswith("# my codex settings")
    codex = tomllib.loads(codex_text)
    assert codex["model"] == "gpt-5.5" and codex["mcp_servers"]["docs"]["env"] == {"TOKEN": "abc"}
    assert codex["mcp_servers"]["prompt2mesh"]["args"] == ours["args"]
    assert workspace.is_dir()


def test_setup_backs_up_each_file_it_changes(home: Path) -> None:
    assert main(["setup", "--yes", "--client", "cursor"]) == 0
    backups = list((home / ".cursor").glob("mcp.json.prompt2mesh-backup-*"))
    assert len(backups) == 1 and json.loads(backups[0].read_text()) == CURSOR


def test_a_second_setup_changes_nothing(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["setup", "--yes"]) == 0
    before = {p: p.read_bytes() for p in home.rglob("*") if p.is_file()}
    capsys.readouterr()
    assert main(["setup", "--yes"]) == 0
    after = {p: p.read_bytes() for p in home.rglob("*") if p.is_file()}
    assert after == before  # no rewrite, no new backup
    assert capsys.readouterr().out.count("already set up") == 6


def test_setup_remove_takes_out_only_its_own_entry(home: Path) -> None:
    assert main(["setup", "--yes"]) == 0
    assert main(["setup", "--yes", "--remove"]) == 0
    assert (
        _json(home, ".config/Claude/claude_desktop_config.json")["mcpServers"] == CLAUDE_DESKTOP["mcpServers"]
    )
    assert _json(home, ".claude.json")["mcpServers"] == CLAUDE_CODE["mcpServers"]
    assert _json(home, ".config/Code/User/mcp.json")["servers"] == VSCODE["servers"]
    assert tomllib.loads((home / ".codex/config.toml").read_text()) == tomllib.loads(CODEX)


def test_dry_run_writes_nothing(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = {p: p.read_bytes() for p in home.rglob("*") if p.is_file()}
    assert main(["setup", "--dry-run", "--client", "vscode"]) == 0
    assert {p: p.read_bytes() for p in home.rglob("*") if p.is_file()} == before
    assert "add to" in capsys.readouterr().out


def test_without_a_terminal_setup_asks_for_yes_and_writes_nothing(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["setup", "--client", "cursor"]) == 1
    assert "--yes" in capsys.readouterr().err
    assert "prompt2mesh" not in _json(home, ".cursor/mcp.json")["mcpServers"]


def test_a_broken_config_file_is_reported_and_left_alone(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    broken = home / ".cursor/mcp.json"
    broken.write_text('{"mcpServers": {"linear": ')
    assert main(["setup", "--yes"]) == 1
    assert "not valid JSON" in capsys.readouterr().err
    assert broken.read_text() == '{"mcpServers": {"linear": '
    assert "prompt2mesh" in _json(home, ".claude.json")["mcpServers"]  # the others were still set up


def test_http_entries_use_each_clients_url_key_and_claude_desktop_is_refused(
    home: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert (
        main(["setup", "--yes", "--http", "--port", "9000", "--client", "windsurf", "--client", "vscode"])
        == 0
    )
    assert _json(home, ".codeium/windsurf/mcp_config.json")["mcpServers"]["prompt2mesh"] == {
        "serverUrl": "http://127.0.0.1:9000/mcp"
    }
    assert _json(home, ".config/Code/User/mcp.json")["servers"]["prompt2mesh"] == {
        "type": "http",
        "url": "http://127.0.0.1:9000/mcp",
    }
    assert main(["setup", "--yes", "--http", "--client", "claude-desktop"]) == 1
    assert "use stdio" in capsys.readouterr().err


def test_allow_code_is_written_only_when_asked(home: Path) -> None:
    assert main(["setup", "--yes", "--client", "cursor", "--allow-code"]) == 0
    assert _json(home, ".cursor/mcp.json")["mcpServers"]["prompt2mesh"]["args"][-1] == "--allow-code"


def test_any_client_can_be_given_by_its_file(tmp_path: Path, home: Path) -> None:
    other = tmp_path / "zed" / "servers.json"
    assert main(["setup", "--yes", "--config", str(other)]) == 0
    assert "prompt2mesh" in json.loads(other.read_text())["mcpServers"]


def test_an_unknown_client_name_is_a_clear_error(home: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["setup", "--yes", "--client", "notepad"]) == 2
    assert "unknown client 'notepad'" in capsys.readouterr().err


def test_no_client_found_says_how_to_name_one(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path / "empty-home"))
    for var in ("XDG_CONFIG_HOME", "CODEX_HOME"):
        monkeypatch.delenv(var, raising=False)
    assert main(["setup", "--yes"]) == 1
    assert "--client" in capsys.readouterr().err
