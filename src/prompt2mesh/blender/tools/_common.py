"""Helpers shared by the tool modules: typed parameter aliases, lookups, colours, summaries."""

from typing import Annotated, Any

import bpy
from mathutils import Vector
from pydantic import Field

from prompt2mesh.blender.errors import InvalidArgument, NotFound, WrongType

Vec3 = Annotated[
    list[Annotated[float, Field(allow_inf_nan=False)]],
    Field(min_length=3, max_length=3, description="[x, y, z]"),
]
Name = Annotated[str, Field(min_length=1, max_length=63, description="Object name as shown in the outliner")]
Color = Annotated[
    str | list[Annotated[float, Field(ge=0.0, le=1.0)]],
    Field(description="sRGB colour: hex '#RRGGBB' or [r, g, b] / [r, g, b, a] in 0..1"),
]


def get_object(name: str) -> bpy.types.Object:
    """The object called ``name``, or a NotFound that lists a few names that do exist."""
    obj = bpy.data.objects.get(name)
    if obj is None:
        existing = sorted(o.name for o in bpy.data.objects)[:15]
        raise NotFound(f"no object named {name!r}; objects: {', '.join(existing) or '(scene is empty)'}")
    return obj


def get_mesh_object(name: str) -> bpy.types.Object:
    obj = get_object(name)
    if obj.type != "MESH":
        raise WrongType(f"{name!r} is a {obj.type.lower()}, this tool needs a mesh")
    return obj


def srgb_to_linear(c: float) -> float:
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def linear_to_srgb(c: float) -> float:
    c = max(0.0, min(1.0, c))
    return c * 12.92 if c <= 0.0031308 else 1.055 * c ** (1 / 2.4) - 0.055


def parse_color(value: Any) -> tuple[float, float, float, float]:
    """sRGB hex or list -> linear RGBA (what Blender's shader sockets hold)."""
    if isinstance(value, str):
        text = value.strip().lstrip("#")
        if len(text) not in (6, 8) or any(ch not in "0123456789abcdefABCDEF" for ch in text):
            raise InvalidArgument(f"colour {value!r} is not '#RRGGBB' or '#RRGGBBAA'")
        parts = [int(text[i : i + 2], 16) / 255 for i in range(0, len(text), 2)]
    else:
        parts = [float(v) for v in value]
        if len(parts) not in (3, 4) or any(not 0.0 <= v <= 1.0 for v in parts):
            raise InvalidArgument(f"colour {value!r} must be 3 or 4 numbers in 0..1")
    alpha = parts[3] if len(parts) == 4 else 1.0
    r, g, b = (srgb_to_linear(v) for v in parts[:3])
    return (r, g, b, alpha)


def color_hex(linear_rgba: Any) -> str:
    r, g, b = (round(linear_to_srgb(float(linear_rgba[i])) * 255) for i in range(3))
    return f"#{r:02x}{g:02x}{b:02x}"


def rounded(values: Any, digits: int = 4) -> list[float]:
    return [round(float(v), digits) for v in values]


def world_bbox(obj: bpy.types.Object, *, include_children: bool = False) -> tuple[Vector, Vector] | None:
    """World-space axis-aligned bounds (evaluated, so modifiers count); None for an empty alone."""
    objects = [obj, *obj.children_recursive] if include_children else [obj]
    corners: list[Vector] = []
    for o in objects:
        if o.type in {"MESH", "CURVE", "FONT", "SURFACE", "META"}:
            corners.extend(o.matrix_world @ Vector(c) for c in o.bound_box)
    if not corners:
        return None
    lo = Vector((min(c.x for c in corners), min(c.y for c in corners), min(c.z for c in corners)))
    hi = Vector((max(c.x for c in corners), max(c.y for c in corners), max(c.z for c in corners)))
    return lo, hi


def object_summary(obj: bpy.types.Object) -> dict[str, Any]:
    """The facts about one object that callers need to reason about the scene."""
    import math

    box = world_bbox(obj, include_children=obj.type == "EMPTY")
    return {
        "name": obj.name,
        "type": obj.type.lower(),
        "location": rounded(obj.matrix_world.translation),
        "rotation": [round(math.degrees(a), 3) for a in obj.rotation_euler],
        "scale": rounded(obj.scale),
        "dimensions": rounded(box[1] - box[0]) if box else [0.0, 0.0, 0.0],
        "bbox_min": rounded(box[0]) if box else None,
        "bbox_max": rounded(box[1]) if box else None,
        "materials": [s.material.name for s in getattr(obj, "material_slots", []) if s.material],
        "modifiers": [{"name": m.name, "type": m.type.lower()} for m in obj.modifiers],
        "parent": obj.parent.name if obj.parent else None,
        "children": [c.name for c in obj.children],
        "visible": not obj.hide_render and not obj.hide_get(),
    }
