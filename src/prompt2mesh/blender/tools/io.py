"""Import models from the workspace (glb/gltf, obj, stl, fbx, ply, usd), confined like export."""

from pathlib import Path
from typing import Annotated, Any

import bpy
from pydantic import Field

from prompt2mesh.blender.errors import BlenderOperationFailed, InvalidArgument, LimitExceeded
from prompt2mesh.blender.history import quiet_reports
from prompt2mesh.blender.registry import tool
from prompt2mesh.blender.runtime import Worker
from prompt2mesh.blender.tools._common import refresh

IMPORT_SUFFIXES = (".glb", ".gltf", ".obj", ".stl", ".fbx", ".ply", ".usd", ".usda", ".usdc", ".usdz")


def _import(path: Path, scale: float) -> None:
    file = str(path)
    suffix = path.suffix.lower()
    if suffix in (".glb", ".gltf"):
        bpy.ops.import_scene.gltf(filepath=file)
    elif suffix == ".obj":
        bpy.ops.wm.obj_import(filepath=file, global_scale=scale)
    elif suffix == ".stl":
        bpy.ops.wm.stl_import(filepath=file, global_scale=scale)
    elif suffix == ".ply":
        bpy.ops.wm.ply_import(filepath=file, global_scale=scale)
    elif suffix == ".fbx":
        bpy.ops.wm.fbx_import(filepath=file, global_scale=scale)
    else:
        bpy.ops.wm.usd_import(filepath=file, scale=scale)


#: The kinds of data an importer may add; a refused import removes exactly what it added.
_DATA = (
    "objects",
    "meshes",
    "materials",
    "images",
    "curves",
    "cameras",
    "lights",
    "armatures",
    "actions",
    "node_groups",
    "textures",
    "collections",
)


def _existing() -> dict[str, set[Any]]:
    return {kind: set(getattr(bpy.data, kind)) for kind in _DATA}


def _remove_added(before: dict[str, set[Any]]) -> None:
    """Remove what the import added (objects first), never data that was already there, even if
    it has no users yet (a material made by create_material and not assigned, for instance)."""
    for kind in _DATA:
        store = getattr(bpy.data, kind)
        for item in [i for i in store if i not in before[kind]]:
            store.remove(item)


@tool("rendering", mutates=True)
def import_model(
    worker: Worker,
    filename: Annotated[
        str, Field(min_length=1, description="Workspace file: glb gltf obj stl fbx ply usd(a/c/z)")
    ],
    scale: Annotated[float, Field(gt=0.0, le=1000.0, allow_inf_nan=False, description="Size factor")] = 1.0,
) -> dict[str, Any]:
    """Import a 3D file from the workspace into the scene. Returns the new objects and their size.

    glTF has no scale option: its objects are scaled afterwards.
    """
    source = worker.workspace.resolve(filename, must_exist=True, suffixes=IMPORT_SUFFIXES)
    if not source.is_file():
        raise InvalidArgument(f"{filename!r} is not a file")
    before = _existing()
    try:
        with quiet_reports():
            _import(source, scale)
    except RuntimeError as exc:
        _remove_added(before)
        raise BlenderOperationFailed(f"importing {filename!r} failed: {exc}") from exc
    new = [o for o in bpy.data.objects if o not in before["objects"]]
    if source.suffix.lower() in (".glb", ".gltf") and scale != 1.0:
        for obj in new:
            if obj.parent is None:
                obj.scale = obj.scale * scale
                obj.location = obj.location * scale
    vertices = sum(len(o.data.vertices) for o in new if o.type == "MESH")
    limits = worker.config
    if len(bpy.data.objects) > limits.max_objects or vertices > limits.max_vertices:
        _remove_added(before)
        raise LimitExceeded(
            f"{filename!r} holds {len(new)} objects / {vertices:,} vertices; the worker allows "
            f"{limits.max_objects} objects and {limits.max_vertices:,} vertices"
        )
    if not new:
        raise InvalidArgument(f"{filename!r} contained nothing to import")
    refresh()
    return {
        "path": worker.workspace.relative(source),
        "objects": sorted(o.name for o in new),
        "meshes": sum(o.type == "MESH" for o in new),
        "vertices": vertices,
        "faces": sum(len(o.data.polygons) for o in new if o.type == "MESH"),
    }
