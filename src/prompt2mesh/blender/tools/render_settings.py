"""Render and output settings that persist in the scene (and in the saved .blend).

``render_image`` uses them once ``set_render_settings`` has been called (the scene is marked
with :data:`CONFIGURED`); before that it keeps its quick preview defaults, because Blender's
own defaults (EEVEE, 4096 Cycles samples) would make an unconfigured render very slow.
"""

import typing
from typing import Annotated, Any, Literal

import bpy
from pydantic import Field

from prompt2mesh.blender.errors import InvalidArgument
from prompt2mesh.blender.registry import tool
from prompt2mesh.blender.runtime import Worker

CONFIGURED = "p2m_render_settings"
FIRST_SAMPLES = 64
ENGINES = {"cycles": "CYCLES", "eevee": "BLENDER_EEVEE", "workbench": "BLENDER_WORKBENCH"}
FORMATS = {
    "png": ("IMAGE", "PNG"),
    "jpeg": ("IMAGE", "JPEG"),
    "exr": ("IMAGE", "OPEN_EXR"),
    "exr_multilayer": ("MULTI_LAYER_IMAGE", "OPEN_EXR_MULTILAYER"),
    "tiff": ("IMAGE", "TIFF"),
    "webp": ("IMAGE", "WEBP"),
}
SUFFIX = {
    "png": ".png",
    "jpeg": ".jpg",
    "exr": ".exr",
    "exr_multilayer": ".exr",
    "tiff": ".tif",
    "webp": ".webp",
}
Pass = Literal[
    "z",
    "mist",
    "normal",
    "position",
    "vector",
    "uv",
    "ambient_occlusion",
    "emit",
    "environment",
    "shadow",
    "diffuse_color",
    "diffuse_direct",
    "glossy_color",
    "glossy_direct",
    "object_index",
    "material_index",
    "cryptomatte_object",
    "cryptomatte_material",
]
PASSES: tuple[str, ...] = typing.get_args(Pass)
STAMP_FIELDS = ("date", "time", "frame", "camera", "lens", "scene", "render_time", "filename", "memory")


def _engine_name(engine: str) -> str:
    return next((k for k, v in ENGINES.items() if v == engine), engine.lower())


def render_settings_info(scene: bpy.types.Scene | None = None) -> dict[str, Any]:
    """The persisted render and output settings of ``scene`` as JSON."""
    scene = scene or bpy.context.scene
    render, image, view = scene.render, scene.render.image_settings, scene.view_settings
    fmt = next((k for k, (_, f) in FORMATS.items() if f == image.file_format), image.file_format.lower())
    layer = scene.view_layers[0]
    passes = [p for p in PASSES if getattr(layer, f"use_pass_{p}", False)]
    return {
        "configured": bool(scene.get(CONFIGURED)),
        "engine": _engine_name(render.engine),
        "device": scene.cycles.device.lower(),
        "samples": scene.cycles.samples if render.engine == "CYCLES" else scene.eevee.taa_render_samples,
        "denoise": bool(scene.cycles.use_denoising),
        "resolution": [render.resolution_x, render.resolution_y],
        "percentage": render.resolution_percentage,
        "film_transparent": render.film_transparent,
        "view_transform": view.view_transform,
        "look": view.look,
        "exposure": round(view.exposure, 4),
        "gamma": round(view.gamma, 4),
        "file_format": fmt,
        "color_mode": image.color_mode.lower(),
        "color_depth": image.color_depth,
        "quality": image.quality,
        "exr_codec": image.exr_codec.lower(),
        "passes": passes,
        "stamp": [f for f in STAMP_FIELDS if getattr(render, f"use_stamp_{f}")] if render.use_stamp else [],
        "stamp_note": render.stamp_note_text if render.use_stamp and render.use_stamp_note else None,
    }


def _set_enum(target: Any, attr: str, value: str, what: str) -> None:
    try:
        setattr(target, attr, value)
    except TypeError as exc:
        raise InvalidArgument(f"{what} {value!r} is not available: {exc}") from None


