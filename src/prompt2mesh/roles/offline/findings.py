"""What the critic measured and what it found: the facts read from the worker, the faults with
their penalties and caps, and the box geometry shared by every check.

Score formula (documented, deterministic):

    score = min(10 - sum(penalties), *caps), clamped to 1..10

Each *kind* of fault costs its full penalty once, plus 1 for every further object with the
same fault (see ``PENALTY``). Some faults cap the score instead, whatever else is right: the
prompt's subject not shown (3), nothing in the prompt understood (2), a part built as a
stand-in box for a kind nobody knows (5: below the pass mark of 6).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from prompt2mesh.roles.interface import ToolCall

PENALTY = {
    "missing": 6,
    "lights": 5,
    "camera": 4,
    "support": 4,
    "footprint": 4,
    "intersection": 4,
    "color": 4,
    "relation": 4,
    "count": 4,
    "not_understood": 4,
    "hidden": 4,
    "detached": 4,
    "too_big": 3,
    "stand_in": 2,
    "blank": 3,
    "invisible": 2,
    "frame": 2,
    "crude": 1,
}
CAP_NO_SUBJECT = 3
CAP_NOTHING_UNDERSTOOD = 2
CAP_PROXY = 5

Box = tuple[list[float], list[float]]


@dataclass
class Facts:
    """The scene as measured through the worker's inspection tools."""

    objects: dict[str, dict[str, Any]]
    boxes: dict[str, dict[str, list[float]]]
    materials: dict[str, str]
    problems: dict[str, Any]

    def box(self, name: str) -> Box | None:
        b = self.boxes.get(name)
        return (list(b["min"]), list(b["max"])) if b else None

    def meshes_under(self, root: str, skip: set[str] | frozenset[str] = frozenset()) -> list[str]:
        """Mesh objects at or below ``root``, not descending into ``skip``."""
        out, todo = [], [root]
        while todo:
            name = todo.pop()
            obj = self.objects.get(name)
            if obj is None:
                continue
            if obj.get("type") == "mesh":
                out.append(name)
            todo.extend(c for c in obj.get("children", []) if c not in skip)
        return out

    def group_box(self, roots: list[str], skip: set[str] | frozenset[str] = frozenset()) -> Box | None:
        """The union of the mesh boxes under ``roots`` (the checker's box of a name group)."""
        boxes = [self.boxes[m] for r in roots for m in self.meshes_under(r, skip) if m in self.boxes]
        if not boxes:
            return None
        return (
            [min(b["min"][i] for b in boxes) for i in range(3)],
            [max(b["max"][i] for b in boxes) for i in range(3)],
        )


@dataclass
class Findings:
    issues: list[tuple[str, str]] = field(default_factory=list)
    fixes: list[ToolCall] = field(default_factory=list)
    suggestions: list[str] = field(default_factory=list)
    caps: list[tuple[int, str]] = field(default_factory=list)

    def add(self, kind: str, text: str, fixes: list[ToolCall] | None = None, suggestion: str = "") -> None:
        self.issues.append((kind, text))
        self.fixes.extend(fixes or [])
        if suggestion:
            self.suggestions.append(suggestion)

    def cap(self, limit: int, text: str) -> None:
        """A fault no amount of polish makes up for: the score stays at or below ``limit``."""
        self.caps.append((limit, text))
        self.issues.append(("cap", text))

    def penalty(self) -> int:
        counts: dict[str, int] = {}
        for kind, _ in self.issues:
            if kind != "cap":
                counts[kind] = counts.get(kind, 0) + 1
        return sum(PENALTY[k] + (n - 1) for k, n in counts.items())

    def score(self, top: int = 10) -> int:
        return max(1, min([top - self.penalty(), *(c for c, _ in self.caps)]))


def relation_holds(r: str, a: Box, b: Box) -> bool:
    """Does relation ``r`` hold between boxes ``a`` and ``b``? The same semantics as the suite
    checker (``evaluation/check.py``: ``relation``), so the critic and the checker agree."""
    (alo, ahi), (blo, bhi) = a, b
    ha, hb = ahi[2] - alo[2], bhi[2] - blo[2]
    t = 0.05 * max(ha, hb) + 0.02
    ca = [(alo[i] + ahi[i]) / 2 for i in range(3)]
    cb = [(blo[i] + bhi[i]) / 2 for i in range(3)]

    def over(c: list[float]) -> bool:
        return blo[0] <= c[0] <= bhi[0] and blo[1] <= c[1] <= bhi[1]

    if r == "on":
        return abs(alo[2] - bhi[2]) <= t and over(ca)
    if r == "in":
        return over(ca) and blo[2] - t <= alo[2] <= bhi[2]
    if r == "top_of":
        return alo[2] >= blo[2] + 0.8 * hb - t and over(ca)
    if r == "above":
        return alo[2] >= bhi[2] - t
    if r == "below":
        return ahi[2] <= blo[2] + t
    if r == "under":
        return over(ca) and ahi[2] <= bhi[2] + t and ca[2] < cb[2]
    if r == "next_to":
        ox = max(0.0, min(ahi[0], bhi[0]) - max(alo[0], blo[0]))
        oy = max(0.0, min(ahi[1], bhi[1]) - max(alo[1], blo[1]))
        area_a = (ahi[0] - alo[0]) * (ahi[1] - alo[1])
        area_b = (bhi[0] - blo[0]) * (bhi[1] - blo[1])
        if ox * oy > 0.1 * max(min(area_a, area_b), 1e-9):
            return False
        gx = max(0.0, max(alo[0], blo[0]) - min(ahi[0], bhi[0]))
        gy = max(0.0, max(alo[1], blo[1]) - min(ahi[1], bhi[1]))
        side = max(ahi[0] - alo[0], ahi[1] - alo[1], bhi[0] - blo[0], bhi[1] - blo[1])
        return (gx**2 + gy**2) ** 0.5 <= 1.5 * side and abs(alo[2] - blo[2]) <= t
    if r == "touching":
        return box_distance(a, b) <= t
    raise ValueError(f"unknown relation {r}")


CHECKED_RELATIONS = ("on", "in", "top_of", "above", "below", "under", "next_to")


def box_distance(a: Box, b: Box) -> float:
    d = [max(0.0, a[0][i] - b[1][i], b[0][i] - a[1][i]) for i in range(3)]
    return float(sum(v * v for v in d) ** 0.5)


def contains(outer: Box, inner: Box, tolerance: float = 0.01) -> bool:
    return all(
        outer[0][i] - tolerance <= inner[0][i] and inner[1][i] <= outer[1][i] + tolerance for i in range(3)
    )


def extent(box: Box) -> float:
    return max(box[1][i] - box[0][i] for i in range(3))
