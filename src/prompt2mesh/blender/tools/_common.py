"""Helpers shared by the tool modules: typed parameter aliases, lookups, colours, summaries.

Other tool modules import ``get_object``, ``get_mesh_object``, ``parse_color``, ``color_hex``,
``object_summary``, ``world_bbox``, ``Vec3``, ``Name`` and ``Color`` from here; keep them.
"""

import math
from collections.abc import Iterable
from typing import TYPE_CHECKING, Annotated, Any

import bpy
from mathutils import Euler, Matrix, Vector
from pydantic import Field

from prompt2mesh.blender.errors import InvalidArgument, LimitExceeded, NotFound, WrongType

if TYPE_CHECKING:
    from prompt2mesh.blender.runtime import Worker

# --- typed parameter aliases (their JSON schema is what an LLM reads) ------------------------

Finite = Annotated[float, Field(allow_inf_nan=False)]
Vec3 = Annotated[
    list[Annotated[float, Field(allow_inf_nan=False)]],
    Field(min_length=3, max_length=3, description="[x, y, z]"),
]
Name = Annotated[str, Field(min_length=1, max_length=63, description="Object name as shown in the outliner")]
Names = Annotated[list[Name], Field(min_length=1, max_length=1000, description="Object names")]
Color = Annotated[
    str | list[Annotated[float, Field(ge=0.0, le=1.0)]],
    Field(description="sRGB colour: hex '#RRGGBB' or [r, g, b] / [r, g, b, a] in 0..1"),
]

#: Object types whose data can hold material slots.
MATERIAL_HOLDERS = frozenset({"MESH", "CURVE", "FONT", "SURFACE", "META"})
#: Object types with geometry (a bounding box).
GEOMETRY_TYPES = frozenset({"MESH", "CURVE", "FONT", "SURFACE", "META"})


# --- lookups -------------------------------------------------------------------------------


def _name_hint(names: Iterable[str], limit: int = 15) -> str:
    listed = sorted(names)
    if not listed:
        return "(none)"
    more = f", ... ({len(listed) - limit} more)" if len(listed) > limit else ""
    return ", ".join(listed[:limit]) + more


def get_object(name: str) -> bpy.types.Object:
    """The object called ``name``, or a NotFound that lists a few names that do exist."""
    obj = bpy.data.objects.get(name) if isinstance(name, str) else None
    if obj is None:
        existing = [o.name for o in bpy.data.objects]
        hint = _name_hint(existing) if existing else "(scene is empty)"
        raise NotFound(f"no object named {name!r}; objects: {hint}")
    return obj


def get_objects(names: Iterable[str]) -> list[bpy.types.Object]:
    """Every named object (duplicates removed, order kept); NotFound names all missing ones."""
    names = list(dict.fromkeys(names))
    missing = [n for n in names if bpy.data.objects.get(n) is None]
    if missing:
        existing = [o.name for o in bpy.data.objects]
        hint = _name_hint(existing) if existing else "(scene is empty)"
        raise NotFound(f"no object named {', '.join(map(repr, missing))}; objects: {hint}")
    return [bpy.data.objects[n] for n in names]


def get_mesh_object(name: str) -> bpy.types.Object:
    obj = get_object(name)
    if obj.type != "MESH":
        raise WrongType(f"{name!r} is a {obj.type.lower()}, this tool needs a mesh")
    return obj


def get_material(name: str) -> bpy.types.Material:
    mat = bpy.data.materials.get(name) if isinstance(name, str) else None
    if mat is None:
        raise NotFound(
            f"no material named {name!r}; materials: {_name_hint(m.name for m in bpy.data.materials)}"
            " (create it with create_material)"
        )
    return mat


def scene() -> bpy.types.Scene:
    return bpy.context.scene


def refresh() -> None:
    """Bring matrices and bounding boxes up to date after changes (cheap when nothing changed)."""
    bpy.context.view_layer.update()


# --- values --------------------------------------------------------------------------------


def srgb_to_linear(c: float) -> float:
    return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4


def linear_to_srgb(c: float) -> float:
    c = max(0.0, min(1.0, c))
    return c * 12.92 if c <= 0.0031308 else 1.055 * c ** (1 / 2.4) - 0.055


