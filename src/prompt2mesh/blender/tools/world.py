"""The world as an environment: an HDRI (workspace file or Blender's bundled ones) or a sky."""

import math
from pathlib import Path
from typing import Annotated, Any, Literal

import bpy
from pydantic import Field

from prompt2mesh.blender.errors import InvalidArgument, NotFound
from prompt2mesh.blender.registry import tool
from prompt2mesh.blender.runtime import Worker
from prompt2mesh.blender.tools._common import Color, color_hex, parse_color
from prompt2mesh.blender.tools._rna import OptionValue, apply_options, read, settable

Builtin = Literal["city", "courtyard", "forest", "interior", "night", "studio", "sunrise", "sunset"]
HDRI_SUFFIXES = (".hdr", ".exr", ".png", ".jpg", ".jpeg", ".tif", ".tiff")
_NODE_BASE = tuple(bpy.types.ShaderNode.bl_rna.properties.keys())
_SKY_HIDDEN = (*_NODE_BASE, "texture_mapping", "color_mapping")


def builtin_hdri(name: str) -> Path:
    """The path of one of the HDRIs that ship with Blender (its look-dev studio lights)."""
    folder = bpy.utils.system_resource("DATAFILES", path="studiolights/world")
    path = Path(folder) / f"{name}.exr" if folder else None
    if path is None or not path.is_file():
        raise NotFound(f"Blender's bundled HDRI {name!r} is not installed with this Blender")
    return path


def _world() -> bpy.types.World:
    scene = bpy.context.scene
    world = scene.world or bpy.data.worlds.new("World")
    scene.world = world
    if world.node_tree is None:
        world.use_nodes = True
    return world


def environment_info(world: bpy.types.World | None) -> dict[str, Any]:
    """What lights the scene from around: kind, image or sky settings, strength, rotation."""
    if world is None or world.node_tree is None:
        return {"kind": "none"}
    nodes = world.node_tree.nodes
    background = next((n for n in nodes if n.type == "BACKGROUND"), None)
    info: dict[str, Any] = {"world": world.name, "kind": "color"}
    if background is not None:
        info["strength"] = round(background.inputs["Strength"].default_value, 4)
        info["color"] = color_hex(background.inputs["Color"].default_value)
    env = next((n for n in nodes if n.type == "TEX_ENVIRONMENT"), None)
    sky = next((n for n in nodes if n.type == "TEX_SKY"), None)
    if env is not None and env.image is not None:
        info.update(kind="hdri", image=env.image.name, filepath=Path(env.image.filepath).name)
    elif sky is not None:
        info.update(kind="sky", sky={k: read(sky, k) for k in settable(sky, exclude=_SKY_HIDDEN)})
    mapping = next((n for n in nodes if n.type == "MAPPING"), None)
    if mapping is not None:
        info["rotation"] = round(math.degrees(mapping.inputs["Rotation"].default_value[2]), 3) + 0.0
    return info


@tool("studio", mutates=True)
def set_environment(
    worker: Worker,
    kind: Annotated[Literal["hdri", "sky", "color"], Field(description="What surrounds the scene")],
    file: Annotated[str | None, Field(description="hdri: workspace image (.hdr/.exr/...)")] = None,
    builtin: Annotated[Builtin | None, Field(description="hdri: one of Blender's bundled HDRIs")] = None,
    sky: Annotated[
        dict[str, OptionValue],
        Field(
            description="sky: sky_type (MULTIPLE_SCATTERING, SINGLE_SCATTERING, PREETHAM, HOSEK_WILKIE), "
            "sun_elevation/sun_rotation/sun_size (degrees), sun_intensity, altitude, air_density, "
            "aerosol_density, ozone_density, turbidity, ground_albedo, sun_disc"
        ),
    ] = {},  # noqa: B006
    color: Annotated[Color | None, Field(description="color: background colour")] = None,
    strength: Annotated[float, Field(ge=0, le=1000, allow_inf_nan=False)] = 1.0,
    rotation: Annotated[float, Field(ge=-360, le=360, description="Turn around Z, degrees")] = 0.0,
) -> dict[str, Any]:
    """Light the scene from its surroundings: an HDRI image, a physical sky, or a flat colour.

    Replaces the world's node graph. Rendered with cycles/eevee (the solid screenshot ignores it).

    Raises:
        InvalidArgument: options that do not fit `kind`, or a bad sky setting.
        NotFound / PathOutsideWorkspace: the HDRI file is missing or outside the workspace.
    """
    if kind == "hdri" and (file is None) == (builtin is None):
        raise InvalidArgument("kind='hdri' needs exactly one of file (workspace image) or builtin")
    if kind != "hdri" and (file is not None or builtin is not None):
        raise InvalidArgument("file/builtin apply to kind='hdri'")
    if kind != "sky" and sky:
        raise InvalidArgument("sky settings apply to kind='sky'")
    if kind != "color" and color is not None:
        raise InvalidArgument("color applies to kind='color'")
    elevation = sky.get("sun_elevation")
    if isinstance(elevation, int | float) and not -90 <= elevation <= 90:
        raise InvalidArgument(f"sky.sun_elevation = {elevation:g} is out of range -90..90 degrees")
    path = None
    if kind == "hdri":
        path = worker.workspace.resolve(file, must_exist=True, suffixes=HDRI_SUFFIXES) if file else None
        path = path or builtin_hdri(str(builtin))
    linear = parse_color(color if color is not None else "#333333")
    world = _world()
    tree = world.node_tree
    backup = {n.name for n in tree.nodes}
    output = tree.nodes.new("ShaderNodeOutputWorld")
    background = tree.nodes.new("ShaderNodeBackground")
    added = [output, background]
    try:
        background.inputs["Strength"].default_value = strength
        tree.links.new(background.outputs["Background"], output.inputs["Surface"])
        if kind == "color":
            background.inputs["Color"].default_value = linear
        else:
            if kind == "hdri":
                texture = tree.nodes.new("ShaderNodeTexEnvironment")
                added.append(texture)
                try:
                    texture.image = bpy.data.images.load(str(path), check_existing=True)
                except RuntimeError as exc:
                    raise InvalidArgument(
                        f"{file or builtin!r} is not an image Blender can read: {exc}"
                    ) from exc
            else:
                texture = tree.nodes.new("ShaderNodeTexSky")
                added.append(texture)
                apply_options(texture, dict(sky), what="sky", exclude=_SKY_HIDDEN)
            vector = texture.inputs.get("Vector")
            if vector is not None:
                coords = tree.nodes.new("ShaderNodeTexCoord")
                mapping = tree.nodes.new("ShaderNodeMapping")
                added += [coords, mapping]
                mapping.inputs["Rotation"].default_value[2] = math.radians(rotation)
                tree.links.new(coords.outputs["Generated"], mapping.inputs["Vector"])
                tree.links.new(mapping.outputs["Vector"], vector)
            else:
                # Blender 5's scattering skies take no vector: turning the sky turns its sun.
                texture.sun_rotation = (texture.sun_rotation + math.radians(rotation)) % (2 * math.pi)
            tree.links.new(texture.outputs["Color"], background.inputs["Color"])
    except Exception:
        for node in added:
            tree.nodes.remove(node)
        raise
    for node in [n for n in tree.nodes if n.name in backup]:
        tree.nodes.remove(node)
    output.is_active_output = True
    world.color = linear[:3] if kind == "color" else (0.05, 0.05, 0.05)
    return environment_info(world)
