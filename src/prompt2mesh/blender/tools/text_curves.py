"""Text and curve settings (body, size, alignment, extrude, bevel, cyclic) and conversion to mesh."""

from typing import Annotated, Any, Literal

import bpy
from pydantic import Field

from prompt2mesh.blender.errors import BlenderOperationFailed, InvalidArgument, LimitExceeded, WrongType
from prompt2mesh.blender.history import quiet_reports
from prompt2mesh.blender.registry import tool
from prompt2mesh.blender.runtime import Worker
from prompt2mesh.blender.tools._common import Name, Names, evaluated_counts, get_object, get_objects, refresh

Metres = Annotated[float | None, Field(ge=0.0, le=100.0, allow_inf_nan=False)]
CURVE_TYPES = frozenset({"CURVE", "FONT"})


def _curve_settings(obj: bpy.types.Object) -> dict[str, Any]:
    data = obj.data
    out: dict[str, Any] = {
        "name": obj.name,
        "type": "text" if obj.type == "FONT" else "curve",
        "extrude": round(data.extrude, 4),
        "bevel_depth": round(data.bevel_depth, 4),
        "bevel_resolution": data.bevel_resolution,
        "offset": round(data.offset, 4),
        "resolution": data.resolution_u,
    }
    if obj.type == "FONT":
        out |= {"body": data.body, "size": round(data.size, 4), "align": data.align_x.lower()}
    else:
        out |= {"cyclic": [s.use_cyclic_u for s in data.splines], "fill_caps": data.use_fill_caps}
    out["mesh"] = evaluated_counts(obj)
    return out


@tool("editing", mutates=True)
def configure_curve(
    worker: Worker,
    name: Name,
    body: Annotated[
        str | None, Field(min_length=1, max_length=1000, description="Text: new characters")
    ] = None,
    size: Annotated[
        float | None, Field(gt=0.0, le=1000.0, allow_inf_nan=False, description="Text: letter height")
    ] = None,
    align: Literal["left", "center", "right", "justify", "flush"] | None = None,
    extrude: Annotated[Metres, Field(description="Depth (m)")] = None,
    bevel_depth: Annotated[Metres, Field(description="Rounded edge / tube radius (m)")] = None,
    bevel_resolution: Annotated[int | None, Field(ge=0, le=32)] = None,
    offset: Annotated[
        float | None, Field(ge=-10.0, le=10.0, allow_inf_nan=False, description="Outline offset")
    ] = None,
    resolution: Annotated[int | None, Field(ge=1, le=64, description="Curve smoothness")] = None,
    cyclic: Annotated[bool | None, Field(description="Curve: close every spline into a loop")] = None,
    fill_caps: Annotated[bool | None, Field(description="Curve: close the tube ends")] = None,
) -> dict[str, Any]:
    """Change a text or curve object: body, size, align (text); extrude, bevel, cyclic.

    Unset values stay. Returns the settings and the resulting mesh counts.
    """
    obj = get_object(name)
    if obj.type not in CURVE_TYPES:
        raise WrongType(f"{name!r} is a {obj.type.lower()}; configure_curve needs a text or curve object")
    text_only = {"body": body, "size": size, "align": align}
    curve_only = {"cyclic": cyclic, "fill_caps": fill_caps}
    wrong = text_only if obj.type == "CURVE" else curve_only
    given = [k for k, v in wrong.items() if v is not None]
    if given:
        kind = "a curve" if obj.type == "CURVE" else "text"
        raise InvalidArgument(f"{', '.join(given)} do not apply to {kind} ({name!r})")
    data = obj.data
    values: dict[str, Any] = {
        "body": body,
        "size": size,
        "align_x": align.upper() if align else None,
        "extrude": extrude,
        "bevel_depth": bevel_depth,
        "bevel_resolution": bevel_resolution,
        "offset": offset,
        "resolution_u": resolution,
        "use_fill_caps": fill_caps,
    }
    changes = {k: v for k, v in values.items() if v is not None}
    if not changes and cyclic is None:
        raise InvalidArgument("give at least one setting to change")
    old = {k: getattr(data, k) for k in changes}
    old_cyclic = [s.use_cyclic_u for s in data.splines] if obj.type == "CURVE" else []
    for key, value in changes.items():
        setattr(data, key, value)
    if cyclic is not None:
        for spline in data.splines:
            spline.use_cyclic_u = cyclic
    refresh()
    counts = evaluated_counts(obj) or {"vertices": 0}
    if counts["vertices"] > worker.config.max_vertices:
        # Put it back: a refused call leaves the scene as it was.
        for key, value in old.items():
            setattr(data, key, value)
        for spline, was in zip(data.splines, old_cyclic, strict=False):
            spline.use_cyclic_u = was
        refresh()
        raise LimitExceeded(
            f"{name!r} would have {counts['vertices']:,} vertices; the worker allows "
            f"{worker.config.max_vertices:,}. Lower resolution or bevel_resolution"
        )
    return _curve_settings(obj)


@tool("editing", mutates=True)
def convert_to_mesh(
    worker: Worker,
    names: Annotated[Names, Field(description="Text or curve objects")],
) -> dict[str, Any]:
    """Turn text/curve objects into editable meshes (same names, modifiers applied)."""
    objects = get_objects(names)
    wrong = [f"{o.name} ({o.type.lower()})" for o in objects if o.type not in CURVE_TYPES]
    if wrong:
        raise WrongType(f"convert_to_mesh needs text or curve objects; not: {', '.join(wrong)}")
    layer = bpy.context.view_layer
    hidden = [o.name for o in objects if layer.objects.get(o.name) is None]
    if hidden:
        raise WrongType(f"{', '.join(hidden)} not in the view layer (excluded collection?)")
    for obj in objects:
        if obj.data.users > 1:
            obj.data = obj.data.copy()
    with (
        bpy.context.temp_override(
            active_object=objects[0],
            object=objects[0],
            selected_objects=objects,
            selected_editable_objects=objects,
        ),
        quiet_reports(),
    ):
        result = bpy.ops.object.convert(target="MESH")
    if "FINISHED" not in result:
        raise BlenderOperationFailed("Blender refused to convert " + ", ".join(o.name for o in objects))
    refresh()
    converted = [get_object(n) for n in names]
    return {
        "converted": [
            {
                "name": o.name,
                "type": o.type.lower(),
                "vertices": len(o.data.vertices),
                "faces": len(o.data.polygons),
            }
            for o in converted
        ]
    }