def parse_color(value: Any) -> tuple[float, float, float, float]:
    """sRGB hex or list -> linear RGBA (what Blender's shader sockets hold)."""
    if isinstance(value, str):
        text = value.strip().lstrip("#")
        if len(text) == 3 and all(ch in "0123456789abcdefABCDEF" for ch in text):
            text = "".join(ch * 2 for ch in text)
        if len(text) not in (6, 8) or any(ch not in "0123456789abcdefABCDEF" for ch in text):
            raise InvalidArgument(f"colour {value!r} is not '#RRGGBB' or '#RRGGBBAA' (e.g. '#cc2222')")
        parts = [int(text[i : i + 2], 16) / 255 for i in range(0, len(text), 2)]
    else:
        try:
            parts = [float(v) for v in value]
        except (TypeError, ValueError):
            raise InvalidArgument(f"colour {value!r} must be '#RRGGBB' or 3-4 numbers in 0..1") from None
        if len(parts) not in (3, 4) or any(not 0.0 <= v <= 1.0 for v in parts):
            raise InvalidArgument(f"colour {value!r} must be 3 or 4 numbers in 0..1")
    alpha = parts[3] if len(parts) == 4 else 1.0
    r, g, b = (srgb_to_linear(v) for v in parts[:3])
    return (r, g, b, alpha)


def color_hex(linear_rgba: Any) -> str:
    r, g, b = (round(linear_to_srgb(float(linear_rgba[i])) * 255) for i in range(3))
    return f"#{r:02x}{g:02x}{b:02x}"


def rounded(values: Any, digits: int = 4) -> list[float]:
    return [round(float(v), digits) + 0.0 for v in values]  # + 0.0 turns -0.0 into 0.0


def check_vec(value: Any, what: str) -> Vector:
    """A finite 3-vector (the schema already checks this; this guards direct Python callers)."""
    try:
        vec = Vector([float(v) for v in value])
    except (TypeError, ValueError):
        raise InvalidArgument(f"{what} must be [x, y, z] numbers, got {value!r}") from None
    if len(vec) != 3 or not all(math.isfinite(v) for v in vec):
        raise InvalidArgument(f"{what} must be 3 finite numbers [x, y, z], got {value!r}")
    return vec


def check_scale(value: Any) -> Vector:
    vec = check_vec(value, "scale")
    if any(abs(v) < 1e-6 for v in vec):
        raise InvalidArgument(f"scale {list(vec)} has a zero component; use a non-zero factor per axis")
    if any(abs(v) > 1e6 for v in vec):
        raise InvalidArgument(f"scale {list(vec)} is out of range; each factor must be within ±1e6")
    return vec


def euler_deg(value: Any) -> Euler:
    vec = check_vec(value, "rotation")
    return Euler([math.radians(v) for v in vec], "XYZ")


# --- creation helpers ----------------------------------------------------------------------


def check_object_budget(worker: "Worker", new_objects: int) -> None:
    """LimitExceeded when ``new_objects`` more would pass the worker's object limit."""
    limit = worker.config.max_objects
    if len(bpy.data.objects) + new_objects > limit:
        raise LimitExceeded(
            f"this would make {len(bpy.data.objects) + new_objects} objects; the worker allows {limit}. "
            "Delete or join objects first"
        )


def object_vertex_estimate(obj: bpy.types.Object) -> int:
    """Vertices ``obj`` evaluates to, estimated without evaluating it (modifiers included)."""
    if obj.type == "MESH":
        if not obj.modifiers:
            return len(obj.data.vertices)
        from prompt2mesh.blender.tools.modifiers import estimate_vertices

        return estimate_vertices(obj)
    if obj.type == "CURVE":
        data = obj.data
        points = sum(len(s.points) + len(s.bezier_points) for s in data.splines)
        ring = 4 + 2 * data.bevel_resolution if data.bevel_depth > 0 or data.bevel_object else 1
        base = points * max(1, data.resolution_u) * ring
    elif obj.type == "FONT":
        base = 200 * len(obj.data.body) * (1 + obj.data.bevel_resolution)
    else:
        return 0
    factor = 1
    for m in obj.modifiers:
        if m.type == "ARRAY":
            factor *= max(1, m.count)
        elif m.type == "SUBSURF":
            factor *= 4 ** max(m.levels, m.render_levels)
        elif m.type in ("MIRROR", "SOLIDIFY"):
            factor *= 2 ** (sum(m.use_axis) if m.type == "MIRROR" else 1)
    return base * factor


def scene_vertex_estimate(exclude: Iterable[bpy.types.Object] = ()) -> int:
    """Estimated vertices of every object in the file, after modifiers (no evaluation)."""
    skip = {o.name for o in exclude}
    return sum(object_vertex_estimate(o) for o in bpy.data.objects if o.name not in skip)


def scene_object_count() -> int:
    return len(bpy.data.objects)


