"""One rule per relation: where a group goes relative to its target (used by ``layout``)."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

from prompt2mesh.roles.offline.measure import highest_spot
from prompt2mesh.roles.offline.recipes.base import Vec3

if TYPE_CHECKING:
    from prompt2mesh.roles.offline.layout import Layout, Placement

TREE_KINDS = frozenset({"christmas_tree", "tree", "pine", "pine_tree", "palm_tree", "fir", "spruce"})


def _rot(x: float, y: float, deg: float) -> tuple[float, float]:
    a = math.radians(deg)
    return x * math.cos(a) - y * math.sin(a), x * math.sin(a) + y * math.cos(a)


def _gap(a: Placement, b: Placement) -> float:
    """A visible but close gap between neighbours (the eye reads it as 'next to')."""
    return min(1.0, max(0.08, 0.12 * max(a.size[0], a.size[1], b.size[0], b.size[1])))


def _set(p: Placement, x: float, y: float, z: float, relation: str, target: Placement) -> None:
    p.location = (round(x, 4), round(y, 4), round(max(0.0, z), 4))
    p.relation, p.target = relation, target.name


def _fit(group: list[Placement], half_x: float, half_y: float, limit: float = 0.3) -> tuple[int, int]:
    """Shrink the group (not below ``limit``) so a grid of it fits inside the half extents."""
    n = len(group)
    cols = max(1, math.ceil(math.sqrt(n)))
    rows = math.ceil(n / cols)
    w, d, _ = group[0].size
    factor = min(1.0, (2 * half_x * 0.9) / (cols * w * 1.15), (2 * half_y * 0.9) / (rows * d * 1.15))
    if n == 1 and w * d > 4 * half_x * half_y:
        return cols, rows  # bigger than its support (a cat on a book): it overhangs
    if factor < 1.0:
        for p in group:
            p.scale *= max(limit, factor)
    return cols, rows


def _grid(group: list[Placement], cx: float, cy: float, z: float, rel: str, target: Placement) -> None:
    cols, rows = _fit(group, *target.surface().top_half_extent) if rel == "on" else (len(group), 1)
    w, d, _ = group[0].size
    if rel == "in":
        opening = target.surface().opening_radius or min(target.size[0], target.size[1]) / 2
        cols, rows = (
            max(1, math.ceil(math.sqrt(len(group)))),
            math.ceil(len(group) / max(1, math.ceil(math.sqrt(len(group))))),
        )
        w = d = min(w, opening * 0.8)
    for i, p in enumerate(group):
        r, c = divmod(i, cols)
        x = cx + (c - (min(cols, len(group)) - 1) / 2) * w * 1.15
        y = cy + (r - (rows - 1) / 2) * d * 1.15
        _set(p, x, y, z, rel, target)


def place_relative(
    group: list[Placement], relation: str, targets: list[Placement], arrangement: str | None, layout: Layout
) -> None:
    """Place ``group`` by ``relation`` to ``targets`` (pairwise when the counts match)."""
    if len(targets) == len(group) > 1 and relation not in ("around", "decoration"):
        for p, t in zip(group, targets, strict=True):
            place_relative([p], relation, [t], None, layout)
        return
    t = targets[0]
    tx, ty, tz = t.location
    surf = t.surface()
    if relation in ("on", "stacked"):
        top = surf.top_z
        cx, cy = _rot(*surf.top_center, t.rotation_z)
        tx, ty = tx + cx, ty + cy
        declared = t.info.recipe is not None and t.info.recipe.publishes_support
        spot = None if declared else _highest(t)
        if spot is not None and spot[2] > top + 0.02 + 0.05 * max(t.size[2], group[0].size[2]):
            # Something stands higher than the declared top (a sofa's back, a fence's posts):
            # 'on' means on the highest part; cats do lie on sofa backs.
            top = spot[2]
            bx, by = _rot(spot[0], spot[1], t.rotation_z)
            tx, ty = t.location[0] + bx, t.location[1] + by
        if arrangement == "stack":
            z = tz + top
            for p in group:
                _set(p, tx, ty, z, "on", t)
                z += p.surface().top_z
            return
        if arrangement in ("pile", "pyramid"):
            heap(group, arrangement, (tx, ty, tz + top))
            for p in group:
                p.relation, p.target = "on", t.name
            return
        _grid(group, tx, ty, tz + top, "on", t)
    elif relation == "in":
        floor = surf.inner_floor_z if surf.inner_floor_z is not None else 0.1 * t.size[2]
        _grid(group, tx, ty, tz + floor, "in", t)
    elif relation == "top_of":
        apex = _apex(t)
        for p in group:
            sink = 0.08 * p.size[2]
            _set(p, apex[0], apex[1], apex[2] - sink, "top_of", t)
            p.flies = True
            if t.kind in TREE_KINDS or p.kind == "star":
                p.parent = t.name
    elif relation == "above":
        lift = max(0.3, 0.25 * t.size[2])
        for i, p in enumerate(group):
            off = (i - (len(group) - 1) / 2) * p.size[0] * 1.4
            _set(p, tx + off, ty, tz + t.size[2] + lift, "above", t)
            p.flies = True
    elif relation == "under":
        clearance = (surf.top_z if surf.top_z < t.size[2] * 0.99 else t.size[2]) * 0.85
        for p in group:
            if p.size[2] > clearance > 0:
                p.scale *= max(0.25, clearance / p.size[2])
        base = 0.0 if t.flies else tz
        if t.kind in TREE_KINDS or (t.info.recipe is not None and t.info.recipe.category == "nature"):
            # Under a tree: around the trunk, in the canopy's shade, not inside the trunk.
            reach = min(t.footprint())
            radius = min(max(0.3 * reach, group[0].size[0] * 1.5), 0.6 * reach)
            for i, p in enumerate(group):
                a = 2 * math.pi * i / len(group) - math.pi / 4
                _set(p, tx + radius * math.cos(a), ty + radius * math.sin(a), base, "under", t)
        else:
            _grid(group, tx, ty, base, "under", t)
    elif relation in ("hanging_on", "leaning_against", "worn"):
        _against(group, t, relation)
    elif relation == "around":
        _ring(group, t)
    elif relation == "decoration":
        _decorate(group, t)
    elif relation == "marking":
        _decorate(group, t, marking_points(t, len(group)))
    else:  # next_to, in_front_of, behind
        _beside(group, t, relation, layout)


ROUND_KINDS = frozenset(
    {"ball", "sphere", "orange", "apple", "fruit", "lemon", "pear", "egg", "pumpkin", "ornament", "watermelon",
     "rock", "planet", "small_animal", "snowball", "coin", "donut", "cookie", "strawberry"}
)  # fmt: skip
"""Kinds that settle into the gaps of the layer below when heaped (spheres, not boxes)."""


def heap(group: list[Placement], arrangement: str, base: Vec3) -> None:
    """'stacked in a pyramid', 'a pile of': layers of n, n-1, ... 1 in a triangle seen from
    the front (round things sink into the gaps below them); flat things in a pile are a stack."""
    x0, y0, z0 = base
    w, d, h = group[0].size
    if arrangement == "pile" and h < 0.35 * min(w, d):
        z = z0
        for i, p in enumerate(group):
            # A pile of papers is a slightly untidy stack.
            p.location = (
                round(x0 + 0.04 * w * ((i * 7) % 3 - 1), 4),
                round(y0 + 0.04 * d * ((i * 5) % 3 - 1), 4),
                round(z, 4),
            )
            p.rotation_z = float((i * 23) % 17 - 8)
            z += h
        return
    base_n = 1
    while base_n * (base_n + 1) // 2 < len(group):
        base_n += 1
    rise = h * (0.87 if group[0].kind in ROUND_KINDS else 1.0)
    step = w * 1.02
    i = 0
    for layer in range(base_n):
        n = base_n - layer
        for k in range(n):
            if i >= len(group):
                return
            x = x0 + (k - (n - 1) / 2) * step
            group[i].location = (round(x, 4), round(y0, 4), round(z0 + layer * rise, 4))
            i += 1


def _highest(t: Placement) -> tuple[float, float, float] | None:
    """The highest spot of ``t`` at its most detailed (extra parts appear with detail)."""
    recipe = t.info.recipe
    if recipe is None:
        return None
    ctx = t.context()
    calls = list(recipe.build(ctx))
    for level in range(1, recipe.max_detail + 1):
        calls.extend(recipe.detail(ctx, level))
    return highest_spot(calls, t.name)


def _apex(t: Placement) -> Vec3:
    if t.info.recipe is not None and t.info.recipe.apex is not None:
        ax, ay, az = t.info.recipe.apex(t.context())
    else:
        ax, ay, az = 0.0, 0.0, t.size[2]
    x, y = _rot(ax, ay, t.rotation_z)
    return (t.location[0] + x, t.location[1] + y, t.location[2] + az)


def _against(group: list[Placement], t: Placement, relation: str) -> None:
    """Flush with the target's front (-y) face: hung at 55% height, leaning on the ground."""
    hx, hy = t.footprint()
    tx, ty, tz = t.location
    for i, p in enumerate(group):
        phx, phy = p.footprint()
        x = tx + (i - (len(group) - 1) / 2) * phx * 2.4
        if relation == "worn":
            _set(p, tx, ty, tz + 0.62 * t.size[2] - p.size[2] / 2, "worn", t)
            p.flies = True
            continue
        y = ty - hy - phy
        if relation == "hanging_on":
            z = tz + max(0.05, 0.58 * t.size[2] - p.size[2] / 2)
            _set(p, x, y, z, relation, t)
            p.flies = True
        else:
            _set(p, x, y, tz, relation, t)


