"""The semantic evaluator: did the edit do what the command meant?

Offline, every question is a measurement on the scene before and after ("Is the tree 1.5 times
as tall as before?" compares world bounding boxes); each failed question yields a corrective
operation computed from what was measured, so a retry converges instead of repeating the same
mistake. A new object is checked where the command's relation word put it ("on top" as top_of,
"under" as under, with the suite checker's semantics); a colour change is checked on the
intended object and on nothing else. An edit is *carried out* when every measured check holds.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from prompt2mesh.agent.editing.scene_state import SceneState
from prompt2mesh.agent.editing.taskspec import Operation, TaskSpec
from prompt2mesh.roles.offline.findings import relation_holds
from prompt2mesh.roles.offline.recipes.materials import material_args

MAX_ATTEMPTS = 3
PASS_SCORE = 0.999
CARRIED_OUT_SCORE = 0.5
"""Below this a judge's score (a vision model's) says the edit was not carried out."""
RELATION_WORDS: dict[str, str] = {
    "on top": "top_of",
    "on top of": "top_of",
    "top": "top_of",
    "top_of": "top_of",
    "on": "on",
    "onto": "on",
    "under": "under",
    "underneath": "under",
    "beneath": "under",
    "below": "under",
    "next_to": "next_to",
    "next to": "next_to",
    "beside": "next_to",
    "by": "next_to",
    "above": "above",
    "in": "in",
    "inside": "in",
}
"""The command's relation word -> the relation measured (``evaluation/check.py`` semantics)."""
_READ = {
    "top_of": "on top of",
    "on": "on",
    "under": "under",
    "next_to": "next to",
    "above": "above",
    "in": "in",
}


@dataclass
class Check:
    question: str
    passed: bool
    detail: str = ""


@dataclass
class Evaluation:
    score: float
    checks: list[Check] = field(default_factory=list)
    refinements: list[Operation] = field(default_factory=list)
    judge_retry: bool = False
    """A judge (a vision model) asked for another attempt."""
    suggestions: list[str] = field(default_factory=list)
    """A judge's suggested refinements in words (translated into operations for the retry)."""
    judge_issues: list[str] = field(default_factory=list)

    @property
    def issues(self) -> list[str]:
        return [f"{c.question} {c.detail}".strip() for c in self.checks if not c.passed] + self.judge_issues

    @property
    def retry(self) -> bool:
        return self.score < PASS_SCORE and (
            bool(self.refinements) or self.judge_retry and bool(self.suggestions)
        )

    @property
    def carried_out(self) -> bool:
        """Every measured check holds (and a judge's score is not below :data:`CARRIED_OUT_SCORE`)."""
        return all(c.passed for c in self.checks) and self.score >= CARRIED_OUT_SCORE

    def to_dict(self) -> dict[str, Any]:
        return {
            "match_score": round(self.score, 3),
            "carried_out": self.carried_out,
            "questions": [
                {"question": c.question, "passed": c.passed, "detail": c.detail} for c in self.checks
            ],
            "issues": self.issues,
            "suggested_refinements": [r.model_dump() for r in self.refinements] + list(self.suggestions),
            "retry": self.retry,
        }


def _times(f: float) -> str:
    return f"{f:g} times" if f >= 1 else f"{round(1 / f, 2):g} times smaller than"


def _scale_words(factor: list[float]) -> str:
    """'1.5 times as tall as before', 'twice as big as before' (never a raw list)."""
    fx, fy, fz = factor
    if fx == fy == fz:
        return f"{_times(fx)} as big as before" if fx >= 1 else f"{_times(fx)} before"
    if fx == fy == 1:
        return f"{_times(fz)} as tall as before" if fz >= 1 else f"{_times(fz)} before in height"
    if fz == 1 and fx == fy:
        return f"{_times(fx)} as wide as before" if fx >= 1 else f"{_times(fx)} before in width"
    return f"resized to {fx:g} x {fy:g} x {fz:g} of its width, depth and height"


def _move_words(offset: list[float]) -> str:
    """'0.5 m to the left and 0.2 m up'."""
    names = (("to the left", "to the right"), ("towards the camera", "away from the camera"), ("down", "up"))
    parts = [f"{abs(v):.2g} m {names[i][v > 0]}" for i, v in enumerate(offset) if abs(v) > 1e-6]
    return " and ".join(parts) or "(no move asked)"


