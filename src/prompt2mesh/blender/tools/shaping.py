"""Shaping helpers that add modifiers for what add_modifier cannot express alone: remesh or
decimate to a face count, Smooth by Angle, an array along a curve; and a lathe from a profile."""

import math
import os
from typing import Annotated, Any, Literal

import bmesh
import bpy
from pydantic import Field

from prompt2mesh.blender.errors import BlenderOperationFailed, InvalidArgument, LimitExceeded, WrongType
from prompt2mesh.blender.registry import tool
from prompt2mesh.blender.runtime import Worker
from prompt2mesh.blender.tools._common import (
    Name,
    Names,
    Vec3,
    check_material_for,
    check_object_budget,
    check_parent,
    check_vec,
    check_vertex_budget,
    evaluated_counts,
    get_mesh_object,
    get_object,
    get_objects,
    object_summary,
    place_new_object,
    refresh,
)

SMOOTH_BY_ANGLE = "Smooth by Angle"


def _face_count(obj: bpy.types.Object) -> int:
    counts = evaluated_counts(obj)
    return counts["faces"] if counts else 0


def _surface_area(obj: bpy.types.Object) -> float:
    bm = bmesh.new()
    try:
        bm.from_mesh(obj.data)
        bm.transform(obj.matrix_world)
        return sum(f.calc_area() for f in bm.faces)
    finally:
        bm.free()


@tool("editing", mutates=True)
def remesh(
    worker: Worker,
    object: Name,
    mode: Annotated[
        Literal["voxel", "decimate"], Field(description="voxel: even new topology; decimate: fewer faces")
    ],
    target_faces: Annotated[
        int | None, Field(ge=4, le=10_000_000, description="About this many faces")
    ] = None,
    voxel_size: Annotated[
        float | None, Field(gt=0.0, le=100.0, allow_inf_nan=False, description="Voxel (m)")
    ] = None,
) -> dict[str, Any]:
    """Remesh (voxel) or decimate a mesh to about `target_faces`, as a modifier.

    voxel also takes `voxel_size` instead. Returns the modifier and the resulting face count.
    """
    obj = get_mesh_object(object)
    if (target_faces is None) == (voxel_size is None) and mode == "voxel":
        raise InvalidArgument("voxel needs exactly one of target_faces or voxel_size")
    if mode == "decimate" and (target_faces is None or voxel_size is not None):
        raise InvalidArgument("decimate needs target_faces (and no voxel_size)")
    current = _face_count(obj)
    if current == 0:
        raise WrongType(f"{object!r} has no faces")
    if mode == "decimate":
        assert target_faces is not None
        if target_faces >= current:
            raise InvalidArgument(f"{object!r} has {current} faces; target_faces must be fewer")
        md = obj.modifiers.new("Decimate", "DECIMATE")
        md.ratio = target_faces / current
    else:
        area = _surface_area(obj)
        size = voxel_size if voxel_size is not None else math.sqrt(area / max(target_faces or 1, 1))
        estimate = area / (size * size)
        if estimate > worker.config.max_vertices:
            raise LimitExceeded(
                f"voxel size {size:.4g} m gives about {estimate:,.0f} faces; the worker allows "
                f"{worker.config.max_vertices:,} vertices. Use a larger voxel_size"
            )
        md = obj.modifiers.new("Remesh", "REMESH")
        md.mode = "VOXEL"
        md.voxel_size = size
    refresh()
    return {
        "object": obj.name,
        "modifier": md.name,
        "ratio": round(md.ratio, 5) if md.type == "DECIMATE" else None,
        "voxel_size": round(md.voxel_size, 5) if md.type == "REMESH" else None,
        "faces_before": current,
        "faces": _face_count(obj),
    }


