"""Pictures and files out of the worker: screenshots, renders, exports, .blend save/open, new scene."""

import json
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Any, Literal

import bpy
from mathutils import Vector
from mcp.types import CallToolResult, ImageContent, TextContent
from pydantic import Field

from prompt2mesh.blender.errors import (
    BlenderOperationFailed,
    InvalidArgument,
    LimitExceeded,
    NotAvailable,
    NotFound,
)
from prompt2mesh.blender.hardware import has_gpu
from prompt2mesh.blender.history import quiet_reports
from prompt2mesh.blender.registry import tool
from prompt2mesh.blender.runtime import Worker
from prompt2mesh.blender.tools._common import check_render_budget
from prompt2mesh.blender.tools.render_settings import CONFIGURED, ENGINES
from prompt2mesh.blender.tools.scene import bounds_corners, frame, shape_objects

# Linear grey of the screenshot background (~#808080 on screen): neutral against any colour.
BACKGROUND = (0.22, 0.22, 0.22)
DEFAULT_DIRECTION = Vector((1.0, -1.0, 0.7))


def _set(target: Any, saved: list[tuple[Any, str, Any]], attr: str, value: Any) -> None:
    saved.append((target, attr, getattr(target, attr)))
    setattr(target, attr, value)


@contextmanager
def _render_setup(
    worker: Worker, engine: str, width: int, height: int, camera_mode: str
) -> Iterator[tuple[Path, str]]:
    """Temporarily configure the scene for one render and put everything back afterwards.

    Yields the output PNG path and the name of the camera used ("auto" = temporary one).
    """
    scene = bpy.context.scene
    saved: list[tuple[Any, str, Any]] = []
    image_state: list[tuple[str, Any]] = []
    temp_camera: bpy.types.Object | None = None
    out_dir = worker.workspace.root / ".p2m" / "renders"
    out_dir.mkdir(parents=True, exist_ok=True)
    path = out_dir / f"{uuid.uuid4().hex}.png"
    try:
        if scene.camera is None:
            if camera_mode == "scene":
                raise NotFound("the scene has no camera; call set_camera/frame_camera or use camera='auto'")
            temp_camera = bpy.data.objects.new("p2m_temp_camera", bpy.data.cameras.new("p2m_temp_camera"))
            scene.collection.objects.link(temp_camera)
            _set(scene, saved, "camera", temp_camera)
        render = scene.render
        for attr, value in (
            ("engine", engine),
            ("resolution_x", width),
            ("resolution_y", height),
            ("resolution_percentage", 100),
            ("filepath", str(path)),
            ("use_file_extension", True),
        ):
            _set(render, saved, attr, value)
        image = render.image_settings
        # media_type first: a multilayer EXR scene offers no PNG until it is a plain image again.
        image_state = [
            (a, getattr(image, a)) for a in ("media_type", "file_format", "color_mode", "color_depth")
        ]
        image.media_type = "IMAGE"
        image.file_format = "PNG"
        image.color_mode = "RGB"
        image.color_depth = "8"
        if temp_camera is not None:
            frame(temp_camera, bounds_corners(shape_objects()), DEFAULT_DIRECTION, 1.15)
        yield path, "auto" if temp_camera is not None else scene.camera.name
    finally:
        for target, attr, value in reversed(saved):
            setattr(target, attr, value)
        for attr, value in image_state:
            setattr(scene.render.image_settings, attr, value)
        if temp_camera is not None:
            data = temp_camera.data
            bpy.data.objects.remove(temp_camera)
            bpy.data.cameras.remove(data)


def _render(path: Path) -> bytes:
    try:
        with quiet_reports():
            bpy.ops.render.render(write_still=True)
    except RuntimeError as exc:
        raise BlenderOperationFailed(f"render failed: {exc}") from exc
    if not path.exists():
        raise BlenderOperationFailed("render produced no image")
    data = path.read_bytes()
    path.unlink(missing_ok=True)
    return data


def _image_result(png: bytes, info: dict[str, Any]) -> CallToolResult:
    import base64

    return CallToolResult(
        content=[
            ImageContent(type="image", data=base64.b64encode(png).decode(), mimeType="image/png"),
            TextContent(type="text", text=json.dumps(info)),
        ],
        structuredContent=info,
    )


def _size(max_size: int) -> tuple[int, int]:
    """Longest side = max_size, keeping the scene's render aspect ratio."""
    render = bpy.context.scene.render
    w, h = max(render.resolution_x, 1), max(render.resolution_y, 1)
    if w >= h:
        return max_size, max(1, round(max_size * h / w))
    return max(1, round(max_size * w / h)), max_size


