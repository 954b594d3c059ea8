"""Tool calls for one placed instance: its recipe's build/detail, or a named proxy for kinds
without a recipe, plus the prompt's material words and part colours."""

from __future__ import annotations

import math
from typing import Any

from prompt2mesh.roles.interface import ToolCall
from prompt2mesh.roles.offline.layout import Layout, PartOverride, Placement
from prompt2mesh.roles.offline.vocabulary import MATERIALS

PROXY_MAX_DETAIL = 2


def _r(v: float) -> float:
    return round(float(v), 4)


def _material_call(name: str, color: str, material: str | None) -> ToolCall:
    args: dict[str, Any] = {"name": name, "color": color}
    spec = MATERIALS.get(material or "")
    if spec is not None:
        args.update(metallic=spec.metallic, roughness=spec.roughness)
        if spec.transmission:
            args.update(transmission=spec.transmission, alpha=spec.alpha)
    return ToolCall(tool="create_material", args=args)


def proxy_build(p: Placement) -> list[ToolCall]:
    """A root empty plus one primitive of the kind's real size, named ``{Name}_Body``."""
    proxy = p.info.proxy
    shape = proxy.shape if proxy else "cube"
    w, d, h = p.size
    color = p.color or (proxy.color if proxy else "#9a9a9a")
    mat = f"{p.name}_Primary"
    body: dict[str, Any] = {
        "name": f"{p.name}_Body",
        "parent": p.name,
        "material": mat,
        "location": [0, 0, _r(h / 2)],
    }
    if shape == "cube":
        body.update(kind="cube", size=1.0, scale=[_r(w), _r(d), _r(h)])
    elif shape in ("cylinder", "cone"):
        body.update(
            kind=shape, radius=_r(w / 2), depth=_r(h), scale=[1.0, _r(d / w) if w else 1.0, 1.0], segments=12
        )
    elif shape == "torus":
        minor = max(0.005, h / 2)
        body.update(
            kind="torus", radius=_r(max(minor, w / 2 - minor)), minor_radius=_r(minor), segments=24, rings=8
        )
    else:
        body.update(kind=shape, radius=0.5, scale=[_r(w), _r(d), _r(h)])
        if shape == "uv_sphere":
            body.update(segments=12, rings=8)
        else:
            body.update(subdivisions=1)
    return [
        ToolCall(
            tool="create_empty",
            args={
                "name": p.name,
                "location": [_r(c) for c in p.location],
                "rotation": [0.0, 0.0, _r(p.rotation_z)],
                "size": _r(max(0.05, 0.25 * max(w, d, h))),
            },
        ),
        _material_call(mat, color, p.material),
        ToolCall(tool="create_primitive", args=body),
    ]


def proxy_detail(p: Placement, level: int) -> list[ToolCall]:
    """Level 1: smooth/bevel the proxy's body; level 2: one more subdivision or bevel segment."""
    shape = p.info.proxy.shape if p.info.proxy else "cube"
    body = f"{p.name}_Body"
    if shape == "cube":
        if level == 1:
            width = _r(max(0.003, 0.04 * min(p.size)))
            return [
                ToolCall(
                    tool="apply_transform",
                    args={"name": body, "location": False, "rotation": False, "scale": True},
                ),
                ToolCall(
                    tool="add_modifier",
                    args={
                        "object": body,
                        "type": "bevel",
                        "name": "Bevel",
                        "params": {"width": width, "segments": 2},
                    },
                ),
            ]
        return [
            ToolCall(
                tool="configure_modifier",
                args={"object": body, "modifier": "Bevel", "params": {"segments": 4}},
            )
        ]
    if level == 1:
        return [
            ToolCall(
                tool="add_modifier",
                args={
                    "object": body,
                    "type": "subdivision",
                    "name": "Subdivision",
                    "params": {"levels": 1, "render_levels": 1},
                },
            ),
            ToolCall(
                tool="set_shading",
                args={"name": p.name, "smooth": True, "auto_smooth_angle": 40.0, "recursive": True},
            ),
        ]
    return [
        ToolCall(
            tool="configure_modifier",
            args={"object": body, "modifier": "Subdivision", "params": {"levels": 2, "render_levels": 2}},
        )
    ]


def max_detail(p: Placement) -> int:
    return p.info.recipe.max_detail if p.info.recipe is not None else PROXY_MAX_DETAIL


def build_calls(p: Placement, host: Placement | None = None) -> list[ToolCall]:
    """Everything that makes ``p`` at detail level 0, parented to its ``host`` if it has one."""
    calls = p.info.recipe.build(p.context()) if p.info.recipe is not None else proxy_build(p)
    calls = _without(calls, p.omit)
    calls = [*calls, *pattern_calls(p, calls)]
    if p.parent and host is not None and calls and calls[0].tool == "create_empty":
        # Created under the host directly (one call less per ornament than set_parent).
        args = dict(calls[0].args)
        a = math.radians(-host.rotation_z)
        dx, dy, dz = (p.location[i] - host.location[i] for i in range(3))
        local = [dx * math.cos(a) - dy * math.sin(a), dx * math.sin(a) + dy * math.cos(a), dz]
        rotation = list(args.get("rotation") or [0.0, 0.0, 0.0])
        rotation[2] = _r(float(rotation[2]) - host.rotation_z)
        args.update(parent=p.parent, location=[_r(v) for v in local], rotation=rotation)
        calls[0] = ToolCall(tool="create_empty", args=args)
    elif p.parent:
        calls.append(
            ToolCall(tool="set_parent", args={"child": p.name, "parent": p.parent, "keep_transform": True})
        )
    return calls