def _ring(group: list[Placement], t: Placement) -> None:
    """Around the target, each facing it (fronts are -y by the recipe convention)."""
    n = len(group)
    hx, hy = t.footprint()
    round_target = bool(t.options.get("round"))
    if not round_target and max(hx, hy) > 1.3 * min(hx, hy):
        _sides(group, t)
        return
    for i, p in enumerate(group):
        theta = 2 * math.pi * i / n + (math.pi / 2 if n % 2 else 0.0)
        c, s = math.cos(theta), math.sin(theta)
        if round_target:
            # A round top's radius is the corner of its inscribed square (recipe sizes are boxes).
            reach = min(max(hx, hy), math.hypot(*t.surface().top_half_extent))
        else:
            reach = min(hx / abs(c) if abs(c) > 1e-6 else 1e9, hy / abs(s) if abs(s) > 1e-6 else 1e9)
        depth = p.size[1] / 2
        dist = reach + depth + 0.06
        p.rotation_z = round(math.degrees(theta) - 90.0, 3)
        _set(p, t.location[0] + c * dist, t.location[1] + s * dist, t.location[2], "around", t)


def _sides(group: list[Placement], t: Placement) -> None:
    """Around a long target: along both long sides first, then one at each end."""
    hx, hy = t.footprint()
    long_x = hx >= hy
    half_long, half_short = (hx, hy) if long_x else (hy, hx)
    width = max(group[0].size[0], 0.2) * 1.25
    per_side = max(1, int(2 * half_long // width))
    n = len(group)
    ends = min(2, max(0, n - 2 * per_side)) if n > 2 else (1 if n == 3 else 0)
    side_counts = [(n - ends + 1) // 2, (n - ends) // 2]
    slots: list[tuple[float, float]] = []  # (along, angle of the side's outward normal)
    for side, count in enumerate(side_counts):
        normal = 90.0 if side == 0 else 270.0
        spacing = 2 * half_long / max(count, 1)
        slots += [(-half_long + (k + 0.5) * spacing, normal) for k in range(count)]
    slots += [(0.0, a) for a in (0.0, 180.0)[:ends]]
    depth = group[0].size[1] / 2
    for p, (along, normal) in zip(group, slots, strict=False):
        theta = normal if long_x else normal + 90.0
        c, s = math.cos(math.radians(theta)), math.sin(math.radians(theta))
        across = (half_short if normal in (90.0, 270.0) else half_long) + depth + 0.06
        ax, ay = (along, 0.0) if long_x else (0.0, along)
        if normal in (0.0, 180.0):
            ax, ay = 0.0, 0.0
        p.rotation_z = round(theta - 90.0, 3)
        _set(p, t.location[0] + ax + c * across, t.location[1] + ay + s * across, t.location[2], "around", t)


def _beside(group: list[Placement], t: Placement, relation: str, layout: Layout) -> None:
    taken = sum(1 for q in layout.placements if q.target == t.name and q.relation == "next_to")
    hx, hy = t.footprint()
    for i, p in enumerate(group):
        phx, phy = p.footprint()
        gap = _gap(p, t)
        if relation == "in_front_of":
            off = (i - (len(group) - 1) / 2) * phx * 2.4
            _set(p, t.location[0] + off, t.location[1] - hy - gap - phy, t.location[2], relation, t)
            continue
        if relation == "behind":
            off = (i - (len(group) - 1) / 2) * phx * 2.4
            _set(p, t.location[0] + off, t.location[1] + hy + gap + phy, t.location[2], relation, t)
            continue
        side = {"left_of": 1, "right_of": 0}.get(relation, (taken + i) % 4)
        if side in (0, 1):
            sign = 1 if side == 0 else -1
            step = (taken + i) // 4
            x = t.location[0] + sign * (hx + gap + phx + step * (2 * phx + gap))
            _set(p, x, t.location[1], t.location[2], "next_to", t)
            if relation in ("left_of", "right_of"):
                taken += 4  # the next one on the same side stands further out
        else:
            sign = -1 if side == 2 else 1
            y = t.location[1] + sign * (hy + gap + phy)
            _set(p, t.location[0], y, t.location[2], "next_to", t)


def decoration_points(t: Placement, n: int) -> list[tuple[Vec3, Vec3]]:
    """``n`` (local point, outward normal) pairs on the host's surface."""
    if t.info.recipe is not None and t.info.recipe.decorations is not None:
        return t.info.recipe.decorations(t.context(), n)
    w, d, h = t.size
    out: list[tuple[Vec3, Vec3]] = []
    golden = math.pi * (3 - math.sqrt(5))
    for i in range(n):
        frac = 0.22 + 0.6 * (i + 0.5) / n
        a = i * golden
        if t.kind in TREE_KINDS:
            r = (1 - frac) * w / 2 * 0.95
        else:
            r = min(w, d) / 2
        nx, ny = math.cos(a), math.sin(a)
        out.append(((r * nx, r * ny, frac * h), (nx, ny, 0.25 if t.kind in TREE_KINDS else 0.0)))
    return out


def marking_points(t: Placement, n: int) -> list[tuple[Vec3, Vec3]]:
    """``n`` points spread over the upper part of the host (spots on a cap, dots on a back):
    the host's own decoration points when its recipe has them, else its bounding ellipsoid."""
    if t.info.recipe is not None and t.info.recipe.decorations is not None:
        return t.info.recipe.decorations(t.context(), n)
    w, d, h = t.size
    golden = math.pi * (3 - math.sqrt(5))
    out: list[tuple[Vec3, Vec3]] = []
    for i in range(n):
        elevation = math.radians(15 + 60 * (i + 0.5) / n)
        a = i * golden
        nx, ny, nz = math.cos(elevation) * math.cos(a), math.cos(elevation) * math.sin(a), math.sin(elevation)
        out.append(((w / 2 * nx, d / 2 * ny, h / 2 + h / 2 * nz), (nx, ny, nz)))
    return out


def _decorate(group: list[Placement], t: Placement, points: list[tuple[Vec3, Vec3]] | None = None) -> None:
    """Spread the decorations over the host's surface, sitting on it (not sunk into it)."""
    points = points if points is not None else decoration_points(t, len(group))
    for p, (point, normal) in zip(group, points, strict=False):
        r = p.size[2] / 2
        norm = math.sqrt(sum(c * c for c in normal)) or 1.0
        nx, ny, nz = (c / norm for c in normal)
        lx, ly, lz = point[0] + nx * r, point[1] + ny * r, point[2] + nz * r - r
        x, y = _rot(lx, ly, t.rotation_z)
        _set(p, t.location[0] + x, t.location[1] + y, t.location[2] + lz, "decoration", t)
        p.flies = True
        p.parent = t.name
