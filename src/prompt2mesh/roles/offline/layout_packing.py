"""Packing passes of the layout: groups sharing a support, clusters side by side, and
ground footprints pushed apart."""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from prompt2mesh.roles.offline.layout import Placement


def share_supports(placements: list[Placement]) -> None:
    """Several groups on one support ('apples and a banana on a plate'): rows across its top
    instead of every group at its centre."""
    by_target: dict[str, list[Placement]] = {}
    for p in placements:
        if p.relation == "on" and p.target:
            by_target.setdefault(p.target, []).append(p)
    names = {p.name: p for p in placements}
    for target, items in by_target.items():
        if len({p.spec_id for p in items}) < 2 or target not in names:
            continue
        t = names[target]
        hx, _ = t.surface().top_half_extent
        cx = sum(p.location[0] for p in items) / len(items)
        cy = sum(p.location[1] for p in items) / len(items)
        gap = 0.1 * sum(2 * p.footprint()[0] for p in items) / len(items)
        rows: list[list[Placement]] = [[]]
        width = 0.0
        for p in items:
            w = 2 * p.footprint()[0]
            if rows[-1] and width + gap + w > 2 * hx * 0.95:
                rows.append([])
                width = 0.0
            width += w + (gap if rows[-1] else 0.0)
            rows[-1].append(p)
        depth = [2 * max(p.footprint()[1] for p in row) for row in rows]
        y = cy - (sum(depth) + gap * (len(rows) - 1)) / 2
        for row, d in zip(rows, depth, strict=True):
            span = sum(2 * p.footprint()[0] for p in row) + gap * (len(row) - 1)
            x = cx - span / 2
            for p in row:
                hw = p.footprint()[0]
                p.location = (round(x + hw, 4), round(y + d / 2, 4), p.location[2])
                x += 2 * hw + gap
            y += d + gap


def keep_on_supports(placements: list[Placement]) -> None:
    """Whatever stands 'on' a support keeps its footprint on the support's top (a mug on a desk
    stays within the desk top); something wider than the top stays centred on it."""
    names = {p.name: p for p in placements}
    for p in placements:
        t = names.get(p.target or "")
        if p.relation != "on" or t is None:
            continue
        surf = t.surface()
        a = math.radians(t.rotation_z)
        cx, cy = surf.top_center
        wx = t.location[0] + cx * math.cos(a) - cy * math.sin(a)
        wy = t.location[1] + cx * math.sin(a) + cy * math.cos(a)
        c, s = abs(math.cos(a)), abs(math.sin(a))
        hx0, hy0 = surf.top_half_extent
        hx, hy = hx0 * c + hy0 * s, hx0 * s + hy0 * c
        phx, phy = p.footprint()
        x = wx if phx >= hx else min(max(p.location[0], wx - hx + phx), wx + hx - phx)
        y = wy if phy >= hy else min(max(p.location[1], wy - hy + phy), wy + hy - phy)
        p.location = (round(x, 4), round(y, 4), p.location[2])


def pack(clusters: list[list[Placement]]) -> None:
    """Set independent clusters side by side along x, centred on the origin."""
    if len(clusters) < 2:
        return
    spans = []
    for c in clusters:
        lo = min(p.bbox()[0][0] for p in c)
        hi = max(p.bbox()[1][0] for p in c)
        spans.append((lo, hi))
    widths = [hi - lo for lo, hi in spans]
    gap = max(0.3, 0.2 * max(widths))
    total = sum(widths) + gap * (len(clusters) - 1)
    x = -total / 2
    for c, (lo, hi) in zip(clusters, spans, strict=True):
        shift = x - lo
        for p in c:
            p.location = (p.location[0] + shift, p.location[1], p.location[2])
        x += hi - lo + gap


def separate(placements: list[Placement]) -> None:
    """Push apart ground-standing objects whose footprints still overlap (later one moves)."""
    ground = [p for p in placements if p.relation in (None, "next_to", "in_front_of", "behind", "around")]
    for _ in range(4):
        moved = False
        for i, a in enumerate(ground):
            for b in ground[:i]:
                if a.flies or b.flies or a.target == b.name and a.relation is None:
                    continue
                (alo, ahi), (blo, bhi) = a.bbox(), b.bbox()
                ox = min(ahi[0], bhi[0]) - max(alo[0], blo[0])
                oy = min(ahi[1], bhi[1]) - max(alo[1], blo[1])
                if ox <= 0.01 or oy <= 0.01:
                    continue
                dx, dy = a.location[0] - b.location[0], a.location[1] - b.location[1]
                if abs(dx) >= abs(dy):
                    step = (ox + 0.1) * (1 if dx >= 0 else -1)
                    a.location = (a.location[0] + step, a.location[1], a.location[2])
                else:
                    step = (oy + 0.1) * (1 if dy >= 0 else -1)
                    a.location = (a.location[0], a.location[1] + step, a.location[2])
                moved = True
        if not moved:
            return