STRIPE_BANDS = 7
"""Bands a striped cylinder or cone is cut into; the second colour covers the 4 odd ones
(0, 2, 4, 6 from the bottom), so it shows on well over a third of the surface."""


def pattern_calls(p: Placement, calls: list[ToolCall]) -> list[ToolCall]:
    """'A blue and white striped umbrella': the second colour of a two-colour pattern.

    The primary part, when it is one cylinder or cone, gets bands of the second colour
    wrapped around it (slightly larger, so they sit on its surface); several primary parts
    alternate between the two colours instead.
    """
    color2 = p.options.get("color2")
    if not color2:
        return []
    primary = next(
        (
            str(c.args["name"])
            for c in calls
            if c.tool == "create_material"
            and p.color
            and str(c.args.get("color", "")).lower() == p.color.lower()
        ),
        None,
    )
    prims = [
        c for c in calls if c.tool == "create_primitive" and primary and c.args.get("material") == primary
    ]
    if not prims:
        return []
    mat = f"{p.name}_Second_Color"
    out = [_material_call(mat, str(color2), p.material)]
    upright = [c for c in prims if not c.args.get("rotation")]
    bandable = [c for c in upright if c.args.get("kind") in ("cylinder", "cone", "uv_sphere")]
    boxes = [c for c in upright if c.args.get("kind") == "cube"]
    if bandable:
        # The biggest round part (a mug's body, an umbrella's canopy, a vase's belly) gets the bands.
        a = max(bandable, key=_round_area).args
        if a.get("kind") == "uv_sphere":
            return out + _sphere_bands(p, a, mat)
        return out + _round_bands(p, a, mat)
    if boxes:
        a = max(boxes, key=lambda c: math.prod(float(v) for v in c.args.get("scale", [1, 1, 1]))).args
        return out + _box_bands(p, a, mat)
    second = [str(c.args["name"]) for c in prims[1::2]]
    if not second:
        return []
    out.append(ToolCall(tool="assign_material", args={"objects": second, "material": mat}))
    return out


def _round_area(call: ToolCall) -> float:
    a = call.args
    sx, sy, sz = (float(v) for v in a.get("scale", [1, 1, 1]))
    r = float(a.get("radius", 0.5)) * max(sx, sy)
    if a.get("kind") == "uv_sphere":
        return 4 * math.pi * r * r * max(sz, 0.3)
    return 2 * math.pi * r * float(a.get("depth", 1.0)) * sz


def _sphere_bands(p: Placement, a: dict[str, Any], mat: str) -> list[ToolCall]:
    """Bands around a (scaled) sphere: frustums that follow its curve between latitudes."""
    radius = float(a.get("radius", 0.5))
    sx, sy, sz = (float(v) for v in a.get("scale", [1, 1, 1]))
    x, y, z = (float(v) for v in a.get("location", [0, 0, 0]))
    half = radius * sz
    band = 2 * half / STRIPE_BANDS

    def ring(t: float) -> float:  # the sphere's radius (before x/y scale) at height t from its centre
        return radius * math.sqrt(max(0.0, 1 - (t / half) ** 2))

    out: list[ToolCall] = []
    for k in range(0, STRIPE_BANDS, 2):
        t0, t1 = -half + band * k, -half + band * (k + 1)
        args: dict[str, Any] = {
            "kind": "cone",
            "name": f"{p.name}_Stripe_{k // 2 + 1}",
            "parent": a.get("parent", p.name),
            "material": mat,
            "radius": _r(max(ring(t0), ring(t1) * 0.5) * 1.04 + 0.002),
            "radius_top": _r(max(ring(t1), ring(t0) * 0.5) * 1.04 + 0.002),
            "depth": _r(band),
            "location": [_r(x), _r(y), _r(z + (t0 + t1) / 2)],
            "segments": int(a.get("segments", 24)),
            "fill": False,
            "scale": [_r(sx), _r(sy), 1.0],
        }
        out.append(ToolCall(tool="create_primitive", args=args))
    return out