def check_vertex_budget(
    worker: "Worker", vertices: int, what: str, *, replacing: Iterable[bpy.types.Object] = ()
) -> None:
    """LimitExceeded when adding ``vertices`` (in place of the objects ``replacing``) would take
    the whole scene past ``max_vertices``: the budget is for the scene, not per object."""
    limit = worker.config.max_vertices
    if vertices > limit:
        raise LimitExceeded(f"{what} would have about {vertices:,} vertices; the worker allows {limit:,}")
    scene_total = scene_vertex_estimate(exclude=replacing) + vertices
    if scene_total > limit:
        raise LimitExceeded(
            f"{what} would bring the scene to about {scene_total:,} vertices; the worker allows "
            f"{limit:,} for the whole scene. Delete or simplify objects first"
        )


def check_render_budget(worker: "Worker", width: int, height: int, samples: int) -> None:
    """LimitExceeded when a render of ``width`` x ``height`` at ``samples`` is past the budget."""
    work = width * height * max(1, samples)
    limit = worker.config.max_render_pixel_samples
    if work > limit:
        raise LimitExceeded(
            f"a {width}x{height} render at {samples} samples is {work:,} pixel-samples; the worker "
            f"allows {limit:,} (e.g. 1024x1024 at {max(1, limit // (1024 * 1024))} samples). "
            "Lower the size or the samples"
        )


def check_parent(parent: str | None) -> bpy.types.Object | None:
    return get_object(parent) if parent is not None else None


def check_material_for(obj_type: str, material: str | None) -> bpy.types.Material | None:
    if material is None:
        return None
    if obj_type not in MATERIAL_HOLDERS:
        raise WrongType(f"a {obj_type.lower()} cannot hold a material")
    return get_material(material)


def place_new_object(
    obj: bpy.types.Object,
    *,
    location: Any = (0.0, 0.0, 0.0),
    rotation: Any = (0.0, 0.0, 0.0),
    scale: Any = (1.0, 1.0, 1.0),
    parent: bpy.types.Object | None = None,
    material: bpy.types.Material | None = None,
) -> bpy.types.Object:
    """Link ``obj`` into the scene, parent it (location then local to the parent), set its
    transform and material. Values must already be validated."""
    scene().collection.objects.link(obj)
    if parent is not None:
        obj.parent = parent
        obj.matrix_parent_inverse = Matrix.Identity(4)
    obj.location = Vector(location)
    obj.rotation_mode = "XYZ"
    obj.rotation_euler = euler_deg(rotation)
    obj.scale = Vector(scale)
    if material is not None:
        set_single_material(obj, material)
    return obj


def set_single_material(obj: bpy.types.Object, material: bpy.types.Material) -> None:
    """Replace every material of ``obj`` with ``material`` (one slot, every face uses it)."""
    data = obj.data
    data.materials.clear()
    data.materials.append(material)
    if obj.type == "MESH" and len(data.polygons):
        data.polygons.foreach_set("material_index", [0] * len(data.polygons))
        data.update()


def is_descendant(obj: bpy.types.Object, ancestor: bpy.types.Object) -> bool:
    parent = obj.parent
    while parent is not None:
        if parent == ancestor:
            return True
        parent = parent.parent
    return False


# --- facts -----------------------------------------------------------------------------------


def _mesh_bounds(obj: bpy.types.Object, depsgraph: Any) -> tuple[Vector, Vector] | None:
    """Exact world bounds of a mesh object's evaluated vertices (modifiers applied)."""
    import numpy as np

    evaluated = obj.evaluated_get(depsgraph) if obj.modifiers else obj
    mesh = evaluated.to_mesh() if obj.modifiers else obj.data
    try:
        count = len(mesh.vertices) if mesh is not None else 0
        if count == 0:
            return None
        coords = np.empty(count * 3, dtype=np.float64)
        mesh.vertices.foreach_get("co", coords)
        coords = coords.reshape(count, 3)
        matrix = np.array(obj.matrix_world)
        world = coords @ matrix[:3, :3].T + matrix[:3, 3]
        return Vector(world.min(axis=0).tolist()), Vector(world.max(axis=0).tolist())
    finally:
        if obj.modifiers:
            evaluated.to_mesh_clear()


