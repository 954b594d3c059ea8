"""The package as a user installs it: build the wheel and sdist, install the wheel (core only)
into a fresh venv, drive `prompt2mesh mcp` with a real MCP client, build a model offline;
then add the service extra and answer a health check.

Slow (a fresh venv with bpy, ~1-3 min with a warm pip cache), so it runs once, in order.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
import venv
import zipfile
from pathlib import Path

import pytest
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client

ROOT = Path(__file__).resolve().parents[2]
pytestmark = [pytest.mark.slow, pytest.mark.timeout(1500)]


def _run(
    *args: str | Path, env: dict[str, str] | None = None, timeout: float = 900
) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=timeout, env=env)


@pytest.fixture(scope="module")
def dist(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("dist")
    # sdist first, then the wheel from the unpacked sdist: what a user gets, never a stale build/ folder
    built = _run(sys.executable, "-m", "build", "--no-isolation", "--outdir", out, ROOT)
    assert built.returncode == 0, built.stderr[-3000:]
    return out


@pytest.fixture(scope="module")
def core_venv(dist: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    where = tmp_path_factory.mktemp("core") / "venv"
    venv.create(where, with_pip=True)
    wheel = next(dist.glob("prompt2mesh-*.whl"))
    installed = _run(where / "bin" / "python", "-m", "pip", "install", "-q", wheel)
    assert installed.returncode == 0, installed.stderr[-3000:]
    return where


def _clean_env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("P2M_", "VIRTUAL_ENV", "PYTHONPATH"))}
    env.update(extra)
    return env


def test_the_wheel_carries_the_web_ui_and_metadata(dist: Path) -> None:
    wheel = next(dist.glob("prompt2mesh-*.whl"))
    assert next(dist.glob("prompt2mesh-*.tar.gz")).is_file()
    with zipfile.ZipFile(wheel) as zf:
        names = set(zf.namelist())
        metadata = zf.read(next(n for n in names if n.endswith(".dist-info/METADATA"))).decode()
    assert "prompt2mesh/web/index.html" in names
    assert "prompt2mesh/web/vendor/three/build/three.module.js" in names
    assert "prompt2mesh/service/migrations/env.py" in names
    for line in (
        "License-Expression: MIT",
        "Provides-Extra: service",
        "Provides-Extra: voice",
        "Provides-Extra: anthropic",
    ):
        assert line in metadata
    core = [r for r in metadata.splitlines() if r.startswith("Requires-Dist:") and "extra ==" not in r]
    assert not any("fastapi" in r or "faster-whisper" in r or "langchain-anthropic" in r for r in core)


def test_the_core_install_runs_the_mcp_worker(core_venv: Path, tmp_path: Path) -> None:
    exe = core_venv / "bin" / "prompt2mesh"
    assert _run(exe, "--version").stdout.startswith("prompt2mesh ")

    async def talk() -> tuple[list[str], dict]:
        params = StdioServerParameters(
            command=str(exe), args=["mcp", "--workspace", str(tmp_path / "ws")], env=_clean_env()
        )
        async with stdio_client(params) as (read, write), ClientSession(read, write) as session:
            await session.initialize()
            tools = [t.name for t in (await session.list_tools()).tools]
            status = await session.call_tool("get_status", {})
            return tools, json.loads(status.content[0].text)

    import anyio

    tools, status = anyio.run(talk)
    assert "create_primitive" in tools and "get_status" in tools
    assert status["code_allowed"] is False and status["versions"]["blender"].startswith("5.0")


def test_the_core_install_builds_a_model_offline(core_venv: Path, tmp_path: Path) -> None:
    made = _run(
        core_venv / "bin" / "prompt2mesh", "make", "a red cube", "--out", tmp_path / "out", env=_clean_env()
    )
    assert made.returncode == 0, made.stderr[-3000:]
    assert (tmp_path / "out" / "scene.glb").stat().st_size > 0


def test_a_missing_extra_is_one_line_naming_the_install_command(core_venv: Path, tmp_path: Path) -> None:
    served = _run(core_venv / "bin" / "prompt2mesh", "serve", env=_clean_env(P2M_DATA_DIR=str(tmp_path)))
    assert served.returncode == 2
    assert served.stderr.strip().splitlines()[-1].endswith("pip install 'prompt2mesh[service]'")
    assert "Traceback" not in served.stderr

    claude = _run(
        core_venv / "bin" / "prompt2mesh",
        "make",
        "a cube",
        "--out",
        tmp_path / "o",
        env=_clean_env(P2M_PROVIDER="anthropic", ANTHROPIC_API_KEY="sk-test"),
    )
    assert claude.returncode == 2 and "pip install 'prompt2mesh[anthropic]'" in claude.stderr
    assert "Traceback" not in claude.stderr


def test_doctor_in_the_core_install_names_the_missing_extras(core_venv: Path, tmp_path: Path) -> None:
    doc = _run(
        core_venv / "bin" / "prompt2mesh",
        "doctor",
        "--skip-worker",
        "--workspace",
        tmp_path / "ws",
        env=_clean_env(HOME=str(tmp_path), P2M_PROVIDER="openai", OPENAI_API_KEY="sk-test"),
    )
    assert "fix: pip install 'prompt2mesh[service]'" in doc.stdout
    assert "FAIL provider" in doc.stdout and "pip install 'prompt2mesh[openai]'" in doc.stdout
    assert doc.returncode == 1


def test_with_the_service_extra_serve_answers_its_health_check(
    dist: Path, core_venv: Path, tmp_path: Path
) -> None:
    wheel = next(dist.glob("prompt2mesh-*.whl"))
    installed = _run(core_venv / "bin" / "python", "-m", "pip", "install", "-q", f"{wheel}[service]")
    assert installed.returncode == 0, installed.stderr[-3000:]
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = _clean_env(P2M_DATA_DIR=str(tmp_path / "data"))
    server = subprocess.Popen(
        [str(core_venv / "bin" / "prompt2mesh"), "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/health", timeout=2) as answer:
                    assert answer.status == 200
                    break
            except OSError:
                assert server.poll() is None, server.stderr.read() if server.stderr else ""
                assert time.monotonic() < deadline, "serve did not answer /health within 120 s"
                time.sleep(0.5)
    finally:
        server.terminate()
        server.wait(timeout=30)
