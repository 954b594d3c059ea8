"""``prompt2mesh make | resume | trace`` as a person runs them: real subprocesses, real workers."""

from __future__ import annotations

import argparse
import json
import os
import re
import select
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from prompt2mesh.agent.cli import COMMANDS
from prompt2mesh.agent.trace import TraceWriter, read_events
from prompt2mesh.workers.blocking import BlockingWorker

PROMPT = "Create a decorated Christmas tree"


def children_of(pid: int) -> list[int]:
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_text()
            except OSError:
                continue
            if int(stat.rsplit(")", 1)[1].split()[1]) == pid:
                found.append(int(entry))
    return found


def wait_gone(pid: int, timeout_s: float) -> bool:
    try:
        fd = os.pidfd_open(pid)
    except ProcessLookupError:
        return True
    try:
        return bool(select.select([fd], [], [], timeout_s)[0])
    finally:
        os.close(fd)


@pytest.fixture
def cli_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("P2M_")}
    env.update(P2M_DATA_DIR=str(tmp_path / "data"), P2M_SCREENSHOT_SIZE="96", P2M_PROVIDER="offline")
    return env


def agent_cli(argv: list[str]) -> int:
    """Parse and run ``argv`` with only the agent's commands (as prompt2mesh.cli does)."""
    parser = argparse.ArgumentParser(prog="prompt2mesh")
    sub = parser.add_subparsers(dest="command", required=True)
    for add in COMMANDS:
        add(sub)
    ns = parser.parse_args(argv)
    return int(ns.handler(ns))


def test_the_agent_registers_make_resume_and_trace() -> None:
    sub = argparse.ArgumentParser().add_subparsers()
    for add in COMMANDS:
        add(sub)
    assert {"make", "resume", "trace"} <= set(sub.choices)


