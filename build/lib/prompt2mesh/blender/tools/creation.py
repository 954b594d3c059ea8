"""Creation tools: mesh primitives, text, bezier curves and empties (built with bmesh / bpy.data)."""

import math
from typing import Annotated, Any, Literal

import bmesh
import bpy
from mathutils import Matrix
from pydantic import Field

from prompt2mesh.blender.errors import InvalidArgument
from prompt2mesh.blender.registry import tool
from prompt2mesh.blender.runtime import Worker
from prompt2mesh.blender.tools._common import (
    Vec3,
    check_material_for,
    check_object_budget,
    check_parent,
    check_scale,
    check_vec,
    check_vertex_budget,
    object_summary,
    place_new_object,
)

PrimitiveKind = Literal[
    "cube", "uv_sphere", "ico_sphere", "cylinder", "cone", "torus", "plane", "circle", "grid", "monkey"
]

#: Which optional shape parameters each kind accepts (anything else given is refused).
_KIND_PARAMS: dict[str, tuple[str, ...]] = {
    "cube": ("size",),
    "uv_sphere": ("radius", "segments", "rings"),
    "ico_sphere": ("radius", "subdivisions"),
    "cylinder": ("radius", "depth", "segments"),
    "cone": ("radius", "radius_top", "depth", "segments"),
    "torus": ("radius", "minor_radius", "segments", "rings"),
    "plane": ("size",),
    "circle": ("radius", "segments"),
    "grid": ("size", "subdivisions"),
    "monkey": ("size",),
}
_MAX_ICO_SUBDIVISIONS = 8

OptName = Annotated[
    str | None,
    Field(min_length=1, max_length=63, description="Object name; Blender appends .001 if it is taken"),
]
Location = Annotated[Vec3, Field(description="[x, y, z] in metres (local to `parent` when given)")]
Rotation = Annotated[Vec3, Field(description="Euler XYZ rotation in degrees")]
Scale = Annotated[Vec3, Field(description="Scale factor per axis (non-zero)")]
Parent = Annotated[
    str | None, Field(description="Name of an existing object to parent to; location is then local to it")
]
MaterialName = Annotated[str | None, Field(description="Name of an existing material (see create_material)")]
Length = Annotated[float | None, Field(gt=0.0, le=10_000.0, allow_inf_nan=False)]


def _new_mesh(name: str, build: Any) -> bpy.types.Mesh:
    mesh = bpy.data.meshes.new(name)
    bm = bmesh.new()
    try:
        bm.loops.layers.uv.new("UVMap")
        build(bm)
        bm.to_mesh(mesh)
    finally:
        bm.free()
    return mesh


def _torus(bm: bmesh.types.BMesh, major: float, minor: float, segments: int, rings: int) -> None:
    grid = []
    for i in range(segments):
        u = 2 * math.pi * i / segments
        row = []
        for j in range(rings):
            v = 2 * math.pi * j / rings
            r = major + minor * math.cos(v)
            row.append(bm.verts.new((r * math.cos(u), r * math.sin(u), minor * math.sin(v))))
        grid.append(row)
    for i in range(segments):
        for j in range(rings):
            a, b = grid[i][j], grid[(i + 1) % segments][j]
            c, d = grid[(i + 1) % segments][(j + 1) % rings], grid[i][(j + 1) % rings]
            bm.faces.new((a, b, c, d))
    bm.normal_update()


def _estimated_vertices(kind: str, p: dict[str, Any]) -> int:
    if kind == "uv_sphere":
        return p["segments"] * (p["rings"] - 1) + 2
    if kind == "ico_sphere":
        return 10 * 4 ** (p["subdivisions"] - 1) + 2
    if kind in ("cylinder", "cone"):
        return 2 * p["segments"] + 2
    if kind == "torus":
        return p["segments"] * p["rings"]
    if kind == "circle":
        return p["segments"]
    if kind == "grid":
        return (p["subdivisions"] + 1) ** 2
    return 600


