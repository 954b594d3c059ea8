"""The offline critic: scores a step 1-10 from measured facts and proposes fix calls.

Score formula (documented, deterministic):

    score = clamp(cap - sum(penalties), 1, 10)

``cap`` is 10 when every object of the step reached its recipe's highest detail level, else 9.
Each *kind* of fault costs its full penalty once, plus 1 for every further object with the
same fault: missing object 6, detail below what the prompt asks for 5, floating or sunk 4,
off its support 4, unintended intersection 4, wrong colour 4, blank image 3, requested colour
not visible in the image 2, outside the camera frame 2, no lights 5, no camera 4. So a first
build at detail level 0 scores 5 (below every pass mark) and the same build raised to level 1
scores 9; a misplaced object scores at most 6.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from prompt2mesh.roles.interface import Critique, PlanStep, RoleContext, ToolCall
from prompt2mesh.roles.offline.build import detail_calls, detail_footprint, max_detail, root_names
from prompt2mesh.roles.offline.critic_image import image_color_fractions
from prompt2mesh.roles.offline.errors import SceneReadError
from prompt2mesh.roles.offline.layout import Placement
from prompt2mesh.roles.offline.planner import FRAME_MARGIN, GROUND_NAME
from prompt2mesh.roles.offline.scene_facts import (
    bounding_boxes,
    color_classes,
    main_class,
    material_colors,
    scene_objects,
    scene_problems,
)
from prompt2mesh.roles.offline.understanding import Understanding, understand

PENALTY = {
    "missing": 6,
    "detail": 5,
    "lights": 5,
    "camera": 4,
    "support": 4,
    "footprint": 4,
    "intersection": 4,
    "color": 4,
    "blank": 3,
    "invisible": 2,
    "frame": 2,
}
_CONTACT = {"on", "in", "top_of", "decoration", "worn", "hanging_on", "leaning_against", "under"}


@dataclass
class DetailState:
    """Detail levels the improver reached, shared by the critic and the improver."""

    levels: dict[str, int] = field(default_factory=dict)
    pending: dict[str, int] = field(default_factory=dict)


@dataclass
class _Facts:
    objects: dict[str, dict[str, Any]]
    boxes: dict[str, dict[str, list[float]]]
    materials: dict[str, str]
    problems: dict[str, Any]


@dataclass
class _Findings:
    issues: list[tuple[str, str]] = field(default_factory=list)
    fixes: list[ToolCall] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)

    def add(self, kind: str, text: str, fixes: list[ToolCall] | None = None, suggestion: str = "") -> None:
        self.issues.append((kind, text))
        self.fixes.extend(fixes or [])
        if suggestion:
            self.suggestions.append(suggestion)

    def penalty(self) -> int:
        counts: dict[str, int] = {}
        for kind, _ in self.issues:
            counts[kind] = counts.get(kind, 0) + 1
        return sum(PENALTY[k] + (n - 1) for k, n in counts.items())


class OfflineCritic:
    """Judges a step with the worker's analysis tools and the screenshot's pixels."""

    def __init__(self, state: DetailState | None = None) -> None:
        self.state = state or DetailState()

    async def critique(self, step: PlanStep, screenshot_png: bytes, ctx: RoleContext) -> Critique:
        """Score ``step`` 1-10 with feedback naming objects and metres, and fix calls."""
        req = ctx.requirement
        u = understand(req.original, req.details.get("spec")) if req is not None else None
        try:
            facts = _Facts(
                objects={o["name"]: o for o in await scene_objects(ctx.runner)},
                boxes=await bounding_boxes(ctx.runner),
                materials=await material_colors(ctx.runner),
                problems=await scene_problems(ctx.runner),
            )
        except SceneReadError as exc:
            return Critique(score=3, analysis=f"Could not measure the scene: {exc}", issues=[str(exc)])
        f = _Findings()
        placements = _placements(step, u)
        review = not step.objects and any(c.tool == "analyze_scene_problems" for c in step.calls)
        if review and u is not None:
            placements = list(u.layout.placements)
        self._check_image(screenshot_png, f, placements, facts)
        if u is not None:
            _check_presence(placements, facts, f, u)
            present = [p for p in placements if p.name in facts.boxes]
            _check_support(present, facts, f, u)
            _check_intersections(present, facts, f, u, scope_all=review)
            _check_colors(present, facts, f, u)
            if not review:
                self._check_detail(present, facts, f, u)
        _check_stage(step, facts, f, u)
        cap = 9
        if placements and all(self._level(p, facts) >= max_detail(p) for p in placements):
            cap = 10
        score = max(1, min(10, cap - f.penalty()))
        return Critique(
            score=score,
            analysis=_analysis(step, score, f, placements),
            issues=[text for _, text in f.issues],
            suggestions=f.suggestions,
            fix_calls=f.fixes,
        )

    # --- detail --------------------------------------------------------------------------------
    def _level(self, p: Placement, facts: _Facts) -> int:
        """Level 1 is read from the scene (its modifiers exist); higher levels from what the
        improver reached, trusted only while the scene still shows level 1."""
        marks = detail_footprint(p)
        seen = bool(marks) and all(
            any(m.get("name") == mod for m in facts.objects.get(obj, {}).get("modifiers", []))
            for obj, mod in marks
        )
        remembered = self.state.levels.get(p.name, 0)
        if not marks:
            return remembered
        return max(1, remembered) if seen else 0

    def _check_detail(self, present: list[Placement], facts: _Facts, f: _Findings, u: Understanding) -> None:
        target = u.target_detail()
        # Decorations are small and already round enough; raising 20 ornaments costs seconds.
        low = [
            (p, self._level(p, facts))
            for p in present
            if p.relation != "decoration" and self._level(p, facts) < min(target, max_detail(p))
        ]
        if not low:
            return
        fixes: list[ToolCall] = []
        for p, level in low:
            fixes.extend(detail_calls(p, level + 1))
            self.state.pending[p.name] = level + 1
        names = ", ".join(p.name for p, _ in low[:5])
        want = {1: "bevelled edges and smooth shading", 2: "smooth, finely subdivided surfaces"}.get(
            target, ""
        )
        f.add(
            "detail",
            f"{names} {'is' if len(low) == 1 else 'are'} still at detail level {low[0][1]} "
            f"(hard edges, coarse facets); the prompt calls for level {target} ({want})",
            fixes,
            f"raise the detail of {names} by one level (bevels, subdivision, smooth shading)",
        )

    # --- image ---------------------------------------------------------------------------------
    def _check_image(self, png: bytes, f: _Findings, placements: list[Placement], facts: _Facts) -> None:
        fractions, spread = image_color_fractions(png)
        if spread < 0.01:
            if facts.boxes:  # an empty scene looks empty, and that is no fault
                f.add("blank", "the screenshot is empty (one flat colour): nothing visible to the camera")
            return
        extent = _scene_extent(facts)
        roots = {q.name for q in placements}
        for p in placements:
            if p.color is None or p.name not in facts.boxes or p.parent:
                continue
            word = main_class(p.color)
            if word in ("white", "black", "gray", "brown"):
                continue
            # Only the parts in that colour count: a rose's red is its small blossom.
            coloured = [
                max(facts.boxes[part]["dimensions"])
                for part in _descendant_meshes(p.name, facts, roots - {p.name})
                if part in facts.boxes
                and word
                in color_classes(
                    facts.materials.get((facts.objects[part].get("materials") or [""])[0], "#808080")
                )
            ]
            if not coloured or max(coloured) < 0.06 * extent:
                continue  # too small to cover pixels at this framing (or wrongly coloured: see colour check)
            if fractions.get(word, 0.0) < 0.0004:
                f.add(
                    "invisible",
                    f"no {word} is visible in the image although {p.name} should be {word}: hidden or out of view",
                    [ToolCall(tool="frame_camera", args={"margin": FRAME_MARGIN})]
                    if "Camera" in facts.objects
                    else [],
                )


def _scene_extent(facts: _Facts) -> float:
    """Largest side of what the screenshot frames: with no scene camera, everything (ground too)."""
    framed_ground = not any(o.get("type") == "camera" for o in facts.objects.values())
    boxes = [
        b
        for name, b in facts.boxes.items()
        if (framed_ground or name != GROUND_NAME) and facts.objects.get(name, {}).get("parent") is None
    ]
    if not boxes:
        return 1.0
    lo = [min(b["min"][i] for b in boxes) for i in range(3)]
    hi = [max(b["max"][i] for b in boxes) for i in range(3)]
    return max(hi[i] - lo[i] for i in range(3))


def _placements(step: PlanStep, u: Understanding | None) -> list[Placement]:
    if u is None or not step.objects or step.objects == [GROUND_NAME]:
        return []
    return u.placements_for(step.objects)


def _check_presence(placements: list[Placement], facts: _Facts, f: _Findings, u: Understanding) -> None:
    from prompt2mesh.roles.offline.build import build_calls

    for p in placements:
        if p.name not in facts.objects:
            host = u.layout.get(p.parent) if p.parent else None
            f.add(
                "missing",
                f"{p.name} is missing from the scene",
                build_calls(p, host),
                f"build {p.name} again",
            )
        elif not facts.objects[p.name].get("visible", True):
            f.add("missing", f"{p.name} is hidden", [], f"unhide {p.name}")


def _box(facts: _Facts, name: str) -> tuple[list[float], list[float]] | None:
    b = facts.boxes.get(name)
    return (b["min"], b["max"]) if b else None


def _expected_bottom(p: Placement, facts: _Facts, u: Understanding) -> float:
    """Planned bottom height, following the target if it has moved since it was planned."""
    if p.target and p.target in facts.boxes:
        planned = u.layout.get(p.target)
        actual = facts.boxes[p.target]["min"][2]
        return p.location[2] + (actual - planned.location[2])
    return p.location[2]


def _check_support(present: list[Placement], facts: _Facts, f: _Findings, u: Understanding) -> None:
    for p in present:
        lo, hi = _box(facts, p.name) or ([0.0] * 3, [0.0] * 3)
        want = _expected_bottom(p, facts, u)
        # a topper rests on a point and its tips move when subdivided: a looser fit is right
        tol = 0.02 + (0.15 if p.relation == "top_of" else 0.03) * max(0.01, hi[2] - lo[2])
        gap = lo[2] - want
        where = "the ground"
        if p.target and p.relation in _CONTACT:
            where = {
                "top_of": f"the apex of the {p.target}",
                "decoration": f"the surface of the {p.target}",
            }.get(p.relation or "", f"the {p.target}")
        move = ToolCall(
            tool="set_transform",
            args={"name": p.name, "location": [0.0, 0.0, round(-gap, 4)], "relative": True},
        )
        if gap > tol:
            f.add(
                "support",
                f"{p.name} floats {gap:.2f} m above {where}",
                [move],
                f"lower {p.name} by {gap:.2f} m",
            )
        elif gap < -tol:
            f.add(
                "support",
                f"{p.name} sinks {-gap:.2f} m into {where}",
                [move],
                f"raise {p.name} by {-gap:.2f} m",
            )
        if p.relation in ("on", "in") and p.target in facts.boxes:
            tlo, thi = facts.boxes[p.target]["min"], facts.boxes[p.target]["max"]
            cx, cy = (lo[0] + hi[0]) / 2, (lo[1] + hi[1]) / 2
            if not (tlo[0] <= cx <= thi[0] and tlo[1] <= cy <= thi[1]):
                tx, ty = (tlo[0] + thi[0]) / 2, (tlo[1] + thi[1]) / 2
                dx, dy = tx - cx, ty - cy
                f.add(
                    "footprint",
                    f"{p.name} is {math.hypot(dx, dy):.2f} m off the {p.target}; it should be {p.relation} it",
                    [
                        ToolCall(
                            tool="set_transform",
                            args={
                                "name": p.name,
                                "location": [round(dx, 4), round(dy, 4), 0.0],
                                "relative": True,
                            },
                        )
                    ],
                )


def _intended(a: str, b: str, u: Understanding) -> bool:
    names = {p.name: p for p in u.layout.placements}
    pa, pb = names.get(a), names.get(b)
    if GROUND_NAME in (a, b) or pa is None or pb is None:
        return True
    if pa.target == pb.target and pa.relation == pb.relation == "in":
        return True  # a bunch of flowers in one vase touch each other
    return pa.target == b and pa.relation in _CONTACT or pb.target == a and pb.relation in _CONTACT


def _check_intersections(
    present: list[Placement], facts: _Facts, f: _Findings, u: Understanding, *, scope_all: bool
) -> None:
    mine = {p.name for p in present}
    for hit in facts.problems.get("intersecting", []):
        a, b = hit["a"], hit["b"]
        if not (scope_all or a in mine or b in mine) or _intended(a, b, u):
            continue
        mover, other = (a, b) if a in mine else (b, a)
        ba, bb = _box(facts, mover), _box(facts, other)
        if ba is None or bb is None:
            continue
        # The smallest sideways shift that separates the boxes, plus a 5 cm gap.
        shifts = [
            (bb[1][0] - ba[0][0], 0), (-(ba[1][0] - bb[0][0]), 0),
            (bb[1][1] - ba[0][1], 1), (-(ba[1][1] - bb[0][1]), 1),
        ]  # fmt: skip
        amount, axis = min(shifts, key=lambda s: abs(s[0]))
        delta = [0.0, 0.0, 0.0]
        delta[axis] = amount + math.copysign(0.05, amount)
        f.add(
            "intersection",
            f"{mover} intersects {other} by {float(hit.get('depth', 0.0)):.2f} m",
            [
                ToolCall(
                    tool="set_transform",
                    args={"name": mover, "location": [round(v, 4) for v in delta], "relative": True},
                )
            ],
            f"move {mover} {max(abs(delta[0]), abs(delta[1])):.2f} m away from {other}",
        )


def _descendant_meshes(root: str, facts: _Facts, skip: set[str]) -> list[str]:
    out, todo = [], [root]
    while todo:
        name = todo.pop()
        obj = facts.objects.get(name)
        if obj is None:
            continue
        if obj.get("type") == "mesh":
            out.append(name)
        todo.extend(c for c in obj.get("children", []) if c not in skip)
    return out


def _check_colors(present: list[Placement], facts: _Facts, f: _Findings, u: Understanding) -> None:
    roots = {p.name for p in u.layout.placements}
    for p in present:
        obj = u.spec.get(p.spec_id)
        want_hex = p.color if (obj.color_word or obj.rainbow) else obj.color
        if want_hex is None:
            continue
        want = (
            color_classes(want_hex) - {"silver"}
            if main_class(want_hex) != "gray"
            else color_classes(want_hex)
        )
        total, good = 0.0, 0.0
        by_mat: dict[str, float] = {}
        for part in _descendant_meshes(p.name, facts, roots - {p.name}):
            box = facts.boxes.get(part)
            mats = facts.objects[part].get("materials") or []
            if not box or not mats:
                continue
            d = box["dimensions"]
            area = 2 * (d[0] * d[1] + d[1] * d[2] + d[0] * d[2]) + 1e-9
            total += area
            by_mat[mats[0]] = by_mat.get(mats[0], 0.0) + area
            if color_classes(facts.materials.get(mats[0], "#808080")) & want:
                good += area
        if total == 0 or good / total >= 0.3:
            continue
        dominant = max(by_mat, key=lambda m: by_mat[m])
        seen = main_class(facts.materials.get(dominant, "#808080"))
        f.add(
            "color",
            f"{p.name} is mostly {seen} ({good / total:.0%} {main_class(want_hex)}); the prompt asked for {main_class(want_hex)}",
            [ToolCall(tool="create_material", args={"name": dominant, "color": want_hex})],
            f"recolour {dominant} to {want_hex}",
        )


def _check_stage(step: PlanStep, facts: _Facts, f: _Findings, u: Understanding | None) -> None:
    tools = {c.tool for c in step.calls}
    types = [o.get("type") for o in facts.objects.values()]
    if step.objects == [GROUND_NAME] and GROUND_NAME not in facts.objects:
        f.add("missing", "the ground plane is missing", [c for c in step.calls if c.tool != "set_world"])
    if "setup_lighting" in tools and types.count("light") < 2:
        f.add(
            "lights",
            f"only {types.count('light')} light(s) in the scene",
            [ToolCall(tool="setup_lighting", args={"preset": "three_point"})],
        )
    if "frame_camera" in tools or not step.objects and "analyze_scene_problems" in tools:
        roots = root_names(u.layout) if u is not None else None
        frame = ToolCall(
            tool="frame_camera",
            args={"objects": roots, "margin": FRAME_MARGIN} if roots else {"margin": FRAME_MARGIN},
        )
        if "camera" not in types:
            f.add("camera", "there is no scene camera", [ToolCall(tool="set_camera", args={}), frame])
        off = [n for n in facts.problems.get("off_frame", []) if n != GROUND_NAME]
        if off:
            f.add(
                "frame",
                f"{', '.join(off[:5])} {'is' if len(off) == 1 else 'are'} outside the camera frame",
                [frame],
            )


def _analysis(step: PlanStep, score: int, f: _Findings, placements: list[Placement]) -> str:
    if not f.issues:
        what = ", ".join(p.name for p in placements[:6]) or "the scene"
        return f"Step {step.number} ({step.action}): {what} present, resting where planned, in the requested colours; score {score}/10."
    return (
        f"Step {step.number} ({step.action}): " + "; ".join(t for _, t in f.issues) + f". Score {score}/10."
    )
