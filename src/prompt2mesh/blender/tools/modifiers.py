"""Modifier tools: add / configure / remove / apply, with per-type parameter validation and a
vertex-count estimate checked against the worker's limit before anything is evaluated."""

import math
from dataclasses import dataclass
from typing import Annotated, Any, Literal

import bpy
from pydantic import Field

from prompt2mesh.blender.errors import InvalidArgument, LimitExceeded, NotFound, WrongType
from prompt2mesh.blender.registry import tool
from prompt2mesh.blender.runtime import Worker
from prompt2mesh.blender.tools._common import (
    MODIFIER_TYPE_NAMES,
    Name,
    check_vertex_budget,
    evaluated_counts,
    get_object,
    modifier_type_name,
    refresh,
)

ModifierKind = Literal[
    "subdivision",
    "bevel",
    "array",
    "mirror",
    "solidify",
    "boolean",
    "displace",
    "screw",
    "skin",
    "wireframe",
    "decimate",
    "weld",
    "smooth",
]
BLENDER_TYPES = {v: k for k, v in MODIFIER_TYPE_NAMES.items()}
#: Object types that take modifiers here (curves and text become meshes when evaluated).
MODIFIABLE = frozenset({"MESH", "CURVE", "FONT"})
_AXES = ("x", "y", "z")
_TEXTURES = {"clouds": "CLOUDS", "voronoi": "VORONOI", "noise": "NOISE", "marble": "MARBLE", "wood": "WOOD"}


# --- parameter validation ------------------------------------------------------------------


@dataclass(frozen=True)
class Param:
    """One accepted parameter: how to check a value and what to say when it is wrong."""

    kind: Literal["int", "float", "bool", "enum", "vec3", "axes", "object"]
    lo: float | None = None
    hi: float | None = None
    lo_open: bool = False  # lo itself is refused (e.g. width > 0)
    choices: tuple[str, ...] = ()
    hint: str = ""

    def accepted(self) -> str:
        if self.hint:
            return self.hint
        if self.kind in ("int", "float"):
            lo = "" if self.lo is None else f"{'>' if self.lo_open else '>='} {self.lo:g}"
            hi = "" if self.hi is None else f"<= {self.hi:g}"
            return f"{'an integer' if self.kind == 'int' else 'a number'} {' and '.join(x for x in (lo, hi) if x)}".strip()
        if self.kind == "enum":
            return "one of " + ", ".join(repr(c) for c in self.choices)
        return {
            "bool": "true or false",
            "vec3": "[x, y, z] numbers",
            "axes": 'a list of "x", "y", "z"',
            "object": "the name of an existing object",
        }[self.kind]

    def check(self, key: str, value: Any, mtype: str) -> Any:
        def bad(extra: str = "") -> InvalidArgument:
            return InvalidArgument(f"{mtype} {key}={value!r} is invalid{extra}; accepted: {self.accepted()}")

        if self.kind in ("int", "float"):
            if isinstance(value, bool) or not isinstance(value, int | float):
                raise bad()
            if self.kind == "int":
                if isinstance(value, float) and not value.is_integer():
                    raise bad()
                value = int(value)
            value = float(value) if self.kind == "float" else value
            if not math.isfinite(value):
                raise bad()
            if self.lo is not None and (value < self.lo or (self.lo_open and value == self.lo)):
                raise bad()
            if self.hi is not None and value > self.hi:
                raise bad()
            return value
        if self.kind == "bool":
            if not isinstance(value, bool):
                raise bad()
            return value
        if self.kind == "enum":
            if not isinstance(value, str) or value.lower() not in self.choices:
                raise bad()
            return value.lower()
        if self.kind == "vec3":
            if (
                not isinstance(value, list | tuple)
                or len(value) != 3
                or not all(isinstance(v, int | float) and not isinstance(v, bool) for v in value)
                or not all(math.isfinite(v) for v in value)
                or any(abs(v) > 1e6 for v in value)
            ):
                raise bad()
            return [float(v) for v in value]
        if self.kind == "axes":
            if isinstance(value, str):
                value = [value]
            if (
                not isinstance(value, list | tuple)
                or not value
                or not all(isinstance(v, str) and v.lower() in _AXES for v in value)
            ):
                raise bad()
            return sorted({v.lower() for v in value})
        if self.kind == "object":
            if value is None:
                return None
            if not isinstance(value, str):
                raise bad()
            get_object(value)  # NotFound with the names that exist
            return value
        raise AssertionError(self.kind)


