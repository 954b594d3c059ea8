"""Sizes read from a recipe's own build calls (no Blender needed): each part's local box.

Recipes declare a bounding ``size`` and a ``surface``; the calls they emit are the truth. The
layout uses this to rest things on what is really highest (a fence's posts, a sofa's back).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from prompt2mesh.roles.interface import ToolCall

Box = tuple[tuple[float, float, float], tuple[float, float, float]]


def _rotate(v: Sequence[float], rot_deg: Sequence[float]) -> tuple[float, float, float]:
    """Blender's XYZ Euler rotation (degrees) of ``v``."""
    x, y, z = v
    ax, ay, az = (math.radians(a) for a in rot_deg)
    y, z = y * math.cos(ax) - z * math.sin(ax), y * math.sin(ax) + z * math.cos(ax)
    x, z = x * math.cos(ay) + z * math.sin(ay), -x * math.sin(ay) + z * math.cos(ay)
    x, y = x * math.cos(az) - y * math.sin(az), x * math.sin(az) + y * math.cos(az)
    return (x, y, z)


def _half(args: dict[str, Any]) -> tuple[float, float, float] | None:
    kind = args.get("kind")
    sx, sy, sz = (float(v) for v in (args.get("scale") or (1.0, 1.0, 1.0)))
    if kind in ("cube", "plane", "grid"):
        size = float(args.get("size") or 2.0) / 2
        return (size * sx, size * sy, 0.0 if kind != "cube" else size * sz)
    if kind in ("uv_sphere", "ico_sphere"):
        r = float(args.get("radius") or 1.0)
        return (r * sx, r * sy, r * sz)
    if kind in ("cylinder", "cone"):
        r = max(float(args.get("radius") or 1.0), float(args.get("radius_top") or 0.0))
        return (r * sx, r * sy, float(args.get("depth") or 2.0) / 2 * sz)
    if kind == "torus":
        major, minor = float(args.get("radius") or 1.0), float(args.get("minor_radius") or 0.25)
        return ((major + minor) * sx, (major + minor) * sy, minor * sz)
    return None


def part_boxes(calls: Sequence[ToolCall], root: str) -> list[Box]:
    """Local boxes of the primitives parented directly to ``root`` (others are skipped)."""
    out: list[Box] = []
    for call in calls:
        if call.tool != "create_primitive" or call.args.get("parent") != root:
            continue
        half = _half(call.args)
        if half is None:
            continue
        at = [float(v) for v in (call.args.get("location") or (0.0, 0.0, 0.0))]
        rot = [float(v) for v in (call.args.get("rotation") or (0.0, 0.0, 0.0))]
        corners = [
            _rotate((sx * half[0], sy * half[1], sz * half[2]), rot)
            for sx in (-1, 1)
            for sy in (-1, 1)
            for sz in (-1, 1)
        ]
        lo = tuple(at[i] + min(c[i] for c in corners) for i in range(3))
        hi = tuple(at[i] + max(c[i] for c in corners) for i in range(3))
        out.append((lo, hi))  # type: ignore[arg-type]
    return out


def highest_spot(calls: Sequence[ToolCall], root: str) -> tuple[float, float, float] | None:
    """(x, y, top) of the highest part nearest the centre, in the root's local frame."""
    boxes = part_boxes(calls, root)
    if not boxes:
        return None
    top = max(b[1][2] for b in boxes)
    highest = [b for b in boxes if b[1][2] >= top - 0.01]
    best = min(highest, key=lambda b: math.hypot((b[0][0] + b[1][0]) / 2, (b[0][1] + b[1][1]) / 2))
    return ((best[0][0] + best[1][0]) / 2, (best[0][1] + best[1][1]) / 2, top)
