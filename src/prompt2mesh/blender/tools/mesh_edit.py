"""Edit-mode operations without code: extrude, inset and bevel chosen faces/edges (bmesh), and
UV unwrapping. Faces and edges are addressed by index or by the world direction they face."""

import math
from typing import Annotated, Any, Literal

import bmesh
import bpy
from mathutils import Vector
from pydantic import Field

from prompt2mesh.blender.errors import BlenderOperationFailed, InvalidArgument, LimitExceeded, WrongType
from prompt2mesh.blender.history import quiet_reports
from prompt2mesh.blender.registry import tool
from prompt2mesh.blender.runtime import Worker
from prompt2mesh.blender.tools._common import Name, Names, get_mesh_object, get_objects, refresh

#: World directions a face can point to ("top" faces have normals near +Z).
DIRECTIONS = {
    "top": Vector((0, 0, 1)),
    "bottom": Vector((0, 0, -1)),
    "front": Vector((0, -1, 0)),
    "back": Vector((0, 1, 0)),
    "right": Vector((1, 0, 0)),
    "left": Vector((-1, 0, 0)),
}
Where = Literal["all", "top", "bottom", "front", "back", "right", "left", "sharp"]


def _world_normal(obj: bpy.types.Object, normal: Vector) -> Vector:
    return (obj.matrix_world.to_3x3().inverted_safe().transposed() @ normal).normalized()


def select_faces(
    bm: bmesh.types.BMesh, obj: bpy.types.Object, where: str, indices: list[int] | None, angle: float
) -> list[bmesh.types.BMFace]:
    """Faces by index, or those whose world normal is within ``angle`` degrees of a direction."""
    bm.faces.ensure_lookup_table()
    if indices is not None:
        bad = [i for i in indices if i >= len(bm.faces)]
        if bad:
            raise InvalidArgument(
                f"face index {bad[:5]} out of range: {obj.name!r} has {len(bm.faces)} faces"
            )
        return [bm.faces[i] for i in dict.fromkeys(indices)]
    if where == "all":
        return list(bm.faces)
    if where == "sharp":
        raise InvalidArgument("where='sharp' selects edges; use it with operation='bevel'")
    axis = DIRECTIONS[where]
    limit = math.cos(math.radians(angle))
    return [f for f in bm.faces if _world_normal(obj, f.normal).dot(axis) >= limit]


def select_edges(
    bm: bmesh.types.BMesh, obj: bpy.types.Object, where: str, indices: list[int] | None, angle: float
) -> list[bmesh.types.BMEdge]:
    """Edges by index, sharper than ``angle`` ('sharp'), or the edges of the faces facing a direction."""
    bm.edges.ensure_lookup_table()
    if indices is not None:
        bad = [i for i in indices if i >= len(bm.edges)]
        if bad:
            raise InvalidArgument(
                f"edge index {bad[:5]} out of range: {obj.name!r} has {len(bm.edges)} edges"
            )
        return [bm.edges[i] for i in dict.fromkeys(indices)]
    if where == "all":
        return list(bm.edges)
    if where == "sharp":
        limit = math.radians(angle)
        return [e for e in bm.edges if len(e.link_faces) == 2 and e.calc_face_angle(0.0) > limit]
    faces = select_faces(bm, obj, where, None, angle)
    return list(dict.fromkeys(e for f in faces for e in f.edges))


def _extrude(bm: bmesh.types.BMesh, faces: list[Any], amount: float, individual: bool) -> None:
    if individual:
        result = bmesh.ops.extrude_discrete_faces(bm, faces=faces)
        for face in result["faces"]:
            offset = face.normal * amount
            for vert in face.verts:
                vert.co += offset
        return
    normal = sum((f.normal for f in faces), Vector())
    if normal.length < 1e-9:
        raise InvalidArgument("the chosen faces point in opposite directions; use individual=true")
    result = bmesh.ops.extrude_face_region(bm, geom=faces)
    verts = [g for g in result["geom"] if isinstance(g, bmesh.types.BMVert)]
    bmesh.ops.translate(bm, vec=normal.normalized() * amount, verts=verts)
    # The original faces stay inside the extrusion; remove them as Blender's own extrude does.
    bmesh.ops.delete(bm, geom=faces, context="FACES")