def _round_bands(p: Placement, a: dict[str, Any], mat: str) -> list[ToolCall]:
    bottom = float(a.get("radius", 0.5))
    top = float(a.get("radius_top", 0.0 if a.get("kind") == "cone" else bottom))
    depth = float(a.get("depth", 1.0))
    x, y, z = (float(v) for v in a.get("location", [0, 0, 0]))
    band = depth / STRIPE_BANDS
    out: list[ToolCall] = []
    args: dict[str, Any] = {}
    for k in range(0, STRIPE_BANDS, 2):
        r0 = bottom + (top - bottom) * k / STRIPE_BANDS
        r1 = bottom + (top - bottom) * (k + 1) / STRIPE_BANDS
        args = {
            "kind": "cone",
            "name": f"{p.name}_Stripe_{k // 2 + 1}",
            "parent": a.get("parent", p.name),
            "material": mat,
            "radius": _r(r0 * 1.03 + 0.002),
            "radius_top": _r(r1 * 1.03 + 0.002),
            "depth": _r(band),
            "location": [_r(x), _r(y), _r(z - depth / 2 + band * (k + 0.5))],
            "segments": int(a.get("segments", 24)),
            "fill": False,
        }
        if a.get("scale"):
            args["scale"] = a["scale"]
        out.append(ToolCall(tool="create_primitive", args=args))
    if a.get("fill", True):
        # The closed bottom (an umbrella's underside) is lined with the second colour too.
        base = {**args, "kind": "cylinder", "name": f"{p.name}_Stripe_Base", "radius": _r(bottom * 1.03 + 0.002),
                "depth": 0.004, "location": [_r(x), _r(y), _r(z - depth / 2 - 0.003)], "fill": True}  # fmt: skip
        base.pop("radius_top", None)
        out.append(ToolCall(tool="create_primitive", args=base))
    return out


def _box_bands(p: Placement, a: dict[str, Any], mat: str) -> list[ToolCall]:
    sx, sy, sz = (float(v) for v in a.get("scale", [1, 1, 1]))
    x, y, z = (float(v) for v in a.get("location", [0, 0, 0]))
    band = sz / STRIPE_BANDS
    return [
        ToolCall(
            tool="create_primitive",
            args={
                "kind": "cube",
                "name": f"{p.name}_Stripe_{k // 2 + 1}",
                "parent": a.get("parent", p.name),
                "material": mat,
                "size": 1.0,
                "scale": [_r(sx * 1.02 + 0.004), _r(sy * 1.02 + 0.004), _r(band)],
                "location": [_r(x), _r(y), _r(z - sz / 2 + band * (k + 0.5))],
            },
        )
        for k in range(0, STRIPE_BANDS, 2)
    ]


def detail_calls(p: Placement, level: int) -> list[ToolCall]:
    """The calls that raise ``p`` from ``level - 1`` to ``level`` (enhance, never rebuild)."""
    if p.info.recipe is not None:
        return [_renamed(c, p.renames) for c in _without(p.info.recipe.detail(p.context(), level), p.omit)]
    return proxy_detail(p, level)


def _without(calls: list[ToolCall], omit: set[str]) -> list[ToolCall]:
    """``calls`` less those that make or address the parts in ``omit`` (a host's own part the
    prompt asks for as an object of its own)."""
    if not omit:
        return list(calls)
    out = []
    for call in calls:
        if any(call.args.get(k) in omit for k in _NAME_KEYS):
            continue
        objects = call.args.get("objects")
        if isinstance(objects, list) and any(o in omit for o in objects):
            kept = [o for o in objects if o not in omit]
            if not kept:
                continue
            call = ToolCall(tool=call.tool, args={**call.args, "objects": kept}, id=call.id)
        out.append(call)
    return out


_NAME_KEYS = ("name", "object", "parent", "child")


def _renamed(call: ToolCall, renames: dict[str, str]) -> ToolCall:
    """``call`` addressed to the renamed parts (detail calls come from the recipe's names)."""
    if not renames:
        return call
    args = {
        k: renames.get(v, v) if k in _NAME_KEYS and isinstance(v, str) else v for k, v in call.args.items()
    }
    if isinstance(args.get("objects"), list):
        args["objects"] = [renames.get(v, v) for v in args["objects"]]
    return ToolCall(tool=call.tool, args=args, id=call.id)


def detail_footprint(p: Placement) -> list[tuple[str, str]]:
    """(object, modifier) pairs that exist once level 1 is applied: how the critic sees it."""
    return [
        (str(call.args["object"]), str(call.args.get("name") or call.args["type"]))
        for call in detail_calls(p, 1)
        if call.tool == "add_modifier"
    ]


def rename_calls(p: Placement) -> list[ToolCall]:
    """Rename the parts of ``p``'s recipe that stand for objects of the prompt to the prompt's
    word ('a snowman with a carrot nose': Snowman_Nose -> Snowman_Carrot_Nose), each once."""
    return [
        ToolCall(tool="rename_object", args={"name": old, "new_name": new}) for old, new in p.renames.items()
    ]


def override_calls(o: PartOverride) -> list[ToolCall]:
    """Recolour parts the host's recipe already builds (called by their new names)."""
    mat = f"{o.parts[0]}_Color"
    return [
        _material_call(mat, o.color, o.material),
        ToolCall(tool="assign_material", args={"objects": list(o.parts), "material": mat, "recursive": True}),
    ]


def root_names(layout: Layout) -> list[str]:
    return [p.name for p in layout.placements if not p.parent]
