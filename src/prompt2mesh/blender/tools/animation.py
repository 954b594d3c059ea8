"""Rigid bodies and simple animation: bodies with shape/mass/friction, keyframes, frame range and fps."""

import math
from typing import Annotated, Any, Literal

import bpy
from mathutils import Vector
from pydantic import Field

from prompt2mesh.blender.errors import BlenderOperationFailed, InvalidArgument, NotFound, WrongType
from prompt2mesh.blender.history import quiet_reports
from prompt2mesh.blender.registry import tool
from prompt2mesh.blender.runtime import Worker
from prompt2mesh.blender.tools._common import (
    Name,
    Names,
    Vec3,
    check_vec,
    color_hex,
    get_material,
    get_object,
    get_objects,
    parse_color,
    rounded,
    scene,
)

Shape = Literal["box", "sphere", "capsule", "cylinder", "cone", "convex_hull", "mesh"]


def _ensure_world() -> bpy.types.RigidBodyWorld:
    sc = scene()
    if sc.rigidbody_world is None:
        with bpy.context.temp_override(scene=sc), quiet_reports():
            bpy.ops.rigidbody.world_add()
    if sc.rigidbody_world is None:  # pragma: no cover (Blender refused)
        raise BlenderOperationFailed("Blender could not create a rigid body world")
    world = sc.rigidbody_world
    if world.collection is None:
        world.collection = bpy.data.collections.new("RigidBodyWorld")
    return world


def _body(obj: bpy.types.Object) -> dict[str, Any]:
    rb = obj.rigid_body
    if rb is None:
        return {"name": obj.name, "type": "none"}
    return {
        "name": obj.name,
        "type": rb.type.lower(),
        "shape": rb.collision_shape.lower(),
        "mass": round(rb.mass, 4),
        "friction": round(rb.friction, 4),
        "restitution": round(rb.restitution, 4),
        "animated": rb.kinematic,
    }


@tool("animation", mutates=True)
def set_rigid_body(
    worker: Worker,
    names: Annotated[Names, Field(description="Mesh objects")],
    type: Annotated[
        Literal["active", "passive", "none"],
        Field(description="active falls, passive collides; none removes"),
    ] = "active",
    shape: Shape | None = None,
    mass: Annotated[float | None, Field(gt=0.0, le=1e6, allow_inf_nan=False, description="kg")] = None,
    friction: Annotated[float | None, Field(ge=0.0, le=100.0, allow_inf_nan=False)] = None,
    restitution: Annotated[
        float | None, Field(ge=0.0, le=1.0, allow_inf_nan=False, description="Bounciness")
    ] = None,
    animated: Annotated[bool | None, Field(description="Moved by its keyframes, not the simulation")] = None,
) -> dict[str, Any]:
    """Make objects rigid bodies (creating the scene's rigid body world) or remove them. Returns each body."""
    objects = get_objects(names)
    wrong = [f"{o.name} ({o.type.lower()})" for o in objects if o.type != "MESH"]
    if wrong:
        raise WrongType(f"rigid bodies need meshes; not: {', '.join(wrong)}")
    if type == "none":
        if any(v is not None for v in (shape, mass, friction, restitution, animated)):
            raise InvalidArgument("type='none' removes the bodies; give no other settings")
        for obj in objects:
            if obj.rigid_body is not None:
                with bpy.context.temp_override(object=obj, active_object=obj), quiet_reports():
                    bpy.ops.rigidbody.object_remove()
        return {"bodies": [_body(o) for o in objects]}
    world = _ensure_world()
    for obj in objects:
        if world.collection.objects.get(obj.name) is None:
            world.collection.objects.link(obj)
        rb = obj.rigid_body
        if rb is None:  # pragma: no cover (linking into the world collection creates it)
            raise BlenderOperationFailed(f"Blender did not make {obj.name!r} a rigid body")
        rb.type = type.upper()
        if shape is not None:
            rb.collision_shape = shape.upper()
        if mass is not None:
            rb.mass = mass
        if friction is not None:
            rb.friction = friction
        if restitution is not None:
            rb.restitution = restitution
        if animated is not None:
            rb.kinematic = animated
    return {"bodies": [_body(o) for o in objects]}


@tool("animation", mutates=True)
def set_timeline(
    worker: Worker,
    frame_start: Annotated[int | None, Field(ge=0, le=1_000_000)] = None,
    frame_end: Annotated[int | None, Field(ge=0, le=1_000_000)] = None,
    fps: Annotated[int | None, Field(ge=1, le=240)] = None,
    frame: Annotated[int | None, Field(ge=0, le=1_000_000, description="Current frame")] = None,
    gravity: Annotated[Vec3 | None, Field(description="m/s^2, e.g. [0, 0, -9.81]")] = None,
) -> dict[str, Any]:
    """Set the frame range, fps, current frame and gravity (the rigid body cache follows the range)."""
    sc = scene()
    start = frame_start if frame_start is not None else sc.frame_start
    end = frame_end if frame_end is not None else sc.frame_end
    if end < start:
        raise InvalidArgument(f"frame_end {end} is before frame_start {start}")
    grav = check_vec(gravity, "gravity") if gravity is not None else None
    if grav is not None and any(abs(g) > 1000 for g in grav):
        raise InvalidArgument("gravity components must be within ±1000 m/s^2")
    sc.frame_start, sc.frame_end = start, end
    if fps is not None:
        sc.render.fps = fps
        sc.render.fps_base = 1.0
    if frame is not None:
        sc.frame_set(frame)
    if grav is not None:
        sc.gravity = grav
        sc.use_gravity = True
    if sc.rigidbody_world is not None:
        cache = sc.rigidbody_world.point_cache
        cache.frame_start, cache.frame_end = start, end
    return {
        "frame_start": sc.frame_start,
        "frame_end": sc.frame_end,
        "fps": sc.render.fps,
        "frame": sc.frame_current,
        "gravity": rounded(sc.gravity),
    }


