"""run_make / resume_run: durable runs that survive a killed worker (docs/CONTRACT.md section 5)."""

from __future__ import annotations

import json
import os
import select
import signal
from pathlib import Path
from typing import Any

import pytest
from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

from prompt2mesh.agent.errors import RunNotFound
from prompt2mesh.agent.runner import RunRequest, resume_run, run_make
from prompt2mesh.agent.trace import read_events
from prompt2mesh.roles.interface import ToolInfo, ToolResult
from prompt2mesh.workers.session import open_local_worker


def worker_pid(workspace: Path) -> int:
    """The pid of this process's worker child serving ``workspace``."""
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
            cmdline = Path(f"/proc/{entry}/cmdline").read_bytes().decode(errors="replace")
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        if ppid == os.getpid() and str(workspace) in cmdline and "mcp" in cmdline:
            return int(entry)
    raise AssertionError(f"no worker child for {workspace}")


def kill_and_wait(pid: int, timeout_s: float = 10.0) -> None:
    """SIGKILL ``pid`` and wait (bounded) until it is gone."""
    fd = os.pidfd_open(pid)
    try:
        os.kill(pid, signal.SIGKILL)
        ready, _, _ = select.select([fd], [], [], timeout_s)
        assert ready, f"worker {pid} did not die within {timeout_s} s"
    finally:
        os.close(fd)


class KillWorkerAt:
    """Passes calls to a worker and SIGKILLs it at the first screenshot after ``after`` is created."""

    def __init__(self, inner: Any, pid: int, after: str) -> None:
        self.inner, self.pid, self.after = inner, pid, after
        self.armed = False
        self.killed = False

    async def call(self, tool: str, args: dict[str, Any] | None = None) -> ToolResult:
        if tool == "create_primitive" and (args or {}).get("name") == self.after:
            self.armed = True
        elif tool == "get_viewport_screenshot" and self.armed and not self.killed:
            self.killed = True
            kill_and_wait(self.pid)
        return await self.inner.call(tool, args)

    async def list_tools(self) -> list[ToolInfo]:
        return await self.inner.list_tools()


async def test_a_run_whose_worker_is_killed_mid_step_resumes_on_a_new_worker_without_duplicates(
    tmp_path: Path, settings, roles_for, kit
) -> None:
    workspace = tmp_path / "workspace"
    executor = [t for i in (1, 2, 3, 3, 4, 5) for t in kit.executor_turns(kit.block(i))]
    model = kit.script(executor=executor)
    roles = roles_for(model)
    request = RunRequest(prompt="Make a row of blocks", out_dir=workspace, run_id="killed-worker")

    killer: KillWorkerAt | None = None
    try:
        async with open_local_worker(workspace) as session:
            await session.call("new_scene", {})
            killer = KillWorkerAt(session, worker_pid(workspace), after="Block3")
            await run_make(request, settings, killer, roles=roles)
    except Exception:  # noqa: BLE001, S110  the dead worker's client tears its task group down
        pass
    assert killer is not None and killer.killed
    first = json.loads((workspace / "report.json").read_text())
    assert first["status"] == "failed" and "interrupted" in first["error"]
    assert [s["status"] for s in first["steps"][:3]] == ["accepted", "accepted", "pending"]

    async with open_local_worker(workspace) as session:
        report = await resume_run("killed-worker", settings, session, out_dir=workspace, roles=roles)
        names = [o["name"] for o in (await session.call("get_scene_info", {"limit": 200})).result["objects"]]

    assert report["status"] == "completed", report["error"]
    assert [s["status"] for s in report["steps"]] == ["accepted"] * 5
    blocks = sorted(n for n in names if n.startswith("Block"))
    assert blocks == [f"Block{i}" for i in range(1, 6)]
    trace = read_events(workspace / "trace.jsonl")
    started = [e["step"] for e in trace if e["type"] == "step_started"]
    assert started == [1, 2, 3, 3, 4, 5]  # accepted steps 1-2 were not redone
    assert any(e["type"] == "run_resumed" for e in trace)


async def test_resuming_an_unknown_run_raises_run_not_found(runner, settings, tmp_path: Path) -> None:
    with pytest.raises(RunNotFound):
        await resume_run("no-such-run", settings, runner, out_dir=tmp_path)


async def test_resuming_a_finished_run_returns_its_report_without_running_again(
    runner, settings, request_for, roles_for, kit
) -> None:
    model = kit.script()
    request = request_for()
    done = await run_make(request, settings, runner, roles=roles_for(model))
    turns = len(model.turns)

    again = await resume_run(
        done["run_id"], settings, runner, out_dir=request.out_dir, roles=roles_for(model)
    )

    assert again["status"] == "completed"
    assert [s["scores"] for s in again["steps"]] == [s["scores"] for s in done["steps"]]
    assert len(model.turns) == turns


class CheckpointLost(Exception):
    """Stands for a kill after a node finished but before its checkpoint was written."""


class CrashingSaver(AsyncSqliteSaver):
    """A real SQLite checkpointer that fails to write the checkpoint after ``target`` runs."""

    target: str | None = None
    armed = False

    async def aput_writes(self, config: Any, writes: Any, task_id: str, task_path: str = "") -> None:
        await super().aput_writes(config, writes, task_id, task_path)
        if self.target and self.target in str(task_path):
            self.armed, self.target = True, None

    async def aput(self, config: Any, checkpoint: Any, metadata: Any, new_versions: Any) -> Any:
        if self.armed:
            self.armed = False
            raise CheckpointLost("killed between the node's results and its checkpoint")
        return await super().aput(config, checkpoint, metadata, new_versions)


@pytest.mark.parametrize("node", ["execute_step", "capture_feedback", "refine_step", "evaluate_progress"])
async def test_a_run_killed_between_a_node_and_its_checkpoint_resumes_without_redoing_or_losing_work(
    node: str, runner, settings, request_for, roles_for, kit, tmp_path: Path
) -> None:
    executor = [kit.block_builder] * 20
    improver = kit.smooth_turns("Block1") * 2
    model = kit.script(scores=[5, 8], executor=executor, improver=improver)
    request = request_for()
    async with CrashingSaver.from_conn_string(str(tmp_path / "checkpoints.sqlite")) as saver:
        saver.target = node
        first = await run_make(request, settings, runner, roles=roles_for(model), checkpointer=saver)
        assert first["status"] == "failed" and "CheckpointLost" in first["error"]

        runner.worker.call("new_scene")  # as a restarted worker would start
        report = await resume_run(
            request.run_id,
            settings,
            runner,
            out_dir=request.out_dir,
            roles=roles_for(model),
            checkpointer=saver,
        )

    assert report["status"] == "completed", report["error"]
    assert [s["status"] for s in report["steps"]] == ["accepted"] * 5
    names = [o["name"] for o in runner.worker.call("get_scene_info", limit=200).result["objects"]]
    assert sorted(n for n in names if n.startswith("Block")) == [f"Block{i}" for i in range(1, 6)]
    trace = read_events(request.out_dir / "trace.jsonl")
    resumed_at = next(i for i, e in enumerate(trace) if e["type"] == "run_resumed")
    accepted_before = {e["step"] for e in trace[:resumed_at] if e["type"] == "step_accepted"}
    started = [e["step"] for e in trace if e["type"] == "step_started"]
    assert all(started.count(step) == 1 for step in accepted_before)
    assert sorted(set(started)) == [1, 2, 3, 4, 5]