def _smooth_group() -> bpy.types.GeometryNodeTree:
    """Blender's bundled "Smooth by Angle" node group, appended (not linked) so a saved .blend
    does not depend on where this Blender is installed."""
    found = bpy.data.node_groups.get(SMOOTH_BY_ANGLE)
    if found is not None and found.library is None:
        return found
    path = os.path.join(
        bpy.utils.resource_path("LOCAL"), "datafiles", "assets", "nodes", "geometry_nodes_essentials.blend"
    )
    if not os.path.exists(path):
        path = os.path.join(
            bpy.utils.resource_path("SYSTEM"),
            "datafiles",
            "assets",
            "nodes",
            "geometry_nodes_essentials.blend",
        )
    try:
        with bpy.data.libraries.load(path, link=False) as (source, target):
            target.node_groups = [SMOOTH_BY_ANGLE]
    except OSError as exc:
        raise BlenderOperationFailed(f"Blender's Smooth by Angle asset is missing: {exc}") from exc
    group = target.node_groups[0]
    if group is None:
        raise BlenderOperationFailed("Blender's Smooth by Angle asset could not be loaded")
    return group


def _socket(group: bpy.types.NodeTree, name: str) -> str:
    for item in group.interface.items_tree:
        if item.item_type == "SOCKET" and item.in_out == "INPUT" and item.name == name:
            return str(item.identifier)
    raise BlenderOperationFailed(f"the Smooth by Angle group has no input {name!r}")


@tool("editing", mutates=True)
def smooth_by_angle(
    worker: Worker,
    names: Annotated[Names, Field(description="Meshes to shade")],
    angle: Annotated[float, Field(ge=0.0, le=180.0, description="Edges sharper than this stay sharp")] = 30.0,
    ignore_sharp: Annotated[bool, Field(description="Ignore edges already marked sharp")] = False,
) -> dict[str, Any]:
    """Shade smooth except edges sharper than `angle` (Blender's Smooth by Angle modifier, kept last)."""
    objects = get_objects(names)
    wrong = [f"{o.name} ({o.type.lower()})" for o in objects if o.type != "MESH"]
    if wrong:
        raise WrongType(f"smooth_by_angle needs meshes; not: {', '.join(wrong)}")
    group = _smooth_group()
    angle_id, sharp_id = _socket(group, "Angle"), _socket(group, "Ignore Sharpness")
    for obj in objects:
        obj.data.shade_smooth()
        md = next((m for m in obj.modifiers if m.type == "NODES" and m.node_group == group), None)
        if md is None:
            md = obj.modifiers.new(SMOOTH_BY_ANGLE, "NODES")
            md.node_group = group
        md[angle_id] = math.radians(angle)
        md[sharp_id] = ignore_sharp
        md.use_pin_to_last = True
    refresh()
    return {"updated": [o.name for o in objects], "angle": angle, "modifier": SMOOTH_BY_ANGLE}


def _curve_length(curve: bpy.types.Object) -> float:
    scale = max(abs(s) for s in curve.matrix_world.to_scale())
    return sum(s.calc_length() for s in curve.data.splines) * scale


