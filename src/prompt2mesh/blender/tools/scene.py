"""Lights, world and camera: the tools that make a scene presentable and framed."""

import math
from collections.abc import Iterable
from typing import Annotated, Any, Literal

import bpy
from mathutils import Vector
from pydantic import Field

from prompt2mesh.blender.errors import InvalidArgument, NotFound
from prompt2mesh.blender.registry import tool
from prompt2mesh.blender.runtime import Worker
from prompt2mesh.blender.tools._common import (
    Color,
    Vec3,
    color_hex,
    evaluated_bounds,
    get_object,
    parse_color,
    rounded,
)

LightType = Literal["point", "sun", "spot", "area"]
LookAt = Annotated[
    str | Vec3 | None,
    Field(description="Point [x, y, z] or object name to aim at (its bounding-box centre); null = keep"),
]
# Custom property that marks lights made by setup_lighting, so a second call replaces them.
AUTO_LIGHT_KEY = "p2m_auto_light"
SHAPE_TYPES = frozenset({"MESH", "CURVE", "FONT", "SURFACE", "META"})
DEFAULT_ENERGY = {"point": 1000.0, "sun": 3.0, "spot": 1000.0, "area": 500.0}
SENSOR_MM = 36.0


# --- geometry helpers shared with the output tools -----------------------------------------
def shape_objects(names: Iterable[str] | None = None) -> list[bpy.types.Object]:
    """Renderable geometry in the scene; with ``names``, those objects and their descendants."""
    scene = bpy.context.scene
    if names is None:
        candidates = list(scene.objects)
    else:
        candidates = []
        for name in names:
            obj = get_object(name)
            candidates.extend([obj, *obj.children_recursive])
    return [o for o in candidates if o.type in SHAPE_TYPES and not o.hide_render]


def bounds_corners(objects: Iterable[bpy.types.Object]) -> list[Vector]:
    """World-space bounding-box corners of the evaluated objects (modifiers included)."""
    depsgraph = bpy.context.evaluated_depsgraph_get()
    corners: list[Vector] = []
    for obj in objects:
        if obj.type == "MESH":
            evaluated = obj.evaluated_get(depsgraph)
            corners.extend(evaluated.matrix_world @ Vector(c) for c in evaluated.bound_box)
            continue
        # Curves and text: measured on their evaluated mesh (inflated bound_box in Blender 5.0).
        box = evaluated_bounds(obj, depsgraph)
        if box is not None:
            lo, hi = box
            corners.extend(
                Vector((x, y, z)) for x in (lo.x, hi.x) for y in (lo.y, hi.y) for z in (lo.z, hi.z)
            )
    return corners


def bounds(objects: Iterable[bpy.types.Object]) -> tuple[Vector, Vector] | None:
    """World-space (min, max) over the evaluated objects; None when there are none."""
    corners = bounds_corners(objects)
    if not corners:
        return None
    lo = Vector(tuple(min(c[i] for c in corners) for i in range(3)))
    hi = Vector(tuple(max(c[i] for c in corners) for i in range(3)))
    return lo, hi


def resolve_point(target: str | list[float]) -> Vector:
    """A point given as [x, y, z] or as an object name (its bounding-box centre)."""
    if isinstance(target, str):
        obj = get_object(target)
        box = bounds(shape_objects([obj.name]))
        return (box[0] + box[1]) / 2 if box else obj.matrix_world.translation.copy()
    return Vector(target)


def aim(obj: bpy.types.Object, target: Vector) -> None:
    """Rotate ``obj`` so its -Z axis (where cameras and lights point) faces ``target``."""
    # matrix_world is stale until the depsgraph updates; location is what we just set.
    origin = obj.matrix_world.translation if obj.parent else obj.location
    direction = target - origin
    if direction.length < 1e-9:
        raise InvalidArgument("look_at point coincides with the object's location; choose another point")
    obj.rotation_mode = "XYZ"
    obj.rotation_euler = direction.to_track_quat("-Z", "Y").to_euler()


def half_fov_tangents(lens: float, width: int, height: int) -> tuple[float, float]:
    """tan of the half field of view (horizontal, vertical) for sensor_fit AUTO."""
    wide = SENSOR_MM / 2 / lens
    if width >= height:
        return wide, wide * height / width
    return wide * width / height, wide