def _specs(max_array_count: int) -> dict[str, dict[str, Param]]:
    return {
        "subdivision": {"levels": Param("int", 0, 6), "render_levels": Param("int", 0, 6)},
        "bevel": {
            "width": Param("float", 0, 100, lo_open=True),
            "segments": Param("int", 1, 32),
            "limit_method": Param("enum", choices=("none", "angle")),
            "angle": Param("float", 0, 180, hint="degrees 0-180 (edges sharper than this are bevelled)"),
        },
        "array": {
            "count": Param("int", 1, max_array_count),
            "relative_offset": Param("vec3", hint="[x, y, z] in object sizes, e.g. [1.1, 0, 0]"),
            "constant_offset": Param("vec3", hint="[x, y, z] in metres"),
        },
        "mirror": {
            "axes": Param("axes"),
            "mirror_object": Param("object", hint="name of an existing object, or null"),
            "use_clip": Param("bool"),
        },
        "solidify": {"thickness": Param("float", -100, 100), "offset": Param("float", -1, 1)},
        "boolean": {
            "operation": Param("enum", choices=("union", "difference", "intersect")),
            "object": Param("object", hint="name of an existing mesh (the cutter)"),
            "solver": Param("enum", choices=("exact", "float", "manifold")),
            "hide_object": Param("bool"),
        },
        "displace": {
            "strength": Param("float", -100, 100),
            "texture": Param("enum", choices=tuple(_TEXTURES)),
            "noise_scale": Param("float", 0, 1000, lo_open=True),
            "mid_level": Param("float", 0, 1),
        },
        "screw": {
            "angle": Param("float", -3600, 3600, hint="degrees -3600..3600"),
            "steps": Param("int", 1, 512),
            "screw_offset": Param("float", -1000, 1000),
            "axis": Param("enum", choices=_AXES),
        },
        "skin": {},
        "wireframe": {"thickness": Param("float", 0, 100, lo_open=True)},
        "decimate": {"ratio": Param("float", 0, 1, lo_open=True)},
        "weld": {"distance": Param("float", 0, 100)},
        "smooth": {"factor": Param("float", -10, 10), "iterations": Param("int", 0, 200)},
    }


def validate_params(worker: Worker, mtype: str, params: dict[str, Any] | None) -> dict[str, Any]:
    """Check ``params`` for modifier type ``mtype``: unknown keys and bad values are refused."""
    spec = _specs(worker.config.max_array_count)[mtype]
    params = dict(params or {})
    unknown = [k for k in params if k not in spec]
    if unknown:
        accepted = ", ".join(f"{k} ({p.accepted()})" for k, p in spec.items()) or "no parameters"
        raise InvalidArgument(
            f"{mtype} does not take {', '.join(map(repr, unknown))}; it accepts: {accepted}"
        )
    return {k: spec[k].check(k, v, mtype) for k, v in params.items()}


# --- reading and writing Blender modifiers ----------------------------------------------------


def modifier_params(md: bpy.types.Modifier) -> dict[str, Any]:
    """The modifier's settings in the same vocabulary ``add_modifier`` accepts."""
    t = md.type
    r = round
    if t == "SUBSURF":
        return {"levels": md.levels, "render_levels": md.render_levels}
    if t == "BEVEL":
        return {
            "width": r(md.width, 5),
            "segments": md.segments,
            "limit_method": md.limit_method.lower(),
            "angle": r(math.degrees(md.angle_limit), 3),
        }
    if t == "ARRAY":
        return {
            "count": md.count,
            "relative_offset": [r(v, 4) for v in md.relative_offset_displace]
            if md.use_relative_offset
            else None,
            "constant_offset": [r(v, 4) for v in md.constant_offset_displace]
            if md.use_constant_offset
            else None,
        }
    if t == "MIRROR":
        return {
            "axes": [a for a, on in zip(_AXES, md.use_axis, strict=True) if on],
            "mirror_object": md.mirror_object.name if md.mirror_object else None,
            "use_clip": md.use_clip,
        }
    if t == "SOLIDIFY":
        return {"thickness": r(md.thickness, 5), "offset": r(md.offset, 4)}
    if t == "BOOLEAN":
        return {
            "operation": md.operation.lower(),
            "object": md.object.name if md.object else None,
            "solver": md.solver.lower(),
            "hide_object": bool(md.object and md.object.hide_render),
        }
    if t == "DISPLACE":
        tex = md.texture
        kind = next((k for k, v in _TEXTURES.items() if tex is not None and tex.type == v), None)
        return {
            "strength": r(md.strength, 5),
            "texture": kind,
            "noise_scale": r(tex.noise_scale, 5) if tex is not None and hasattr(tex, "noise_scale") else None,
            "mid_level": r(md.mid_level, 4),
        }
    if t == "SCREW":
        return {
            "angle": r(math.degrees(md.angle), 3),
            "steps": md.steps,
            "screw_offset": r(md.screw_offset, 5),
            "axis": md.axis.lower(),
        }
    if t == "WIREFRAME":
        return {"thickness": r(md.thickness, 5)}
    if t == "DECIMATE":
        return {"ratio": r(md.ratio, 5)}
    if t == "WELD":
        return {"distance": r(md.merge_threshold, 6)}
    if t == "SMOOTH":
        return {"factor": r(md.factor, 4), "iterations": md.iterations}
    return {}


