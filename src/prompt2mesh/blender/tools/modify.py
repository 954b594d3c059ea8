"""Modification tools: transforms, duplication, deletion, naming, joining, parenting, shading,
origins and selection."""

import math
from typing import Annotated, Any, Literal

import bpy
from mathutils import Matrix, Vector
from pydantic import Field

from prompt2mesh.blender.errors import BlenderOperationFailed, InvalidArgument, WrongType
from prompt2mesh.blender.registry import tool
from prompt2mesh.blender.runtime import Worker
from prompt2mesh.blender.tools._common import (
    Name,
    Names,
    Vec3,
    check_object_budget,
    check_scale,
    check_vec,
    check_vertex_budget,
    euler_deg,
    get_object,
    get_objects,
    is_descendant,
    object_summary,
    object_vertex_estimate,
    refresh,
    rounded,
    scene,
    world_bbox,
)

OptVec3 = Annotated[Vec3 | None, Field(description="[x, y, z], or null to leave unchanged")]


def _compensate_children(obj: bpy.types.Object, change: Matrix) -> None:
    """After ``obj``'s own space changed by ``change`` (old local = change @ new local), keep
    its children where they are in the world."""
    for child in obj.children:
        child.matrix_basis = change @ child.matrix_parent_inverse @ child.matrix_basis
        child.matrix_parent_inverse = Matrix.Identity(4)


@tool("modification", mutates=True)
def set_transform(
    worker: Worker,
    name: Name,
    location: Annotated[
        OptVec3, Field(description="[x, y, z] metres (local to the parent if parented)")
    ] = None,
    rotation: Annotated[OptVec3, Field(description="Euler XYZ degrees")] = None,
    scale: Annotated[OptVec3, Field(description="Scale factor per axis (non-zero)")] = None,
    relative: Annotated[
        bool, Field(description="Add location/rotation to the current values and multiply scale")
    ] = False,
) -> dict[str, Any]:
    """Move, rotate or scale an object; its children follow.

    Give at least one of location (metres), rotation (degrees), scale. Location is relative to
    the parent when the object has one. With relative=true location and rotation are added to
    the current values and scale is multiplied. Returns the object summary.
    """
    obj = get_object(name)
    if location is None and rotation is None and scale is None:
        raise InvalidArgument("give at least one of location, rotation or scale")
    loc = check_vec(location, "location") if location is not None else None
    rot = euler_deg(rotation) if rotation is not None else None
    scl = check_scale(scale) if scale is not None else None
    obj.rotation_mode = "XYZ"
    if relative:
        if loc is not None:
            obj.location = obj.location + loc
        if rot is not None:
            obj.rotation_euler = tuple(a + b for a, b in zip(obj.rotation_euler, rot, strict=True))
        if scl is not None:
            new = Vector(a * b for a, b in zip(obj.scale, scl, strict=True))
            check_scale(new)
            obj.scale = new
    else:
        if loc is not None:
            obj.location = loc
        if rot is not None:
            obj.rotation_euler = rot
        if scl is not None:
            obj.scale = scl
    return object_summary(obj)


def _copy_tree(
    obj: bpy.types.Object, parent: bpy.types.Object | None, linked: bool, collections: list[Any]
) -> bpy.types.Object:
    copy = obj.copy()
    if obj.data is not None and not linked:
        copy.data = obj.data.copy()
    for coll in collections or [scene().collection]:
        coll.objects.link(copy)
    if parent is not None:
        copy.parent = parent
        copy.matrix_parent_inverse = obj.matrix_parent_inverse.copy()
    for child in obj.children:
        _copy_tree(child, copy, linked, list(child.users_collection))
    return copy


@tool("modification", mutates=True)
def duplicate_object(
    worker: Worker,
    name: Name,
    count: Annotated[int, Field(ge=1, le=100, description="How many copies")] = 1,
    offset: Annotated[Vec3, Field(description="Copy i is moved by i * offset [x, y, z] metres")] = [  # noqa: B006
        0.0,
        0.0,
        0.0,
    ],
    new_name: Annotated[
        str | None, Field(min_length=1, max_length=63, description="Name of the (first) copy")
    ] = None,
    linked: Annotated[bool, Field(description="Share the mesh data with the original (instances)")] = False,
) -> dict[str, Any]:
    """Copy an object `count` times, children included; copy i is offset by i * offset.

    Use it for repeated parts (legs, windows, ornaments). The copies keep the parent of the
    original; `offset` is in the parent's space. Returns {created:[names of the top copies],
    objects:[summaries]}.
    """
    obj = get_object(name)
    off = check_vec(offset, "offset")
    tree_size = 1 + len(obj.children_recursive)
    check_object_budget(worker, tree_size * count)
    tree_vertices = sum(object_vertex_estimate(o) for o in (obj, *obj.children_recursive))
    check_vertex_budget(worker, tree_vertices * count, f"{count} copies of {name!r}")
    created: list[bpy.types.Object] = []
    for i in range(1, count + 1):
        copy = _copy_tree(obj, obj.parent, linked, list(obj.users_collection))
        copy.location = obj.location + off * i
        if new_name:
            copy.name = new_name if i == 1 else f"{new_name}.{i - 1:03d}"
        created.append(copy)
    refresh()
    return {"created": [c.name for c in created], "objects": [object_summary(c) for c in created]}