def _hex_rgb(value: str) -> tuple[float, float, float]:
    text = value.lstrip("#")
    return (int(text[0:2], 16) / 255, int(text[2:4], 16) / 255, int(text[4:6], 16) / 255)


def _close_color(a: str, b: str, tolerance: float = 0.08) -> bool:
    return max(abs(x - y) for x, y in zip(_hex_rgb(a), _hex_rgb(b), strict=True)) <= tolerance


def _relation_word(position: str, anchor: str) -> str:
    """'on top' from the TaskSpec's position 'on top Christmas_Tree' (the command's own word)."""
    text = position.removesuffix(anchor).strip() if anchor else position.strip()
    return text if text in RELATION_WORDS else ""


def _recoloured_others(target: str, before: SceneState, after: SceneState) -> list[str]:
    """Root objects other than ``target`` whose colours changed (a shared material, say)."""
    mine = {o.name for o in after.meshes_of(target)} | {target} if target in after.objects else {target}
    out = []
    for obj in before.roots:
        if obj.name in mine or obj.name not in after.objects:
            continue
        if any(m.name in mine for m in before.meshes_of(obj.name)):
            continue
        if sorted(before.material_colors(obj.name)) != sorted(after.material_colors(obj.name)):
            out.append(obj.name)
    return out


