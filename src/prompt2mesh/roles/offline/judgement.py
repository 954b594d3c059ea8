"""The whole scene judged against the prompt (the review step and the run's final score).

Everything here is measured: which prompt words the scene accounts for, whether the subject is
there and visible, whether every relation the prompt states holds on the real boxes (the
checker's semantics), whether 'with X' parts are attached to their host and smaller than it,
whether anything is hidden inside something else, and what stands in for a kind nobody knows.
"""

from __future__ import annotations

import re

from prompt2mesh.roles.interface import ToolCall
from prompt2mesh.roles.offline.accounting import WordAccount, words_of
from prompt2mesh.roles.offline.findings import (
    CAP_NO_SUBJECT,
    CAP_NOTHING_UNDERSTOOD,
    CAP_PROXY,
    CHECKED_RELATIONS,
    Box,
    Facts,
    Findings,
    box_distance,
    contains,
    extent,
    relation_holds,
)
from prompt2mesh.roles.offline.kinds import stand_in_kind
from prompt2mesh.roles.offline.layout import Placement
from prompt2mesh.roles.offline.parser import singular
from prompt2mesh.roles.offline.scene_facts import color_classes
from prompt2mesh.roles.offline.understanding import ENGLISH_NOTE, Understanding, relation_words
from prompt2mesh.roles.offline.vocabulary import COLORS, COUNT_WORDS

_PART_RELATIONS = ("with", "wearing")
_HEADWEAR = frozenset(
    {"hat", "cap", "crown", "helmet", "beanie", "top_hat", "party_hat", "santa_hat", "halo"}
)
"""Worn things whose place is the top of the wearer (a hat at the belly is not worn)."""
_RIM = 0.01
"""'in' needs the bottom below the container's rim (resting on the rim is not in it)."""


def _roots(u: Understanding, spec_id: int, facts: Facts) -> list[Placement]:
    return [p for p in u.layout.placements if p.spec_id == spec_id and p.name in facts.objects]


def _fmt(box: Box) -> str:
    return f"{extent(box):.2f} m"


def _move_onto(part: str, a: Box, b: Box) -> ToolCall:
    """Rest box ``a`` (object ``part``) centred on the top of box ``b``."""
    dx = (b[0][0] + b[1][0]) / 2 - (a[0][0] + a[1][0]) / 2
    dy = (b[0][1] + b[1][1]) / 2 - (a[0][1] + a[1][1]) / 2
    dz = b[1][2] - a[0][2]
    return ToolCall(
        tool="set_transform",
        args={"name": part, "location": [round(dx, 4), round(dy, 4), round(dz, 4)], "relative": True},
    )


def judge_words(acc: WordAccount, u: Understanding, facts: Facts, f: Findings) -> None:
    """The subject, the words nobody understood, and the stand-ins for unknown kinds."""
    if not acc.understood_anything:
        what = (
            f"no object of the prompt is a kind the offline modeller knows ({acc.summary()})"
            if acc.proxies
            else f"nothing in the prompt was understood ({acc.summary()})"
        )
        f.cap(CAP_NOTHING_UNDERSTOOD, f"{what}; {ENGLISH_NOTE}")
        return
    if acc.subject is not None and acc.subject_kind is None:
        how = "built only as a stand-in box" if acc.subject in acc.proxies else "not understood"
        f.cap(CAP_NO_SUBJECT, f"the prompt's subject '{acc.subject}' is not in the scene ({how})")
    elif acc.subject_kind is not None:
        shown = [
            p
            for p in u.layout.placements
            if p.kind == acc.subject_kind
            and p.name in facts.objects
            and facts.objects[p.name].get("visible", True)
        ]
        if not shown:
            f.cap(CAP_NO_SUBJECT, f"the prompt's subject '{acc.subject}' is not in the scene")
    if acc.subject_kind is not None and acc.subject_colors:
        _judge_subject_color(acc, u, facts, f)
    for word, kind in acc.proxies.items():
        names = [p.name for p in u.layout.placements if p.kind == kind and p.name in facts.objects]
        if names:
            f.cap(
                CAP_PROXY,
                f"{', '.join(names[:4])} {'is a' if len(names) == 1 else 'are'} stand-in box"
                f"{'' if len(names) == 1 else 'es'} for '{word}', a kind the offline modeller does not know",
            )
    for word in acc.not_understood:
        f.add("not_understood", f"'{word}' in the prompt was not understood; nothing in the scene shows it")
    for p in u.layout.placements:
        word = u.spec.get(p.spec_id).word
        if p.name in facts.objects and p.spec_id not in u.layout.parts and stand_in_kind(word, p.kind):
            f.add(
                "stand_in",
                f"{p.name} is built as a {p.kind.replace('_', ' ')}, the nearest kind the offline "
                f"modeller knows for '{word}': it shows a {p.kind.replace('_', ' ')}, not a {word}",
            )


def _judge_subject_color(acc: WordAccount, u: Understanding, facts: Facts, f: Findings) -> None:
    """'A red fire truck': the subject itself wears the colour words of its own phrase."""
    want = {c for w in acc.subject_colors for c in color_classes(COLORS[w])} - {"silver"}
    roots = {p.name for p in u.layout.placements}
    total = good = 0.0
    names = []
    for p in u.layout.placements:
        if p.kind != acc.subject_kind or p.name not in facts.objects:
            continue
        names.append(p.name)
        for part in facts.meshes_under(p.name, roots - {p.name}):
            box, mats = facts.boxes.get(part), facts.objects[part].get("materials") or []
            if not box or not mats:
                continue
            d = box["dimensions"]
            area = 2 * (d[0] * d[1] + d[1] * d[2] + d[0] * d[2]) + 1e-9
            total += area
            if color_classes(facts.materials.get(mats[0], "#808080")) & want:
                good += area
    if names and total and good / total < 0.3:
        f.add(
            "color",
            f"{names[0]} is {good / total:.0%} {'/'.join(acc.subject_colors)}; the prompt asks for "
            f"a {' '.join(acc.subject_colors)} {acc.subject}",
        )