Property = Literal[
    "location",
    "rotation",
    "scale",
    "base_color",
    "metallic",
    "roughness",
    "alpha",
    "emission_strength",
    "light_power",
    "light_color",
]
_SOCKETS = {
    "base_color": "Base Color",
    "metallic": "Metallic",
    "roughness": "Roughness",
    "alpha": "Alpha",
    "emission_strength": "Emission Strength",
}


def _number(prop: str, value: Any, lo: float, hi: float) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not lo <= value <= hi:
        raise InvalidArgument(f"{prop} needs a number in {lo:g}..{hi:g}, got {value!r}")
    return float(value)


def _principled(material: bpy.types.Material) -> bpy.types.ShaderNode:
    tree = material.node_tree
    node = next((n for n in tree.nodes if n.type == "BSDF_PRINCIPLED"), None) if tree else None
    if node is None:
        raise WrongType(f"material {material.name!r} has no Principled BSDF to animate")
    return node


def _material_of(obj: bpy.types.Object, name: str | None) -> bpy.types.Material:
    if name is not None:
        return get_material(name)
    slots = [s.material for s in getattr(obj, "material_slots", []) if s.material]
    if not slots:
        raise NotFound(f"{obj.name!r} has no material; assign one or pass material")
    return slots[0]


def _keyed_frames(id_data: Any, path: str) -> list[float]:
    from bpy_extras import anim_utils

    anim = id_data.animation_data
    if anim is None or anim.action is None:
        return []
    bag = anim_utils.action_get_channelbag_for_slot(anim.action, anim.action_slot)
    if bag is None:
        return []
    frames = {kp.co[0] for fc in bag.fcurves if fc.data_path == path for kp in fc.keyframe_points}
    return sorted(round(f, 3) for f in frames)


@tool("animation", mutates=True)
def insert_keyframe(
    worker: Worker,
    name: Annotated[Name, Field(description="Object (its material or light data for those properties)")],
    property: Property,
    frame: Annotated[int, Field(ge=0, le=1_000_000)],
    value: Annotated[
        float | list[float] | str | None,
        Field(
            description="New value first (vectors [x,y,z], rotation degrees, colours hex); null keys the current"
        ),
    ] = None,
    material: Annotated[
        str | None, Field(description="Material to key (default: the object's first)")
    ] = None,
    interpolation: Literal["bezier", "linear", "constant"] = "bezier",
) -> dict[str, Any]:
    """Set a value at a frame and keyframe it: transforms, a few material values, light power/colour.

    Returns the frames now keyed for that property.
    """
    obj = get_object(name)
    if material is not None and property not in _SOCKETS:
        raise InvalidArgument(f"material is only used with material properties, not {property!r}")
    holder: Any
    if property in ("location", "rotation", "scale"):
        holder, path = obj, {"rotation": "rotation_euler"}.get(property, property)
        if value is not None:
            vec = check_vec(value, property) if not isinstance(value, str) else None
            if vec is None:
                raise InvalidArgument(f"{property} needs [x, y, z]")
            if property == "scale" and any(abs(v) < 1e-6 for v in vec):
                raise InvalidArgument("scale has a zero component")
            if property == "rotation":
                obj.rotation_mode = "XYZ"
                vec = Vector([math.radians(v) for v in vec])
            setattr(obj, path, vec)
    elif property in ("light_power", "light_color"):
        if obj.type != "LIGHT":
            raise WrongType(f"{name!r} is a {obj.type.lower()}; {property} needs a light")
        holder = obj.data
        path = "energy" if property == "light_power" else "color"
        if value is not None:
            if property == "light_power":
                holder.energy = _number(property, value, 0.0, 1e7)
            else:
                holder.color = parse_color(value)[:3]
    else:
        mat = _material_of(obj, material)
        socket = _principled(mat).inputs[_SOCKETS[property]]
        holder, path = mat.node_tree, socket.path_from_id("default_value")
        if value is not None:
            if property == "base_color":
                socket.default_value = parse_color(value)
            else:
                hi = 1e6 if property == "emission_strength" else 1.0
                socket.default_value = _number(property, value, 0.0, hi)
    if not holder.keyframe_insert(path, frame=frame):
        raise BlenderOperationFailed(f"Blender refused to keyframe {property} of {name!r}")
    _set_interpolation(holder, path, frame, interpolation)
    return {
        "name": obj.name,
        "property": property,
        "frame": frame,
        "value": _current(holder, path, property),
        "keyed_frames": _keyed_frames(holder, path),
    }


def _set_interpolation(id_data: Any, path: str, frame: int, interpolation: str) -> None:
    from bpy_extras import anim_utils

    anim = id_data.animation_data
    bag = anim_utils.action_get_channelbag_for_slot(anim.action, anim.action_slot)
    for fc in bag.fcurves:
        if fc.data_path == path:
            for kp in fc.keyframe_points:
                if abs(kp.co[0] - frame) < 1e-3:
                    kp.interpolation = interpolation.upper()


def _current(holder: Any, path: str, prop: str) -> Any:
    value = holder.path_resolve(path)
    if prop == "rotation":
        return [round(math.degrees(a), 3) + 0.0 for a in value]
    if prop in ("base_color", "light_color"):
        return color_hex(value)
    if hasattr(value, "__len__"):
        return rounded(value)
    return round(float(value), 4)