def _remove_object(obj: bpy.types.Object) -> None:
    """Remove the object, and its data when nothing else uses it."""
    data = obj.data
    bpy.data.objects.remove(obj, do_unlink=True)
    if data is None or data.users > 0:
        return
    for kind, collection in (
        (bpy.types.Mesh, bpy.data.meshes),
        (bpy.types.Curve, bpy.data.curves),
        (bpy.types.Light, bpy.data.lights),
        (bpy.types.Camera, bpy.data.cameras),
    ):
        if isinstance(data, kind):
            collection.remove(data)
            return


@tool("modification", mutates=True)
def delete_objects(
    worker: Worker,
    names: Annotated[Names, Field(description="Objects to delete")],
    with_children: Annotated[
        bool, Field(description="Also delete descendants; false keeps them in place, unparented")
    ] = True,
) -> dict[str, Any]:
    """Delete objects (all names are checked first: nothing is deleted if one is missing).

    with_children (default) removes their descendants too; otherwise children stay where they
    are in the world, unparented. Returns {deleted:[names]}.
    """
    objects = get_objects(names)
    doomed: dict[str, bpy.types.Object] = {}
    for obj in objects:
        doomed[obj.name] = obj
        if with_children:
            for child in obj.children_recursive:
                doomed[child.name] = child
    if not with_children:
        for obj in objects:
            for child in list(obj.children):
                if child.name not in doomed:
                    world = child.matrix_world.copy()
                    child.parent = None
                    child.matrix_world = world
    deleted = list(doomed)
    for obj in reversed(list(doomed.values())):  # descendants before their parents
        _remove_object(obj)
    refresh()
    return {"deleted": deleted, "remaining": len(bpy.data.objects)}


@tool("modification", mutates=True)
def rename_object(
    worker: Worker,
    name: Name,
    new_name: Annotated[str, Field(min_length=1, max_length=63, description="The new, unused name")],
) -> dict[str, Any]:
    """Rename an object (its mesh data too, when only this object uses it).

    Refused when another object already has `new_name`. Returns {old_name, name}.
    """
    obj = get_object(name)
    if new_name == obj.name:
        return {"old_name": name, "name": obj.name}
    if bpy.data.objects.get(new_name) is not None:
        raise InvalidArgument(
            f"an object named {new_name!r} already exists; pick another name or delete it first"
        )
    obj.name = new_name
    if obj.data is not None and obj.data.users == 1:
        obj.data.name = new_name
    return {"old_name": name, "name": obj.name}


@tool("modification", mutates=True)
def join_objects(
    worker: Worker,
    names: Annotated[
        list[Name], Field(min_length=2, max_length=1000, description="Meshes to merge; the first one is kept")
    ],
    new_name: Annotated[
        str | None, Field(min_length=1, max_length=63, description="Name of the result")
    ] = None,
) -> dict[str, Any]:
    """Merge several mesh objects into one (the first keeps its origin; materials are kept).

    Modifiers of the other meshes are dropped (apply them first if they matter); children of
    the merged objects are re-parented to the result. Returns the result's summary plus `joined`.
    """
    objects = get_objects(names)
    if len(objects) < 2:
        raise InvalidArgument("give at least two different mesh names to join")
    wrong = [f"{o.name} ({o.type.lower()})" for o in objects if o.type != "MESH"]
    if wrong:
        raise WrongType(f"join_objects needs meshes; not meshes: {', '.join(wrong)}")
    target = objects[0]
    if new_name and new_name != target.name and bpy.data.objects.get(new_name) is not None:
        raise InvalidArgument(f"an object named {new_name!r} already exists; pick another new_name")
    for o in objects:
        if o.data.users > 1:
            o.data = o.data.copy()
    layer = bpy.context.view_layer
    for o in objects:
        if layer.objects.get(o.name) is None:
            raise WrongType(f"{o.name!r} is not in the active view layer and cannot be joined")
    joined = [o.name for o in objects]
    with bpy.context.temp_override(
        active_object=target,
        object=target,
        selected_objects=objects,
        selected_editable_objects=objects,
    ):
        result = bpy.ops.object.join()
    if "FINISHED" not in result:
        raise BlenderOperationFailed(f"Blender refused to join {', '.join(joined)}")
    if new_name and new_name != target.name:
        if bpy.data.objects.get(new_name) is not None:
            raise InvalidArgument(
                f"joined into {target.name!r}, but {new_name!r} is taken; rename it yourself"
            )
        target.name = new_name
        target.data.name = new_name
    summary = object_summary(target)
    summary["joined"] = joined
    return summary