@tool("creation", mutates=True)
def create_primitive(
    worker: Worker,
    kind: Annotated[PrimitiveKind, Field(description="Which primitive to create")],
    name: OptName = None,
    location: Location = [0.0, 0.0, 0.0],  # noqa: B006 (never mutated; JSON default)
    rotation: Rotation = [0.0, 0.0, 0.0],  # noqa: B006
    scale: Scale = [1.0, 1.0, 1.0],  # noqa: B006
    size: Annotated[
        Length, Field(description="Edge length of cube / plane / grid, overall size of monkey (default 2)")
    ] = None,
    radius: Annotated[
        float | None,
        Field(
            ge=0.0,
            le=10_000.0,
            allow_inf_nan=False,
            description="Radius (default 1): sphere, cylinder, circle; cone bottom; torus major radius",
        ),
    ] = None,
    depth: Annotated[Length, Field(description="Height of cylinder / cone along Z (default 2)")] = None,
    radius_top: Annotated[
        float | None,
        Field(ge=0.0, le=10_000.0, allow_inf_nan=False, description="Cone top radius (default 0 = pointed)"),
    ] = None,
    minor_radius: Annotated[Length, Field(description="Torus tube radius (default 0.25)")] = None,
    segments: Annotated[
        int | None,
        Field(ge=3, le=512, description="Segments around: uv_sphere/cylinder/cone/circle 32, torus 48"),
    ] = None,
    rings: Annotated[
        int | None, Field(ge=3, le=256, description="uv_sphere rings (default 16), torus rings (default 12)")
    ] = None,
    subdivisions: Annotated[
        int | None,
        Field(
            ge=1,
            le=1000,
            description="ico_sphere subdivisions 1-8 (default 2); grid cuts per side (default 10)",
        ),
    ] = None,
    fill: Annotated[bool, Field(description="Cap cylinder / cone ends, fill circle with a face")] = True,
    parent: Parent = None,
    material: MaterialName = None,
    smooth: Annotated[bool, Field(description="Smooth shading (for spheres, cylinders, ...)")] = False,
) -> dict[str, Any]:
    """Create a mesh primitive centred on `location` and return its summary.

    kind: cube (size 2), uv_sphere (radius 1, segments 32, rings 16), ico_sphere (radius 1,
    subdivisions 2), cylinder (radius 1, depth 2, segments 32), cone (radius 1 at the bottom,
    radius_top 0, depth 2, segments 32), torus (radius 1, minor_radius 0.25, segments 48,
    rings 12), plane (size 2), circle (radius 1, segments 32), grid (size 2, subdivisions 10),
    monkey (size 2). Only the shape parameters listed for the kind are accepted.
    Units are metres, rotation is in degrees. The object is centred on `location` (a cube of
    size 1 at z=0.5 stands on the ground); with `parent`, location is local to the parent.
    Returns the object summary (name Blender gave, location, dimensions, bbox_min/bbox_max, ...).
    """
    given = {
        k: v
        for k, v in {
            "size": size,
            "radius": radius,
            "depth": depth,
            "radius_top": radius_top,
            "minor_radius": minor_radius,
            "segments": segments,
            "rings": rings,
            "subdivisions": subdivisions,
        }.items()
        if v is not None
    }
    allowed = _KIND_PARAMS[kind]
    extra = [k for k in given if k not in allowed]
    if extra:
        raise InvalidArgument(
            f"{kind} does not take {', '.join(extra)}; it accepts {', '.join(allowed)} "
            "(use scale to stretch it)"
        )
    loc = check_vec(location, "location")
    rot = check_vec(rotation, "rotation")
    scl = check_scale(scale)
    parent_obj = check_parent(parent)
    mat = check_material_for("MESH", material)
    check_object_budget(worker, 1)

    p: dict[str, Any] = {
        "size": 2.0,
        "radius": 1.0,
        "depth": 2.0,
        "radius_top": 0.0,
        "minor_radius": 0.25,
        "segments": 48 if kind == "torus" else 32,
        "rings": 12 if kind == "torus" else 16,
        "subdivisions": 10 if kind == "grid" else 2,
    } | given
    if kind != "cone" and "radius" in allowed and p["radius"] <= 0:
        raise InvalidArgument(f"{kind} radius must be > 0, got {p['radius']}")
    if kind == "cone" and p["radius"] <= 0 and p["radius_top"] <= 0:
        raise InvalidArgument("a cone needs radius (bottom) or radius_top > 0")
    if kind == "ico_sphere" and p["subdivisions"] > _MAX_ICO_SUBDIVISIONS:
        raise InvalidArgument(
            f"ico_sphere subdivisions must be 1-{_MAX_ICO_SUBDIVISIONS}, got {p['subdivisions']}"
        )
    if kind == "torus" and p["minor_radius"] >= p["radius"]:
        raise InvalidArgument(
            f"torus minor_radius ({p['minor_radius']}) must be smaller than radius ({p['radius']})"
        )
    check_vertex_budget(worker, _estimated_vertices(kind, p), f"this {kind}")

    def build(bm: bmesh.types.BMesh) -> None:
        if kind == "cube":
            bmesh.ops.create_cube(bm, size=p["size"], calc_uvs=True)
        elif kind == "uv_sphere":
            bmesh.ops.create_uvsphere(
                bm, u_segments=p["segments"], v_segments=p["rings"], radius=p["radius"], calc_uvs=True
            )
        elif kind == "ico_sphere":
            bmesh.ops.create_icosphere(bm, subdivisions=p["subdivisions"], radius=p["radius"], calc_uvs=True)
        elif kind in ("cylinder", "cone"):
            top = p["radius"] if kind == "cylinder" else p["radius_top"]
            bmesh.ops.create_cone(
                bm,
                cap_ends=fill,
                cap_tris=False,
                segments=p["segments"],
                radius1=p["radius"],
                radius2=top,
                depth=p["depth"],
                calc_uvs=True,
            )
        elif kind == "torus":
            _torus(bm, p["radius"], p["minor_radius"], p["segments"], p["rings"])
        elif kind == "plane":
            bmesh.ops.create_grid(bm, x_segments=1, y_segments=1, size=p["size"] / 2, calc_uvs=True)
        elif kind == "circle":
            bmesh.ops.create_circle(
                bm, cap_ends=fill, segments=p["segments"], radius=p["radius"], calc_uvs=True
            )
        elif kind == "grid":
            n = p["subdivisions"]
            bmesh.ops.create_grid(bm, x_segments=n, y_segments=n, size=p["size"] / 2, calc_uvs=True)
        elif kind == "monkey":
            bmesh.ops.create_monkey(bm, matrix=Matrix.Scale(p["size"] / 2, 4), calc_uvs=True)

    obj_name = name or {"uv_sphere": "Sphere", "ico_sphere": "Icosphere"}.get(kind, kind.capitalize())
    mesh = _new_mesh(obj_name, build)
    if smooth:
        mesh.shade_smooth()
    obj = bpy.data.objects.new(obj_name, mesh)
    place_new_object(obj, location=loc, rotation=rot, scale=scl, parent=parent_obj, material=mat)
    return object_summary(obj)


