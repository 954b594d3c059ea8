"""Plan review: the run pauses after ``plan``, the person's edits are validated and recorded,
and the pause survives a process restart (real subprocesses, real workers, offline roles)."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from fakes.chat import plan
from prompt2mesh.agent.errors import PlanEditRejected, ReviewNotPending
from prompt2mesh.agent.review import describe_changes, parse_steps
from prompt2mesh.agent.review_cli import review_in_terminal
from prompt2mesh.agent.review_run import approve_plan, edit_plan, request_replan
from prompt2mesh.agent.runner import resume_run, run_make
from prompt2mesh.agent.trace import read_events
from prompt2mesh.config import Settings
from prompt2mesh.workers.session import open_local_worker

TOOLS = ["create_primitive", "assign_material", "setup_lighting"]
PROMPT = "a red cube on a blue table"


def step(action: str, tools: list[str] | None = None, **fields: Any) -> dict[str, Any]:
    return {"action": action, "description": f"{action}.", "tools": tools or ["create_primitive"], **fields}


# --- validation: an edited plan is held to the rules of a generated one -----------------------


def test_an_edited_plan_naming_an_unknown_tool_is_refused_with_the_step_and_the_tool(
    settings: Settings,
) -> None:
    steps = [step(f"Build part {i}") for i in range(1, 6)]
    steps[2]["tools"] = ["summon_dragon"]
    with pytest.raises(PlanEditRejected) as refused:
        parse_steps(steps, settings, TOOLS)
    assert refused.value.errors == ["step 3 names unknown tools ['summon_dragon']"]


def test_an_empty_plan_is_refused(settings: Settings) -> None:
    with pytest.raises(PlanEditRejected, match="the plan is empty"):
        parse_steps([], settings, TOOLS)


def test_a_plan_outside_the_step_limits_is_refused_with_the_limit(settings: Settings) -> None:
    with pytest.raises(PlanEditRejected, match="give at least 5"):
        parse_steps([step("Build it")] * 2, settings, TOOLS)
    with pytest.raises(PlanEditRejected, match="give at most 15"):
        parse_steps([step("Build it")] * 16, settings, TOOLS)


def test_a_step_without_an_action_or_of_the_wrong_shape_is_refused(settings: Settings) -> None:
    steps = [step(f"Build part {i}") for i in range(1, 6)]
    steps[1]["action"] = "   "
    with pytest.raises(PlanEditRejected, match="step 2 has no action"):
        parse_steps(steps, settings, TOOLS)
    with pytest.raises(PlanEditRejected, match="step 1: "):
        parse_steps([{"description": "no action"}], settings, TOOLS)
    with pytest.raises(PlanEditRejected, match="a list of steps"):
        parse_steps({"steps": "build"}, settings, TOOLS)


def test_a_valid_edit_is_numbered_in_its_new_order(settings: Settings) -> None:
    steps = parse_steps([step(f"Build part {i}") for i in (3, 1, 2, 4, 5)], settings, TOOLS)
    assert [(s["number"], s["action"]) for s in steps][:2] == [(1, "Build part 3"), (2, "Build part 1")]


def test_changes_are_described_as_edits_deletions_additions_and_reordering() -> None:
    before = [step(f"Step {i}") for i in range(1, 6)]
    after = [
        {**before[1], "origin": 2},
        {**before[0], "origin": 1, "description": "Wider."},
        {**before[3], "origin": 4},
        {**before[4], "origin": 5},
        step("Add a lamp"),
    ]
    assert describe_changes(before, after) == [
        "step 3 deleted: Step 3",
        "step 1 edited (description): Step 1",
        "step 5 added: Add a lamp",
        "steps reordered: 2, 1, 4, 5",
    ]


# --- the terminal review ------------------------------------------------------------------


def test_the_numbered_prompt_edits_deletes_moves_and_adds_steps_before_approving(tmp_path: Path) -> None:
    report = {"refined_prompt": "five parts", "plan": [step(f"Step {i}") for i in range(1, 6)]}
    answers = iter(["e 2 Build a taller tower", "d 5", "m 1 4", "+ Add a lamp", "d 9", "a"])
    said: list[str] = []
    decision = review_in_terminal(
        report, ask=lambda _: next(answers), say=said.append, editor=None, folder=tmp_path
    )
    assert decision.kind == "approve" and decision.steps is not None
    assert [s["action"] for s in decision.steps] == [
        "Build a taller tower",
        "Step 3",
        "Step 4",
        "Step 1",
        "Add a lamp",
    ]
    assert "not done: there is no step 9 (1..5)" in said
    assert describe_changes(report["plan"], decision.steps) == [
        "step 5 deleted: Step 5",
        "step 2 edited (action): Build a taller tower",
        "step 5 added: Add a lamp",
        "steps reordered: 2, 3, 4, 1",
    ]


def test_the_whole_plan_can_be_edited_as_json_in_the_editor(tmp_path: Path) -> None:
    report = {"plan": [step(f"Step {i}") for i in range(1, 6)]}
    # A stand-in for a person in $EDITOR: a real program that rewrites the file it is given.
    editor = f"{sys.executable} -c \"import sys,pathlib; p=pathlib.Path(sys.argv[1]); p.write_text(p.read_text().replace('Step 3', 'Build the roof'))\""
    answers = iter(["x", "a"])
    decision = review_in_terminal(
        report, ask=lambda _: next(answers), say=lambda _: None, editor=editor, folder=tmp_path
    )
    assert decision.steps is not None
    assert [s["action"] for s in decision.steps][2] == "Build the roof"
    assert (tmp_path / "plan.review.json").is_file()


def test_the_numbered_prompt_can_ask_for_a_new_plan_or_leave_the_run_paused(tmp_path: Path) -> None:
    report = {"plan": [step("Step 1")]}
    replan = review_in_terminal(
        report,
        ask=lambda _: "r a green cube on a red table",
        say=lambda _: None,
        editor=None,
        folder=tmp_path,
    )
    assert (replan.kind, replan.refined_prompt) == ("replan", "a green cube on a red table")

    def closed(_: str) -> str:
        raise EOFError

    assert (
        review_in_terminal(report, ask=closed, say=lambda _: None, editor=None, folder=tmp_path).kind
        == "quit"
    )


# --- the graph pauses, survives a restart, and builds what the person approved -------------------


@pytest.fixture
def cli_env(tmp_path: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("P2M_")}
    env.update(P2M_DATA_DIR=str(tmp_path / "data"), P2M_SCREENSHOT_SIZE="96", P2M_PROVIDER="offline")
    return env


def cli(env: dict[str, str], *argv: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "prompt2mesh", *argv],
        env=env,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=240,
    )


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_a_reviewed_run_pauses_then_builds_the_edited_plan_in_a_new_process(
    tmp_path: Path, cli_env: dict[str, str]
) -> None:
    out = tmp_path / "out"
    paused = cli(cli_env, "make", PROMPT, "--out", str(out), "--run-id", "reviewed", "--review")
    assert paused.returncode == 3, paused.stderr
    assert "plan awaiting review" in paused.stdout
    report = json.loads((out / "report.json").read_text())
    assert report["status"] == "awaiting_review" and report["review"]["status"] == "awaiting"
    built = [
        e
        for e in read_events(out / "trace.jsonl")
        if e["type"] == "tool_call" and e["tool"] == "create_primitive"
    ]
    assert built == [] and not (out / "scene.glb").exists()

    # A bad edit is refused with its reasons, from a new process, and the run stays paused.
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"steps": [{**report["plan"][0], "tools": ["summon_dragon"]}]}))
    refused = cli(cli_env, "resume", "reviewed", "--plan", str(bad))
    assert refused.returncode == 3
    assert "plan refused: the plan has 1 steps; give at least 5" in refused.stderr
    assert "unknown tools ['summon_dragon']" in refused.stderr
    assert json.loads((out / "report.json").read_text())["status"] == "awaiting_review"

    # The person moves the scene review before the lighting and rewords the table's step.
    plan_steps = [{**s, "origin": n} for n, s in enumerate(report["plan"], start=1)]
    plan_steps[3], plan_steps[4] = plan_steps[4], plan_steps[3]
    table = next(s for s in plan_steps if "table" in s["action"].lower())
    table["description"] = table["description"] + " Keep it low."
    edited = tmp_path / "edited.json"
    edited.write_text(json.dumps(plan_steps))
    done = cli(cli_env, "resume", "reviewed", "--plan", str(edited))
    assert done.returncode == 0, done.stderr + done.stdout
    final = json.loads((out / "report.json").read_text())
    assert final["status"] == "completed" and final["review"]["status"] == "approved"
    assert [s["action"] for s in final["plan"]] == [s["action"] for s in plan_steps]
    assert final["review"]["original_plan"] == report["plan"]
    changes = final["review"]["changes"]
    assert f"step {table['origin']} edited (description): {table['action']}" in changes
    assert "steps reordered: 1, 2, 3, 5, 4" in changes
    assert "plan changed by the person" in final["final_message"]
    assert (out / "scene.glb").is_file()


# --- re-planning from a changed refined prompt (scripted model) ---------------------------------


@pytest.mark.slow
@pytest.mark.timeout(180)
async def test_a_changed_refined_prompt_is_planned_again_and_paused_again(
    tmp_path: Path, settings: Settings, request_for: Any, roles_for: Any, kit: Any
) -> None:
    first = [f"Build block {i}" for i in range(1, 6)]
    second = [f"Build tall block {i}" for i in range(1, 6)]
    model = kit.script(plans=[plan(*first), plan(*second)])
    roles = roles_for(model)
    request = request_for(review=True)
    async with open_local_worker(tmp_path / "ws") as session:
        paused = await run_make(request, settings, session, roles=roles)
        assert paused["status"] == "awaiting_review"
        assert [s["action"] for s in paused["plan"]] == first
        await request_replan(request.run_id, "Five 2 m tall cubes in a row", settings)
        again = await resume_run(request.run_id, settings, session, out_dir=request.out_dir, roles=roles)
        assert again["status"] == "awaiting_review"
        assert [s["action"] for s in again["plan"]] == second
        assert again["refined_prompt"] == "Five 2 m tall cubes in a row"
        assert again["review"]["changes"] == [
            "refined prompt changed to “Five 2 m tall cubes in a row”; re-planned"
        ]
        # The person's refined prompt went to the planner; the refiner was not asked again.
        assert len(model.turns_of("refiner")) == 1 and len(model.turns_of("planner")) == 2
        assert "Five 2 m tall cubes in a row" in model.turns_of("planner")[-1].text

        await approve_plan(request.run_id, settings)
        with pytest.raises(ReviewNotPending, match="is not waiting for its plan's review"):
            await approve_plan(request.run_id, settings)
        with pytest.raises(ReviewNotPending):
            await edit_plan(request.run_id, [step("Build it")] * 5, settings)
        built = await resume_run(request.run_id, settings, session, out_dir=request.out_dir, roles=roles)
    assert built["status"] == "completed"
    assert [s["action"] for s in built["steps"]] == second
