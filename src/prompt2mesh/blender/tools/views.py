"""Several views of the scene in one call (front, side, top, three-quarter...), as images."""

import base64
import json
from typing import Annotated, Any, Literal

import bpy
from mathutils import Vector
from mcp.types import CallToolResult, ImageContent, TextContent
from pydantic import Field

from prompt2mesh.blender.errors import InvalidArgument, LimitExceeded, NotFound
from prompt2mesh.blender.registry import tool
from prompt2mesh.blender.runtime import Worker
from prompt2mesh.blender.tools.output import BACKGROUND, _render, _render_plan, _render_setup, _set
from prompt2mesh.blender.tools.render_settings import ENGINES
from prompt2mesh.blender.tools.scene import bounds, bounds_corners, frame, shape_objects
from prompt2mesh.blender.tools.world import builtin_hdri

View = Literal["front", "back", "left", "right", "side", "top", "three_quarter"]
# Direction from the objects towards the camera (Z up, front looks along +Y like Blender's numpad 1).
DIRECTIONS = {
    "front": Vector((0.0, -1.0, 0.0)),
    "back": Vector((0.0, 1.0, 0.0)),
    "left": Vector((-1.0, 0.0, 0.0)),
    "right": Vector((1.0, 0.0, 0.0)),
    "side": Vector((1.0, 0.0, 0.0)),
    "top": Vector((0.0, -1e-4, 1.0)),
    "three_quarter": Vector((1.0, -1.0, 0.7)),
}
WIRE_KEY = "p2m_view_wire"
DEFAULT_VIEWS: list[View] = ["front", "side", "top", "three_quarter"]


def _isolate(keep: set[str], saved: list[tuple[Any, str, Any]]) -> None:
    for obj in bpy.context.scene.objects:
        if obj.name not in keep and obj.type in {"MESH", "CURVE", "FONT", "SURFACE", "META"}:
            _set(obj, saved, "hide_render", True)


def _wire_overlay(objects: list[bpy.types.Object], thickness: float) -> list[tuple[bpy.types.Object, Any]]:
    """Temporary Wireframe modifiers: Workbench renders no wireframe shading, so edges become thin tubes."""
    added = []
    for obj in objects:
        if obj.type == "MESH":
            mod = obj.modifiers.new(WIRE_KEY, "WIREFRAME")
            mod.thickness = max(thickness, 1e-5)
            mod.use_relative_offset = True
            mod.use_even_offset = False
            added.append((obj, mod))
    return added


def _shading(mode: str, scene: bpy.types.Scene, saved: list[tuple[Any, str, Any]], temp: list[Any]) -> str:
    """Set up the scene for one shading mode; returns the engine key to render with."""
    if mode in {"solid", "wireframe"}:
        shading = scene.display.shading
        _set(shading, saved, "light", "STUDIO")
        _set(shading, saved, "color_type", "SINGLE" if mode == "wireframe" else "MATERIAL")
        _set(shading, saved, "single_color", (0.05, 0.05, 0.05))
        _set(shading, saved, "show_shadows", False)
        _set(scene.view_settings, saved, "view_transform", "Standard")
        _set(scene.view_settings, saved, "look", "None")
        _set(scene.render, saved, "film_transparent", False)
        if scene.world is None:
            world = bpy.data.worlds.new("p2m_temp_world")
            temp.append(world)
            _set(scene, saved, "world", world)
        _set(scene.world, saved, "color", BACKGROUND if mode == "solid" else (0.9, 0.9, 0.9))
        return "workbench"
    if mode == "material":
        # Like Blender's material preview: a neutral studio HDRI around the model, quick Cycles.
        world = bpy.data.worlds.new("p2m_preview_world")
        temp.append(world)
        tree = world.node_tree
        env = tree.nodes.new("ShaderNodeTexEnvironment")
        env.image = bpy.data.images.load(str(builtin_hdri("forest")), check_existing=True)
        lit = tree.nodes["Background"]
        tree.links.new(env.outputs["Color"], lit.inputs["Color"])
        # The HDRI lights the model; the camera sees the neutral grey of the solid views.
        plain = tree.nodes.new("ShaderNodeBackground")
        plain.inputs["Color"].default_value = (*BACKGROUND, 1.0)
        mix = tree.nodes.new("ShaderNodeMixShader")
        ray = tree.nodes.new("ShaderNodeLightPath")
        tree.links.new(ray.outputs["Is Camera Ray"], mix.inputs["Fac"])
        tree.links.new(lit.outputs["Background"], mix.inputs[1])
        tree.links.new(plain.outputs["Background"], mix.inputs[2])
        tree.links.new(mix.outputs["Shader"], tree.nodes["World Output"].inputs["Surface"])
        _set(scene, saved, "world", world)
        _set(scene.cycles, saved, "use_denoising", False)
        _set(scene.cycles, saved, "device", "CPU")
        return "cycles"
    return ""