@tool("creation", mutates=True)
def create_text(
    worker: Worker,
    text: Annotated[str, Field(min_length=1, max_length=1000, description="The characters to show")],
    name: OptName = None,
    location: Location = [0.0, 0.0, 0.0],  # noqa: B006
    rotation: Rotation = [0.0, 0.0, 0.0],  # noqa: B006
    size: Annotated[
        float, Field(gt=0.0, le=1000.0, allow_inf_nan=False, description="Letter height (m)")
    ] = 1.0,
    extrude: Annotated[
        float, Field(ge=0.0, le=100.0, allow_inf_nan=False, description="Depth of the letters (0 = flat)")
    ] = 0.0,
    align: Annotated[
        Literal["left", "center", "right", "justify", "flush"], Field(description="Horizontal alignment")
    ] = "center",
    parent: Parent = None,
    material: MaterialName = None,
) -> dict[str, Any]:
    """Create a 3D text object lying in the XY plane (rotate 90 degrees about X to stand it up).

    `size` is the letter height in metres, `extrude` gives the letters depth, `align` is the
    horizontal alignment around `location`. Returns the object summary.
    """
    loc = check_vec(location, "location")
    rot = check_vec(rotation, "rotation")
    parent_obj = check_parent(parent)
    mat = check_material_for("FONT", material)
    check_object_budget(worker, 1)
    curve = bpy.data.curves.new(name or "Text", type="FONT")
    curve.body = text
    curve.size = size
    curve.extrude = extrude
    curve.align_x = align.upper()
    obj = bpy.data.objects.new(name or "Text", curve)
    place_new_object(obj, location=loc, rotation=rot, parent=parent_obj, material=mat)
    result = object_summary(obj)
    result["text"] = text
    return result