def frame(camera: bpy.types.Object, corners: list[Vector], direction: Vector, margin: float) -> float:
    """Place ``camera`` on ``direction`` from the corners' centre so they all fit; returns distance."""
    render = bpy.context.scene.render
    if not corners:
        corners = [Vector((-1, -1, 0)), Vector((1, 1, 2))]
    lo = Vector(tuple(min(c[i] for c in corners) for i in range(3)))
    hi = Vector(tuple(max(c[i] for c in corners) for i in range(3)))
    center = (lo + hi) / 2
    back = direction.normalized()
    rotation = (-back).to_track_quat("-Z", "Y")
    right, up = rotation @ Vector((1, 0, 0)), rotation @ Vector((0, 1, 0))
    tan_x, tan_y = half_fov_tangents(camera.data.lens, render.resolution_x, render.resolution_y)
    # The camera sits at center + back * d; a point p is inside the frame when its sideways offset
    # is within tan(fov/2) * depth / margin, with depth = d - (p - center).back.
    distance = 0.0
    for corner in corners:
        rel = corner - center
        depth_offset = rel.dot(back)
        need_x = depth_offset + margin * abs(rel.dot(right)) / tan_x
        need_y = depth_offset + margin * abs(rel.dot(up)) / tan_y
        distance = max(distance, need_x, need_y)
    radius = (hi - lo).length / 2
    distance = max(distance, radius * 1.05, 0.1)
    camera.location = center + back * distance
    camera.rotation_mode = "XYZ"
    camera.rotation_euler = rotation.to_euler()
    camera.data.clip_start = max(0.001, min(0.1, (distance - radius) / 10))
    camera.data.clip_end = max(100.0, (distance + radius) * 2)
    return distance


def camera_info(camera: bpy.types.Object | None) -> dict[str, Any] | None:
    """The camera as tools report it: name, location, rotation (degrees), lens."""
    if camera is None:
        return None
    return {
        "name": camera.name,
        "location": rounded(camera.location),
        "rotation": [round(math.degrees(a), 3) for a in camera.rotation_euler],
        "lens": round(camera.data.lens, 3),
    }


def light_info(obj: bpy.types.Object) -> dict[str, Any]:
    """A light as tools report it: name, type, location, rotation (degrees), energy, colour."""
    return {
        "name": obj.name,
        "type": obj.data.type.lower(),
        "location": rounded(obj.location),
        "rotation": [round(math.degrees(a), 3) for a in obj.rotation_euler],
        "energy": round(obj.data.energy, 4),
        "color": color_hex(obj.data.color),
    }


# --- lights ------------------------------------------------------------------------------------
def _new_light(
    kind: str, name: str, location: Vector, energy: float, color: Any, size: float | None
) -> bpy.types.Object:
    data = bpy.data.lights.new(name, kind.upper())
    data.energy = energy
    data.color = parse_color(color)[:3]
    if size is not None:
        if kind == "sun":
            data.angle = math.radians(size)
        elif kind == "area":
            data.size = size
        else:
            data.shadow_soft_size = size
    obj = bpy.data.objects.new(name, data)
    bpy.context.scene.collection.objects.link(obj)
    obj.location = location
    return obj


@tool("lighting", mutates=True)
def add_light(
    worker: Worker,
    type: Annotated[
        LightType, Field(description="point, sun (parallel, like daylight), spot or area")
    ] = "point",
    name: Annotated[str | None, Field(max_length=63, description="Object name; null = light type")] = None,
    location: Vec3 = [0.0, 0.0, 5.0],  # noqa: B006  (pydantic copies defaults)
    rotation: Annotated[Vec3 | None, Field(description="Euler degrees; ignored when look_at is set")] = None,
    look_at: LookAt = None,
    energy: Annotated[
        float | None,
        Field(ge=0, le=1e7, description="Watts (point/spot/area) or W/m2 (sun); null = 1000/3/1000/500"),
    ] = None,
    color: Color = "#ffffff",
    size: Annotated[
        float | None,
        Field(gt=0, le=1000, description="Soft-shadow size in m (area: edge length; sun: angle in degrees)"),
    ] = None,
    spot_angle: Annotated[float | None, Field(gt=0, le=180, description="Spot cone angle, degrees")] = None,
) -> dict[str, Any]:
    """Add a light. Aim it with look_at (a point or an object name) or rotation in degrees.

    Lights point along their local -Z. Sun strength is independent of distance; point, spot
    and area energy falls off with distance squared (1000 W lights a 1 m object at ~4 m).

    Raises:
        InvalidArgument: spot_angle for a non-spot light, a look_at point at the light itself,
            or a colour that is not '#RRGGBB' / [r, g, b].
        NotFound: look_at names an object that does not exist.
    """
    if spot_angle is not None and type != "spot":
        raise InvalidArgument("spot_angle applies only to type='spot'")
    obj = _new_light(
        type,
        name or type.capitalize(),
        Vector(location),
        DEFAULT_ENERGY[type] if energy is None else energy,
        color,
        size,
    )
    if spot_angle is not None:
        obj.data.spot_size = math.radians(spot_angle)
    if look_at is not None:
        aim(obj, resolve_point(look_at))
    elif rotation is not None:
        obj.rotation_euler = [math.radians(a) for a in rotation]
    return light_info(obj)


