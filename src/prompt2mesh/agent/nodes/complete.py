"""complete: light and frame the scene if the plan did not, judge the finished scene against the
prompt (the run's one final score), save .blend and .glb, report."""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from prompt2mesh.agent.context import ArtisanContext
from prompt2mesh.agent.nodes._shared import save_png, warn
from prompt2mesh.agent.report import build_report, final_message, write_report
from prompt2mesh.agent.state import ArtisanState
from prompt2mesh.roles.interface import PlanStep, ToolCall

FINAL_ACTION = "Judge the finished scene against the prompt"


async def _final_judgement(
    ctx: ArtisanContext, state: ArtisanState, png: bytes | None
) -> tuple[dict[str, Any] | None, list[str]]:
    """The critic's verdict on the whole scene against the prompt (not an average of steps)."""
    warnings = list(state.get("warnings", []))
    if png is None:
        return None, warn(ctx, {"warnings": warnings}, "no final screenshot: the scene was not judged")
    plan = state.get("plan", [])
    step = PlanStep(
        number=len(plan) + 1,
        action=FINAL_ACTION,
        description=f"The whole finished scene against the request: {state.get('prompt', '')}",
        tools=["analyze_scene_problems"],
        calls=[ToolCall(tool="analyze_scene_problems", args={"ground_z": 0.0, "tolerance": 0.02})],
        expected_outcome="Everything the prompt asks for is there, where and as the prompt says.",
    )
    rc = ctx.role_context(step=step.number, total_steps=len(plan), requirement=state.get("refined_prompt"))
    try:
        critique = await ctx.roles.critic.critique(step, png, rc)
    except Exception as exc:  # noqa: BLE001 - a failed verdict must not lose the saved scene
        return None, warn(ctx, {"warnings": warnings}, f"the final judgement failed: {exc}")
    ctx.trace.event(
        "final_judgement", score=critique.score, analysis=critique.analysis, issues=critique.issues
    )
    return critique.model_dump(exclude={"fix_calls"}), warnings


async def _ensure_light_and_camera(ctx: ArtisanContext, state: ArtisanState) -> list[str]:
    warnings = list(state.get("warnings", []))
    info = await ctx.call("get_scene_info", {"limit": 1})
    if not info.ok or not isinstance(info.result, dict):
        return warn(ctx, {"warnings": warnings}, f"could not read the scene before export: {info.error}")
    counts = info.result.get("counts", {})
    if not counts.get("objects"):
        return warnings
    steps: list[tuple[str, dict[str, Any]]] = []
    if not info.result.get("lights"):
        steps.append(("setup_lighting", {"preset": "three_point"}))
    if not info.result.get("camera"):
        steps.append(("frame_camera", {}))
    for tool, args in steps:
        done = await ctx.call(tool, args)
        if not done.ok:
            warnings = warn(ctx, {"warnings": warnings}, f"{tool} failed before export: {done.error}")
    return warnings


async def complete(state: ArtisanState, runtime: Runtime[ArtisanContext]) -> dict[str, Any]:
    ctx = runtime.context
    warnings = await _ensure_light_and_camera(ctx, state)
    shot = await ctx.call(
        "get_viewport_screenshot", {"max_size": ctx.settings.screenshot_size, "camera": "auto"}
    )
    final_shot = save_png(ctx, "screenshots/final.png", shot)
    if final_shot:
        ctx.trace.event("screenshot", step=None, file=final_shot)
    judgement, warnings = await _final_judgement(
        ctx,
        {**state, "warnings": warnings},
        shot.images[0] if final_shot and shot.images else None,  # type: ignore[typeddict-item]
    )
    artifacts: dict[str, str | None] = {"blend": None, "glb": None, "screenshot": final_shot}
    saved = await ctx.call("save_blend", {"filename": ctx.artifact("scene.blend")})
    if saved.ok:
        artifacts["blend"] = ctx.artifact("scene.blend")
    else:
        warnings = warn(ctx, {"warnings": warnings}, f"save_blend failed: {saved.error}")
    exported = await ctx.call("export_scene", {"format": "glb", "filename": ctx.artifact("scene.glb")})
    if exported.ok:
        artifacts["glb"] = ctx.artifact("scene.glb")
    else:
        warnings = warn(ctx, {"warnings": warnings}, f"glb export failed: {exported.error}")
    status = "halted" if state.get("critical_error") else "completed"
    done: ArtisanState = {**state, "warnings": warnings, "artifacts": artifacts, "status": status}  # type: ignore[typeddict-item]
    message = final_message(done, judgement)
    done["final_message"] = message
    report = build_report(
        done, provider=ctx.roles.provider, models=ctx.roles.model_names, judgement=judgement
    )
    write_report(report, ctx.out_dir)
    return {
        "warnings": warnings,
        "artifacts": artifacts,
        "status": status,
        "final_message": message,
        "final_judgement": judgement,
    }
