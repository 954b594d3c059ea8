"""Reading the scene back through the worker's inspection tools (for the critic and resume)."""

from __future__ import annotations

import colorsys
from typing import Any

from prompt2mesh.roles.interface import ToolRunner
from prompt2mesh.roles.offline.errors import SceneReadError


async def _call(runner: ToolRunner, tool: str, args: dict[str, Any] | None = None) -> Any:
    result = await runner.call(tool, args or {})
    if not result.ok:
        raise SceneReadError(f"{tool} failed: {result.error}")
    return result.result


async def scene_objects(runner: ToolRunner) -> list[dict[str, Any]]:
    """Every object summary, all pages of ``get_scene_info``.

    Raises:
        SceneReadError: when the worker refuses ``get_scene_info``.
    """
    out: list[dict[str, Any]] = []
    offset: int | None = 0
    while offset is not None:
        page = await _call(runner, "get_scene_info", {"offset": offset, "limit": 200})
        out.extend(page.get("objects", []))
        offset = page.get("next_offset")
    return out


async def bounding_boxes(runner: ToolRunner) -> dict[str, dict[str, list[float]]]:
    """World boxes of every object with geometry (empties: union of their descendants)."""
    data = await _call(runner, "get_bounding_boxes", {})
    return dict(data.get("boxes", {}))


async def material_colors(runner: ToolRunner) -> dict[str, str]:
    data = await _call(runner, "list_materials", {})
    return {m["name"]: m["color"] for m in data.get("materials", [])}


async def scene_problems(runner: ToolRunner) -> dict[str, Any]:
    return dict(await _call(runner, "analyze_scene_problems", {"ground_z": 0.0, "tolerance": 0.02}))


def color_classes(hex_color: str) -> set[str]:
    """The evaluation's colour classes of an sRGB hex colour (same thresholds as the checker)."""
    r, g, b = (int(hex_color[i : i + 2], 16) / 255 for i in (1, 3, 5))
    return classes_of_rgb(r, g, b)


def classes_of_rgb(r: float, g: float, b: float) -> set[str]:
    h, s, v = colorsys.rgb_to_hsv(r, g, b)
    h *= 360
    out: set[str] = set()
    if v < 0.15:
        out.add("black")
    if s < 0.18:
        if v > 0.82:
            out.add("white")
        if 0.15 <= v <= 0.85:
            out.add("gray")
        if v >= 0.45:
            out.add("silver")
        return out or {"gray"}
    if v < 0.15:
        return out
    for lo, hi, names in _HUES:
        if lo <= h < hi:
            out |= names
    if "orange" in out and v < 0.65 or "yellow" in out and v < 0.5:
        out.add("brown")
    if "red" in out and v > 0.7 and s < 0.6:
        out.add("pink")
    if (h < 42 or h >= 342) and v < 0.55:
        out.add("brown")
    return out


_HUES: tuple[tuple[float, float, set[str]], ...] = (
    (0, 16, {"red"}),
    (342, 361, {"red"}),
    (16, 42, {"orange"}),
    (42, 68, {"yellow", "gold"}),
    (68, 170, {"green"}),
    (170, 200, {"cyan", "blue"}),
    (200, 258, {"blue"}),
    (258, 290, {"purple"}),
    (290, 342, {"pink", "purple"}),
)


def main_class(hex_color: str) -> str:
    """One word for a colour (for feedback text)."""
    classes = color_classes(hex_color)
    for word in (
        "red",
        "orange",
        "yellow",
        "green",
        "blue",
        "purple",
        "pink",
        "brown",
        "white",
        "black",
        "gray",
    ):
        if word in classes:
            return word
    return sorted(classes)[0] if classes else "gray"
