"""analyze_scene: read the scene, take the first screenshot, note earlier work (for resume)."""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from prompt2mesh.agent.context import ArtisanContext
from prompt2mesh.agent.nodes._shared import anchor_name, save_png, screenshot_name, warn
from prompt2mesh.agent.state import ArtisanState

EXISTING_WORK_OBJECTS = 3
"""More objects than this means an earlier run's work is in the scene (SPEC section 1)."""


def scene_digest(info: dict[str, Any]) -> dict[str, Any]:
    """The part of ``get_scene_info`` worth keeping in state (planner input, resume check)."""
    objects = info.get("objects") or []
    return {
        "counts": info.get("counts", {}),
        "total": info.get("total", len(objects)),
        "objects": [
            {k: o.get(k) for k in ("name", "type", "location", "dimensions", "parent", "materials")}
            for o in objects
            if isinstance(o, dict)
        ],
        "camera": info.get("camera"),
        "lights": info.get("lights", []),
    }


async def analyze_scene(state: ArtisanState, runtime: Runtime[ArtisanContext]) -> dict[str, Any]:
    ctx = runtime.context
    warnings = list(state.get("warnings", []))
    info = await ctx.call("get_scene_info", {"limit": 200}, step=0)
    scene = scene_digest(info.result) if info.ok and isinstance(info.result, dict) else {"objects": []}
    if not info.ok:
        warnings = warn(ctx, state, f"could not read the scene: {info.error}")
    shot = await ctx.call("get_viewport_screenshot", {"max_size": ctx.settings.screenshot_size}, step=0)
    name = save_png(ctx, screenshot_name(0, 1), shot)
    if name:
        ctx.trace.event("screenshot", step=0, file=name)
    # The scene the run starts from is the first resume anchor: a restarted worker reopens it.
    saved = await ctx.call("save_blend", {"filename": ctx.artifact(anchor_name(state["run_id"], 0))}, step=0)
    if not saved.ok:
        warnings = warn(ctx, {"warnings": warnings}, f"could not save the initial scene: {saved.error}")
    count = int(scene.get("total") or len(scene.get("objects", [])))
    return {
        "scene": scene,
        "existing_work": count > EXISTING_WORK_OBJECTS,
        "warnings": warnings,
        "last_saved_step": 0,
    }
