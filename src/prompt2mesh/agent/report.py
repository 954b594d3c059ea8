"""The run report (``report.json``, docs/CONTRACT.md section 5), built from the graph state."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from prompt2mesh.agent.critic_notes import open_issues
from prompt2mesh.agent.review import review_view
from prompt2mesh.agent.state import ArtisanState


def _mean(values: list[int]) -> float | None:
    return round(sum(values) / len(values), 2) if values else None


def build_report(
    state: ArtisanState,
    *,
    provider: str,
    models: dict[str, str] | None = None,
    status: str | None = None,
    error: str | None = None,
    judgement: dict[str, Any] | None = None,
) -> dict[str, Any]:
    """The report for ``state``; ``status``/``error`` override the state's (a run that crashed).

    ``judgement`` is the critic's verdict on the finished scene against the prompt: its score is
    ``totals.final_score`` and its issues are ``not_honoured`` (None: the run was not judged).
    """
    judgement = judgement or state.get("final_judgement")
    steps = state.get("steps", [])
    worked = [s for s in steps if s["status"] != "skipped_resumed"]
    finals = [s["scores"][-1] for s in worked if s["scores"]]
    firsts = [s["scores"][0] for s in worked if s["scores"]]
    calls = [c for s in steps for c in s["tool_calls"]]
    usage = state.get("usage") or {}
    refined = state.get("refined_prompt") or {}
    return {
        "run_id": state.get("run_id"),
        "prompt": state.get("prompt"),
        "refined_prompt": refined.get("refined"),
        "refined_prompt_details": refined.get("details", {}),
        "provider": provider,
        "models": dict(models or {}),
        "plan": state.get("plan", []),
        "steps": [
            {
                "number": s["number"],
                "action": s["action"],
                "description": s["description"],
                "status": s["status"],
                "scores": s["scores"],
                "refinements": s["refinements"],
                "refinement_failed": s["refinement_failed"],
                "tool_calls": s["tool_calls"],
                "screenshots": s["screenshots"],
                "duration_s": round(s["duration_s"], 3),
                "critiques": s["critiques"],
            }
            for s in steps
        ],
        "totals": {
            "steps": len(worked),
            "steps_done": sum(1 for s in worked if s["status"].startswith("accepted")),
            "refinements": sum(s["refinements"] for s in steps),
            "final_score": judgement["score"] if judgement else None,
            "average_score": _mean(finals),
            "initial_average_score": _mean(firsts),
            "duration_s": round(float(state.get("elapsed_s", 0.0)), 3),
            "tool_calls": len(calls),
            "failed_tool_calls": sum(1 for c in calls if not c.get("ok", True)),
            "model_calls": int(usage.get("calls", 0)),
            "input_tokens": int(usage.get("input_tokens", 0)),
            "output_tokens": int(usage.get("output_tokens", 0)),
        },
        "artifacts": dict(state.get("artifacts") or {"blend": None, "glb": None}),
        "status": status or state.get("status", "running"),
        "error": error if error is not None else state.get("critical_error"),
        "warnings": list(state.get("warnings", [])),
        "open_issues": open_issues(steps),  # type: ignore[arg-type]
        "not_honoured": list(judgement.get("issues", [])) if judgement else [],
        "final_judgement": judgement.get("analysis") if judgement else None,
        "final_message": state.get("final_message") or final_message(state, judgement),
        "plan_source": state.get("plan_source"),
        "review": review_view(state),
    }


def plan_origin(state: ArtisanState) -> str | None:
    """ "plan reused from run X" / "plan given by the person", or None for a planner's plan."""
    source = state.get("plan_source") or {}
    if source.get("kind") == "cache":
        origin = f"run {source['run_id']}" if source.get("run_id") else "another user's run (shared cache)"
        return f"plan reused from {origin}"
    if source.get("kind") == "given":
        return "plan given by the person"
    return None


def final_message(state: ArtisanState, judgement: dict[str, Any] | None = None) -> str:
    """``"8 steps executed, 3 refinements, average quality 7.8/10; final score 8/10"``, plus what
    the finished scene does not honour when the final score is below the pass mark."""
    steps = [s for s in state.get("steps", []) if s["status"] != "skipped_resumed"]
    executed = sum(1 for s in steps if s["status"] != "pending")
    refinements = sum(s["refinements"] for s in steps)
    finals = [s["scores"][-1] for s in steps if s["scores"]]
    average = _mean(finals)
    quality = f"average quality {average:.1f}/10" if average is not None else "no quality scores"
    message = f"{executed} steps executed, {refinements} refinements, {quality}"
    origin = plan_origin(state)
    if origin:
        message += f"; {origin}"
    review = review_view(state)
    if review and review["changes"]:
        message += f"; plan changed by the person ({len(review['changes'])} changes)"
    notes = open_issues(steps)  # type: ignore[arg-type]
    if notes:
        message += f"; {len(notes)} steps with open critic notes (report: open_issues)"
    if judgement:
        score = judgement["score"]
        message += f"; final score {score}/10"
        issues = [str(i) for i in judgement.get("issues", [])]
        if issues:
            verdict = "NOT what was asked" if score <= 5 else "with faults"
            message += f" ({verdict}: {'; '.join(issues[:3])}{' ...' if len(issues) > 3 else ''})"
    if state.get("critical_error"):
        message += f"; halted: {state['critical_error']}"
    return message


def write_report(report: dict[str, Any], out_dir: Path) -> Path:
    """Write ``out_dir/report.json`` (atomically: a reader never sees half a report)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / "report.json"
    partial = path.with_suffix(".json.partial")
    partial.write_text(json.dumps(report, indent=2, default=str), encoding="utf-8")
    partial.replace(path)
    return path
