"""`prompt2mesh doctor`: each check finds what is wrong and names the fix."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from prompt2mesh.cli import main
from prompt2mesh.config import Settings
from prompt2mesh.install import doctor
from prompt2mesh.install.clients import known_clients


def test_a_workspace_that_is_a_file_is_reported_with_a_fix(tmp_path: Path) -> None:
    blocked = tmp_path / "ws"
    blocked.write_text("not a folder")
    [finding] = doctor.check_workspace(blocked)
    assert finding.ok is False and str(blocked) in finding.detail
    assert finding.fix is not None and "--workspace" in finding.fix


def test_a_writable_workspace_passes(tmp_path: Path) -> None:
    [finding] = doctor.check_workspace(tmp_path / "new" / "ws")
    assert finding.ok is True


def test_the_worker_check_starts_blender_over_mcp_and_renders() -> None:
    findings = {f.check: f for f in doctor.check_worker()}
    assert findings["mcp"].ok and "tools" in findings["mcp"].detail
    assert findings["blender"].ok and "5.0" in findings["blender"].detail
    assert findings["render"].ok


def test_a_port_in_use_is_reported(tmp_path: Path) -> None:
    import socket

    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        settings = Settings(data_dir=tmp_path, port=port)
        rows = {f.check: f for f in doctor.check_service(settings)}
    assert rows["port"].ok is False and "--port" in (rows["port"].fix or "")
    assert rows["database"].ok is True


def test_an_unreachable_database_is_reported(tmp_path: Path) -> None:
    settings = Settings(
        data_dir=tmp_path, database_url="postgresql+psycopg://nobody@127.0.0.1:1/none", port=0
    )
    rows = {f.check: f for f in doctor.check_service(settings)}
    assert rows["database"].ok is False and "P2M_DATABASE_URL" in (rows["database"].fix or "")


def test_a_client_whose_command_is_gone_is_reported(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    for var in ("XDG_CONFIG_HOME", "CODEX_HOME"):
        monkeypatch.delenv(var, raising=False)
    cursor = tmp_path / ".cursor" / "mcp.json"
    cursor.parent.mkdir()
    cursor.write_text(
        json.dumps({"mcpServers": {"prompt2mesh": {"command": "/gone/prompt2mesh", "args": ["mcp"]}}})
    )
    [finding] = doctor.check_clients(known_clients(), "prompt2mesh")
    assert finding.ok is False and "/gone/prompt2mesh" in finding.detail
    assert finding.fix == "prompt2mesh setup --client cursor"


def test_doctor_exits_non_zero_and_prints_the_fix_for_a_broken_workspace(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    monkeypatch.setenv("P2M_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("P2M_PORT", "0")
    blocked = tmp_path / "ws"
    blocked.write_text("")
    assert main(["doctor", "--skip-worker", "--workspace", str(blocked)]) == 1
    out = capsys.readouterr().out
    assert "FAIL workspace" in out and "fix:" in out and "1 problem(s) found" in out