def judge_counts(u: Understanding, facts: Facts, f: Findings) -> None:
    """A number in the prompt ('five books') against the top-level objects whose names contain
    that word (exactly how the suite checker counts: a 'Bookshelf' holding five books is a sixth)."""
    words = words_of(u.prompt)
    for obj in u.spec.objects:
        if obj.count <= 1 or obj.palette == "festive" or not _stated_count(obj.word.split()[-1], words):
            continue
        word = obj.word.split()[-1]
        hits = {n for n in facts.objects if singular(word) in _norm(n)}
        top = [n for n in hits if not any(a in hits for a in _ancestors(n, facts))]
        if top and len(top) != obj.count:
            f.add("count", f"{len(top)} objects are named '{word}' but the prompt asks for {obj.count}")


_VAGUE = frozenset({"a", "an", "some", "several", "many", "lots", "few", "bunch", "couple"})


def _stated_count(word: str, words: list[str]) -> bool:
    """Does a number stand right before ``word`` in the prompt ('five books', '3 red balls')?"""
    for i, w in enumerate(words):
        if singular(w) == singular(word):
            before = words[max(0, i - 3) : i]
            if any(b.isdigit() or b in COUNT_WORDS and b not in _VAGUE for b in before):
                return True
    return False


def _norm(name: str) -> str:
    """An object name as the suite checker reads it (substring matches on these)."""
    return re.sub(r"[_\-.0-9]+", " ", name.lower())


def _ancestors(name: str, facts: Facts) -> list[str]:
    out, parent = [], facts.objects.get(name, {}).get("parent")
    while parent:
        out.append(parent)
        parent = facts.objects.get(parent, {}).get("parent")
    return out


def judge_relations(u: Understanding, facts: Facts, f: Findings) -> None:
    """Each relation of the prompt on the measured boxes; 'with' parts attached and smaller."""
    for r in u.spec.relations:
        parts, hosts = _roots(u, r.a, facts), _roots(u, r.b, facts)
        if not parts or not hosts:
            continue
        skip = {p.name for p in parts}
        a = facts.group_box([p.name for p in parts])
        b = facts.group_box([h.name for h in hosts], skip)
        if a is None or b is None:
            continue
        pa, hb = parts[0].name, hosts[0].name
        relation = r.relation
        if relation == "wearing" and parts[0].kind in _HEADWEAR:
            relation = "top_of"
        if relation in CHECKED_RELATIONS:
            if relation_holds(relation, a, b) and not (relation == "in" and a[0][2] > b[1][2] - _RIM):
                continue
            fixes = (
                [_move_onto(p.name, facts.box(p.name) or a, b) for p in parts[:1]]
                if len(parts) == 1 and relation in ("on", "top_of")
                else []
            )
            f.add(
                "relation",
                f"{pa} is not {relation_words(relation)} {hb} on the measured geometry "
                f"({pa}: bottom {a[0][2]:.2f} m, top {a[1][2]:.2f} m; {hb}: bottom {b[0][2]:.2f} m, "
                f"top {b[1][2]:.2f} m)",
                fixes,
                f"put {pa} {relation_words(relation)} {hb}" if fixes else "",
            )
        elif r.relation in _PART_RELATIONS:
            for p in parts:
                box = facts.group_box([p.name])
                if box is None:
                    continue
                if extent(box) > extent(b) * 1.001:
                    f.add(
                        "too_big",
                        f"{p.name} ({_fmt(box)}) is bigger than {hb} ({_fmt(b)}) although it is a part of it",
                    )
                gap = box_distance(box, b)
                if gap > 0.05 * max(box[1][2] - box[0][2], b[1][2] - b[0][2]) + 0.02:
                    f.add(
                        "detached",
                        f"{p.name} is not attached to {hb}: {gap:.2f} m away from it",
                        [_move_onto(p.name, box, b)],
                        f"attach {p.name} to {hb}",
                    )


def judge_visibility(u: Understanding, facts: Facts, f: Findings) -> None:
    """Objects hidden (switched off, or wholly inside another object they do not belong in)."""
    roots = [p for p in u.layout.placements if not p.parent and p.name in facts.objects]
    for p in roots:
        if not facts.objects[p.name].get("visible", True):
            f.add("hidden", f"{p.name} is hidden (switched off in the viewport)")
            continue
        box = facts.group_box([p.name])
        if box is None:
            continue
        for q in roots:
            if q is p or p.target == q.name and p.relation in ("in", "under", "on"):
                continue
            qbox = facts.group_box([q.name], {p.name})
            # The slack is at most a quarter of the thing's thinnest side: a coin 2 mm thick
            # lying on the next coin of a stack is not inside it.
            slack = min(0.01, 0.25 * min(box[1][i] - box[0][i] for i in range(3)))
            if qbox is not None and extent(qbox) > extent(box) and contains(qbox, box, slack):
                f.add(
                    "hidden",
                    f"{p.name} ({_fmt(box)}) is hidden inside {q.name} ({_fmt(qbox)})",
                )
                break