@tool("rendering")
def get_viewport_screenshot(
    worker: Worker,
    max_size: Annotated[int, Field(ge=64, le=2048, description="Longest image side in pixels")] = 512,
    camera: Annotated[
        Literal["auto", "scene"],
        Field(description="auto: scene camera, or a temporary one framing everything; scene: require one"),
    ] = "auto",
) -> CallToolResult:
    """Look at the scene: a fast solid-shaded PNG (Workbench) showing material colours.

    Uses the scene camera when there is one; with camera='auto' and no camera, frames every
    object from the front-right-above. Neutral grey background, studio lighting. Changes nothing
    in the scene and is not recorded in the undo history. Returns the image plus
    {width, height, camera}.

    Raises:
        NotFound: camera='scene' and the scene has no camera.
        LimitExceeded: max_size above the worker's render size limit.
        BlenderOperationFailed: Blender could not render.
    """
    if max_size > worker.config.max_render_size:
        raise LimitExceeded(f"max_size {max_size} exceeds the worker limit {worker.config.max_render_size}")
    scene = bpy.context.scene
    width, height = _size(max_size)
    shading = scene.display.shading
    saved: list[tuple[Any, str, Any]] = []
    temp_world = None
    try:
        for attr, value in (("light", "STUDIO"), ("color_type", "MATERIAL"), ("show_shadows", False)):
            _set(shading, saved, attr, value)
        _set(scene.view_settings, saved, "view_transform", "Standard")
        _set(scene.view_settings, saved, "look", "None")
        _set(scene.render, saved, "film_transparent", False)
        # Workbench paints the world colour behind the objects; swap in a neutral one.
        if scene.world is None:
            temp_world = bpy.data.worlds.new("p2m_temp_world")
            _set(scene, saved, "world", temp_world)
        _set(scene.world, saved, "color", BACKGROUND)
        with _render_setup(worker, "BLENDER_WORKBENCH", width, height, camera) as (path, used):
            png = _render(path)
    finally:
        for target, attr, value in reversed(saved):
            setattr(target, attr, value)
        if temp_world is not None:
            bpy.data.worlds.remove(temp_world)
    return _image_result(png, {"width": width, "height": height, "camera": used})


def _render_plan(
    worker: Worker, engine: str | None, samples: int | None, width: int | None, height: int | None
) -> tuple[str, int, int, int, bool]:
    """Engine, samples and size for one render: the arguments, else the persisted settings
    (after set_render_settings), else the quick preview defaults (cycles, 16, 512 x 512)."""
    scene = bpy.context.scene
    configured = bool(scene.get(CONFIGURED))
    if configured:
        render = scene.render
        engine = engine or next((k for k, v in ENGINES.items() if v == render.engine), "cycles")
        scale = render.resolution_percentage / 100
        width = width or max(1, round(render.resolution_x * scale))
        height = height or max(1, round(render.resolution_y * scale))
        if samples is None:
            samples = scene.eevee.taa_render_samples if engine == "eevee" else scene.cycles.samples
    engine, samples = engine or "cycles", samples or 16
    width, height = width or 512, height or 512
    limits = worker.config
    if engine == "eevee" and not (limits.allow_software_eevee or has_gpu()):
        raise NotAvailable(
            "EEVEE needs a GPU and this worker has none: software OpenGL takes 20-60 s for one small "
            "frame and runs into the call time limit. Use engine='cycles' (path tracing on the CPU, "
            "about 2 s at 512 px and 16 samples) or 'workbench'"
            + (", or set_render_settings(engine='cycles')" if configured else "")
        )
    if max(width, height) > limits.max_render_size:
        raise LimitExceeded(
            f"{width}x{height} exceeds the worker limit of {limits.max_render_size} px per side"
            + (" (lower the resolution or percentage with set_render_settings)" if configured else "")
        )
    if samples > limits.max_render_samples:
        raise LimitExceeded(f"samples {samples} exceeds the worker limit {limits.max_render_samples}")
    check_render_budget(worker, width, height, samples if engine != "workbench" else 1)
    return engine, samples, width, height, configured


def _output_suffixes() -> tuple[str, ...]:
    fmt = bpy.context.scene.render.image_settings.file_format
    extra = {"JPEG": (".jpg", ".jpeg"), "OPEN_EXR": (".exr",), "OPEN_EXR_MULTILAYER": (".exr",)}
    extra |= {"TIFF": (".tif", ".tiff"), "WEBP": (".webp",)}
    return (".png", *extra.get(fmt, ()))