@tool("creation", mutates=True)
def create_curve(
    worker: Worker,
    points: Annotated[
        list[Vec3],
        Field(min_length=2, max_length=10_000, description="Points [x, y, z] the path passes through, local"),
    ],
    name: OptName = None,
    bevel_depth: Annotated[
        float,
        Field(ge=0.0, le=100.0, allow_inf_nan=False, description="Tube radius in metres (0 = a thin line)"),
    ] = 0.0,
    bevel_resolution: Annotated[int, Field(ge=0, le=32, description="Roundness of the tube")] = 4,
    cyclic: Annotated[bool, Field(description="Close the path into a loop")] = False,
    location: Location = [0.0, 0.0, 0.0],  # noqa: B006
    parent: Parent = None,
    material: MaterialName = None,
) -> dict[str, Any]:
    """Create a smooth bezier path through `points` (auto handles), optionally a round tube.

    Use it for cables, garlands, handles, pipes: give `bevel_depth` (tube radius) to make it
    solid. Points are relative to `location`. Returns the object summary plus `points`.
    """
    pts = [check_vec(p, f"points[{i}]") for i, p in enumerate(points)]
    loc = check_vec(location, "location")
    parent_obj = check_parent(parent)
    mat = check_material_for("CURVE", material)
    check_object_budget(worker, 1)
    ring = 4 + 2 * bevel_resolution if bevel_depth > 0 else 1
    check_vertex_budget(worker, len(pts) * 13 * ring, "this curve")
    curve = bpy.data.curves.new(name or "Curve", type="CURVE")
    curve.dimensions = "3D"
    curve.bevel_depth = bevel_depth
    curve.bevel_resolution = bevel_resolution
    curve.use_fill_caps = bevel_depth > 0
    spline = curve.splines.new("BEZIER")
    spline.bezier_points.add(len(pts) - 1)
    for bp, co in zip(spline.bezier_points, pts, strict=True):
        bp.co = co
        bp.handle_left_type = "AUTO"
        bp.handle_right_type = "AUTO"
    spline.use_cyclic_u = cyclic
    obj = bpy.data.objects.new(name or "Curve", curve)
    place_new_object(obj, location=loc, parent=parent_obj, material=mat)
    result = object_summary(obj)
    result["points"] = [[round(c, 4) for c in p] for p in pts]
    return result


@tool("creation", mutates=True)
def create_empty(
    worker: Worker,
    name: OptName = None,
    location: Location = [0.0, 0.0, 0.0],  # noqa: B006
    rotation: Rotation = [0.0, 0.0, 0.0],  # noqa: B006
    scale: Scale = [1.0, 1.0, 1.0],  # noqa: B006
    display: Annotated[
        Literal["plain_axes", "arrows", "single_arrow", "circle", "cube", "sphere", "cone"],
        Field(description="How the empty is drawn in the viewport"),
    ] = "plain_axes",
    size: Annotated[float, Field(gt=0.0, le=10_000.0, allow_inf_nan=False, description="Display size")] = 1.0,
    parent: Parent = None,
) -> dict[str, Any]:
    """Create an empty: an invisible handle that groups parts so they move together.

    Parent parts to it (their `parent` argument) and name it after the object it groups (e.g.
    'Table'); its bounding box is the union of its descendants. Returns the object summary.
    """
    loc = check_vec(location, "location")
    rot = check_vec(rotation, "rotation")
    scl = check_scale(scale)
    parent_obj = check_parent(parent)
    check_object_budget(worker, 1)
    obj = bpy.data.objects.new(name or "Empty", None)
    obj.empty_display_type = display.upper()
    obj.empty_display_size = size
    place_new_object(obj, location=loc, rotation=rot, scale=scl, parent=parent_obj)
    return object_summary(obj)