@tool("editing", mutates=True)
def edit_mesh(
    worker: Worker,
    object: Name,
    operation: Annotated[Literal["extrude", "inset", "bevel"], Field(description="bevel works on edges")],
    where: Annotated[
        Where,
        Field(description="Faces facing this world direction (bevel: their edges); sharp = edges over angle"),
    ] = "all",
    indices: Annotated[
        list[Annotated[int, Field(ge=0)]] | None,
        Field(min_length=1, max_length=100_000, description="Face (bevel: edge) indices instead of where"),
    ] = None,
    amount: Annotated[
        float,
        Field(
            ge=-100.0, le=100.0, allow_inf_nan=False, description="Extrude distance / inset / bevel width (m)"
        ),
    ] = 0.1,
    depth: Annotated[
        float, Field(ge=-100.0, le=100.0, allow_inf_nan=False, description="Inset: push in/out")
    ] = 0.0,
    segments: Annotated[int, Field(ge=1, le=32, description="Bevel segments")] = 1,
    individual: Annotated[bool, Field(description="Extrude/inset each face on its own")] = False,
    angle: Annotated[float, Field(ge=0.0, le=180.0, description="Degrees of tolerance for where")] = 30.0,
) -> dict[str, Any]:
    """Extrude, inset or bevel part of a mesh (destructive, like edit mode).

    Choose faces by `where` (top/bottom/front/back/left/right, world space) or `indices`.
    Returns how many elements were used and the new counts.
    """
    obj = get_mesh_object(object)
    if operation != "bevel" and amount == 0.0 and depth == 0.0:
        raise InvalidArgument(f"{operation} needs a non-zero amount")
    if operation in ("inset", "bevel") and amount <= 0.0:
        raise InvalidArgument(f"{operation} amount (width) must be > 0")
    bm = bmesh.new()
    try:
        bm.from_mesh(obj.data)
        if operation == "bevel":
            edges = select_edges(bm, obj, where, indices, angle)
            chosen = len(edges)
            if edges:
                verts = list({v for e in edges for v in e.verts})
                bmesh.ops.bevel(
                    bm,
                    geom=edges + verts,
                    offset=amount,
                    offset_type="OFFSET",
                    segments=segments,
                    profile=0.5,
                    affect="EDGES",
                    clamp_overlap=True,
                )
        else:
            faces = select_faces(bm, obj, where, indices, angle)
            chosen = len(faces)
            if faces and operation == "extrude":
                _extrude(bm, faces, amount, individual)
            elif faces:
                op = bmesh.ops.inset_individual if individual else bmesh.ops.inset_region
                op(bm, faces=faces, thickness=amount, depth=depth, use_even_offset=True)
        if not chosen:
            raise InvalidArgument(f"no {'edges' if operation == 'bevel' else 'faces'} match where={where!r}")
        if len(bm.verts) > worker.config.max_vertices:
            raise LimitExceeded(
                f"the result would have {len(bm.verts):,} vertices; the worker allows "
                f"{worker.config.max_vertices:,}"
            )
        bm.normal_update()
        if obj.data.users > 1:  # only this object changes
            obj.data = obj.data.copy()
        bm.to_mesh(obj.data)
    finally:
        bm.free()
    obj.data.update()
    refresh()
    me = obj.data
    return {
        "object": obj.name,
        "operation": operation,
        "selected": chosen,
        "mesh": {"vertices": len(me.vertices), "edges": len(me.edges), "faces": len(me.polygons)},
    }


@tool("editing", mutates=True)
def uv_unwrap(
    worker: Worker,
    names: Annotated[Names, Field(description="Meshes to unwrap")],
    angle_limit: Annotated[float, Field(gt=0.0, le=89.0, description="Smart project angle (degrees)")] = 66.0,
    island_margin: Annotated[float, Field(ge=0.0, le=1.0)] = 0.0,
) -> dict[str, Any]:
    """UV-unwrap whole meshes with Smart UV Project (replaces the active UV map's coordinates)."""
    objects = get_objects(names)
    wrong = [f"{o.name} ({o.type.lower()})" for o in objects if o.type != "MESH"]
    if wrong:
        raise WrongType(f"uv_unwrap needs meshes; not: {', '.join(wrong)}")
    layer = bpy.context.view_layer
    hidden = [o.name for o in objects if layer.objects.get(o.name) is None]
    if hidden:
        raise WrongType(f"{', '.join(hidden)} not in the view layer (excluded collection?)")
    empty = [o.name for o in objects if not o.data.polygons]
    if empty:
        raise WrongType(f"{', '.join(empty)} has no faces to unwrap")
    for obj in objects:
        if obj.data.users > 1:
            obj.data = obj.data.copy()
        if not obj.data.uv_layers:
            obj.data.uv_layers.new(name="UVMap")
    previous = layer.objects.active
    try:
        # One object at a time: multi-object edit mode takes the view layer's selection, which
        # a headless worker does not keep in step with the names asked for.
        for obj in objects:
            layer.objects.active = obj
            with (
                bpy.context.temp_override(
                    active_object=obj, object=obj, selected_objects=[obj], selected_editable_objects=[obj]
                ),
                quiet_reports(),
            ):
                bpy.ops.object.mode_set(mode="EDIT")
                try:
                    bpy.ops.mesh.select_all(action="SELECT")
                    bpy.ops.uv.smart_project(
                        angle_limit=math.radians(angle_limit),
                        island_margin=island_margin,
                        scale_to_bounds=False,
                    )
                finally:
                    bpy.ops.object.mode_set(mode="OBJECT")
    except RuntimeError as exc:
        raise BlenderOperationFailed(f"smart UV project failed: {exc}") from exc
    finally:
        layer.objects.active = previous
    return {"unwrapped": [{"name": o.name, "uv_map": o.data.uv_layers.active.name} for o in objects]}
