"""The deterministic layout solver: a :class:`SceneSpec` -> where every instance goes.

Each object is a root at its bottom centre (the recipe convention), so placing an object is
choosing ``location`` (x, y, z of the bottom centre), ``rotation_z`` and ``scale``. The
solver works in three passes:

1. *anchors*: every object group gets at most one relation that places it relative to
   another group (the first one the prompt gave); groups without one stand on the ground;
2. *clusters*: each grounded group and everything anchored to it (transitively) is placed
   around its own origin: supported things on the support's top surface, contained things on
   the container's inner floor, neighbours beside it with a gap, decorations on the host's
   surface, counts in rows/rings/stacks;
3. *packing*: clusters are set side by side along x, and ground-level footprints that still
   overlap are pushed apart.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from typing import Any

from prompt2mesh.roles.offline.kinds import DECORATION_KINDS, PROXIES, KindInfo, kind_info
from prompt2mesh.roles.offline.layout_packing import keep_on_supports, pack, separate, share_supports
from prompt2mesh.roles.offline.layout_rules import TREE_KINDS, decoration_points, heap, place_relative
from prompt2mesh.roles.offline.parser import ObjectSpec, RelationSpec, SceneSpec
from prompt2mesh.roles.offline.recipes.base import RECIPES, BuildContext, Surface, Vec3

PART_WORDS: dict[str, tuple[str, ...]] = {
    "door": ("entrance", "front door"),
    "window": ("pane",),
    "nose": ("carrot",),
    "handle": ("grip",),
    "wheel": ("tyre", "tire"),
    "shade": ("lampshade",),
    "lid": ("cap",),
    "spot": ("dot", "spot"),
    "dot": ("spot", "dot"),
    "leg": ("leg", "foot"),
    "chimney": ("chimney",),
}
"""Other names recipes give the parts a prompt may mention ('a house with a red door')."""

FESTIVE = ("#cc2222", "#d4a820", "#c0c0c8", "#2255cc", "#cc2222", "#7b3fb5")
RAINBOW = ("#e02424", "#f08a12", "#f2d21b", "#2e9b3a", "#2255cc", "#7b3fb5")


@dataclass
class Placement:
    """One object instance as the planner will build it."""

    name: str
    kind: str
    spec_id: int
    index: int
    info: KindInfo
    location: Vec3 = (0.0, 0.0, 0.0)
    rotation_z: float = 0.0
    scale: float = 1.0
    color: str | None = None
    material: str | None = None
    options: dict[str, Any] = field(default_factory=dict)
    flies: bool = False
    relation: str | None = None
    """How it is placed: on, in, next_to, top_of, decoration, hanging_on, ... or None (ground)."""
    target: str | None = None
    """The object the relation refers to (its support, container, host or neighbour)."""
    parent: str | None = None
    """Host it is parented to after building (decorations)."""
    renames: dict[str, str] = field(default_factory=dict)
    """Recipe part name -> the prompt's word for it ('House_Entrance' -> 'House_Door')."""
    omit: set[str] = field(default_factory=set)
    """Recipe parts not built because the prompt asks for them as objects of their own
    ('three candles on a cake': the cake's own candles would make six)."""

    @property
    def size(self) -> Vec3:
        w, d, h = self.info.size
        return (w * self.scale, d * self.scale, h * self.scale)

    def footprint(self) -> tuple[float, float]:
        """Half extents in world x, y after the rotation about z."""
        w, d, _ = self.size
        a = math.radians(self.rotation_z)
        c, s = abs(math.cos(a)), abs(math.sin(a))
        return ((w * c + d * s) / 2, (w * s + d * c) / 2)

    def context(self) -> BuildContext:
        return BuildContext(
            name=self.name,
            location=self.location,
            rotation_z=self.rotation_z,
            scale=self.scale,
            color=self.color,
            material=self.material,
            options=dict(self.options),
        )

    def surface(self) -> Surface:
        if self.info.recipe is not None:
            return self.info.recipe.surface(self.context())
        w, d, h = self.size
        return Surface(top_z=h, top_half_extent=(w / 2, d / 2))

    def bbox(self) -> tuple[Vec3, Vec3]:
        hx, hy = self.footprint()
        x, y, z = self.location
        return (x - hx, y - hy, z), (x + hx, y + hy, z + self.size[2])


