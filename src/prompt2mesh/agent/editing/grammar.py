"""The offline translator: a deterministic grammar for the common editing verbs -> TaskSpec.

Clauses joined by "and" / "," / "then" share their target ("make it taller and red").
Targets are named objects ("the table", "the red ball", "Chair_2"), else a pronoun resolved
by the focus stack, else the only object in the scene. Anything it cannot map lowers the
confidence and is listed in ``ambiguities`` so the user is asked instead of guessed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from prompt2mesh.agent.editing.focus import FocusStack, is_plural_reference, mentions_pronoun
from prompt2mesh.agent.editing.scene_state import SceneState, name_words
from prompt2mesh.agent.editing.taskspec import Action, Operation, TargetProperties, TaskSpec
from prompt2mesh.roles.offline.vocabulary import COLORS, MATERIAL_WORDS

_NUM_WORDS = {"one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "ten": 10, "twice": 2, "a": 1}

_SCALE_WORDS: dict[str, tuple[tuple[float, float, float], str]] = {
    # word -> (per-axis factor, property description)
    "bigger": ((1.5, 1.5, 1.5), "larger overall"),
    "larger": ((1.5, 1.5, 1.5), "larger overall"),
    "grow": ((1.5, 1.5, 1.5), "larger overall"),
    "huge": ((2.5, 2.5, 2.5), "much larger"),
    "smaller": ((0.67, 0.67, 0.67), "smaller overall"),
    "shrink": ((0.67, 0.67, 0.67), "smaller overall"),
    "tiny": ((0.4, 0.4, 0.4), "much smaller"),
    "taller": ((1.0, 1.0, 1.5), "taller"),
    "higher": ((1.0, 1.0, 1.5), "taller"),
    "shorter": ((1.0, 1.0, 0.67), "shorter"),
    "wider": ((1.5, 1.5, 1.0), "wider"),
    "broader": ((1.5, 1.5, 1.0), "wider"),
    "narrower": ((0.67, 0.67, 1.0), "narrower"),
    "thinner": ((0.67, 0.67, 1.0), "thinner"),
    "slimmer": ((0.67, 0.67, 1.0), "thinner"),
    "thicker": ((1.5, 1.5, 1.0), "thicker"),
    "fatter": ((1.5, 1.5, 1.0), "thicker"),
    "longer": ((1.5, 1.0, 1.0), "longer"),
    "flatter": ((1.0, 1.0, 0.6), "flatter"),
}
_INTENSITY = {
    "a bit": 0.5,
    "a little": 0.5,
    "slightly": 0.5,
    "much": 2.0,
    "a lot": 2.0,
    "way": 2.0,
    "very": 1.5,
}

_DIRECTIONS: dict[str, tuple[float, float, float]] = {
    "left": (-1, 0, 0),
    "right": (1, 0, 0),
    "up": (0, 0, 1),
    "upward": (0, 0, 1),
    "upwards": (0, 0, 1),
    "higher": (0, 0, 1),
    "down": (0, 0, -1),
    "downward": (0, 0, -1),
    "lower": (0, 0, -1),
    "forward": (0, -1, 0),
    "forwards": (0, -1, 0),
    "closer": (0, -1, 0),
    "front": (0, -1, 0),
    "back": (0, 1, 0),
    "backward": (0, 1, 0),
    "backwards": (0, 1, 0),
    "away": (0, 1, 0),
}

_VERBS: Sequence[tuple[str, re.Pattern[str]]] = (
    ("undo", re.compile(r"^\s*(undo|revert|go back)\b")),
    ("query", re.compile(r"^\s*(what|how (big|tall|wide|many|high)|where|which|is |are |does |tell me)")),
    ("navigate", re.compile(r"\b(zoom( in| out)?|focus on|look at|frame|show me)\b")),
    ("delete", re.compile(r"\b(delete|remove|get rid of|erase|destroy)\b")),
    ("duplicate", re.compile(r"\b(duplicate|copy|clone|copies)\b")),
    ("replace", re.compile(r"\b(look(s)? like|turn (it|this|that|them) into|replace .+ with|into an? )")),
    ("add", re.compile(r"\b(add|create|put|place|insert|make an? |build)\b")),
    ("place", re.compile(r"\b(put|place|move|set)\b.*\b(on|onto|on top of|next to|beside)\b")),
    ("rotate", re.compile(r"\b(rotate|turn|spin|tilt)\b")),
    ("move", re.compile(r"\b(move|shift|slide|push|raise|lift|lower|drop|nudge)\b")),
    (
        "smooth",
        re.compile(r"\b(smoother|smooth|soften|softer|more detail(ed)?|higher resolution|less blocky)\b"),
    ),
    ("sharpen", re.compile(r"\b(sharper|sharpen|flat shad|faceted|low[- ]poly|crisper)\b")),
    ("round", re.compile(r"\b(rounder|round(ed)? (the )?(edges|corners)|bevel(led|ed)?|chamfer)\b")),
    (
        "scale",
        re.compile(r"\b(" + "|".join(_SCALE_WORDS) + r"|scale|resize|double|twice|half|halve|times)\b"),
    ),
    ("color", re.compile(r"\b(paint|colou?r|make|turn|change|set)\b")),
)


_WHOLE_SCENE = re.compile(r"\b(scene|everything|all|there|here|room|objects|things)\b")
"""Words of a question about the whole scene ('what is in the scene?', 'what's there?')."""


@dataclass
class _Clause:
    """One clause being read, and what the reading adds to (shared by all clauses)."""

    clause: str
    names: list[str]
    scene: SceneState
    ops: list[Operation]
    props: TargetProperties
    tt: list[str]
    """Task types seen so far."""

    def each(
        self,
        action: Action,
        task_type: str,
        reason: str,
        parameters: dict[str, Any] | None = None,
        targets: list[str] | None = None,
    ) -> bool:
        """One operation per target (the clause's named objects by default); always True."""
        chosen = [n for n in self.names if n] if targets is None else targets
        self.ops.extend(
            Operation(action=action, target=n, parameters=dict(parameters or {}), reason=reason)
            for n in chosen
        )
        self.tt.append(task_type)
        return True


@dataclass
class _Target:
    names: list[str]
    source: str
    confidence: float
    ambiguities: list[str] = field(default_factory=list)


_RELATION_SPLIT = re.compile(r"\b(?:on top of|onto|on|next to|beside|into)\b")


def _clauses(text: str) -> list[str]:
    parts = re.split(r"\s*(?:,|;|\band then\b|\bthen\b|\band\b(?! (?:a|an|the)\b))\s*", text)
    return [p for p in (x.strip() for x in parts) if p]


def _number(text: str) -> float | None:
    m = re.search(r"(-?\d+(?:\.\d+)?)", text)
    if m:
        return float(m.group(1))
    for word, value in _NUM_WORDS.items():
        if re.search(rf"\b{word}\b", text) and word != "a":
            return float(value)
    return None


def _distance(text: str, default: float) -> float:
    m = re.search(r"(\d+(?:\.\d+)?)\s*(cm|centimet(?:er|re)s?|mm|m\b|met(?:er|re)s?|units?)", text)
    if m:
        value = float(m.group(1))
        unit = m.group(2)
        return value / 100 if unit.startswith("c") else value / 1000 if unit == "mm" else value
    for phrase, factor in _INTENSITY.items():
        if phrase in text:
            return default * factor
    return default


def _color_in(text: str) -> tuple[str, str] | None:
    """(word, hex) of the last colour word in ``text`` that is not a material word."""
    found: tuple[int, str, str] | None = None
    for word in re.findall(r"[a-z]+", text):
        if word in COLORS and word not in MATERIAL_WORDS:
            found = (0, word, COLORS[word])
    return (found[1], found[2]) if found else None


def _material_in(text: str) -> str | None:
    for word in re.findall(r"[a-z]+", text):
        if word in MATERIAL_WORDS:
            return MATERIAL_WORDS[word]
    return None


_UNDER = {"under", "underneath", "beneath", "below"}
_ADD_RELATION = re.compile(r"\b(on top of|on top|onto|on|next to|beside|by|under|underneath|beneath|below)\b")
_NEW_MODEL = re.compile(
    r"^(?:please\s+)?(?:(?:create|make|build|model|generate|design|draw|render)\s+(?:me\s+)?)?"
    r"(?:a|an|one|two|three|four|five|some|several)\s+\w+"
)


def new_subject(text: str, scene: SceneState) -> str | None:
    """The subject of ``text`` when it describes a new model rather than a change to ``scene``
    ("A red sports car" while a teapot is open), else None.

    A description starts with an object ("a ...", "create a ..."), does not point at anything
    in the scene ("it", "the teapot", a name) and is not an "add ... to it" command; its first
    object is one the scene does not have.
    """
    from prompt2mesh.roles.offline.accounting import known_kind
    from prompt2mesh.roles.offline.parser import parse

    clean = re.sub(r"[^\w\s.,;%-]", " ", text.lower()).strip()
    if not _NEW_MODEL.match(clean) or mentions_pronoun(clean):
        return None
    if re.search(r"\b(add|put|place|insert|attach|give)\b", clean):
        return None
    spec = parse(clean)
    if not spec.objects or not known_kind(spec.objects[0].kind):
        return None
    scene_words = {w for o in scene.roots for w in o.words}
    subject = spec.objects[0]
    if set(subject.word.split()) & scene_words or subject.kind in scene_words:
        return None
    return subject.word


class OfflineTranslator:
    """Text + scene + focus -> TaskSpec, with no model."""

    def __init__(self, known_kinds: Sequence[str] = ()) -> None:
        self.known_kinds = {k.replace("_", " "): k for k in known_kinds}

    async def translate(self, text: str, scene: SceneState, focus: FocusStack) -> TaskSpec:
        return self.parse(text, scene, focus)

    def parse(self, text: str, scene: SceneState, focus: FocusStack) -> TaskSpec:
        """The TaskSpec for ``text`` (synchronous; no model involved)."""
        subject = new_subject(text, scene) if scene.roots else None
        if subject is not None:
            return TaskSpec(
                task_type="create",
                intent=text.strip(),
                target_concept=subject,
                confidence=0.9,
                new_request=True,
                ambiguities=[
                    f"'{text.strip()}' describes a new model ({subject}), not a change to this scene"
                ],
            )
        clean = re.sub(r"[^\w\s.,;%-]", " ", text.lower()).strip()
        # "put it on the table": the target is named before the relation, the anchor after it.
        head = _RELATION_SPLIT.split(clean, maxsplit=1)[0]
        target = self._resolve_target(head if head.strip() else clean, scene, focus)
        operations: list[Operation] = []
        props = TargetProperties()
        ambiguities = list(target.ambiguities)
        task_types: list[str] = []
        unknown: list[str] = []
        for clause in _clauses(clean):
            handled = self._clause(clause, target, scene, operations, props, task_types)
            if not handled:
                unknown.append(clause)
        if unknown:
            ambiguities.append(f"did not understand: {'; '.join(unknown)}")
        verb_confidence = 0.95 if operations and not unknown else 0.6 if operations else 0.2
        scene_level = {"add_object", "undo", "describe", "focus_camera"}
        needs_target = any(op.action not in scene_level for op in operations) or (
            any(t in {"modify", "delete"} for t in task_types)
            and not any(op.action == "undo" for op in operations)
        )
        confidence = min(verb_confidence, target.confidence) if needs_target else verb_confidence
        if needs_target and not target.names:
            ambiguities.append("which object? nothing is selected and the command names none")
        task_type = task_types[0] if task_types else "modify"
        return TaskSpec(
            task_type=task_type,  # type: ignore[arg-type]
            intent=text.strip(),
            target_objects=target.names,
            target_concept=self._concept(clean),
            target_properties=props,
            operations=operations,
            confidence=round(confidence, 3),
            ambiguities=ambiguities,
            resolution_source=target.source,
        )

    # --- targets -------------------------------------------------------------------------

    def _resolve_target(self, text: str, scene: SceneState, focus: FocusStack) -> _Target:
        named = self._named_objects(text, scene)
        if named:
            return _Target(named, "named", 1.0)
        roots = scene.subjects
        if mentions_pronoun(text):
            res = focus.resolve(scene.objects.keys(), plural=is_plural_reference(text))
            if res.objects or len(roots) != 1:
                return _Target(res.objects, res.source, res.confidence)
        if len(roots) == 1:
            return _Target([roots[0].name], "only_object", 0.75)
        res = focus.resolve(scene.objects.keys())
        if res.objects:
            return _Target(
                res.objects, res.source, res.confidence * 0.8, ["no object named; using the focus"]
            )
        return _Target([], "unresolved", 0.0)

    def _named_objects(self, text: str, scene: SceneState) -> list[str]:
        """Objects whose name words appear after 'the'/'that'/'this' or verbatim in the text."""
        words = set(re.findall(r"[a-z]+", text))
        exact = [o.name for o in scene.objects.values() if o.name.lower() in text.split()]
        if exact:
            return exact
        singular = {w[:-1] if w.endswith("s") and not w.endswith("ss") else w for w in words}
        mentioned = singular | words
        matches: list[str] = []
        for obj in scene.roots:
            head = obj.words[:2]
            if head and all(w in mentioned for w in head[:1]) and self._is_referenced(head[0], text):
                matches.append(obj.name)
        if len(matches) > 1:
            color = _color_in(text.split(" to ")[0]) if " to " in text else None
            if color:
                matches = [m for m in matches if self._has_color(scene, m, color[0])] or matches
            plural = any(re.search(rf"\b{re.escape(name_words(m)[0])}s\b", text) for m in matches)
            if not plural and not re.search(r"\b(all|both|every)\b", text):
                numbered = re.search(r"\b(?:number|no\.?)\s*(\d+)", text)
                if numbered:
                    wanted = [
                        m
                        for m in matches
                        if m.endswith(f"_{int(numbered.group(1)):02d}") or m.endswith(f"_{numbered.group(1)}")
                    ]
                    matches = wanted or matches
        return matches

    @staticmethod
    def _is_referenced(word: str, text: str) -> bool:
        return bool(re.search(rf"\b{re.escape(word)}s?\b", text))

    @staticmethod
    def _has_color(scene: SceneState, name: str, color_word: str) -> bool:
        want = COLORS.get(color_word, "").lower()
        return any(c.lower() == want for c in scene.material_colors(name))

    def _concept(self, text: str) -> str | None:
        for phrase, kind in sorted(self.known_kinds.items(), key=lambda kv: -len(kv[0])):
            if re.search(rf"\b{re.escape(phrase)}s?\b", text):
                return kind
        return None

    # --- clauses -------------------------------------------------------------------------

    def _clause(
        self,
        clause: str,
        target: _Target,
        scene: SceneState,
        ops: list[Operation],
        props: TargetProperties,
        task_types: list[str],
    ) -> bool:
        verb = next((name for name, pattern in _VERBS if pattern.search(clause)), None)
        names = target.names or [""]
        if verb is None:
            color = _color_in(clause)
            material = _material_in(clause)
            if color or material:
                verb = "color"
            elif any(w in clause.split() for w in _SCALE_WORDS):
                verb = "scale"
            else:
                return False
        handler = getattr(self, f"_op_{verb}")
        return bool(handler(_Clause(clause, names, scene, ops, props, task_types)))

    def _op_undo(self, c: _Clause) -> bool:
        return c.each("undo", "modify", "user asked to undo", {"steps": 1}, targets=[""])

    def _op_query(self, c: _Clause) -> bool:
        # 'what is in the scene?' asks about everything, not about whatever was last touched.
        whole = _WHOLE_SCENE.search(c.clause) and not self._named_objects(c.clause, c.scene)
        return c.each("describe", "query", "user asked a question", targets=[""] if whole else c.names)

    def _op_navigate(self, c: _Clause) -> bool:
        objects = [n for n in c.names if n]
        return c.each("focus_camera", "navigate", "frame the view", {"objects": objects}, targets=c.names[:1])

    def _op_delete(self, c: _Clause) -> bool:
        return c.each("delete", "delete", "user asked to remove it")

    def _op_duplicate(self, c: _Clause) -> bool:
        count = int(_number(c.clause) or 1)
        return c.each("duplicate", "create", "copies", {"count": max(1, min(count, 50))})

    def _op_replace(self, c: _Clause) -> bool:
        kind = self._concept(
            c.clause.split("like", 1)[-1] if "like" in c.clause else c.clause.split("into", 1)[-1]
        )
        if kind is None:
            return False
        c.props.shape = kind
        return c.each("replace_with", "modify", f"should look like a {kind}", {"kind": kind})

    def _op_add(self, c: _Clause) -> bool:
        if re.search(r"\bmake (it|this|that|them)\b", c.clause):
            return self._op_color(c) or self._op_scale(c)
        if self._placing_existing(c.clause, c.names):
            return self._op_place(c)
        kind = self._concept(_ADD_RELATION.split(c.clause)[0])
        if kind is None:
            return False
        count = int(_number(_ADD_RELATION.split(c.clause)[0]) or 1)
        relation, anchor, word = "next_to", None, None
        m = re.search(_ADD_RELATION.pattern + r"\s*(.*)$", c.clause)
        if m:
            word, rest = m.group(1), m.group(2)
            relation = (
                "on"
                if word in {"on", "onto", "on top of", "on top"}
                else "under"
                if word in _UNDER
                else "next_to"
            )
            # "add a star on top": on top of what the command is about (the focus)
            anchor = c.names[0] if mentions_pronoun(rest) or not rest.strip() else None
            if anchor is None:
                anchor = next(iter(self._roots_in(rest, c.scene)), None)
        params: dict[str, Any] = {
            "kind": kind,
            "count": max(1, min(count, 20)),
            "relation": relation,
            "anchor": anchor or None,
        }
        if word:
            # the exact word ('on top', 'under') is what the evaluator measures
            c.props.position = f"{word} {anchor}" if anchor else word
        color = _color_in(_ADD_RELATION.split(c.clause)[0])
        if color:
            params["color"] = color[1]
        material = _material_in(_ADD_RELATION.split(c.clause)[0])
        if material:
            params["material"] = material
        return c.each("add_object", "create", f"add {kind}", params, targets=[anchor or ""])

    @staticmethod
    def _placing_existing(clause: str, names: list[str]) -> bool:
        return bool(re.search(r"\b(put|place|move|set)\s+(it|this|that|them|the)\b", clause)) and bool(
            re.search(r"\b(on|onto|on top of|next to|beside)\b", clause)
        )

    def _roots_in(self, phrase: str, scene: SceneState) -> list[str]:
        """Root objects whose first name word is mentioned in ``phrase`` (else whose last name
        word is: "the tree" is the Christmas_Tree)."""
        first = [o.name for o in scene.roots if o.words and self._is_referenced(o.words[0], phrase)]
        return first or [o.name for o in scene.roots if o.words and self._is_referenced(o.words[-1], phrase)]

    def _op_place(self, c: _Clause) -> bool:
        m = re.search(r"\b(on top of|onto|on|next to|beside)\b\s+(.*)$", c.clause)
        if not m:
            return False
        anchors = self._roots_in(m.group(2), c.scene)
        movers = self._roots_in(c.clause[: m.start()], c.scene) or c.names
        anchors = [a for a in anchors if a not in movers]
        if not anchors:
            return False
        action: Action = "place_on" if m.group(1) in {"on", "onto", "on top of"} else "place_next_to"
        c.props.position = f"{m.group(1)} {anchors[0]}"
        return c.each(action, "modify", c.clause, {"anchor": anchors[0]}, targets=[n for n in movers if n])

    def _op_rotate(self, c: _Clause) -> bool:
        if (
            re.search(r"\bturn (it|this|that|them|the \w+) (into|to)\b", c.clause)
            or _color_in(c.clause)
            or _material_in(c.clause)
        ):
            return self._op_color(c) or self._op_replace(c)
        degrees = _number(c.clause)
        if degrees is None:
            degrees = 180.0 if "around" in c.clause else 45.0
        if re.search(r"\b(left|counter|anti)", c.clause):
            degrees = abs(degrees)
        elif "right" in c.clause or "clockwise" in c.clause:
            degrees = -abs(degrees)
        axis = "x" if "forward" in c.clause or "tilt" in c.clause else "z"
        rot = [0.0, 0.0, 0.0]
        rot["xyz".index(axis)] = float(degrees)
        return c.each("rotate", "modify", c.clause, {"rotation": rot})

    def _op_move(self, c: _Clause) -> bool:
        if re.search(r"\b(on|onto|on top of|next to|beside)\b", c.clause):
            return self._op_place(c)
        words = c.clause.split()
        direction = next((_DIRECTIONS[w] for w in words if w in _DIRECTIONS), None)
        if direction is None:
            direction = (
                (0, 0, 1)
                if re.search(r"\b(raise|lift)\b", c.clause)
                else (0, 0, -1)
                if re.search(r"\b(lower|drop)\b", c.clause)
                else None
            )
        if direction is None:
            return False
        for n in c.names:
            obj = c.scene.objects.get(n)
            extent = max(obj.size[:2]) if obj else 1.0
            dist = _distance(c.clause, max(0.25, 0.5 * extent))
            c.ops.append(
                Operation(
                    action="move",
                    target=n,
                    parameters={"offset": [round(d * dist, 4) for d in direction]},
                    reason=c.clause,
                )
            )
        c.props.position = c.clause
        c.tt.append("modify")
        return True

    def _op_smooth(self, c: _Clause) -> bool:
        c.props.surface_quality = "smooth"
        return c.each("smooth", "modify", "smoother surface", {"levels": 2})

    def _op_sharpen(self, c: _Clause) -> bool:
        c.props.surface_quality = "faceted"
        c.props.edge_treatment = "sharp"
        return c.each("sharpen", "modify", "sharper, flat-shaded look")

    def _op_round(self, c: _Clause) -> bool:
        c.props.edge_treatment = "beveled"
        return c.each("round_edges", "modify", "rounded edges", {"segments": 4})

    def _op_scale(self, c: _Clause) -> bool:
        words = re.findall(r"[a-z]+", c.clause)
        factor: tuple[float, float, float] | None = None
        for w in words:
            if w in _SCALE_WORDS:
                factor, c.props.size = _SCALE_WORDS[w]
        if factor is None:
            n = _number(c.clause)
            if "double" in words or "twice" in words:
                n = 2.0
            elif "half" in words or "halve" in words:
                n = 0.5
            elif n is not None and "%" in c.clause:
                n = n / 100.0
            if n is None or n <= 0:
                return False
            factor = (n, n, n)
            c.props.size = f"scaled by {n:g}"
        else:
            boost = next((v for p, v in _INTENSITY.items() if p in c.clause), 1.0)
            factor = (1 + (factor[0] - 1) * boost, 1 + (factor[1] - 1) * boost, 1 + (factor[2] - 1) * boost)
        if c.props.size in {
            "taller",
            "shorter",
            "wider",
            "narrower",
            "thicker",
            "thinner",
            "flatter",
            "longer",
        }:
            c.props.proportions = c.props.size
        return c.each("scale", "modify", c.props.size or "", {"factor": [round(f, 4) for f in factor]})

    def _op_color(self, c: _Clause) -> bool:
        tail = c.clause.split(" to ", 1)[-1] if re.search(r"\b(change|set)\b", c.clause) else c.clause
        material = _material_in(tail)
        color = _color_in(tail)
        if material is None and color is None:
            if any(w in c.clause.split() for w in _SCALE_WORDS):
                return self._op_scale(c)
            return False
        for n in [x for x in c.names if x]:
            if material is not None:
                c.ops.append(
                    Operation(
                        action="set_material",
                        target=n,
                        parameters={"material": material},
                        reason=f"{material} material",
                    )
                )
            if color is not None:
                c.ops.append(
                    Operation(
                        action="set_color",
                        target=n,
                        parameters={"color": color[1], "color_name": color[0]},
                        reason=f"{color[0]} colour",
                    )
                )
        c.props.material = material
        c.props.color = color[0] if color else material
        c.tt.append("modify")
        return True
