"""Inspection tools: what is in the scene, one object in detail, the materials."""

from typing import Annotated, Any

import bpy
from pydantic import Field

from prompt2mesh.blender.registry import tool
from prompt2mesh.blender.runtime import Worker
from prompt2mesh.blender.tools._common import (
    Name,
    color_hex,
    evaluated_counts,
    get_object,
    object_summary,
    refresh,
    rounded,
    scene,
)
from prompt2mesh.blender.tools.materials import material_info
from prompt2mesh.blender.tools.modifiers import modifier_params
from prompt2mesh.blender.tools.scene import camera_info, light_info


def _world_info() -> dict[str, Any] | None:
    world = scene().world
    if world is None:
        return None
    background = None
    if world.node_tree is not None:
        background = next((n for n in world.node_tree.nodes if n.type == "BACKGROUND"), None)
    if background is None:
        return {"color": color_hex(world.color), "strength": 1.0}
    return {
        "color": color_hex(background.inputs["Color"].default_value),
        "strength": round(float(background.inputs["Strength"].default_value), 4),
    }


@tool("inspection")
def get_scene_info(
    worker: Worker,
    offset: Annotated[
        int, Field(ge=0, description="Index of the first object to list (objects sorted by name)")
    ] = 0,
    limit: Annotated[int, Field(ge=1, le=200, description="How many objects to list at most")] = 50,
) -> dict[str, Any]:
    """Describe the scene: objects (paged), counts, camera, lights, world, selection.

    Each object summary has name, type, world location, rotation (degrees), scale,
    dimensions, bbox_min/bbox_max (world; an empty's box covers its descendants), materials,
    modifiers, parent, children, visible. Objects are sorted by name; when `next_offset` is not
    null call again with offset=next_offset for the rest.
    """
    refresh()
    sc = scene()
    objects = sorted(sc.objects, key=lambda o: o.name)
    page = objects[offset : offset + limit]
    types = [o.type for o in objects]
    layer = bpy.context.view_layer
    active = layer.objects.active
    return {
        "objects": [object_summary(o) for o in page],
        "total": len(objects),
        "offset": offset,
        "limit": limit,
        "next_offset": offset + limit if offset + limit < len(objects) else None,
        "counts": {
            "objects": len(objects),
            "meshes": types.count("MESH"),
            "lights": types.count("LIGHT"),
            "cameras": types.count("CAMERA"),
            "empties": types.count("EMPTY"),
            "materials": len(bpy.data.materials),
        },
        "camera": camera_info(sc.camera),
        "lights": [light_info(o) for o in objects if o.type == "LIGHT"],
        "world": _world_info(),
        "selected": sorted(o.name for o in layer.objects if o.select_get()),
        "active": active.name if active is not None else None,
    }


@tool("inspection")
def get_object_info(worker: Worker, name: Name) -> dict[str, Any]:
    """Describe one object in detail: summary, evaluated mesh counts, modifiers, materials.

    Returns the summary fields (see get_scene_info) plus `mesh` {vertices, edges, faces} after
    modifiers (null for empties, lights, cameras), `modifiers` [{name, type, params}],
    `material_details` [{name, color, metallic, roughness, ...}], `local_location` (relative to
    the parent), `data` {name, users} (users > 1: linked duplicates share the geometry),
    `shading` smooth|flat|mixed for meshes, and for text `text`, for lights `light`, for
    cameras `camera`, for empties `descendants`.
    """
    obj = get_object(name)
    refresh()
    info = object_summary(obj)
    info["mesh"] = evaluated_counts(obj)
    info["modifiers"] = [
        {"name": m.name, "type": s["type"], "params": modifier_params(m)}
        for m, s in zip(obj.modifiers, info["modifiers"], strict=True)
    ]
    info["material_details"] = [
        material_info(slot.material) for slot in getattr(obj, "material_slots", []) if slot.material
    ]
    info["local_location"] = rounded(obj.location)
    if obj.data is not None:
        info["data"] = {"name": obj.data.name, "users": obj.data.users}
    if obj.type == "MESH" and len(obj.data.polygons):
        smooth = sum(1 for p in obj.data.polygons if p.use_smooth)
        info["shading"] = "smooth" if smooth == len(obj.data.polygons) else "flat" if smooth == 0 else "mixed"
    if obj.type == "FONT":
        info["text"] = obj.data.body
    elif obj.type == "LIGHT":
        info["light"] = light_info(obj)
    elif obj.type == "CAMERA":
        info["camera"] = camera_info(obj)
    elif obj.type == "EMPTY":
        info["descendants"] = sorted(o.name for o in obj.children_recursive)
    return info


@tool("inspection")
def list_materials(worker: Worker) -> dict[str, Any]:
    """List every material with its shader values.

    Each entry: name, color (sRGB hex), metallic, roughness, emission_color,
    emission_strength, alpha, transmission and users (0 = assigned to nothing).
    """
    return {"materials": [material_info(m) for m in sorted(bpy.data.materials, key=lambda m: m.name)]}
