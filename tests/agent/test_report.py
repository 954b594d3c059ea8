"""The run report and the final message."""

from __future__ import annotations

import json
from pathlib import Path

from prompt2mesh.agent.report import build_report, final_message, write_report
from prompt2mesh.agent.state import ArtisanState, new_step_record


def state_with(scores: list[list[int]], refinements: list[int]) -> ArtisanState:
    steps = []
    for i, (s, r) in enumerate(zip(scores, refinements, strict=True), start=1):
        record = new_step_record({"number": i, "action": f"Step {i}"})
        record.update(status="accepted", scores=s, refinements=r)
        steps.append(record)
    return {"run_id": "r1", "prompt": "p", "steps": steps, "usage": {"input_tokens": 10, "output_tokens": 3}}


def test_the_final_message_counts_steps_refinements_and_average_quality() -> None:
    state = state_with([[5, 8], [7], [4, 6, 9]], [1, 0, 2])
    assert final_message(state) == "3 steps executed, 3 refinements, average quality 8.0/10"


def test_the_report_has_the_contract_fields_and_totals(tmp_path: Path) -> None:
    report = build_report(state_with([[5, 8], [7]], [1, 0]), provider="offline")
    assert set(report) >= {
        "run_id", "prompt", "refined_prompt", "provider", "models", "plan", "steps", "totals",
        "artifacts", "status", "error", "warnings",
    }  # fmt: skip
    totals = report["totals"]
    assert totals["average_score"] == 7.5 and totals["initial_average_score"] == 6.0
    assert totals["refinements"] == 1 and totals["input_tokens"] == 10 and totals["output_tokens"] == 3
    path = write_report(report, tmp_path)
    assert json.loads(path.read_text())["totals"] == totals
    assert not list(tmp_path.glob("*.partial"))


def test_a_crashed_run_is_reported_failed_with_its_error() -> None:
    report = build_report(
        state_with([[8]], [0]), provider="x", status="failed", error="WorkerUnavailable: gone"
    )
    assert report["status"] == "failed" and report["error"] == "WorkerUnavailable: gone"


def test_the_final_score_is_the_judgement_of_the_finished_scene_not_the_average() -> None:
    state = state_with([[9], [10], [9]], [0, 0, 0])
    state["final_judgement"] = {
        "score": 3,
        "analysis": "the subject is missing",
        "issues": ["the prompt's subject 'frog' is not in the scene (not understood)"],
    }
    report = build_report(state, provider="offline")
    assert report["totals"]["final_score"] == 3 and report["totals"]["average_score"] > 9
    assert report["not_honoured"] == ["the prompt's subject 'frog' is not in the scene (not understood)"]
    message = final_message(state, state["final_judgement"])
    assert "final score 3/10 (NOT what was asked: the prompt's subject 'frog'" in message


def test_an_unjudged_run_has_no_final_score() -> None:
    report = build_report(state_with([[8]], [0]), provider="offline")
    assert report["totals"]["final_score"] is None and report["not_honoured"] == []
