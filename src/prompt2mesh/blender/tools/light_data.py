"""Light settings beyond add_light: area shape and size, spot cone, softness, aiming at objects."""

import math
from typing import Annotated, Any, Literal

import bpy
from pydantic import Field

from prompt2mesh.blender.errors import InvalidArgument, WrongType
from prompt2mesh.blender.registry import tool
from prompt2mesh.blender.runtime import Worker
from prompt2mesh.blender.tools._common import Color, get_object, parse_color, refresh
from prompt2mesh.blender.tools._rna import snapshot
from prompt2mesh.blender.tools.scene import aim, light_info, resolve_point

#: Name of the constraint that keeps a light pointed at its target.
POINT_AT = "Point At"
Size = Annotated[float | None, Field(gt=0, le=1000, allow_inf_nan=False)]
SHAPE_KEYS = ("shape", "size", "size_y", "spot_size", "spot_blend", "shadow_soft_size", "use_shadow")


def light_details(obj: bpy.types.Object) -> dict[str, Any]:
    info = {**light_info(obj), **snapshot(obj.data, SHAPE_KEYS)}
    if "shape" in info:
        info["shape"] = info["shape"].lower()
    con = obj.constraints.get(POINT_AT)
    info["tracking"] = con.target.name if con is not None and con.target is not None else None
    return info


@tool("studio", mutates=True)
def configure_light(
    worker: Worker,
    name: Annotated[str, Field(min_length=1, max_length=63, description="Light object")],
    color: Color | None = None,
    energy: Annotated[float | None, Field(ge=0, le=1e7, description="W (sun: W/m2)")] = None,
    shadow_soft_size: Annotated[Size, Field(description="Point/spot radius, m (soft shadows)")] = None,
    shape: Annotated[
        Literal["square", "rectangle", "disk", "ellipse"] | None, Field(description="Area")
    ] = None,
    size: Annotated[Size, Field(description="Area: width (x), m")] = None,
    size_y: Annotated[Size, Field(description="Area rectangle/ellipse: height, m")] = None,
    spot_size: Annotated[float | None, Field(ge=1, le=180, description="Spot cone, degrees")] = None,
    spot_blend: Annotated[float | None, Field(ge=0, le=1, description="Spot edge softness")] = None,
    shadows: bool | None = None,
    point_at: Annotated[str | None, Field(max_length=63, description="Object to aim at")] = None,
    track: Annotated[bool, Field(description="Keep aiming as things move (Track To constraint)")] = False,
) -> dict[str, Any]:
    """Change an existing light: colour, power, softness, area shape/size, spot cone, aim.

    point_at aims once; with track=true a 'Point At' constraint keeps it aimed (track=true
    without point_at removes that constraint). Null leaves a value as it is.

    Raises:
        NotFound: light or point_at object missing. WrongType: `name` is not a light.
        InvalidArgument: an option that does not fit the light's type.
    """
    obj = get_object(name)
    if obj.type != "LIGHT":
        raise WrongType(f"{name!r} is a {obj.type.lower()}, not a light")
    data = obj.data
    kind = data.type
    if kind != "AREA" and (shape is not None or size is not None or size_y is not None):
        raise InvalidArgument(f"shape/size/size_y apply to area lights; {name!r} is a {kind.lower()} light")
    if kind != "SPOT" and (spot_size is not None or spot_blend is not None):
        raise InvalidArgument(
            f"spot_size/spot_blend apply to spot lights; {name!r} is a {kind.lower()} light"
        )
    if kind in {"AREA", "SUN"} and shadow_soft_size is not None:
        raise InvalidArgument(
            "shadow_soft_size applies to point and spot lights (area: size, sun: add_light size)"
        )
    final_shape = (shape or data.shape.lower()) if kind == "AREA" else None
    if size_y is not None and final_shape not in {"rectangle", "ellipse"}:
        raise InvalidArgument("size_y needs shape 'rectangle' or 'ellipse'")
    target = get_object(point_at) if point_at is not None else None
    if target is not None and target == obj:
        raise InvalidArgument("a light cannot point at itself")
    point = resolve_point(target.name) if target is not None and not track else None
    if color is not None:
        data.color = parse_color(color)[:3]
    for attr, value in (
        ("energy", energy),
        ("shadow_soft_size", shadow_soft_size),
        ("size", size),
        ("size_y", size_y),
        ("spot_blend", spot_blend),
        ("use_shadow", shadows),
    ):
        if value is not None:
            setattr(data, attr, value)
    if shape is not None:
        data.shape = shape.upper()
    if spot_size is not None:
        data.spot_size = math.radians(spot_size)
    con = obj.constraints.get(POINT_AT)
    if track:
        if target is None and con is not None:
            obj.constraints.remove(con)
        elif target is not None:
            con = con or obj.constraints.new("TRACK_TO")
            con.name = POINT_AT
            con.target = target
            con.track_axis = "TRACK_NEGATIVE_Z"
            con.up_axis = "UP_Y"
    elif point is not None:
        if con is not None:
            obj.constraints.remove(con)  # an explicit one-off aim replaces tracking
        aim(obj, point)
    refresh()
    return light_details(obj)