def _write(obj: bpy.types.Object, md: bpy.types.Modifier, params: dict[str, Any]) -> None:
    t = md.type
    if t == "SUBSURF":
        if "levels" in params:
            md.levels = params["levels"]
            if "render_levels" not in params:
                md.render_levels = params["levels"]
        if "render_levels" in params:
            md.render_levels = params["render_levels"]
    elif t == "BEVEL":
        if "width" in params:
            md.width = params["width"]
        if "segments" in params:
            md.segments = params["segments"]
        if "limit_method" in params:
            md.limit_method = params["limit_method"].upper()
        if "angle" in params:
            md.angle_limit = math.radians(params["angle"])
    elif t == "ARRAY":
        if "count" in params:
            md.count = params["count"]
        if "relative_offset" in params:
            md.use_relative_offset = True
            md.relative_offset_displace = params["relative_offset"]
        if "constant_offset" in params:
            md.use_constant_offset = True
            md.constant_offset_displace = params["constant_offset"]
            if "relative_offset" not in params:
                md.use_relative_offset = False
    elif t == "MIRROR":
        if "axes" in params:
            md.use_axis = [a in params["axes"] for a in _AXES]
        if "mirror_object" in params:
            md.mirror_object = bpy.data.objects[params["mirror_object"]] if params["mirror_object"] else None
        if "use_clip" in params:
            md.use_clip = params["use_clip"]
    elif t == "SOLIDIFY":
        if "thickness" in params:
            md.thickness = params["thickness"]
        if "offset" in params:
            md.offset = params["offset"]
    elif t == "BOOLEAN":
        if "operation" in params:
            md.operation = params["operation"].upper()
        if "solver" in params:
            md.solver = params["solver"].upper()
        if params.get("object"):
            md.object = bpy.data.objects[params["object"]]
        if md.object is not None and ("hide_object" in params or "object" in params):
            hide = params.get("hide_object", True)
            md.object.hide_render = hide
            md.object.hide_set(hide)
    elif t == "DISPLACE":
        if "texture" in params or ("noise_scale" in params and md.texture is None):
            tex_type = _TEXTURES[params.get("texture", "clouds")]
            old = md.texture
            if old is None or old.type != tex_type:
                md.texture = bpy.data.textures.new(f"{obj.name}_{md.name}", tex_type)
                if old is not None and old.users == 0:
                    bpy.data.textures.remove(old)
        if "noise_scale" in params and hasattr(md.texture, "noise_scale"):
            md.texture.noise_scale = params["noise_scale"]
        if "strength" in params:
            md.strength = params["strength"]
        if "mid_level" in params:
            md.mid_level = params["mid_level"]
    elif t == "SCREW":
        if "angle" in params:
            md.angle = math.radians(params["angle"])
        if "steps" in params:
            md.steps = params["steps"]
            md.render_steps = params["steps"]
        if "screw_offset" in params:
            md.screw_offset = params["screw_offset"]
        if "axis" in params:
            md.axis = params["axis"].upper()
    elif t == "WIREFRAME":
        if "thickness" in params:
            md.thickness = params["thickness"]
    elif t == "DECIMATE":
        if "ratio" in params:
            md.ratio = params["ratio"]
    elif t == "WELD":
        if "distance" in params:
            md.merge_threshold = params["distance"]
    elif t == "SMOOTH":
        if "factor" in params:
            md.factor = params["factor"]
        if "iterations" in params:
            md.iterations = params["iterations"]