@pytest.mark.slow
def test_make_killed_with_sigkill_resumes_without_redoing_steps_or_duplicating_objects(
    tmp_path: Path, cli_env: dict[str, str], shared_worker: BlockingWorker, worker_workspace: Path
) -> None:
    out = tmp_path / "out"
    cmd = [sys.executable, "-m", "prompt2mesh"]
    agent = subprocess.Popen(
        [*cmd, "make", PROMPT, "--out", str(out), "--run-id", "cli-killed"],
        env=cli_env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        assert agent.stderr is not None
        seen = []
        for line in agent.stderr:  # bounded by the test timeout; the agent prints as it goes
            seen.append(line)
            if re.match(r"step 1/\d+ accepted", line):
                break
        else:
            pytest.fail("the agent ended before accepting a step:\n" + "".join(seen))
        workers = children_of(agent.pid)
        agent.send_signal(signal.SIGKILL)
        assert agent.wait(timeout=10) == -signal.SIGKILL
    finally:
        if agent.poll() is None:
            agent.kill()
    for pid in workers:  # the orphaned worker sees its stdin close and exits
        assert wait_gone(pid, 15), f"worker {pid} outlived its agent"

    before = read_events(out / "trace.jsonl")
    assert not any(e["type"] == "run_finished" for e in before)
    accepted_before = {e["step"] for e in before if e["type"] == "step_accepted"}
    assert 1 in accepted_before

    resumed = subprocess.run(
        [*cmd, "resume", "cli-killed"], env=cli_env, capture_output=True, text=True, timeout=240
    )
    assert resumed.returncode == 0, resumed.stderr[-3000:]
    report = json.loads((out / "report.json").read_text())
    assert report["status"] == "completed"
    assert all(s["status"].startswith("accepted") for s in report["steps"])

    trace = read_events(out / "trace.jsonl")
    started = [e["step"] for e in trace if e["type"] == "step_started"]
    for step in accepted_before:
        assert started.count(step) == 1, f"accepted step {step} was done again"
    assert sorted(set(started)) == [s["number"] for s in report["steps"]]

    copy = worker_workspace / "cli-killed.blend"
    shutil.copyfile(out / "scene.blend", copy)
    assert shared_worker.call("open_blend", filename=copy.name).ok
    names: list[str] = []
    offset: int | None = 0
    while offset is not None:
        page = shared_worker.call("get_scene_info", offset=offset, limit=200)
        assert page.ok, page.error
        names += [o["name"] for o in page.result["objects"]]
        offset = page.result["next_offset"]
    assert not [n for n in names if re.search(r"\.\d{3}$", n)], "duplicated objects after resume"
    assert len(names) == len(set(names))
    assert any("Tree" in n for n in names) and any("Star" in n for n in names)


def test_trace_summary_names_the_most_failing_tools_and_scores_before_and_after(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for run, failing in (("r1", 2), ("r2", 1)):
        trace = TraceWriter(tmp_path / run / "trace.jsonl", run)
        trace.event("tool_call", step=1, tool="create_primitive", args={}, ok=True, error=None)
        for _ in range(failing):
            trace.event(
                "tool_call", step=1, tool="set_transform", ok=False, error="[not_found] no object 'Ball_3'"
            )
        trace.event("critique", step=1, score=5)
        trace.event("refinement", step=1, refinement=1)
        trace.event("critique", step=1, score=8)
        trace.event("critique", step=2, score=7)
        trace.event("run_finished", status="completed")

    assert agent_cli(["trace", "summary", str(tmp_path), "--json"]) == 0
    summary = json.loads(capsys.readouterr().out)
    assert summary["runs"] == 2
    assert summary["failing_tools"][0] == {"tool": "set_transform", "failures": 3, "calls": 3, "rate": 1.0}
    assert summary["common_errors"] == [{"error": "[not_found] no object '…'", "count": 3}]
    assert summary["average_score_before_refinement"] == 6.0
    assert summary["average_score_after_refinement"] == 7.5
    assert summary["refinements_per_step"] == 0.5
    assert summary["statuses"] == {"completed": 2}

    assert agent_cli(["trace", "summary", str(tmp_path)]) == 0
    text = capsys.readouterr().out
    assert "set_transform" in text and "most common errors" in text


def test_resuming_an_unknown_run_says_so_and_exits_2(
    tmp_path: Path,
    cli_env: dict[str, str],
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from prompt2mesh.config import get_settings

    monkeypatch.setenv("P2M_DATA_DIR", cli_env["P2M_DATA_DIR"])
    get_settings.cache_clear()
    try:
        assert agent_cli(["resume", "no-such-run"]) == 2
    finally:
        get_settings.cache_clear()
    assert "no run 'no-such-run'" in capsys.readouterr().err


def test_registering_the_commands_twice_is_harmless() -> None:
    sub = argparse.ArgumentParser().add_subparsers()
    for add in [*COMMANDS, *COMMANDS]:
        add(sub)
    assert {"make", "resume", "trace"} <= set(sub.choices)


def test_choosing_a_provider_on_the_command_line_keeps_the_keys_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from prompt2mesh.agent.cli import _settings
    from prompt2mesh.config import get_settings

    monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-test-key")
    get_settings.cache_clear()
    try:
        settings = _settings(argparse.Namespace(provider="anthropic"))
    finally:
        get_settings.cache_clear()
    assert settings.provider == "anthropic" and settings.anthropic_api_key == "sk-test-key"


def test_an_unreachable_provider_is_one_clear_line_before_any_work(tmp_path: Path) -> None:
    import socket

    with socket.socket() as probe:  # a loopback port nobody listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith("P2M_")},
        "P2M_PROVIDER": "ollama",
        "P2M_BASE_URL": f"http://127.0.0.1:{port}",
        "P2M_DATA_DIR": str(tmp_path / "data"),
    }
    result = subprocess.run(
        [sys.executable, "-m", "prompt2mesh", "make", "a chair", "--out", str(tmp_path / "out")],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 2
    assert result.stderr.strip().splitlines() == [
        f"cannot start: cannot reach ollama at http://127.0.0.1:{port}/api/tags: "
        "ConnectError All connection attempts failed (is `ollama serve` running?)"
    ]
    assert not (tmp_path / "out" / "scene.blend").exists()


def test_a_worker_killed_before_anything_was_saved_gives_no_resume_hint(
    tmp_path: Path, cli_env: dict[str, str]
) -> None:
    """Issue 15 item 11: no ExceptionGroup, and no "resume with" for a run that does not exist."""
    make = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "prompt2mesh",
            "make",
            PROMPT,
            "--out",
            str(tmp_path / "out"),
            "--run-id",
            "early",
        ],
        env=cli_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        worker = None
        for _ in range(600):  # the worker appears within seconds; kill it as soon as it does
            found = children_of(make.pid)
            if found:
                worker = found[0]
                break
            if make.poll() is not None:
                break
            select.select([], [], [], 0.05)
        assert worker is not None, "make started no worker"
        os.kill(worker, signal.SIGKILL)
        _, err = make.communicate(timeout=120)
    finally:
        if make.poll() is None:
            make.kill()
            make.wait()
    assert make.returncode == 1, err
    assert "run stopped:" in err and "ExceptionGroup" not in err and "TaskGroup" not in err, err
    assert "resume with" not in err and "nothing of this run was saved" in err, err
    resumed = subprocess.run(
        [sys.executable, "-m", "prompt2mesh", "resume", "early"], env=cli_env, capture_output=True, text=True
    )
    assert resumed.returncode == 2 and "no run 'early'" in resumed.stderr
