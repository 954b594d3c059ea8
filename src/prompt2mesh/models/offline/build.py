"""Tool calls for one placed instance: its recipe's build/detail, or a named proxy for kinds
without a recipe, plus the prompt's material words and part colours."""

from __future__ import annotations

from typing import Any

from prompt2mesh.models.offline.layout import Layout, PartOverride, Placement
from prompt2mesh.models.offline.vocabulary import MATERIALS
from prompt2mesh.models.roles import ToolCall

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


def build_calls(p: Placement) -> list[ToolCall]:
    """Everything that makes ``p`` at detail level 0, then parents it to its host if any."""
    calls = p.info.recipe.build(p.context()) if p.info.recipe is not None else proxy_build(p)
    if p.parent:
        calls.append(
            ToolCall(tool="set_parent", args={"child": p.name, "parent": p.parent, "keep_transform": True})
        )
    return calls


def detail_calls(p: Placement, level: int) -> list[ToolCall]:
    """The calls that raise ``p`` from ``level - 1`` to ``level`` (enhance, never rebuild)."""
    if p.info.recipe is not None:
        return p.info.recipe.detail(p.context(), level)
    return proxy_detail(p, level)


def detail_footprint(p: Placement) -> list[tuple[str, str]]:
    """(object, modifier) pairs that exist once level 1 is applied: how the critic sees it."""
    return [
        (str(call.args["object"]), str(call.args.get("name") or call.args["type"]))
        for call in detail_calls(p, 1)
        if call.tool == "add_modifier"
    ]


def override_calls(o: PartOverride, layout: Layout) -> list[ToolCall]:
    """Recolour a part the host's recipe already builds ('wearing a red scarf')."""
    mat = f"{o.parts[0]}_Color"
    return [
        _material_call(mat, o.color, o.material),
        ToolCall(tool="assign_material", args={"objects": list(o.parts), "material": mat, "recursive": True}),
    ]


def root_names(layout: Layout) -> list[str]:
    return [p.name for p in layout.placements if not p.parent]