@tool("editing", mutates=True)
def array_along_curve(
    worker: Worker,
    object: Name,
    curve: Annotated[Name, Field(description="Curve object to follow")],
    spacing: Annotated[
        float, Field(gt=0.0, le=100.0, description="Gap in object lengths (1 = touching)")
    ] = 1.0,
    axis: Literal["x", "y", "z"] = "x",
    deform: Annotated[bool, Field(description="Bend the copies along the curve")] = True,
) -> dict[str, Any]:
    """Repeat a mesh along a curve until the curve is filled (Array fit-to-curve + Curve modifiers).

    The object is moved to the curve's origin; its `axis` follows the curve.
    """
    obj = get_mesh_object(object)
    path = get_object(curve)
    if path.type != "CURVE":
        raise WrongType(f"{curve!r} is a {path.type.lower()}; array_along_curve needs a curve")
    if obj == path:
        raise InvalidArgument("the object and the curve must differ")
    index = "xyz".index(axis)
    length = obj.dimensions[index]
    if length <= 1e-6:
        raise InvalidArgument(f"{object!r} has no extent along {axis}; choose another axis")
    count = _curve_length(path) / (length * spacing)
    if count > worker.config.max_array_count:
        raise LimitExceeded(
            f"about {count:,.0f} copies fit the curve; the worker allows {worker.config.max_array_count}. "
            "Increase spacing or scale the object up"
        )
    check_vertex_budget(worker, int(len(obj.data.vertices) * (count + 1)), f"{object!r} along {curve!r}")
    placed = obj.matrix_world.copy()
    placed.translation = path.matrix_world.translation
    obj.matrix_world = placed  # world space, also when the object has a parent
    array = obj.modifiers.new("Array along curve", "ARRAY")
    array.fit_type = "FIT_CURVE"
    array.curve = path
    array.use_relative_offset = True
    offset = [0.0, 0.0, 0.0]
    offset[index] = spacing
    array.relative_offset_displace = offset
    names = [array.name]
    if deform:
        bend = obj.modifiers.new("Curve", "CURVE")
        bend.object = path
        bend.deform_axis = f"POS_{axis.upper()}"
        names.append(bend.name)
    refresh()
    return {
        "object": obj.name,
        "curve": path.name,
        "copies": max(1, int(count)),
        "modifiers": names,
        "mesh": evaluated_counts(obj),
    }


Profile = Annotated[
    list[Annotated[list[Annotated[float, Field(allow_inf_nan=False)]], Field(min_length=2, max_length=2)]],
    Field(min_length=2, max_length=1000, description="[radius, z] points, bottom to top"),
]


@tool("editing", mutates=True)
def create_lathe(
    worker: Worker,
    profile: Profile,
    name: Annotated[str | None, Field(min_length=1, max_length=63)] = None,
    segments: Annotated[int, Field(ge=3, le=512, description="Steps around")] = 32,
    angle: Annotated[float, Field(gt=0.0, le=360.0, description="Degrees swept")] = 360.0,
    location: Vec3 = [0.0, 0.0, 0.0],  # noqa: B006
    parent: Annotated[str | None, Field(description="Parent object name")] = None,
    material: Annotated[str | None, Field(description="Material name")] = None,
    smooth: bool = True,
) -> dict[str, Any]:
    """Spin a [radius, z] profile around the Z axis into a mesh (vase, bottle, glass, column).

    Radius 0 closes the shape on the axis. Returns the object summary.
    """
    if any(r < 0 for r, _ in profile):
        raise InvalidArgument("profile radii must be >= 0 (the axis is radius 0)")
    if all(r == 0 for r, _ in profile):
        raise InvalidArgument("the profile lies on the axis: give some radius > 0")
    loc = check_vec(location, "location")
    parent_obj = check_parent(parent)
    mat = check_material_for("MESH", material)
    check_object_budget(worker, 1)
    check_vertex_budget(worker, len(profile) * (segments + 1), "this lathe")
    bm = bmesh.new()
    try:
        verts = [bm.verts.new((r, 0.0, z)) for r, z in profile]
        edges = [
            bm.edges.new((a, b))
            for a, b in zip(verts, verts[1:], strict=False)
            if (a.co - b.co).length > 1e-9
        ]
        full = angle >= 360.0
        bmesh.ops.spin(
            bm,
            geom=verts + edges,
            cent=(0, 0, 0),
            axis=(0, 0, 1),
            angle=math.radians(angle),
            steps=segments,
            use_merge=full,
            use_duplicate=False,
        )
        bmesh.ops.remove_doubles(bm, verts=list(bm.verts), dist=1e-6)
        bmesh.ops.recalc_face_normals(bm, faces=list(bm.faces))
        mesh = bpy.data.meshes.new(name or "Lathe")
        bm.to_mesh(mesh)
    finally:
        bm.free()
    if smooth:
        mesh.shade_smooth()
    obj = bpy.data.objects.new(name or "Lathe", mesh)
    place_new_object(obj, location=loc, parent=parent_obj, material=mat)
    return object_summary(obj)