@tool("modification", mutates=True)
def set_parent(
    worker: Worker,
    child: Annotated[Name, Field(description="The object to attach")],
    parent: Annotated[str | None, Field(description="New parent name; null detaches (unparents)")] = None,
    keep_transform: Annotated[
        bool, Field(description="Keep the child where it is in the world (else its location becomes local)")
    ] = True,
) -> dict[str, Any]:
    """Parent `child` to `parent` so they move together (null parent = detach).

    keep_transform (default) keeps the child where it is in the world; with false its current
    location numbers are reused as local coordinates. Cycles are refused. Returns the summary.
    """
    obj = get_object(child)
    new_parent = get_object(parent) if parent is not None else None
    if new_parent is not None and (new_parent == obj or is_descendant(new_parent, obj)):
        raise InvalidArgument(f"{parent!r} is {child!r} or one of its descendants; that would make a cycle")
    refresh()
    world = obj.matrix_world.copy()
    obj.parent = new_parent
    obj.matrix_parent_inverse = Matrix.Identity(4)
    if keep_transform:
        obj.matrix_world = world
    return object_summary(obj)


def _transform_data(obj: bpy.types.Object, matrix: Matrix) -> None:
    if obj.type in ("MESH", "CURVE"):
        if obj.data.users > 1:
            obj.data = obj.data.copy()
        obj.data.transform(matrix)
        if obj.type == "MESH":
            obj.data.update()


@tool("modification", mutates=True)
def apply_transform(
    worker: Worker,
    name: Name,
    location: Annotated[
        bool, Field(description="Bake the location (origin moves to the world origin)")
    ] = False,
    rotation: Annotated[bool, Field(description="Bake the rotation")] = True,
    scale: Annotated[bool, Field(description="Bake the scale (scale becomes 1)")] = True,
) -> dict[str, Any]:
    """Bake the chosen parts of an object's transform into its geometry (like Ctrl+A in Blender).

    The object looks the same; its rotation becomes 0 / scale 1 / location 0 as chosen, and
    children stay in place. Meshes, curves and empties (for an empty only its children change;
    a curve's tube thickness scales with the average scale). Returns the summary.
    """
    obj = get_object(name)
    if obj.type not in ("MESH", "CURVE", "EMPTY"):
        raise WrongType(
            f"{name!r} is a {obj.type.lower()}; apply_transform works on meshes, curves and empties"
        )
    if not (location or rotation or scale):
        raise InvalidArgument("choose at least one of location, rotation, scale to apply")
    basis = obj.matrix_basis.copy()
    loc, rot, scl = basis.decompose()
    kept = (
        Matrix.Translation(Vector() if location else loc)
        @ (Matrix.Identity(4) if rotation else rot.to_matrix().to_4x4())
        @ Matrix.Diagonal((*((1.0, 1.0, 1.0) if scale else scl), 1.0))
    )
    change = kept.inverted() @ basis
    _transform_data(obj, change)
    if obj.type == "EMPTY" and scale:
        obj.empty_display_size *= max(abs(v) for v in scl)
    obj.matrix_basis = kept
    _compensate_children(obj, change)
    return object_summary(obj)


def _mesh_objects(obj: bpy.types.Object, recursive: bool) -> list[bpy.types.Object]:
    objects = [obj, *obj.children_recursive] if recursive else [obj]
    return [o for o in objects if o.type in ("MESH", "CURVE")]


@tool("modification", mutates=True)
def set_shading(
    worker: Worker,
    name: Name,
    smooth: Annotated[bool, Field(description="Smooth (true) or flat, faceted (false) shading")] = True,
    auto_smooth_angle: Annotated[
        float | None,
        Field(
            ge=0.0, le=180.0, allow_inf_nan=False, description="Degrees: edges sharper than this stay sharp"
        ),
    ] = None,
    recursive: Annotated[bool, Field(description="Also shade all descendants (for groups / empties)")] = True,
) -> dict[str, Any]:
    """Set smooth or flat shading on a mesh (and its descendants with recursive).

    auto_smooth_angle (degrees, e.g. 30) keeps edges sharper than that angle crisp while
    smoothing the rest: good for hard-surface objects. Returns {updated:[names]}.
    """
    obj = get_object(name)
    targets = _mesh_objects(obj, recursive)
    if not targets:
        raise WrongType(f"{name!r} is a {obj.type.lower()} with no meshes to shade (recursive={recursive})")
    for o in targets:
        if o.type == "CURVE":
            for spline in o.data.splines:
                spline.use_smooth = smooth
            continue
        mesh = o.data
        if smooth:
            mesh.shade_smooth()
            if auto_smooth_angle is not None:
                mesh.set_sharp_from_angle(angle=math.radians(auto_smooth_angle))
        else:
            mesh.shade_flat()
        mesh.update()
    return {"updated": [o.name for o in targets], "smooth": smooth, "auto_smooth_angle": auto_smooth_angle}