def _check_references(obj: bpy.types.Object, mtype: str, params: dict[str, Any]) -> None:
    if mtype == "boolean":
        cutter = params.get("object")
        if cutter is not None:
            other = get_object(cutter)
            if other == obj:
                raise InvalidArgument("a boolean cannot use the object itself; give another mesh as object")
            if other.type != "MESH":
                raise WrongType(f"boolean object {cutter!r} is a {other.type.lower()}; it must be a mesh")
    if mtype == "mirror" and params.get("mirror_object") == obj.name:
        raise InvalidArgument("mirror_object cannot be the object itself; give another object or null")


# --- vertex estimate ------------------------------------------------------------------------

Counts = tuple[int, int, int, int]  # vertices, edges, faces, corners (loops)


def _base_counts(obj: bpy.types.Object) -> Counts:
    if obj.type == "MESH":
        me = obj.data
        return len(me.vertices), len(me.edges), len(me.polygons), len(me.loops)
    # Curves and text: the mesh they evaluate to without modifiers.
    shown = [(m, m.show_viewport) for m in obj.modifiers]
    try:
        for m, _ in shown:
            m.show_viewport = False
        depsgraph = bpy.context.evaluated_depsgraph_get()
        evaluated = obj.evaluated_get(depsgraph)
        mesh = evaluated.to_mesh()
        counts = (
            (len(mesh.vertices), len(mesh.edges), len(mesh.polygons), len(mesh.loops))
            if mesh
            else (0, 0, 0, 0)
        )
        evaluated.to_mesh_clear()
        return counts
    finally:
        for m, was in shown:
            m.show_viewport = was


def _other_vertices(name: str | None) -> Counts:
    other = bpy.data.objects.get(name) if name else None
    if other is None or other.type != "MESH":
        return (0, 0, 0, 0)
    me = other.data
    return len(me.vertices), len(me.edges), len(me.polygons), len(me.loops)


def _step(c: Counts, mtype: str, p: dict[str, Any]) -> Counts:
    """Rough (generous) counts after one modifier with params ``p`` (merged with current ones)."""
    v, e, f, loops = c
    if mtype == "subdivision":
        for _ in range(max(int(p.get("levels") or 0), int(p.get("render_levels") or 0))):
            v, e, f, loops = v + e + f, 2 * e + loops, loops, 4 * loops
        return v, e, f, loops
    if mtype == "array":
        n = int(p.get("count") or 1)
        return v * n, e * n, f * n, loops * n
    if mtype == "mirror":
        k = 2 ** len(p.get("axes") or ["x"])
        return v * k, e * k, f * k, loops * k
    if mtype == "solidify":
        return 2 * v, 2 * e + v, 2 * f + e, 2 * loops + 4 * e
    if mtype == "bevel":
        s = int(p.get("segments") or 1) + 1
        return v + 2 * e * s, e * (2 * s + 1), f + e * s, loops + 4 * e * s
    if mtype == "screw":
        s = int(p.get("steps") or 16) + 1
        return v * s, e * s + v * s, f * s + e * s, (loops + 4 * e) * s
    if mtype == "skin":
        return 8 * v + 4 * e, 12 * v + 8 * e, 6 * v + 4 * e, 24 * v + 16 * e
    if mtype == "wireframe":
        return 4 * loops, 8 * loops, 4 * loops, 16 * loops
    if mtype == "boolean":
        o = _other_vertices(p.get("object"))
        return v + o[0], e + o[1], f + o[2], loops + o[3]
    return v, e, f, loops  # displace, decimate, weld, smooth: never more


def estimate_vertices(obj: bpy.types.Object, replace: tuple[int, str, dict[str, Any]] | None = None) -> int:
    """Vertices after the whole modifier stack; ``replace`` = (index, type, params) to try new
    settings at ``index`` (index == len(stack) appends)."""
    stack: list[tuple[str, dict[str, Any]]] = [
        (modifier_type_name(m.type), modifier_params(m)) for m in obj.modifiers if m.show_viewport
    ]
    if replace is not None:
        index, mtype, params = replace
        if index < len(stack):
            stack[index] = (mtype, params)
        else:
            stack.append((mtype, params))
    counts = _base_counts(obj)
    for mtype, params in stack:
        counts = _step(counts, mtype, params)
    return counts[0]