@dataclass
class PartOverride:
    """'a snowman wearing a red scarf': recolour the host's own scarf instead of adding one."""

    host: str
    parts: list[str]
    color: str
    material: str | None = None


@dataclass
class Layout:
    placements: list[Placement]
    overrides: list[PartOverride] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    parts: dict[int, list[str]] = field(default_factory=dict)
    """Spec object id -> the host's own parts that stand for it ('a table with four legs':
    the legs are Table_Leg_1..4, not separate objects)."""

    def get(self, name: str) -> Placement:
        return next(p for p in self.placements if p.name == name)

    def extent(self) -> tuple[Vec3, Vec3]:
        boxes = [p.bbox() for p in self.placements] or [((0.0, 0.0, 0.0), (1.0, 1.0, 1.0))]
        lo = tuple(min(b[0][i] for b in boxes) for i in range(3))
        hi = tuple(max(b[1][i] for b in boxes) for i in range(3))
        return lo, hi  # type: ignore[return-value]


def base_name(word: str) -> str:
    """'bedside table' -> 'Bedside_Table' (the name the user will recognise)."""
    return "_".join(w.capitalize() for w in re.split(r"[\s_\-]+", word) if w) or "Object"


def _instances(spec: SceneSpec) -> dict[int, list[Placement]]:
    out: dict[int, list[Placement]] = {}
    totals: dict[str, int] = {}
    for obj in spec.objects:
        totals[base_name(obj.word)] = totals.get(base_name(obj.word), 0) + obj.count
    seen: dict[str, int] = {}
    for obj in spec.objects:
        info = kind_info(obj.kind)
        base = base_name(obj.word)
        group: list[Placement] = []
        for i in range(obj.count):
            # Numbered across every group with the same name: 'a red chair and a blue chair'
            # gives Chair_1 and Chair_2; twelve eggs give Egg_01 ... Egg_12.
            seen[base] = seen.get(base, 0) + 1
            total = totals[base]
            name = (
                base if total == 1 else f"{base}_{seen[base]:02d}" if total >= 10 else f"{base}_{seen[base]}"
            )
            group.append(
                Placement(
                    name=name,
                    kind=obj.kind,
                    spec_id=obj.id,
                    index=i,
                    info=info,
                    scale=obj.scale,
                    color=_color(obj, info, i),
                    material=obj.material,
                    options=_options(obj),
                    flies=info.flies,
                )
            )
        out[obj.id] = group
    return out


def _color(obj: ObjectSpec, info: KindInfo, i: int) -> str | None:
    if obj.rainbow:
        return (FESTIVE if obj.palette == "festive" else RAINBOW)[i % 6]
    if obj.color_word or (obj.color and obj.material is None):
        return obj.color
    if info.recipe is None:
        # A proxy has no recipe to pick a material's colour, so the colour travels with it.
        return obj.color or (info.proxy.color if info.proxy else None)
    return None


def _options(obj: ObjectSpec) -> dict[str, Any]:
    opts: dict[str, Any] = {}
    shape = obj.shape or next((w for w in obj.word.split() if w in ("round", "square", "oval")), None)
    if shape in ("round", "circular", "oval"):
        opts["round"] = True
    if shape:
        opts["shape"] = shape
    if obj.detail:
        opts["detail"] = obj.detail
    if obj.color2:
        opts["color2"] = obj.color2
        opts["pattern"] = obj.pattern or "stripes"
    return opts