def evaluated_bounds(obj: bpy.types.Object, depsgraph: Any) -> tuple[Vector, Vector] | None:
    """World bounds of an object's evaluated geometry (modifiers, bevels, text included).

    Curves, text and surfaces are measured on their evaluated mesh: Blender 5.0's
    ``bound_box`` of an evaluated curve is inflated (a 1.7 m garland spiral reported 3.6 m),
    which put ``frame_camera`` twice too far away.
    """
    if obj.type == "MESH":
        return _mesh_bounds(obj, depsgraph)
    evaluated = obj.evaluated_get(depsgraph)
    try:
        mesh = evaluated.to_mesh()
    except RuntimeError:
        mesh = None
    try:
        if mesh is not None and len(mesh.vertices):
            import numpy as np

            count = len(mesh.vertices)
            coords = np.empty(count * 3, dtype=np.float64)
            mesh.vertices.foreach_get("co", coords)
            matrix = np.array(evaluated.matrix_world)
            world = coords.reshape(count, 3) @ matrix[:3, :3].T + matrix[:3, 3]
            return Vector(world.min(axis=0).tolist()), Vector(world.max(axis=0).tolist())
    finally:
        if mesh is not None:
            evaluated.to_mesh_clear()
    if obj.type not in GEOMETRY_TYPES:
        return None
    corners = [evaluated.matrix_world @ Vector(c) for c in evaluated.bound_box]
    return Vector(min(c[i] for c in corners) for i in range(3)), Vector(
        max(c[i] for c in corners) for i in range(3)
    )


def world_bbox(obj: bpy.types.Object, *, include_children: bool = False) -> tuple[Vector, Vector] | None:
    """World-space axis-aligned bounds (evaluated, so modifiers count); None for an empty alone.

    Meshes, curves and text use their evaluated vertices (exact, also when rotated).
    """
    objects = [obj, *obj.children_recursive] if include_children else [obj]
    depsgraph = None
    lows: list[Vector] = []
    highs: list[Vector] = []
    for o in objects:
        if o.type == "MESH":
            depsgraph = depsgraph or bpy.context.evaluated_depsgraph_get()
            box = _mesh_bounds(o, depsgraph)
            if box is not None:
                lows.append(box[0])
                highs.append(box[1])
        elif o.type in GEOMETRY_TYPES:
            depsgraph = depsgraph or bpy.context.evaluated_depsgraph_get()
            box = evaluated_bounds(o, depsgraph)
            if box is not None:
                lows.append(box[0])
                highs.append(box[1])
    if not lows:
        return None
    lo = Vector(min(v[i] for v in lows) for i in range(3))
    hi = Vector(max(v[i] for v in highs) for i in range(3))
    return lo, hi


def evaluated_counts(obj: bpy.types.Object) -> dict[str, int] | None:
    """Vertices, edges and faces of the object's evaluated mesh (modifiers applied)."""
    if obj.type not in GEOMETRY_TYPES:
        return None
    depsgraph = bpy.context.evaluated_depsgraph_get()
    evaluated = obj.evaluated_get(depsgraph)
    try:
        mesh = evaluated.to_mesh()
    except RuntimeError:
        return None
    try:
        if mesh is None:
            return {"vertices": 0, "edges": 0, "faces": 0}
        return {"vertices": len(mesh.vertices), "edges": len(mesh.edges), "faces": len(mesh.polygons)}
    finally:
        evaluated.to_mesh_clear()


def _visible(obj: bpy.types.Object) -> bool:
    try:
        hidden = obj.hide_get()
    except RuntimeError:  # not in the view layer
        hidden = True
    return not obj.hide_render and not hidden


def object_summary(obj: bpy.types.Object) -> dict[str, Any]:
    """The facts about one object that callers need to reason about the scene."""
    refresh()
    box = world_bbox(obj, include_children=obj.type == "EMPTY")
    return {
        "name": obj.name,
        "type": obj.type.lower(),
        "location": rounded(obj.matrix_world.translation),
        "rotation": [round(math.degrees(a), 3) + 0.0 for a in obj.rotation_euler],
        "scale": rounded(obj.scale),
        "dimensions": rounded(box[1] - box[0]) if box else [0.0, 0.0, 0.0],
        "bbox_min": rounded(box[0]) if box else None,
        "bbox_max": rounded(box[1]) if box else None,
        "materials": [s.material.name for s in getattr(obj, "material_slots", []) if s.material],
        "modifiers": [{"name": m.name, "type": modifier_type_name(m.type)} for m in obj.modifiers],
        "parent": obj.parent.name if obj.parent else None,
        "children": sorted(c.name for c in obj.children),
        "visible": _visible(obj),
    }


#: Blender modifier type -> the name tools use (see tools/modifiers.py).
MODIFIER_TYPE_NAMES = {
    "SUBSURF": "subdivision",
    "BEVEL": "bevel",
    "ARRAY": "array",
    "MIRROR": "mirror",
    "SOLIDIFY": "solidify",
    "BOOLEAN": "boolean",
    "DISPLACE": "displace",
    "SCREW": "screw",
    "SKIN": "skin",
    "WIREFRAME": "wireframe",
    "DECIMATE": "decimate",
    "WELD": "weld",
    "SMOOTH": "smooth",
}


def modifier_type_name(blender_type: str) -> str:
    return MODIFIER_TYPE_NAMES.get(blender_type, blender_type.lower())