@tool("rendering")
def render_image(
    worker: Worker,
    engine: Annotated[
        Literal["cycles", "eevee", "workbench"] | None,
        Field(description="null = scene setting (set_render_settings), else cycles; eevee is slow headless"),
    ] = None,
    samples: Annotated[int | None, Field(ge=1, le=4096, description="null = scene setting, else 16")] = None,
    width: Annotated[
        int | None, Field(ge=16, le=8192, description="px; null = scene setting, else 512")
    ] = None,
    height: Annotated[
        int | None, Field(ge=16, le=8192, description="px; null = scene setting, else 512")
    ] = None,
    filename: Annotated[
        str | None,
        Field(
            description="Also save here (workspace-relative): .png, or the scene's output format (.exr...)"
        ),
    ] = None,
) -> CallToolResult:
    """Render a final-quality image with the scene's lights, world and materials.

    Uses the scene camera (or a temporary one framing everything) and the scene's persisted
    render settings; arguments override them for this render only. Returns the PNG plus
    {width, height, engine, samples, camera, path}.

    Raises:
        LimitExceeded: size or samples above the worker's limits.
        InvalidArgument / PathOutsideWorkspace: a filename with another suffix or outside the workspace.
        BlenderOperationFailed: Blender could not render.
    """
    chosen, samples, width, height, configured = _render_plan(worker, engine, samples, width, height)
    target = worker.workspace.resolve(filename, suffixes=_output_suffixes()) if filename else None
    scene = bpy.context.scene
    saved: list[tuple[Any, str, Any]] = []
    try:
        if chosen == "cycles":
            _set(scene.cycles, saved, "samples", samples)
            if not configured:
                _set(scene.cycles, saved, "device", "CPU")
        elif chosen == "eevee":
            _set(scene.eevee, saved, "taa_render_samples", samples)
        with _render_setup(worker, ENGINES[chosen], width, height, "auto") as (path, used):
            png = _render(path)
    finally:
        for obj, attr, value in reversed(saved):
            setattr(obj, attr, value)
    info: dict[str, Any] = {
        "width": width,
        "height": height,
        "engine": chosen,
        "samples": samples,
        "camera": used,
    }
    if target is not None:
        target.parent.mkdir(parents=True, exist_ok=True)
        if target.suffix.lower() == ".png":
            target.write_bytes(png)
        else:
            _save_in_scene_format(target)
        info["path"] = worker.workspace.relative(target)
    return _image_result(png, info)


def _save_in_scene_format(target: Path) -> None:
    """Write the last render with the scene's own output settings (EXR layers, depth, codec)."""
    result = bpy.data.images.get("Render Result")
    if result is None:
        raise BlenderOperationFailed("the render left no result to save")
    try:
        with quiet_reports():
            result.save_render(filepath=str(target), scene=bpy.context.scene)
    except RuntimeError as exc:
        raise BlenderOperationFailed(f"saving the render as {target.suffix} failed: {exc}") from exc


ExportFormat = Literal["glb", "gltf", "obj", "stl", "fbx", "ply", "usd"]
SUFFIXES: dict[str, tuple[str, ...]] = {
    "glb": (".glb",),
    "gltf": (".gltf",),
    "obj": (".obj",),
    "stl": (".stl",),
    "fbx": (".fbx",),
    "ply": (".ply",),
    "usd": (".usd", ".usda", ".usdc", ".usdz"),
}
#: The up axis each format uses unless told otherwise.
DEFAULT_UP = {"glb": "y", "gltf": "y", "obj": "y", "fbx": "y", "stl": "z", "ply": "z", "usd": "z"}


def _export(fmt: str, path: str, selected_only: bool, scale: float, up: str) -> None:
    # Forward must differ from up: Blender's own pairs are (-Z forward, Y up) and (Y forward, Z up).
    axes = {"forward_axis": "NEGATIVE_Z" if up == "y" else "Y", "up_axis": up.upper()}
    if fmt in ("glb", "gltf"):
        bpy.ops.export_scene.gltf(
            filepath=path,
            export_format="GLB" if fmt == "glb" else "GLTF_SEPARATE",
            use_selection=selected_only,
            export_yup=up == "y",
            export_materials="EXPORT",
            export_apply=True,
        )
    elif fmt == "obj":
        bpy.ops.wm.obj_export(
            filepath=path,
            export_selected_objects=selected_only,
            export_materials=True,
            global_scale=scale,
            **axes,
        )
    elif fmt == "stl":
        bpy.ops.wm.stl_export(
            filepath=path, export_selected_objects=selected_only, global_scale=scale, **axes
        )
    elif fmt == "ply":
        bpy.ops.wm.ply_export(
            filepath=path, export_selected_objects=selected_only, global_scale=scale, **axes
        )
    elif fmt == "fbx":
        bpy.ops.export_scene.fbx(
            filepath=path,
            use_selection=selected_only,
            global_scale=scale,
            axis_up=up.upper(),
            axis_forward="-Z" if up == "y" else "Y",
        )
    else:
        bpy.ops.wm.usd_export(
            filepath=path,
            selected_objects_only=selected_only,
            convert_orientation=up != "z",
            export_global_up_selection=up.upper(),
            export_global_forward_selection="NEGATIVE_Z" if up == "y" else "Y",
        )