@tool("rendering")
def get_multi_view(
    worker: Worker,
    objects: Annotated[
        list[str] | None, Field(max_length=100, description="Show only these; null = all")
    ] = None,
    views: Annotated[list[View], Field(min_length=1, max_length=6)] = DEFAULT_VIEWS,
    shading: Annotated[
        Literal["solid", "wireframe", "material", "rendered"],
        Field(
            description="solid (fast), wireframe, material (quick Cycles + studio HDRI), rendered (scene settings)"
        ),
    ] = "solid",
    size: Annotated[int, Field(ge=64, le=1024, description="Image side, px")] = 256,
    samples: Annotated[int, Field(ge=1, le=256, description="material/rendered samples")] = 8,
) -> CallToolResult:
    """Look at the scene (or some objects) from several sides in one call: one image per view.

    Each view is framed on the objects with a temporary camera; nothing in the scene changes.
    Returns the images plus {views, shading, size, framed}.

    Raises:
        NotFound: a named object is missing, or there is no geometry to show.
        LimitExceeded: size above the worker's render limit.
    """
    if size > worker.config.max_render_size:
        raise LimitExceeded(f"size {size} exceeds the worker limit {worker.config.max_render_size}")
    targets = shape_objects(objects)
    if not targets:
        raise NotFound(
            "nothing to look at: " + (f"none of {objects} has geometry" if objects else "the scene is empty")
        )
    box = bounds(targets)
    extent = (box[1] - box[0]).length if box else 1.0
    scene = bpy.context.scene
    engine = "cycles"
    if shading == "rendered":
        engine, samples, _, _, _ = _render_plan(worker, None, samples, size, size)
    saved: list[tuple[Any, str, Any]] = []
    temp: list[Any] = []
    wires: list[tuple[bpy.types.Object, Any]] = []
    images: list[bytes] = []
    try:
        engine = _shading(shading, scene, saved, temp) or engine
        if engine == "cycles":
            _set(scene.cycles, saved, "samples", samples)
        elif engine == "eevee":
            _set(scene.eevee, saved, "taa_render_samples", samples)
        if objects is not None:
            _isolate({o.name for o in targets}, saved)
        if shading == "wireframe":
            wires = _wire_overlay(targets, 1.5 * extent / size)  # about one pixel wide
        _set(scene, saved, "camera", None)
        corners = bounds_corners(targets)
        with _render_setup(worker, ENGINES[engine], size, size, "auto") as (path, _):
            for view in views:
                frame(scene.camera, corners, DIRECTIONS[view], 1.1)
                images.append(_render(path))
    finally:
        for obj, mod in wires:
            obj.modifiers.remove(mod)
        for target, attr, value in reversed(saved):
            setattr(target, attr, value)
        for world in temp:
            bpy.data.worlds.remove(world)
    if len(images) != len(views):  # pragma: no cover (a failed render raises first)
        raise InvalidArgument("not every view was rendered")
    info = {"views": list(views), "shading": shading, "size": size, "framed": [o.name for o in targets]}
    content: list[Any] = [
        ImageContent(type="image", data=base64.b64encode(png).decode(), mimeType="image/png")
        for png in images
    ]
    content.append(TextContent(type="text", text=json.dumps(info)))
    return CallToolResult(content=content, structuredContent=info)
