"""A recorded real-model make, SIGKILLed after its first accepted step, resumes to the end.

Two cassettes: ``killed_make_before`` (the make up to the request it was killed at: the
executor's first turn of step 2, ``fakes.scenarios.is_kill_point``) and ``killed_make_resumed``
(``prompt2mesh resume`` to the end). The replay runs the same ``prompt2mesh make`` process
against a server that holds that request unanswered, SIGKILLs the process there, and resumes
in a new process with a new worker: it must complete without redoing the accepted step and
without duplicating any object. The recording's screenshots were 512 px (the critic judged
them); the replay takes 96 px ones (nobody looks at them).

Re-record: ``cd tests && ../.venv/bin/python -m fakes.record resume http://127.0.0.1:8782/v1
RELAY_DIR`` with ``../shared/tools/llm_relay.py RELAY_DIR 8782`` running and a model answering.
"""

from __future__ import annotations

import json
import re
import shutil
import signal
import threading
from pathlib import Path

import pytest

from fakes.cassette import ReplayServer, load
from fakes.scenarios import REPLAY_SCREENSHOT_SIZE, cli_env, is_kill_point, kill, resume, start_make
from prompt2mesh.agent.trace import read_events
from prompt2mesh.workers.blocking import BlockingWorker

CASSETTES = Path(__file__).resolve().parents[1] / "cassettes"


def scene_names(worker: BlockingWorker) -> list[str]:
    names: list[str] = []
    offset: int | None = 0
    while offset is not None:
        page = worker.call("get_scene_info", offset=offset, limit=200)
        assert page.ok, page.error
        names += [o["name"] for o in page.result["objects"]]
        offset = page.result["next_offset"]
    return names


@pytest.mark.slow
def test_a_recorded_make_killed_after_an_accepted_step_resumes_to_completed(
    tmp_path: Path, shared_worker: BlockingWorker, worker_workspace: Path
) -> None:
    before = load(CASSETTES / "killed_make_before.json")
    out = tmp_path / "out"
    held = ReplayServer(before, hold_at=len(before["exchanges"]))
    with held.serve() as url:
        env = cli_env(url, tmp_path / "data", screenshot_size=REPLAY_SCREENSHOT_SIZE)
        make = start_make(env, out)
        log: list[str] = []
        reader = threading.Thread(target=lambda: log.extend(make.stderr or []), daemon=True)
        reader.start()
        try:
            assert held.held.wait(timeout=240), "the make never reached the kill point:\n" + "".join(log)
            assert kill(make) == -signal.SIGKILL
        finally:
            if make.poll() is None:
                make.kill()
    reader.join(timeout=10)
    assert held.problems == []
    assert is_kill_point(held.bodies[-1])
    killed = read_events(out / "trace.jsonl")
    assert not any(e["type"] == "run_finished" for e in killed)
    accepted = {e["step"] for e in killed if e["type"] == "step_accepted"}
    assert accepted == {1}

    resumed = ReplayServer(load(CASSETTES / "killed_make_resumed.json"))
    with resumed.serve() as url:
        env = cli_env(url, tmp_path / "data", screenshot_size=REPLAY_SCREENSHOT_SIZE)
        finished = resume(env, timeout_s=280)
    assert finished.returncode == 0, finished.stderr[-3000:]
    assert resumed.problems == []
    assert resumed.served == len(resumed.exchanges)
    # The resumed run asks the executor for step 2 first: step 1 is not built again.
    first = next(r for r in resumed.requests if r["role"] == "executor")
    assert first["last"].startswith("Step 2 of")

    report = json.loads((out / "report.json").read_text())
    assert report["status"] == "completed", report["error"]
    assert all(s["status"].startswith("accepted") for s in report["steps"])
    assert report["totals"]["steps_done"] == 4 and report["totals"]["failed_tool_calls"] == 0
    assert [s["scores"] for s in report["steps"]] == [[8], [8], [8], [6, 7]]  # one refinement, resumed
    trace = read_events(out / "trace.jsonl")
    started = [e["step"] for e in trace if e["type"] == "step_started"]
    assert started.count(1) == 1, "the accepted step 1 was done again"
    assert sorted(set(started)) == [s["number"] for s in report["steps"]]

    copy = worker_workspace / f"{tmp_path.name}-resumed.blend"
    shutil.copyfile(out / "scene.blend", copy)
    assert shared_worker.call("open_blend", filename=copy.name).ok
    names = scene_names(shared_worker)
    assert not [n for n in names if re.search(r"\.\d{3}$", n)], "duplicated objects after resume"
    assert len(names) == len(set(names))
    assert "Chair" in names
