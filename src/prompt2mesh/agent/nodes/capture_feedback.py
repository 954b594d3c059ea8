"""capture_feedback: screenshot the scene and have the critic score the step (1-10)."""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from prompt2mesh.agent.context import ArtisanContext
from prompt2mesh.agent.nodes._shared import add_usage, current_step, save_png, screenshot_name, warn
from prompt2mesh.agent.nodes.execute_step import has_work
from prompt2mesh.agent.state import ArtisanState, replace_step
from prompt2mesh.agent.tool_filter import judged_rendered
from prompt2mesh.roles.interface import PlanStep, ToolResult

RENDER_SAMPLES = 8
"""A quick path-traced look: enough to see lights, world, metal and glow, not to be pretty."""


async def _picture(ctx: ArtisanContext, step: PlanStep) -> ToolResult:
    """A quick render for a step about lights, world or materials (a solid-shaded screenshot
    shows none of them) when the critic judges renders; the viewport screenshot otherwise or
    when the render fails. A render costs seconds (tens under load), a screenshot a fraction."""
    size = ctx.settings.screenshot_size
    if ctx.roles.critic.judges_renders and judged_rendered(step, await ctx.tools()):
        width, height = await _render_size(ctx, size)
        render = await ctx.call(
            "render_image",
            {"engine": "cycles", "samples": RENDER_SAMPLES, "width": width, "height": height},
            step=step.number,
        )
        if render.ok and render.images:
            return render
    return await ctx.call("get_viewport_screenshot", {"max_size": size}, step=step.number)


async def _render_size(ctx: ArtisanContext, size: int) -> tuple[int, int]:
    """Longest side ``size`` in the scene's own aspect: ``frame_camera`` frames for that aspect,
    so a square picture of a 16:9 framing showed real models a subject lost in empty space."""
    settings = await ctx.runner.call("get_render_settings", {})
    resolution = (
        settings.result.get("resolution") if settings.ok and isinstance(settings.result, dict) else None
    )
    if not resolution or min(resolution) < 1:
        return size, size
    w, h = resolution
    return (size, max(16, round(size * h / w))) if w >= h else (max(16, round(size * w / h)), size)


async def capture_feedback(state: ArtisanState, runtime: Runtime[ArtisanContext]) -> dict[str, Any]:
    if not has_work(state):
        return {}
    ctx = runtime.context
    index, step = current_step(state)
    record = state["steps"][index]
    shot = await _picture(ctx, step)
    name = save_png(
        ctx, screenshot_name(step.number, len(record["screenshots"]) + 1, record["refinements"]), shot
    )
    if name is None:
        warnings = warn(ctx, state, f"step {step.number}: no screenshot ({shot.error}); accepting unjudged")
        return {"warnings": warnings}
    ctx.trace.event("screenshot", step=step.number, file=name, refinement=record["refinements"])
    rc = ctx.role_context(
        step=step.number, total_steps=len(state["plan"]), requirement=state.get("refined_prompt")
    )
    critique = await ctx.roles.critic.critique(step, shot.images[0], rc)
    ctx.trace.event(
        "critique",
        step=step.number,
        attempt=len(record["scores"]) + 1,
        refinement=record["refinements"],
        score=critique.score,
        analysis=critique.analysis,
        issues=critique.issues,
        suggestions=critique.suggestions,
    )
    return {
        "steps": replace_step(
            state,
            index,
            screenshots=[*record["screenshots"], name],
            scores=[*record["scores"], critique.score],
            critiques=[*record["critiques"], critique.model_dump()],
        ),
        "usage": add_usage(state, rc.usage),
    }