def _resolve_with(spec: SceneSpec, groups: dict[int, list[Placement]], layout: Layout) -> list[RelationSpec]:
    """Turn the vague 'with'/'wearing' into decoration, the host's own part, 'on' or 'next_to'.

    'A chair with four legs', 'a house with a chimney', 'a mushroom with white spots': when the
    host's recipe builds such a part, that part is used (renamed to the prompt's word and
    recoloured when a colour was given) instead of a separate object; markings (spots, dots)
    go on the host's surface; small things go on its top; a part the host lacks is never a
    separate object on the ground.
    """
    out: list[RelationSpec] = []
    absorbed: dict[int, int] = {}
    for rel in spec.relations:
        if rel.relation not in ("with", "wearing"):
            out.append(rel)
            continue
        a, host = spec.get(rel.a), groups[rel.b][0]
        small = kind_info(a.kind).size[2] * a.scale < 0.08 * host.size[2]
        if a.kind in DECORATION_KINDS or small and host.kind in TREE_KINDS:
            out.append(
                RelationSpec(rel.a, "top_of" if a.kind == "star" and a.count == 1 else "decoration", rel.b)
            )
            continue
        parts = _host_parts(host, a)
        if not parts and _host_parts(host, a, detail=True):
            groups[rel.a] = []  # the host grows that part with detail ('a house with a door knob')
            absorbed[rel.a] = rel.b
            continue
        if parts:
            word = base_name(_singular(a.word))
            for i, part in enumerate(parts):
                if f"_{word}" not in part:
                    host.renames[part] = f"{host.name}_{word}" + (f"_{i + 1}" if len(parts) > 1 else "")
            parts = [host.renames.get(n, n) for n in parts]
            layout.parts[rel.a] = parts
            if a.color:
                layout.overrides.append(PartOverride(host.name, parts, a.color, a.material))
            groups[rel.a] = []
            absorbed[rel.a] = rel.b
            continue
        if rel.relation == "wearing":
            out.append(RelationSpec(rel.a, "worn", rel.b))
            continue
        if a.kind in MARKING_KINDS:
            _size_to_host(groups[rel.a], host, 0.14, grow=True)
            out.append(RelationSpec(rel.a, "marking", rel.b))
            continue
        if _singular(a.word.split()[-1]) in BODY_PARTS:
            layout.warnings.append(
                f"'{a.word}' is part of the {host.name}: built as the {host.name}'s own shape"
            )
            groups[rel.a] = []
            continue
        if a.kind not in PROXIES and a.kind not in RECIPES:
            # A noun nobody knows, named as a part of its host: a small part on the host, not a 1 m box.
            _size_to_host(groups[rel.a], host, 0.3)
        out.append(RelationSpec(rel.a, "on" if _goes_on(a, host) else "next_to", rel.b))
    # 'A cake with candles on a table': a part the host absorbed hands its relations to the host.
    return [
        RelationSpec(absorbed.get(r.a, r.a), r.relation, absorbed.get(r.b, r.b))
        if r.a in absorbed or r.b in absorbed
        else r
        for r in out
    ]


def _omit_parts_asked_for(
    spec: SceneSpec, groups: dict[int, list[Placement]], relations: list[RelationSpec]
) -> None:
    """'Four candles around a cake', 'a cherry on a cake': the person asks for things the
    host's recipe also builds as its own parts; theirs are the ones built, the host's are left
    out (counts stay what was asked). Parts that never stand alone (legs, doors) are kept."""
    for rel in relations:
        for thing, host_id in ((rel.a, rel.b), (rel.b, rel.a)):
            obj = spec.get(thing)
            if not groups.get(thing) or _singular(obj.word.split()[-1]) in BODY_PARTS:
                continue
            for host in groups.get(host_id) or []:
                host.omit.update(_host_parts(host, obj, detail=True))