@tool("rendering", mutates=True)
def set_render_settings(
    worker: Worker,
    engine: Literal["cycles", "eevee", "workbench"] | None = None,
    device: Literal["cpu", "gpu"] | None = None,
    samples: Annotated[int | None, Field(ge=1, le=65536)] = None,
    denoise: bool | None = None,
    resolution: Annotated[
        list[int] | None, Field(min_length=2, max_length=2, description="[width, height] px")
    ] = None,
    percentage: Annotated[int | None, Field(ge=1, le=1000)] = None,
    film_transparent: Annotated[bool | None, Field(description="Transparent background")] = None,
    view_transform: Annotated[
        str | None, Field(max_length=64, description="AgX, Standard, Filmic, Khronos PBR Neutral...")
    ] = None,
    look: Annotated[
        str | None, Field(max_length=64, description="e.g. 'AgX - High Contrast', 'None'")
    ] = None,
    exposure: Annotated[float | None, Field(ge=-32, le=32)] = None,
    gamma: Annotated[float | None, Field(ge=0, le=5)] = None,
    file_format: Literal["png", "jpeg", "exr", "exr_multilayer", "tiff", "webp"] | None = None,
    color_depth: Literal["8", "16", "32"] | None = None,
    color_mode: Literal["bw", "rgb", "rgba"] | None = None,
    quality: Annotated[int | None, Field(ge=0, le=100, description="JPEG/WebP quality")] = None,
    exr_codec: Literal["none", "zip", "piz", "dwaa", "dwab", "zips", "rle", "pxr24", "b44", "b44a"]
    | None = None,
    passes: Annotated[
        list[Pass] | None, Field(max_length=18, description="Exactly these extra passes")
    ] = None,
    stamp: Annotated[
        list[Literal["date", "time", "frame", "camera", "lens", "scene", "render_time", "filename", "memory"]]
        | None,
        Field(max_length=9, description="Metadata burnt into the image; [] = off"),
    ] = None,
    stamp_note: Annotated[str | None, Field(max_length=512)] = None,
) -> dict[str, Any]:
    """Set render/output settings that persist with the scene (render_image then uses them).

    Null leaves a value as it is (samples: 64 on the first call). Returns every setting.

    Raises:
        InvalidArgument: an unknown view transform/look, a depth the format lacks, or a
            resolution above the worker's render limit.
    """
    scene = bpy.context.scene
    render, image, view = scene.render, scene.render.image_settings, scene.view_settings
    limit = worker.config.max_render_size
    if resolution is not None and (min(resolution) < 4 or max(resolution) > limit):
        raise InvalidArgument(f"resolution {resolution} must be within 4..{limit} px per side")
    if samples is not None and samples > worker.config.max_render_samples:
        raise InvalidArgument(
            f"samples {samples} exceeds the worker limit {worker.config.max_render_samples}"
        )
    saved = _raw_state(scene)
    if samples is None and not scene.get(CONFIGURED):
        # Blender's own 4096 samples would exceed the worker's limit on the first render.
        samples = min(FIRST_SAMPLES, worker.config.max_render_samples)
    try:
        if engine is not None:
            render.engine = ENGINES[engine]
        if device is not None:
            scene.cycles.device = device.upper()
        if samples is not None:
            scene.cycles.samples = samples
            scene.eevee.taa_render_samples = samples
        if denoise is not None:
            scene.cycles.use_denoising = denoise
        if resolution is not None:
            render.resolution_x, render.resolution_y = resolution
        if percentage is not None:
            render.resolution_percentage = percentage
        if film_transparent is not None:
            render.film_transparent = film_transparent
        if view_transform is not None:
            _set_enum(view, "view_transform", view_transform, "view_transform")
        if look is not None:
            _set_enum(view, "look", look, "look")
        if exposure is not None:
            view.exposure = exposure
        if gamma is not None:
            view.gamma = gamma
        if file_format is not None:
            media, fmt = FORMATS[file_format]
            image.media_type = media
            image.file_format = fmt
        if color_depth is not None:
            _set_enum(image, "color_depth", color_depth, f"color_depth for {image.file_format.lower()}")
        if color_mode is not None:
            _set_enum(image, "color_mode", color_mode.upper(), f"color_mode for {image.file_format.lower()}")
        if quality is not None:
            image.quality = quality
        if exr_codec is not None:
            _set_enum(image, "exr_codec", exr_codec.upper(), "exr_codec")
        if passes is not None:
            for layer in scene.view_layers:
                for name in PASSES:
                    setattr(layer, f"use_pass_{name}", name in passes)
        if stamp is not None:
            render.use_stamp = bool(stamp) or stamp_note is not None
            for name in STAMP_FIELDS:
                setattr(render, f"use_stamp_{name}", name in stamp)
        if stamp_note is not None:
            render.use_stamp = True
            render.use_stamp_note = True
            render.stamp_note_text = stamp_note
    except InvalidArgument:
        for target, attr, value in saved:
            setattr(target, attr, value)
        raise
    scene[CONFIGURED] = True
    return render_settings_info(scene)


def _raw_state(scene: bpy.types.Scene) -> list[tuple[Any, str, Any]]:
    """Every value set_render_settings may change, to put back when a later value is refused."""
    render, image = scene.render, scene.render.image_settings
    pairs: list[tuple[Any, str]] = [(render, "engine"), (scene.cycles, "device"), (scene.cycles, "samples")]
    pairs += [(scene.eevee, "taa_render_samples"), (scene.cycles, "use_denoising")]
    pairs += [
        (render, a) for a in ("resolution_x", "resolution_y", "resolution_percentage", "film_transparent")
    ]
    pairs += [(scene.view_settings, a) for a in ("view_transform", "look", "exposure", "gamma")]
    pairs += [
        (image, a) for a in ("media_type", "file_format", "color_depth", "color_mode", "quality", "exr_codec")
    ]
    pairs += [(render, "use_stamp"), (render, "use_stamp_note"), (render, "stamp_note_text")]
    pairs += [(render, f"use_stamp_{f}") for f in STAMP_FIELDS]
    pairs += [(layer, f"use_pass_{p}") for layer in scene.view_layers for p in PASSES]
    return [(target, attr, getattr(target, attr)) for target, attr in pairs]


@tool("rendering")
def get_render_settings(worker: Worker) -> dict[str, Any]:
    """The scene's render and output settings (engine, samples, resolution, colour, format...)."""
    return render_settings_info()
