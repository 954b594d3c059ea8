"""complete: light and frame the scene if the plan did not, save .blend and .glb, report."""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from prompt2mesh.agent.context import ArtisanContext
from prompt2mesh.agent.nodes._shared import save_png, warn
from prompt2mesh.agent.report import build_report, final_message, write_report
from prompt2mesh.agent.state import ArtisanState


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
    message = final_message(done)
    done["final_message"] = message
    report = build_report(done, provider=ctx.roles.provider, models=ctx.roles.model_names)
    write_report(report, ctx.out_dir)
    return {"warnings": warnings, "artifacts": artifacts, "status": status, "final_message": message}
