"""assess_quality: pass at the threshold, refine below it, accept after the last refinement."""

from __future__ import annotations

from typing import Any, Literal

from langgraph.runtime import Runtime

from prompt2mesh.agent.context import ArtisanContext
from prompt2mesh.agent.nodes._shared import current_step, warn
from prompt2mesh.agent.nodes.execute_step import has_work
from prompt2mesh.agent.state import ArtisanState, replace_step

Route = Literal["refine_step", "evaluate_progress"]


def pass_score(ctx: ArtisanContext, index: int) -> int:
    """The first ``critical_steps`` steps need ``critical_pass_score`` (7), the rest ``pass_score`` (6)."""
    settings = ctx.settings
    return settings.critical_pass_score if index < settings.critical_steps else settings.pass_score


async def assess_quality(state: ArtisanState, runtime: Runtime[ArtisanContext]) -> dict[str, Any]:
    if not has_work(state):
        return {"decision": "evaluate_progress"}
    ctx = runtime.context
    index, step = current_step(state)
    record = state["steps"][index]
    threshold = pass_score(ctx, index)
    limit = state.get("max_refinements", ctx.settings.max_refinements) if state.get("refine", True) else 0
    score = record["scores"][-1] if record["scores"] else None

    def accept(status: str, note: str | None = None) -> dict[str, Any]:
        update: dict[str, Any] = {
            "decision": "evaluate_progress",
            "steps": replace_step(state, index, status=status),
        }
        if note:
            update["warnings"] = warn(ctx, state, note, step=step.number)
        return update

    if record["refinement_failed"]:
        return accept("accepted", f"step {step.number}: refinement failed; step accepted as it is")
    if score is None:
        return accept("accepted")
    if score >= threshold:
        return accept("accepted")
    if record["refinements"] < limit:
        last = record["critiques"][-1] if record["critiques"] else {}
        if not last.get("fix_calls") and not last.get("suggestions"):
            # A refinement answers a measured problem; with no repair named there is nothing to run.
            return accept(
                "accepted",
                f"step {step.number}: score {score} < {threshold} and the critic names no repair; "
                "accepted as it is",
            )
        return {"decision": "refine_step"}
    note = (
        f"step {step.number}: score {score} < {threshold} after {record['refinements']} refinements; "
        "accepted as it is"
    )
    return accept("accepted_after_max_refinements", note)


def route_after_assess(state: ArtisanState) -> Route:
    """Where assess_quality sends the run."""
    return "refine_step" if state.get("decision") == "refine_step" else "evaluate_progress"
