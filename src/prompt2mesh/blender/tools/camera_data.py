"""Camera lens settings: projection, focal length, sensor, clipping and depth of field."""

from typing import Annotated, Any, Literal

import bpy
from pydantic import Field

from prompt2mesh.blender.errors import InvalidArgument, NotFound, WrongType
from prompt2mesh.blender.registry import tool
from prompt2mesh.blender.runtime import Worker
from prompt2mesh.blender.tools._common import get_object
from prompt2mesh.blender.tools._rna import snapshot

Positive = Annotated[float | None, Field(gt=0, le=1e6, allow_inf_nan=False)]
LENS_KEYS: tuple[str, ...] = (
    "type",
    "lens",
    "ortho_scale",
    "sensor_width",
    "sensor_height",
    "sensor_fit",
    "clip_start",
    "clip_end",
)
LENS_KEYS += ("shift_x", "shift_y")
DOF_KEYS = ("use_dof", "focus_object", "focus_distance", "aperture_fstop", "aperture_blades")


def lens_info(obj: bpy.types.Object) -> dict[str, Any]:
    data = obj.data
    info = {"name": obj.name, **snapshot(data, LENS_KEYS), "dof": snapshot(data.dof, DOF_KEYS)}
    info["type"] = info["type"].lower()
    info["sensor_fit"] = info["sensor_fit"].lower()
    info["active"] = bpy.context.scene.camera == obj
    return info


def _camera(name: str | None) -> bpy.types.Object:
    if name is None:
        camera = bpy.context.scene.camera
        if camera is None:
            raise NotFound("the scene has no camera; create one with set_camera")
        return camera
    obj = get_object(name)
    if obj.type != "CAMERA":
        raise WrongType(f"{name!r} is a {obj.type.lower()}, not a camera")
    return obj


@tool("studio", mutates=True)
def configure_camera(
    worker: Worker,
    name: Annotated[
        str | None, Field(max_length=63, description="Camera object; null = scene camera")
    ] = None,
    type: Annotated[Literal["perspective", "orthographic", "panoramic"] | None, Field()] = None,
    lens: Annotated[float | None, Field(ge=1, le=5000, description="Focal length, mm")] = None,
    ortho_scale: Positive = None,
    sensor_width: Annotated[float | None, Field(ge=1, le=200, description="mm")] = None,
    sensor_height: Annotated[float | None, Field(ge=1, le=200, description="mm")] = None,
    sensor_fit: Literal["auto", "horizontal", "vertical"] | None = None,
    clip_start: Positive = None,
    clip_end: Positive = None,
    shift: Annotated[
        list[float] | None, Field(min_length=2, max_length=2, description="[x, y] lens shift")
    ] = None,
    dof: Annotated[bool | None, Field(description="Depth of field on/off")] = None,
    focus_object: Annotated[str | None, Field(max_length=63, description="Keep this object sharp")] = None,
    focus_distance: Annotated[
        float | None, Field(ge=0, le=1e6, description="m, without focus_object")
    ] = None,
    fstop: Annotated[
        float | None, Field(ge=0.1, le=128, description="Aperture f-number (low = blurrier)")
    ] = None,
    make_active: Annotated[bool, Field(description="Make it the scene camera")] = False,
) -> dict[str, Any]:
    """Set a camera's lens: projection, focal length, ortho scale, sensor, clipping, shift, depth of field.

    Null leaves a value as it is. Setting focus_object/distance or fstop turns depth of field on.

    Raises:
        NotFound: no such camera (or no scene camera), or focus_object missing.
        WrongType: `name` is not a camera. InvalidArgument: clip_start >= clip_end.
    """
    obj = _camera(name)
    data = obj.data
    focus = get_object(focus_object) if focus_object is not None else None
    start = clip_start if clip_start is not None else data.clip_start
    end = clip_end if clip_end is not None else data.clip_end
    if start >= end:
        raise InvalidArgument(f"clip_start {start:g} must be below clip_end {end:g}")
    if shift is not None and any(abs(v) > 10 for v in shift):
        raise InvalidArgument("shift values must be within -10..10")
    kinds = {"perspective": "PERSP", "orthographic": "ORTHO", "panoramic": "PANO"}
    if type is not None:
        data.type = kinds[type]
    for attr, value in (
        ("lens", lens),
        ("ortho_scale", ortho_scale),
        ("sensor_width", sensor_width),
        ("sensor_height", sensor_height),
        ("clip_start", clip_start),
        ("clip_end", clip_end),
    ):
        if value is not None:
            setattr(data, attr, value)
    if sensor_fit is not None:
        data.sensor_fit = sensor_fit.upper()
    if shift is not None:
        data.shift_x, data.shift_y = shift
    if focus_object is not None:
        data.dof.focus_object = focus
    if focus_distance is not None:
        data.dof.focus_distance = focus_distance
    if fstop is not None:
        data.dof.aperture_fstop = fstop
    if dof is not None:
        data.dof.use_dof = dof
    elif focus_object is not None or focus_distance is not None or fstop is not None:
        data.dof.use_dof = True
    if make_active:
        bpy.context.scene.camera = obj
    return lens_info(obj)