def _remove_auto_lights() -> list[str]:
    removed = []
    for obj in [o for o in bpy.data.objects if o.get(AUTO_LIGHT_KEY)]:
        data = obj.data
        removed.append(obj.name)
        bpy.data.objects.remove(obj)
        if data is not None and data.users == 0:
            bpy.data.lights.remove(data)
    return removed


# (name, type, direction from the centre (scaled by distance), energy at 5 m, size factor)
_PRESETS: dict[str, list[tuple[str, str, tuple[float, float, float], float, float]]] = {
    "three_point": [
        ("Key", "area", (1.0, -1.2, 1.1), 800.0, 0.6),
        ("Fill", "area", (-1.3, -0.8, 0.5), 300.0, 1.0),
        ("Rim", "area", (-0.3, 1.4, 1.2), 500.0, 0.4),
    ],
    "studio": [
        ("Key", "area", (1.0, -1.2, 1.1), 700.0, 1.0),
        ("Fill", "area", (-1.3, -0.8, 0.5), 350.0, 1.2),
        ("Rim", "area", (-0.3, 1.4, 1.2), 450.0, 0.6),
        ("Top", "area", (0.0, 0.0, 1.6), 400.0, 1.5),
    ],
}


@tool("lighting", mutates=True)
def setup_lighting(
    worker: Worker,
    preset: Annotated[
        Literal["three_point", "studio", "outdoor"],
        Field(
            description="three_point (key/fill/rim), studio (soft, + top light, grey world), outdoor (sun + sky)"
        ),
    ] = "three_point",
    strength: Annotated[float, Field(gt=0, le=100, description="Multiplier for every light's energy")] = 1.0,
) -> dict[str, Any]:
    """Light the whole scene with a preset placed around the bounds of all objects.

    Replaces lights made by an earlier setup_lighting call (lights from add_light are kept).
    Call it after the geometry is built so the lights fit the scene's size. An empty scene is
    lit as if it held a 2 m object at the origin.
    """
    removed = _remove_auto_lights()
    box = bounds(shape_objects())
    lo, hi = box if box else (Vector((-1, -1, 0)), Vector((1, 1, 2)))
    center = (lo + hi) / 2
    radius = max((hi - lo).length / 2, 0.5)
    distance = radius * 3.0
    created: list[bpy.types.Object] = []
    if preset == "outdoor":
        sun = _new_light(
            "sun",
            "Sun",
            center + Vector((1, -0.6, 1.5)).normalized() * distance,
            4.0 * strength,
            "#fff4e0",
            1.0,
        )
        aim(sun, center)
        created.append(sun)
        _set_world("#a7c4e8", 1.0)
    else:
        # Energy is given for a 5 m throw; scale by distance squared so any scene size looks alike.
        falloff = (distance / 5.0) ** 2
        for label, kind, offset, energy, size in _PRESETS[preset]:
            position = center + Vector(offset).normalized() * distance
            light = _new_light(
                kind, label, position, energy * falloff * strength, "#ffffff", size * radius * 2
            )
            aim(light, center)
            created.append(light)
        if preset == "studio":
            _set_world("#505050", 1.0)
    for light in created:
        light[AUTO_LIGHT_KEY] = True
    return {"preset": preset, "lights": [light_info(o) for o in created], "replaced": removed}