@tool("rendering")
def export_scene(
    worker: Worker,
    format: Annotated[ExportFormat, Field(description="glb/gltf (with materials), obj, stl, fbx, ply, usd")],
    filename: Annotated[str, Field(min_length=1, description="Output path relative to the workspace")],
    selected_only: Annotated[bool, Field(description="Export only the selected objects")] = False,
    scale: Annotated[
        float, Field(gt=0.0, le=1000.0, allow_inf_nan=False, description="obj/stl/ply/fbx")
    ] = 1.0,
    up_axis: Annotated[Literal["y", "z"] | None, Field(description="Default: y for glb/gltf/obj/fbx")] = None,
) -> dict[str, Any]:
    """Export the scene (modifiers applied) to a file in the workspace. Returns {path, bytes, format}.

    The filename must end with the format's extension (.glb, .gltf, .obj, .stl, .fbx, .ply, .usd/.usda/.usdc/.usdz).

    Raises:
        InvalidArgument: wrong extension for the format, scale for glb/gltf/usd, or nothing to export.
        PathOutsideWorkspace: the filename escapes the workspace.
        BlenderOperationFailed: the exporter failed.
    """
    target = worker.workspace.resolve(filename, suffixes=SUFFIXES[format])
    if scale != 1.0 and format in ("glb", "gltf", "usd"):
        raise InvalidArgument(f"{format} export has no scale option; scale the objects instead")
    objects = [o for o in bpy.context.scene.objects if o.type in {"MESH", "CURVE", "FONT", "SURFACE", "META"}]
    if selected_only:
        objects = [o for o in objects if o.select_get()]
    if not objects:
        raise InvalidArgument(
            "nothing to export: the scene has no geometry" + (" selected" if selected_only else "")
        )
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with quiet_reports():
            _export(format, str(target), selected_only, scale, up_axis or DEFAULT_UP[format])
    except RuntimeError as exc:
        raise BlenderOperationFailed(f"{format} export failed: {exc}") from exc
    if not target.exists():
        raise BlenderOperationFailed(f"{format} export wrote no file")
    return {"path": worker.workspace.relative(target), "bytes": target.stat().st_size, "format": format}


@tool("rendering")
def save_blend(
    worker: Worker,
    filename: Annotated[
        str, Field(min_length=1, description="Relative path ending in .blend")
    ] = "scene.blend",
) -> dict[str, Any]:
    """Save the whole scene as a .blend file in the workspace (for open_blend or Blender itself).

    Raises:
        InvalidArgument / PathOutsideWorkspace: not a .blend path inside the workspace.
        BlenderOperationFailed: Blender could not write the file.
    """
    target = worker.workspace.resolve(filename, suffixes=(".blend",))
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        with quiet_reports():
            bpy.ops.wm.save_as_mainfile(filepath=str(target), copy=True, check_existing=False)
    except RuntimeError as exc:
        raise BlenderOperationFailed(f"saving {filename!r} failed: {exc}") from exc
    return {"path": worker.workspace.relative(target), "bytes": target.stat().st_size}


def _scene_counts() -> dict[str, Any]:
    return {"objects": sorted(o.name for o in bpy.context.scene.objects), "scene": bpy.context.scene.name}


@tool("rendering", mutates=True)
def open_blend(
    worker: Worker,
    filename: Annotated[str, Field(min_length=1, description="Relative path of a .blend in the workspace")],
) -> dict[str, Any]:
    """Replace the current scene with a .blend file from the workspace (undo brings the old one back).

    Raises:
        NotFound: no such file in the workspace.
        InvalidArgument / PathOutsideWorkspace: not a .blend path inside the workspace.
        BlenderOperationFailed: Blender could not read the file.
    """
    source = worker.workspace.resolve(filename, must_exist=True, suffixes=(".blend",))
    try:
        with quiet_reports():
            bpy.ops.wm.open_mainfile(filepath=str(source), load_ui=False, use_scripts=False)
    except RuntimeError as exc:
        raise BlenderOperationFailed(f"opening {filename!r} failed: {exc}") from exc
    return {"path": worker.workspace.relative(source), **_scene_counts()}


@tool("rendering", mutates=True)
def new_scene(worker: Worker) -> dict[str, Any]:
    """Start from a truly empty scene: no objects, camera, lights or materials (undo brings it back).

    Raises:
        BlenderOperationFailed: Blender could not reset its data.
    """
    try:
        with quiet_reports():
            bpy.ops.wm.read_homefile(use_empty=True, use_factory_startup=True)
    except RuntimeError as exc:
        raise BlenderOperationFailed(f"could not reset the scene: {exc}") from exc
    bpy.data.orphans_purge(do_recursive=True)
    return _scene_counts()