MARKING_KINDS = frozenset({"spot"})
"""Kinds that are markings on the host's surface ('a mushroom with white spots')."""
BODY_PARTS = frozenset(
    {"leg", "wheel", "door", "window", "roof", "handle", "arm", "back", "backrest", "seat", "lid", "wing",
     "tail", "head", "ear", "eye", "nose", "mouth", "hand", "foot", "feet", "tyre", "tire", "blade", "string",
     "strap", "drawer", "petal", "stem", "trunk", "branch", "horn", "antler", "fin", "beak", "paw", "mane",
     "whisker", "shade", "base", "top", "spout", "knob", "cushion", "sail", "mast", "propeller", "engine",
     "screen", "keyboard", "pedal", "frame", "cap", "brim", "rim", "leaf", "needle", "wall", "floor"}
)  # fmt: skip
"""Parts of a thing that never stand alone ('a chair with four legs'): the host's own shape
stands for them when its recipe has no part of that name."""


def _singular(word: str) -> str:
    from prompt2mesh.roles.offline.parser import singular

    return singular(word)


def _size_to_host(group: list[Placement], host: Placement, fraction: float, *, grow: bool = False) -> None:
    """Scale a part so its largest side is (at most, or with ``grow`` exactly) ``fraction`` of
    the host's smallest side."""
    for p in group:
        biggest = max(p.size)
        want = fraction * min(host.size)
        if want > 0 and (biggest > want or grow):
            p.scale *= want / biggest


def _goes_on(a: ObjectSpec, host: Placement) -> bool:
    """'a desk with a computer', 'a cake with candles': on it if it fits on the top, is not
    much taller than the host and the top is within reach (only tiny things go on a roof)."""
    w, d, h = (v * a.scale for v in kind_info(a.kind).size)
    surf = host.surface()
    hx, hy = surf.top_half_extent
    fits = w <= 2.1 * hx and d <= 2.1 * hy
    reachable = surf.top_z <= 2.0 or h < 0.2 * host.size[2]
    return fits and h <= 1.2 * host.size[2] and reachable


def _host_parts(host: Placement, obj: ObjectSpec, *, detail: bool = False) -> list[str]:
    """The host's own parts called like ``obj`` ('Chair_Leg_1', 'House_Chimney'), if its
    recipe builds them (with ``detail``, also the parts that only appear at higher detail)."""
    if host.info.recipe is None:
        return []
    calls = list(host.info.recipe.build(host.context()))
    for level in range(1, host.info.recipe.max_detail + 1 if detail else 1):
        calls.extend(host.info.recipe.detail(host.context(), level))
    head = _singular(obj.word.split()[-1])
    words = {obj.word, head, *PART_WORDS.get(obj.kind, ()), *PART_WORDS.get(head, ())}
    needles = ["_" + base_name(w) for w in words]
    names = [str(c.args.get("name", "")) for c in calls if c.tool == "create_primitive"]
    return list(dict.fromkeys(n for n in names if any(n.endswith(x) or x + "_" in n for x in needles)))


def solve(spec: SceneSpec) -> Layout:
    """Place every instance of ``spec`` so its relations hold.

    Args:
        spec: The parsed scene.

    Returns:
        A :class:`Layout` whose placements are in build order (supports before what they
        carry, hosts before decorations).
    """
    groups = _instances(spec)
    layout = Layout(placements=[])
    relations = _resolve_with(spec, groups, layout)
    _omit_parts_asked_for(spec, groups, relations)
    anchors: dict[int, RelationSpec] = {}
    for given in relations:
        rel = _below(given, groups, anchors)
        if rel.a in anchors or rel.a == rel.b or not groups.get(rel.a) or not groups.get(rel.b):
            continue
        if _reaches(anchors, rel.b, rel.a):
            layout.warnings.append(f"ignored a circular relation: {rel.relation}")
            continue
        anchors[rel.a] = rel
    order = _order(spec, anchors)
    clusters: dict[int, list[Placement]] = {}
    for sid in order:
        group = groups.get(sid) or []
        if not group:
            continue
        anchor = anchors.get(sid)
        if anchor is None:
            _arrange(group, spec.get(sid).arrangement)
            clusters[sid] = list(group)
        else:
            targets = groups[anchor.b]
            if anchor.relation in ("on", "top_of") and spec.get(anchor.b).arrangement in (
                "stack",
                "pile",
                "pyramid",
            ):
                # On a stack or a pile: on its topmost member, not on the bottom one.
                targets = [max(targets, key=lambda q: q.location[2] + q.size[2])]
            place_relative(group, anchor.relation, targets, spec.get(sid).arrangement, layout)
            root = _root(anchors, sid)
            clusters.setdefault(root, []).extend(group)
        layout.placements.extend(group)
    share_supports(layout.placements)
    keep_on_supports(layout.placements)
    pack(list(clusters.values()))
    separate(layout.placements)
    return layout