def _world_points(obj: bpy.types.Object) -> list[Vector]:
    mw = obj.matrix_world
    if obj.type == "MESH":
        return [mw @ v.co for v in obj.data.vertices]
    return [mw @ Vector(c) for c in obj.bound_box]


@tool("modification", mutates=True)
def set_origin(
    worker: Worker,
    name: Name,
    mode: Annotated[
        Literal["geometry", "bounds_center", "bottom", "world_origin", "point"],
        Field(
            description="geometry = mean of vertices, bounds_center, bottom = bottom centre, "
            "world_origin = (0,0,0), point = `point`"
        ),
    ] = "geometry",
    point: Annotated[Vec3 | None, Field(description="World [x, y, z] for mode='point'")] = None,
) -> dict[str, Any]:
    """Move an object's origin (pivot) without moving its geometry in the world.

    mode: geometry (mean of the vertices), bounds_center, bottom (centre of the bottom of the
    world bounding box: then location.z is where it stands), world_origin, point (give `point`,
    world coordinates). For an empty, the bounds are those of its descendants. Children stay
    in place. Returns the summary (location = new origin).
    """
    obj = get_object(name)
    if obj.type not in ("MESH", "CURVE", "EMPTY"):
        raise WrongType(f"{name!r} is a {obj.type.lower()}; set_origin works on meshes, curves and empties")
    if mode == "point" and point is None:
        raise InvalidArgument("mode='point' needs point=[x, y, z] (world coordinates)")
    if mode != "point" and point is not None:
        raise InvalidArgument(f"point is only used with mode='point', not mode={mode!r}")
    refresh()
    if mode == "world_origin":
        target = Vector((0.0, 0.0, 0.0))
    elif mode == "point":
        target = check_vec(point, "point")
    else:
        if obj.type == "EMPTY":
            box = world_bbox(obj, include_children=True)
            if box is None:
                raise WrongType(
                    f"empty {name!r} has no geometry below it; use mode='point' or 'world_origin'"
                )
            points = [box[0], box[1]]
        else:
            points = _world_points(obj)
            if not points:
                raise WrongType(f"{name!r} has no geometry; use mode='point' or 'world_origin'")
        lo = Vector(min(p[i] for p in points) for i in range(3))
        hi = Vector(max(p[i] for p in points) for i in range(3))
        if mode == "geometry" and obj.type == "MESH":
            target = sum(points, Vector()) / len(points)
        elif mode == "bottom":
            target = Vector(((lo.x + hi.x) / 2, (lo.y + hi.y) / 2, lo.z))
        else:
            target = (lo + hi) / 2
    mw = obj.matrix_world.copy()
    local = mw.inverted() @ target  # the new origin in the object's own space
    shift = Matrix.Translation(local)
    _transform_data(obj, Matrix.Translation(-local))
    obj.matrix_world = mw @ shift
    _compensate_children(obj, shift.inverted())
    result = object_summary(obj)
    result["origin"] = rounded(target)
    return result


@tool("modification", mutates=False)
def select_objects(
    worker: Worker,
    names: Annotated[list[Name], Field(max_length=1000, description="Objects to select; [] clears")],
    active: Annotated[
        str | None, Field(description="Object to make active (default: the first name)")
    ] = None,
) -> dict[str, Any]:
    """Select exactly these objects (others are deselected) and set the active one.

    Used to remember "this one" in a conversation. Returns {selected:[names], active}.
    """
    objects = get_objects(names)
    active_obj = get_object(active) if active is not None else (objects[0] if objects else None)
    layer = bpy.context.view_layer
    for o in layer.objects:
        o.select_set(False)
    for o in [*objects, *([active_obj] if active_obj else [])]:
        if layer.objects.get(o.name) is None:
            raise WrongType(f"{o.name!r} is not in the view layer and cannot be selected")
        o.select_set(True)
    layer.objects.active = active_obj
    return {
        "selected": [o.name for o in layer.objects if o.select_get()],
        "active": active_obj.name if active_obj else None,
    }
