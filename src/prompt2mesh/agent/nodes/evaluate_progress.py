"""evaluate_progress: save the accepted step, warn about recurring problems, advance."""

from __future__ import annotations

from collections import Counter
from typing import Any, Literal

from langgraph.runtime import Runtime

from prompt2mesh.agent.context import ArtisanContext
from prompt2mesh.agent.nodes._shared import anchor_name, current_step, warn
from prompt2mesh.agent.nodes.execute_step import has_work
from prompt2mesh.agent.state import ArtisanState, StepRecord

Route = Literal["execute_step", "complete"]

RECENT_CRITIQUES = 3
PREVIEW_GLB = "preview.glb"


def recurring_issues(steps: list[StepRecord], upto: int) -> list[str]:
    """Issues named in at least two of the last three critiques (across steps)."""
    critiques = [c for record in steps[: upto + 1] for c in record["critiques"]][-RECENT_CRITIQUES:]
    seen: Counter[str] = Counter()
    for critique in critiques:
        seen.update(
            {str(issue).strip().lower() for issue in critique.get("issues", []) if str(issue).strip()}
        )
    return [issue for issue, n in seen.items() if n >= 2]


async def evaluate_progress(state: ArtisanState, runtime: Runtime[ArtisanContext]) -> dict[str, Any]:
    if not has_work(state):
        return {}
    ctx = runtime.context
    index, step = current_step(state)
    record = state["steps"][index]
    warnings = list(state.get("warnings", []))
    # Anchor first, then the artifact: on resume the anchor's presence proves the step is saved.
    for filename in (anchor_name(state["run_id"], step.number), "scene.blend"):
        saved = await ctx.call("save_blend", {"filename": ctx.artifact(filename)}, step=step.number)
        if not saved.ok:
            warnings = warn(ctx, {"warnings": warnings}, f"step {step.number}: save failed: {saved.error}")
    if ctx.settings.live_preview:
        # The model so far, for the web viewer's live preview (and a partial download).
        preview = await ctx.call(
            "export_scene", {"format": "glb", "filename": ctx.artifact(PREVIEW_GLB)}, step=step.number
        )
        if preview.ok:
            ctx.trace.event("preview", step=step.number, file=PREVIEW_GLB)
    ctx.trace.event(
        "step_accepted",
        step=step.number,
        status=record["status"],
        scores=record["scores"],
        refinements=record["refinements"],
        duration_s=round(record["duration_s"], 3),
    )
    for issue in recurring_issues(state["steps"], index):
        warnings = warn(ctx, {"warnings": warnings}, f"recurring problem in recent steps: {issue}")
    following = next(
        (i for i in range(index + 1, len(state["plan"])) if state["steps"][i]["status"] == "pending"),
        len(state["plan"]),
    )
    return {"current": following, "last_saved_step": step.number, "warnings": warnings, "decision": None}


def route_after_progress(state: ArtisanState) -> Route:
    """Steps remain -> execute_step; all done or a critical error -> complete."""
    return "execute_step" if has_work(state) else "complete"