def _check_estimate(worker: Worker, obj: bpy.types.Object, estimate: int, what: str) -> None:
    limit = worker.config.max_vertices
    if estimate > limit:
        raise LimitExceeded(
            f"{what} would give {obj.name!r} about {estimate:,} vertices; the worker allows {limit:,}. "
            "Use fewer levels / a smaller count, or a simpler mesh"
        )
    # The budget is for the whole scene: the other objects count too.
    check_vertex_budget(worker, estimate, f"{what} on {obj.name!r}", replacing=[obj])


# --- lookups ----------------------------------------------------------------------------------


def _modifiable(name: str) -> bpy.types.Object:
    obj = get_object(name)
    if obj.type not in MODIFIABLE:
        raise WrongType(f"{name!r} is a {obj.type.lower()}; modifiers need a mesh, curve or text object")
    return obj


def get_modifier(obj: bpy.types.Object, name: str) -> bpy.types.Modifier:
    """The modifier called ``name``, or the only one of that type (e.g. 'subdivision')."""
    md = obj.modifiers.get(name)
    if md is not None:
        return md
    of_type = [m for m in obj.modifiers if modifier_type_name(m.type) == name.lower()]
    if len(of_type) == 1:
        return of_type[0]
    listed = ", ".join(f"{m.name} ({modifier_type_name(m.type)})" for m in obj.modifiers) or "(none)"
    raise NotFound(f"{obj.name!r} has no modifier {name!r}; its modifiers: {listed}")


def _describe(md: bpy.types.Modifier) -> dict[str, Any]:
    return {"name": md.name, "type": modifier_type_name(md.type), "params": modifier_params(md)}


ObjectName = Annotated[Name, Field(description="Name of the mesh (or curve / text) object")]
ModifierName = Annotated[
    str, Field(min_length=1, max_length=63, description="Modifier name (or its type when it has only one)")
]


@tool("modification", mutates=True)
def add_modifier(
    worker: Worker,
    object: ObjectName,
    type: Annotated[ModifierKind, Field(description="Modifier type")],
    name: Annotated[str | None, Field(min_length=1, max_length=63, description="Modifier name")] = None,
    params: Annotated[
        dict[str, Any] | None,
        Field(description="Type-specific parameters (see description); unknown keys refused"),
    ] = None,
) -> dict[str, Any]:
    """Add a non-destructive modifier (subdivision, bevel, array, boolean, ...) to an object.

    Returns {object, modifier:{name, type, params}, mesh:{vertices, edges, faces}}.

    params per type (all optional unless marked):
    subdivision {levels 0-6, render_levels 0-6}; bevel {width > 0 (m), segments 1-32,
    limit_method none|angle, angle (degrees)}; array {count 1-1000, relative_offset [x,y,z]
    (in object sizes), constant_offset [x,y,z] (m)}; mirror {axes ["x","y","z"], mirror_object,
    use_clip}; solidify {thickness (m), offset -1..1}; boolean {object (required: the cutter
    mesh), operation union|difference|intersect, solver exact|float|manifold, hide_object (default
    true)}; displace {strength, texture clouds|voronoi|noise|marble|wood, noise_scale > 0,
    mid_level 0..1}; screw {angle (degrees), steps 1-512, screw_offset, axis x|y|z}; skin {};
    wireframe {thickness > 0}; decimate {ratio 0<r<=1}; weld {distance}; smooth {factor, iterations}.
    The estimated vertex count after the stack is checked against the worker's limit first;
    `mesh` counts the object with the whole stack evaluated.
    """
    obj = _modifiable(object)
    checked = validate_params(worker, type, params)
    _check_references(obj, type, checked)
    if type == "boolean" and not checked.get("object"):
        raise InvalidArgument("boolean needs params.object: the name of the cutter mesh")
    if type in ("boolean", "skin") and obj.type != "MESH":
        raise WrongType(f"{type} works on meshes only; {object!r} is a {obj.type.lower()}")
    blender_type = BLENDER_TYPES[type]
    # Estimate with Blender's defaults for anything not given.
    defaults = {
        "subdivision": {"levels": 1, "render_levels": checked.get("levels", 2)},
        "bevel": {"segments": 1},
        "array": {"count": 2},
        "mirror": {"axes": ["x"]},
        "screw": {"steps": 16},
    }.get(type, {})
    estimate = estimate_vertices(obj, (len(obj.modifiers), type, defaults | checked))
    _check_estimate(worker, obj, estimate, f"adding {type}")
    md = obj.modifiers.new(name or type.capitalize(), blender_type)
    if md is None:
        raise WrongType(f"Blender cannot add a {type} modifier to a {obj.type.lower()}")
    try:
        if type == "boolean":
            md.solver = "EXACT"
            checked.setdefault("hide_object", True)
        _write(obj, md, checked)
    except Exception:
        obj.modifiers.remove(md)
        raise
    refresh()
    return {"object": obj.name, "modifier": _describe(md), "mesh": evaluated_counts(obj)}