def _below(
    rel: RelationSpec, groups: dict[int, list[Placement]], anchors: dict[int, RelationSpec]
) -> RelationSpec:
    """'a below b': under b when b flies or is furniture, else b goes above a."""
    if rel.relation != "below" or not groups.get(rel.b):
        return rel
    b = groups[rel.b][0]
    if b.flies or (b.info.recipe is not None and b.info.recipe.category == "furniture"):
        return RelationSpec(rel.a, "under", rel.b)
    if rel.b in anchors:
        return RelationSpec(rel.a, "next_to", rel.b)
    return RelationSpec(rel.b, "above", rel.a)


def _reaches(anchors: dict[int, RelationSpec], start: int, goal: int) -> bool:
    seen: set[int] = set()
    while start in anchors and start not in seen:
        seen.add(start)
        start = anchors[start].b
        if start == goal:
            return True
    return start == goal


def _root(anchors: dict[int, RelationSpec], sid: int) -> int:
    while sid in anchors:
        sid = anchors[sid].b
    return sid


def _order(spec: SceneSpec, anchors: dict[int, RelationSpec]) -> list[int]:
    def depth(sid: int) -> int:
        d = 0
        while sid in anchors and d < 50:
            sid, d = anchors[sid].b, d + 1
        return d

    return sorted((o.id for o in spec.objects), key=lambda sid: (depth(sid), sid))


def _arrange(group: list[Placement], arrangement: str | None) -> None:
    """Counts on the ground: a row (default), a ring, a stack or a loose grid."""
    n = len(group)
    for p in group:
        if p.flies:
            p.location = (0.0, 0.0, max(2.5, 1.5 * p.size[2]))
    if n == 1:
        return
    w, d, h = group[0].size
    gap = max(0.1, 0.35 * max(w, d))
    if arrangement in ("pile", "pyramid"):
        heap(group, arrangement, group[0].location)
        for below, p in zip(group, group[1:], strict=False):
            if p.location[2] > group[0].location[2]:
                p.relation, p.target = "on", below.name
        return
    if arrangement == "stack":
        z = group[0].location[2]
        for p in group:
            p.location = (0.0, 0.0, z)
            z += p.surface().top_z
            if p is not group[0]:
                p.relation, p.target = "on", group[group.index(p) - 1].name
        return
    if arrangement in ("ring", "around"):
        radius = max(w, d) * n / (2 * math.pi) + max(w, d)
        for i, p in enumerate(group):
            a = 2 * math.pi * i / n
            p.location = (radius * math.cos(a), radius * math.sin(a), p.location[2])
            p.rotation_z = math.degrees(a) - 90.0
        return
    cols = n if arrangement == "row" or n <= 5 else math.ceil(math.sqrt(n))
    for i, p in enumerate(group):
        r, c = divmod(i, cols)
        x = (c - (min(n, cols) - 1) / 2) * (w + gap)
        y = r * (d + gap)
        p.location = (x, y, p.location[2])


__all__ = ["Layout", "PartOverride", "Placement", "base_name", "decoration_points", "solve"]