class OfflineEvaluator:
    """Measurable checks per operation, comparing the scene before and after the edit."""

    _position = ""

    needs_screenshot = False

    async def judge(
        self,
        spec: TaskSpec,
        before: SceneState,
        after: SceneState,
        created: list[str],
        screenshot: bytes | None,
    ) -> Evaluation:
        """The evaluation the pipeline asks for (the screenshot is not needed offline)."""
        return self.evaluate(spec, before, after, created)

    def evaluate(
        self, spec: TaskSpec, before: SceneState, after: SceneState, created: list[str]
    ) -> Evaluation:
        checks: list[Check] = []
        fixes: list[Operation] = []
        self._position = spec.target_properties.position or ""
        for op in spec.operations:
            check_fn = getattr(self, f"_check_{op.action}", None)
            if check_fn is None:
                continue
            check, fix = check_fn(op, before, after, created)
            checks.append(check)
            if not check.passed and fix is not None:
                fixes.append(fix)
        if not checks:
            return Evaluation(score=1.0)
        score = sum(c.passed for c in checks) / len(checks)
        return Evaluation(score=score, checks=checks, refinements=fixes)

    def _check_scale(
        self, op: Operation, before: SceneState, after: SceneState, created: list[str]
    ) -> tuple[Check, Operation | None]:
        factor = [float(f) for f in op.parameters["factor"]]
        old, new = before.objects[op.target].size, after.objects.get(op.target)
        if new is None:
            return Check(f"Is {op.target} resized?", False, "it no longer exists"), None
        ratios = [n / o if o > 1e-6 else 1.0 for o, n in zip(old, new.size, strict=True)]
        ok = all(abs(r - f) <= 0.12 * f for r, f in zip(ratios, factor, strict=True))
        question = f"Is {op.target} {_scale_words(factor)}?"
        detail = f"measured ratios {[round(r, 2) for r in ratios]}"
        corrective = [round(f / r, 4) if r > 1e-6 else 1.0 for f, r in zip(factor, ratios, strict=True)]
        return Check(question, ok, detail), Operation(
            action="scale", target=op.target, parameters={"factor": corrective}, reason="correct the size"
        )

    def _check_move(
        self, op: Operation, before: SceneState, after: SceneState, created: list[str]
    ) -> tuple[Check, Operation | None]:
        offset = [float(v) for v in op.parameters["offset"]]
        obj = after.objects.get(op.target)
        if obj is None:
            return Check(f"Did {op.target} move?", False, "it no longer exists"), None
        moved = [n - o for o, n in zip(before.objects[op.target].center, obj.center, strict=True)]
        ok = all(abs(m - w) <= 0.02 + 0.1 * abs(w) for m, w in zip(moved, offset, strict=True))
        if not ok and offset[2] < 0 and obj.bbox_min is not None and obj.bbox_min[2] <= 0.001:
            ok = True  # it stopped at the ground on purpose
        remaining = [round(w - m, 4) for m, w in zip(moved, offset, strict=True)]
        return (
            Check(
                f"Did {op.target} move {_move_words(offset)}?", ok, f"moved {[round(m, 3) for m in moved]}"
            ),
            Operation(
                action="move", target=op.target, parameters={"offset": remaining}, reason="finish the move"
            ),
        )

    def _check_rotate(
        self, op: Operation, before: SceneState, after: SceneState, created: list[str]
    ) -> tuple[Check, Operation | None]:
        exists = op.target in after.objects
        return Check(f"Is {op.target} rotated?", exists, "" if exists else "it no longer exists"), None

    def _check_place_on(
        self, op: Operation, before: SceneState, after: SceneState, created: list[str]
    ) -> tuple[Check, Operation | None]:
        obj, anchor = after.objects.get(op.target), after.objects.get(op.parameters["anchor"])
        if (
            obj is None
            or anchor is None
            or obj.bbox_min is None
            or anchor.bbox_max is None
            or anchor.bbox_min is None
        ):
            return Check(f"Is {op.target} on {op.parameters['anchor']}?", False, "missing geometry"), None
        cx, cy, _ = obj.center
        over = (
            anchor.bbox_min[0] <= cx <= anchor.bbox_max[0] and anchor.bbox_min[1] <= cy <= anchor.bbox_max[1]
        )
        gap = obj.bbox_min[2] - anchor.bbox_max[2]
        ok = over and abs(gap) <= 0.03
        return Check(
            f"Is {op.target} on top of {anchor.name}?",
            ok,
            f"vertical gap {gap:.3f} m, centred over it: {over}",
        ), op

    def _check_place_next_to(
        self, op: Operation, before: SceneState, after: SceneState, created: list[str]
    ) -> tuple[Check, Operation | None]:
        obj, anchor = after.objects.get(op.target), after.objects.get(op.parameters["anchor"])
        if (
            obj is None
            or anchor is None
            or obj.bbox_min is None
            or anchor.bbox_min is None
            or obj.bbox_max is None
            or anchor.bbox_max is None
        ):
            return Check(
                f"Is {op.target} next to {op.parameters['anchor']}?", False, "missing geometry"
            ), None
        gap_x = max(obj.bbox_min[0] - anchor.bbox_max[0], anchor.bbox_min[0] - obj.bbox_max[0])
        level = abs(obj.bbox_min[2] - anchor.bbox_min[2]) <= 0.03
        ok = 0.0 <= gap_x <= max(1.0, max(anchor.size[:2])) and level
        return Check(
            f"Is {op.target} next to {anchor.name}?", ok, f"gap {gap_x:.2f} m, bottoms level: {level}"
        ), op

    def _primary_colors(self, name: str, after: SceneState) -> list[str]:
        return after.material_colors(name)

    def _check_set_color(
        self, op: Operation, before: SceneState, after: SceneState, created: list[str]
    ) -> tuple[Check, Operation | None]:
        want = str(op.parameters["color"])
        colors = self._primary_colors(op.target, after)
        ok = any(_close_color(c, want) for c in colors)
        name = op.parameters.get("color_name", want)
        others = _recoloured_others(op.target, before, after)
        detail = f"colours now {sorted(set(colors))}"
        if others:
            ok = False
            detail += f"; also recoloured: {', '.join(others[:5])} (only {op.target} was meant)"
        return Check(f"Is {op.target} {name} now, and nothing else recoloured?", ok, detail), op

    def _check_set_material(
        self, op: Operation, before: SceneState, after: SceneState, created: list[str]
    ) -> tuple[Check, Operation | None]:
        want = str(material_args(str(op.parameters["material"]))["color"])
        colors = self._primary_colors(op.target, after)
        ok = any(_close_color(c, want) for c in colors)
        return Check(
            f"Is {op.target} made of {op.parameters['material']}?", ok, f"colours now {sorted(set(colors))}"
        ), op

    def _modifier_check(
        self, op: Operation, after: SceneState, types: set[str], present: bool, what: str
    ) -> tuple[Check, Operation | None]:
        meshes = [m for m in after.meshes_of(op.target) if m.type == "mesh"]
        has = [any(mod.get("type") in types for mod in m.modifiers) for m in meshes]
        ok = bool(meshes) and (all(has) if present else not any(has))
        return Check(f"Is {op.target} {what}?", ok, f"{sum(has)}/{len(meshes)} parts have it"), op

    def _check_smooth(
        self, op: Operation, before: SceneState, after: SceneState, created: list[str]
    ) -> tuple[Check, Operation | None]:
        return self._modifier_check(op, after, {"subsurf", "subdivision"}, True, "smoother (subdivided)")

    def _check_sharpen(
        self, op: Operation, before: SceneState, after: SceneState, created: list[str]
    ) -> tuple[Check, Operation | None]:
        return self._modifier_check(op, after, {"subsurf", "subdivision"}, False, "sharp (no subdivision)")

    def _check_round_edges(
        self, op: Operation, before: SceneState, after: SceneState, created: list[str]
    ) -> tuple[Check, Operation | None]:
        return self._modifier_check(op, after, {"bevel"}, True, "bevelled")

    def _check_delete(
        self, op: Operation, before: SceneState, after: SceneState, created: list[str]
    ) -> tuple[Check, Operation | None]:
        gone = op.target not in after.objects
        return Check(f"Is {op.target} gone?", gone), op

    def _check_duplicate(
        self, op: Operation, before: SceneState, after: SceneState, created: list[str]
    ) -> tuple[Check, Operation | None]:
        grown = len(after.roots) - len(before.roots)
        want = int(op.parameters.get("count", 1))
        return Check(
            f"Are there {want} more copies of {op.target}?", grown >= want, f"{grown} new objects"
        ), None

    def _check_add_object(
        self, op: Operation, before: SceneState, after: SceneState, created: list[str]
    ) -> tuple[Check, Operation | None]:
        kind = str(op.parameters.get("kind") or "object").replace("_", " ")
        present = [n for n in created if n in after.objects]
        word = _relation_word(self._position, str(op.parameters.get("anchor") or "")) or str(
            op.parameters.get("relation") or ""
        )
        relation = RELATION_WORDS.get(word.replace("_", " ").strip(), RELATION_WORDS.get(word))
        anchor = after.objects.get(str(op.parameters.get("anchor") or ""))
        where = f" {_READ[relation]} {anchor.name}" if relation and anchor is not None else ""
        question = f"Is there a new {kind}{where}?"
        if not created or len(present) != len(created):
            return Check(question, False, f"nothing new was built (created {present})"), None
        if relation is None or anchor is None or anchor.bbox_min is None or anchor.bbox_max is None:
            if relation in ("top_of", "on", "under") and anchor is None:
                return Check(question, False, f"built {present}, but there is nothing to put it {word}"), None
            return Check(question, True, f"created {present}"), None
        wrong = []
        b = (list(anchor.bbox_min), list(anchor.bbox_max))
        for name in present:
            obj = after.objects[name]
            if obj.bbox_min is None or obj.bbox_max is None:
                wrong.append(f"{name} has no geometry")
                continue
            a = (list(obj.bbox_min), list(obj.bbox_max))
            if not relation_holds(relation, a, b):
                off = sum(((a[0][i] + a[1][i]) - (b[0][i] + b[1][i])) ** 2 / 4 for i in (0, 1)) ** 0.5
                wrong.append(
                    f"{name} is not {_READ[relation]} {anchor.name} (its bottom at {a[0][2]:.2f} m and its "
                    f"centre {off:.2f} m sideways from {anchor.name}'s, which spans {b[0][2]:.2f}-{b[1][2]:.2f} m)"
                )
        ok = not wrong
        return Check(question, ok, "; ".join(wrong) if wrong else f"created {present}"), None

    def _check_replace_with(
        self, op: Operation, before: SceneState, after: SceneState, created: list[str]
    ) -> tuple[Check, Operation | None]:
        ok = op.target not in after.objects or op.target in created
        ok &= bool(created) and all(n in after.objects for n in created)
        return Check(f"Does it look like a {op.parameters['kind']} now?", ok, f"built {created}"), None
