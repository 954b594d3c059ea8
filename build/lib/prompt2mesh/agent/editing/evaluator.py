"""The semantic evaluator: did the edit do what the command meant?

Offline, every question is a measurement on the scene before and after ("Is Tree taller?"
compares world bounding boxes); each failed question yields a corrective operation computed
from what was measured, so a retry converges instead of repeating the same mistake.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from prompt2mesh.agent.editing.scene_state import SceneState
from prompt2mesh.agent.editing.taskspec import Operation, TaskSpec
from prompt2mesh.roles.offline.recipes.materials import material_args

MAX_ATTEMPTS = 3
PASS_SCORE = 0.999


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

    @property
    def issues(self) -> list[str]:
        return [f"{c.question} {c.detail}".strip() for c in self.checks if not c.passed]

    @property
    def retry(self) -> bool:
        return self.score < PASS_SCORE and bool(self.refinements)

    def to_dict(self) -> dict[str, Any]:
        return {
            "match_score": round(self.score, 3),
            "questions": [
                {"question": c.question, "passed": c.passed, "detail": c.detail} for c in self.checks
            ],
            "issues": self.issues,
            "suggested_refinements": [r.model_dump() for r in self.refinements],
            "retry": self.retry,
        }


def _hex_rgb(value: str) -> tuple[float, float, float]:
    text = value.lstrip("#")
    return (int(text[0:2], 16) / 255, int(text[2:4], 16) / 255, int(text[4:6], 16) / 255)


def _close_color(a: str, b: str, tolerance: float = 0.08) -> bool:
    return max(abs(x - y) for x, y in zip(_hex_rgb(a), _hex_rgb(b), strict=True)) <= tolerance


class OfflineEvaluator:
    """Measurable checks per operation, comparing the scene before and after the edit."""

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
        words = {2: "taller" if factor[2] > 1 else "shorter"} if factor[2] != 1 else {}
        question = f"Is {op.target} {words.get(2, 'resized')} by {factor}?"
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
            Check(f"Did {op.target} move by {offset}?", ok, f"moved {[round(m, 3) for m in moved]}"),
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
        return Check(f"Is {op.target} {name}?", ok, f"colours now {sorted(set(colors))}"), op

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
        present = [n for n in created if n in after.objects]
        ok = len(present) == len(created) and bool(created)
        anchor = after.objects.get(op.parameters.get("anchor") or "")
        if (
            ok
            and anchor is not None
            and op.parameters.get("relation") == "on"
            and anchor.bbox_max is not None
        ):
            for name in present:
                obj = after.objects[name]
                ok &= obj.bbox_min is not None and abs(obj.bbox_min[2] - anchor.bbox_max[2]) <= 0.05
        kind = op.parameters.get("kind")
        return Check(
            f"Is there a new {kind}{' on ' + anchor.name if anchor and op.parameters.get('relation') == 'on' else ''}?",
            ok,
            f"created {present}",
        ), None

    def _check_replace_with(
        self, op: Operation, before: SceneState, after: SceneState, created: list[str]
    ) -> tuple[Check, Operation | None]:
        ok = op.target not in after.objects or op.target in created
        ok &= bool(created) and all(n in after.objects for n in created)
        return Check(f"Does it look like a {op.parameters['kind']} now?", ok, f"built {created}"), None
