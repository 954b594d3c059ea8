"""The offline critic: scores a step 1-10 from measured facts and proposes fix calls.

A build step is judged on what it made: presence, support, contact, intersections, colours and
visibility. The review step and the run's final judgement also judge the whole scene against the
prompt (``judgement.py``): every content word accounted for, the subject shown, the stated
relations holding on the measured boxes, 'with' parts attached to their host. The score formula
is in ``findings.py``. There is no detail level to raise: objects are built at the detail the
prompt asks for, and a refinement only ever answers a measured fault.
"""

from __future__ import annotations

import math

from prompt2mesh.roles.interface import Critique, PlanStep, RoleContext, ToolCall
from prompt2mesh.roles.offline.accounting import WordAccount, account
from prompt2mesh.roles.offline.build import root_names
from prompt2mesh.roles.offline.critic_image import image_color_fractions
from prompt2mesh.roles.offline.errors import SceneReadError
from prompt2mesh.roles.offline.findings import Facts as _Facts
from prompt2mesh.roles.offline.findings import Findings as _Findings
from prompt2mesh.roles.offline.judgement import judge_counts, judge_relations, judge_visibility, judge_words
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

_CONTACT = {"on", "in", "top_of", "decoration", "worn", "hanging_on", "leaning_against", "under"}


class OfflineCritic:
    """Judges a step with the worker's analysis tools and the screenshot's pixels."""

    # It reads colour fractions of the picture: the solid-shaded screenshot shows the
    # materials' own colours, a lit render shifts them with the lights.
    judges_renders = False

    async def critique(self, step: PlanStep, screenshot_png: bytes, ctx: RoleContext) -> Critique:
        """Score ``step`` 1-10 with feedback naming objects and metres, and fix calls.

        A step without objects that reviews the scene (``analyze_scene_problems``) is judged as
        the whole scene against the prompt: that is also the run's final judgement.
        """
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
        review = is_review(step)
        acc: WordAccount | None = None
        if review and u is not None:
            placements = list(u.layout.placements)
        self._check_image(screenshot_png, f, placements, facts)
        if u is not None:
            _check_presence(placements, facts, f, u)
            present = [p for p in placements if p.name in facts.boxes]
            _check_support(present, facts, f, u)
            _check_intersections(present, facts, f, u, scope_all=review)
            _check_colors(present, facts, f, u)
            if review:
                built = {p.kind for p in u.layout.placements if p.name in facts.objects}
                # 'a table with four legs', 'a snowman wearing a red scarf': the host's own
                # parts stand for the object, and count as built when they are in the scene
                built |= {
                    u.spec.get(spec_id).kind
                    for spec_id, parts in u.layout.parts.items()
                    if any(part in facts.objects for part in parts)
                }
                acc = account(u.prompt, u.spec, built)
                judge_words(acc, u, facts, f)
                judge_relations(u, facts, f)
                judge_counts(u, facts, f)
                judge_visibility(u, facts, f)
        _check_stage(step, facts, f, u)
        score = f.score()
        return Critique(
            score=score,
            analysis=_analysis(step, score, f, placements, acc),
            issues=[text for _, text in f.issues],
            suggestions=f.suggestions,
            fix_calls=f.fixes,
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
    if any(
        {r.a, r.b} == {pa.spec_id, pb.spec_id} and r.relation in ("with", "wearing") for r in u.spec.relations
    ):
        return True  # 'a house with a chimney': a part belongs in its host
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
    return facts.meshes_under(root, skip)


def _check_colors(present: list[Placement], facts: _Facts, f: _Findings, u: Understanding) -> None:
    roots = {p.name for p in u.layout.placements}
    for p in present:
        obj = u.spec.get(p.spec_id)
        want_hex = p.color if (obj.color_word or obj.rainbow) else obj.color
        if want_hex is not None:
            _check_color(p.name, _descendant_meshes(p.name, facts, roots - {p.name}), want_hex, facts, f)
    # 'a snowman with a black hat': the host's own parts wear the colour the prompt gave them
    hosts = {p.name for p in present}
    for o in u.layout.overrides:
        if o.host in hosts and o.color:
            parts = [n for n in o.parts if n in facts.objects]
            label = parts[0].rsplit("_", 1)[0] if len(parts) > 1 else (parts or [""])[0]
            _check_color(label, parts, o.color, facts, f)


def _check_color(label: str, meshes: list[str], want_hex: str, facts: _Facts, f: _Findings) -> None:
    """At least 30% of the meshes' surface (as the checker measures it) in the asked colour."""
    want = color_classes(want_hex) - {"silver"} if main_class(want_hex) != "gray" else color_classes(want_hex)
    total, good = 0.0, 0.0
    by_mat: dict[str, float] = {}
    for part in meshes:
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
        return
    dominant = max(by_mat, key=lambda m: by_mat[m])
    seen = main_class(facts.materials.get(dominant, "#808080"))
    f.add(
        "color",
        f"{label} is mostly {seen} ({good / total:.0%} {main_class(want_hex)}); the prompt asked for {main_class(want_hex)}",
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


def is_review(step: PlanStep) -> bool:
    """A step that judges the whole scene (the plan's review step, the final judgement)."""
    return not step.objects and any(c.tool == "analyze_scene_problems" for c in step.calls)


def _analysis(
    step: PlanStep, score: int, f: _Findings, placements: list[Placement], acc: WordAccount | None
) -> str:
    words = f" Prompt words: {acc.summary()}." if acc is not None else ""
    if not f.issues:
        what = ", ".join(p.name for p in placements[:6]) or "the scene"
        return (
            f"Step {step.number} ({step.action}): {what} present, resting where planned, in the requested "
            f"colours; score {score}/10.{words}"
        )
    return (
        f"Step {step.number} ({step.action}): "
        + "; ".join(t for _, t in f.issues)
        + f". Score {score}/10.{words}"
    )