@tool("modification", mutates=True)
def configure_modifier(
    worker: Worker,
    object: ObjectName,
    modifier: ModifierName,
    params: Annotated[dict[str, Any], Field(description="Parameters to change (same keys as add_modifier)")],
) -> dict[str, Any]:
    """Change some parameters of an existing modifier (others keep their values).

    Same parameter names and ranges as add_modifier for that type; unknown keys are refused.
    Returns {object, modifier:{name,type,params}, mesh:{vertices, edges, faces}}.
    """
    obj = _modifiable(object)
    md = get_modifier(obj, modifier)
    mtype = modifier_type_name(md.type)
    if mtype not in BLENDER_TYPES:
        raise WrongType(
            f"modifier {md.name!r} is a {mtype}; only {', '.join(BLENDER_TYPES)} can be configured"
        )
    checked = validate_params(worker, mtype, params)
    _check_references(obj, mtype, checked)
    index = list(obj.modifiers).index(md)
    merged = modifier_params(md) | checked
    if mtype == "subdivision" and "levels" in checked and "render_levels" not in checked:
        merged["render_levels"] = checked["levels"]
    if md.show_viewport:
        _check_estimate(worker, obj, estimate_vertices(obj, (index, mtype, merged)), f"this {mtype} setting")
    _write(obj, md, checked)
    refresh()
    return {"object": obj.name, "modifier": _describe(md), "mesh": evaluated_counts(obj)}


@tool("modification", mutates=True)
def remove_modifier(worker: Worker, object: ObjectName, modifier: ModifierName) -> dict[str, Any]:
    """Remove a modifier from an object's stack (the mesh itself is unchanged).

    Returns {object, removed, modifiers:[remaining names]}.
    """
    obj = get_object(object)
    md = get_modifier(obj, modifier)
    removed = md.name
    texture = md.texture if md.type == "DISPLACE" else None
    obj.modifiers.remove(md)
    if texture is not None and texture.users == 0:
        bpy.data.textures.remove(texture)
    refresh()
    return {"object": obj.name, "removed": removed, "modifiers": [m.name for m in obj.modifiers]}


@tool("modification", mutates=True)
def apply_modifier(worker: Worker, object: ObjectName, modifier: ModifierName) -> dict[str, Any]:
    """Bake one modifier into the mesh (as if it were first in the stack) and remove it.

    Mesh objects only. Shared mesh data gets a private copy. Returns {object, applied,
    modifiers:[remaining], mesh:{vertices, edges, faces}}.
    """
    obj = get_object(object)
    if obj.type != "MESH":
        raise WrongType(f"{object!r} is a {obj.type.lower()}; apply_modifier works on meshes only")
    md = get_modifier(obj, modifier)
    applied = md.name
    shown = [(m, m.show_viewport) for m in obj.modifiers]
    try:
        for m, _ in shown:
            m.show_viewport = m == md
        depsgraph = bpy.context.evaluated_depsgraph_get()
        depsgraph.update()
        evaluated = obj.evaluated_get(depsgraph)
        new_mesh = bpy.data.meshes.new_from_object(
            evaluated, preserve_all_data_layers=True, depsgraph=depsgraph
        )
    finally:
        for m, was in shown:
            m.show_viewport = was
    old = obj.data
    obj.data = new_mesh
    new_mesh.name = old.name
    texture = md.texture if md.type == "DISPLACE" else None
    obj.modifiers.remove(md)
    if old.users == 0:
        bpy.data.meshes.remove(old)
    if texture is not None and texture.users == 0:
        bpy.data.textures.remove(texture)
    refresh()
    me = obj.data
    return {
        "object": obj.name,
        "applied": applied,
        "modifiers": [m.name for m in obj.modifiers],
        "mesh": {"vertices": len(me.vertices), "edges": len(me.edges), "faces": len(me.polygons)},
    }