def _set_world(color: Any, strength: float) -> dict[str, Any]:
    scene = bpy.context.scene
    world = scene.world or bpy.data.worlds.new("World")
    scene.world = world
    linear = parse_color(color)
    world.color = linear[:3]  # what Workbench shows
    tree = world.node_tree
    if tree is None:
        raise InvalidArgument("the world has no node tree")
    background = next((n for n in tree.nodes if n.type == "BACKGROUND"), None)
    if background is None:
        background = tree.nodes.new("ShaderNodeBackground")
        output = next((n for n in tree.nodes if n.type == "OUTPUT_WORLD"), None) or tree.nodes.new(
            "ShaderNodeOutputWorld"
        )
        tree.links.new(background.outputs["Background"], output.inputs["Surface"])
    background.inputs["Color"].default_value = linear
    background.inputs["Strength"].default_value = strength
    return {"name": world.name, "color": color_hex(linear), "strength": strength}


@tool("lighting", mutates=True)
def set_world(
    worker: Worker,
    color: Color = "#333333",
    strength: Annotated[float, Field(ge=0, le=1000, description="Background light strength")] = 1.0,
) -> dict[str, Any]:
    """Set the world (background and ambient light) colour and strength.

    Raises:
        InvalidArgument: a colour that is not '#RRGGBB' / [r, g, b] in 0..1.
    """
    return _set_world(color, strength)


# --- camera ------------------------------------------------------------------------------------
Lens = Annotated[float, Field(ge=1, le=5000, description="Focal length in mm (50 = normal, 24 = wide)")]


def ensure_camera(name: str = "Camera") -> bpy.types.Object:
    """The camera called ``name`` (created at [7, -7, 5] facing the origin if missing), made the scene camera.

    Raises:
        InvalidArgument: an object called ``name`` exists and is not a camera.
    """
    scene = bpy.context.scene
    obj = bpy.data.objects.get(name)
    if obj is not None and obj.type != "CAMERA":
        raise InvalidArgument(f"{name!r} is a {obj.type.lower()}, not a camera; choose another name")
    if obj is None:
        obj = bpy.data.objects.new(name, bpy.data.cameras.new(name))
        scene.collection.objects.link(obj)
        obj.location = (7.0, -7.0, 5.0)
        aim(obj, Vector((0, 0, 0)))
    elif obj.name not in scene.objects:
        scene.collection.objects.link(obj)
    scene.camera = obj
    return obj


@tool("camera", mutates=True)
def set_camera(
    worker: Worker,
    location: Annotated[Vec3 | None, Field(description="Camera position; null = keep")] = None,
    look_at: LookAt = None,
    lens: Lens = 50.0,
    name: Annotated[str, Field(min_length=1, max_length=63, description="Camera object name")] = "Camera",
) -> dict[str, Any]:
    """Create or move the scene camera and make it the active one.

    A new camera starts at [7, -7, 5] aimed at the origin. Use frame_camera instead to fit
    objects automatically.

    Raises:
        InvalidArgument: `name` belongs to an object that is not a camera, or look_at is the
            camera's own location.
        NotFound: look_at names an object that does not exist.
    """
    camera = ensure_camera(name)
    if location is not None:
        camera.location = location
    camera.data.lens = lens
    if look_at is not None:
        bpy.context.view_layer.update()
        aim(camera, resolve_point(look_at))
    return camera_info(camera) or {}


@tool("camera", mutates=True)
def frame_camera(
    worker: Worker,
    objects: Annotated[
        list[str] | None, Field(description="Names to fit (with their children); null = every object")
    ] = None,
    margin: Annotated[float, Field(ge=1.0, le=10.0, description="1.0 = touching the frame edge")] = 1.15,
    direction: Annotated[Vec3, Field(description="Direction from the objects towards the camera")] = [  # noqa: B006
        1.0,
        -1.0,
        0.7,
    ],
) -> dict[str, Any]:
    """Move the scene camera (created if missing) so the objects fill the frame.

    Accounts for the lens and the render aspect ratio. The camera looks along -direction.

    Raises:
        InvalidArgument: direction is the zero vector.
        NotFound: a named object does not exist, or none of them has geometry.
    """
    if Vector(direction).length < 1e-9:
        raise InvalidArgument("direction must be a non-zero vector, e.g. [1, -1, 0.7]")
    targets = shape_objects(objects)
    if objects is not None and not targets:
        raise NotFound(f"none of {objects} has geometry to frame")
    camera = ensure_camera(bpy.context.scene.camera.name if bpy.context.scene.camera else "Camera")
    distance = frame(camera, bounds_corners(targets), Vector(direction), margin)
    return {
        **(camera_info(camera) or {}),
        "distance": round(distance, 4),
        "framed": [o.name for o in targets],
    }
