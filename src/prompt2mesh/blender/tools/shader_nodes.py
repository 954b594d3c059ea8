"""Node-based materials: add, set, link and list shader nodes of a material.

A material's node graph is edited as data: nodes (by name, with a type, input values and
settings), links between their sockets, and material-level settings (render method,
displacement). Everything is checked before the graph changes, so a refused call leaves the
material as it was. ``material_presets`` builds its looks through the same functions.
"""

from typing import Annotated, Any, Literal

import bpy
from pydantic import BaseModel, ConfigDict, Field

from prompt2mesh.blender.errors import InvalidArgument, NotFound
from prompt2mesh.blender.registry import tool
from prompt2mesh.blender.runtime import Worker
from prompt2mesh.blender.tools._common import color_hex, get_material, parse_color, rounded
from prompt2mesh.blender.tools._rna import OptionValue, apply_options, read, settable

#: Short names for the nodes people use; any other ``ShaderNode...`` idname is accepted too.
NODE_TYPES = {
    "principled": "ShaderNodeBsdfPrincipled",
    "output": "ShaderNodeOutputMaterial",
    "image_texture": "ShaderNodeTexImage",
    "normal_map": "ShaderNodeNormalMap",
    "bump": "ShaderNodeBump",
    "mix": "ShaderNodeMix",
    "mix_shader": "ShaderNodeMixShader",
    "add_shader": "ShaderNodeAddShader",
    "noise": "ShaderNodeTexNoise",
    "voronoi": "ShaderNodeTexVoronoi",
    "wave": "ShaderNodeTexWave",
    "checker": "ShaderNodeTexChecker",
    "brick": "ShaderNodeTexBrick",
    "gradient": "ShaderNodeTexGradient",
    "texture_coordinate": "ShaderNodeTexCoord",
    "mapping": "ShaderNodeMapping",
    "displacement": "ShaderNodeDisplacement",
    "color_ramp": "ShaderNodeValToRGB",
    "map_range": "ShaderNodeMapRange",
    "math": "ShaderNodeMath",
    "vector_math": "ShaderNodeVectorMath",
    "separate_xyz": "ShaderNodeSeparateXYZ",
    "combine_xyz": "ShaderNodeCombineXYZ",
    "hue_saturation": "ShaderNodeHueSaturation",
    "invert": "ShaderNodeInvert",
    "rgb": "ShaderNodeRGB",
    "value": "ShaderNodeValue",
    "emission": "ShaderNodeEmission",
    "transparent": "ShaderNodeBsdfTransparent",
    "glass": "ShaderNodeBsdfGlass",
    "diffuse": "ShaderNodeBsdfDiffuse",
    "layer_weight": "ShaderNodeLayerWeight",
    "fresnel": "ShaderNodeFresnel",
    "ambient_occlusion": "ShaderNodeAmbientOcclusion",
}
IMAGE_SUFFIXES = (".png", ".jpg", ".jpeg", ".exr", ".hdr", ".tif", ".tiff", ".webp", ".bmp", ".tga")
MAX_NODES = 200
# Settings every node has (position, UI state) are not node options.
_NODE_BASE = tuple(bpy.types.ShaderNode.bl_rna.properties.keys())

SocketValue = float | str | list[float]


class NodeSpec(BaseModel):
    """One node to create (new name) or update (existing name)."""

    model_config = ConfigDict(extra="forbid")
    name: str = Field(min_length=1, max_length=63, description="Node name (existing: updated)")
    type: str | None = Field(
        default=None,
        max_length=63,
        description="For new nodes: principled, image_texture, normal_map, bump, mix, mix_shader, noise, "
        "voronoi, wave, texture_coordinate, mapping, displacement, color_ramp, math, emission, "
        "transparent, glass... or a ShaderNode idname",
    )
    settings: dict[str, OptionValue] = Field(
        default={}, description="Node properties, e.g. data_type:'RGBA', blend_type:'MULTIPLY', noise_type"
    )
    inputs: dict[str, SocketValue] = Field(
        default={}, description="Input socket values by name: number, [x,y,z] or colour '#RRGGBB'"
    )
    image: str | None = Field(default=None, description="image_texture: workspace image file")
    colorspace: Literal["sRGB", "Non-Color"] | None = Field(
        default=None, description="image_texture: sRGB for colour, Non-Color for normal/roughness maps"
    )
    location: list[float] | None = Field(default=None, min_length=2, max_length=2)


class LinkSpec(BaseModel):
    """A link from an output socket to an input socket."""

    model_config = ConfigDict(extra="forbid")
    from_node: str = Field(min_length=1, max_length=63)
    from_socket: str | int = Field(default=0, description="Output name or index")
    to_node: str = Field(min_length=1, max_length=63)
    to_socket: str | int = Field(default=0, description="Input name or index")


# --- sockets -----------------------------------------------------------------------------------
def find_socket(node: bpy.types.Node, key: str | int, *, output: bool) -> bpy.types.NodeSocket:
    """An enabled socket by name, identifier or index (among the enabled ones)."""
    sockets = [s for s in (node.outputs if output else node.inputs) if s.enabled]
    side = "output" if output else "input"
    if isinstance(key, int):
        if not 0 <= key < len(sockets):
            raise InvalidArgument(
                f"node {node.name!r} has {len(sockets)} {side}s; index {key} is out of range"
            )
        return sockets[key]
    for match in (
        lambda s: s.name == key,
        lambda s: s.identifier == key,
        lambda s: s.name.lower() == key.lower(),
    ):
        found = [s for s in sockets if match(s)]
        if found:
            return found[0]
    names = ", ".join(dict.fromkeys(s.name for s in sockets)) or "(none)"
    raise InvalidArgument(f"node {node.name!r} ({node.bl_idname}) has no {side} {key!r}; {side}s: {names}")


def _socket_value(socket: bpy.types.NodeSocket, value: Any) -> Any:
    what = f"{socket.node.name}.{socket.name}"
    if not hasattr(socket, "default_value"):
        raise InvalidArgument(f"{what} takes no value (link a node to it)")
    current = socket.default_value
    if socket.type == "RGBA":
        return parse_color(value)
    if isinstance(value, str):
        raise InvalidArgument(f"{what} needs a number or a list, not a string")
    if isinstance(current, int | float | bool) and not isinstance(current, bool):
        if not isinstance(value, int | float):
            raise InvalidArgument(f"{what} needs a single number, got {value!r}")
        low = getattr(socket.bl_rna.properties["default_value"], "hard_min", -1e9)
        high = getattr(socket.bl_rna.properties["default_value"], "hard_max", 1e9)
        if not low <= value <= high:
            raise InvalidArgument(f"{what} = {value!r} is out of range {low:g}..{high:g}")
        return value
    if isinstance(current, bool):
        return bool(value)
    length = len(current)
    if not isinstance(value, list) or len(value) != length:
        raise InvalidArgument(f"{what} needs a list of {length} numbers, got {value!r}")
    return value


# --- nodes -------------------------------------------------------------------------------------
def node_idname(kind: str) -> str:
    idname = NODE_TYPES.get(kind.lower(), kind)
    cls = getattr(bpy.types, idname, None)
    if not idname.startswith("ShaderNode") or cls is None:
        raise InvalidArgument(
            f"unknown node type {kind!r}; use one of {', '.join(NODE_TYPES)} or a ShaderNode idname"
        )
    return idname


def _load_image(worker: Worker, filename: str) -> bpy.types.Image:
    path = worker.workspace.resolve(filename, must_exist=True, suffixes=IMAGE_SUFFIXES)
    try:
        return bpy.data.images.load(str(path), check_existing=True)
    except RuntimeError as exc:
        raise InvalidArgument(f"{filename!r} is not an image Blender can read: {exc}") from exc


def apply_node(worker: Worker, tree: bpy.types.NodeTree, spec: NodeSpec) -> bpy.types.Node:
    """Create or update one node from ``spec`` (the caller undoes on error)."""
    node = tree.nodes.get(spec.name)
    if node is None:
        if spec.type is None:
            raise InvalidArgument(f"no node {spec.name!r}; give a type to create it")
        node = tree.nodes.new(node_idname(spec.type))
        node.name = spec.name
        node.label = spec.name if node.name != spec.name else ""
    elif spec.type is not None and node.bl_idname != node_idname(spec.type):
        raise InvalidArgument(
            f"node {spec.name!r} is a {node.bl_idname}; choose a new name for a {spec.type}"
        )
    if spec.location is not None:
        node.location = spec.location
    apply_options(node, spec.settings, what=f"node {node.name!r}", exclude=_NODE_BASE)
    if spec.image is not None or spec.colorspace is not None:
        if node.bl_idname not in {"ShaderNodeTexImage", "ShaderNodeTexEnvironment"}:
            raise InvalidArgument(f"image/colorspace apply to image_texture nodes, not {node.bl_idname}")
        if spec.image is not None:
            node.image = _load_image(worker, spec.image)
        if spec.colorspace is not None:
            if node.image is None:
                raise InvalidArgument(f"node {node.name!r} has no image to set a colour space on")
            node.image.colorspace_settings.name = spec.colorspace
    # Sockets after settings: data_type decides which sockets a Mix node enables.
    for key, value in spec.inputs.items():
        socket = find_socket(node, key, output=False)
        socket.default_value = _socket_value(socket, value)
    return node


def apply_link(tree: bpy.types.NodeTree, spec: LinkSpec) -> bpy.types.NodeLink:
    nodes = []
    for name in (spec.from_node, spec.to_node):
        node = tree.nodes.get(name)
        if node is None:
            raise NotFound(f"no node {name!r}; nodes: {', '.join(n.name for n in tree.nodes)}")
        nodes.append(node)
    out = find_socket(nodes[0], spec.from_socket, output=True)
    into = find_socket(nodes[1], spec.to_socket, output=False)
    if nodes[0] == nodes[1]:
        raise InvalidArgument(f"node {nodes[0].name!r} cannot link to itself")
    return tree.links.new(out, into)


def _socket_json(socket: bpy.types.NodeSocket) -> Any:
    value = getattr(socket, "default_value", None)
    if value is None:
        return None
    if socket.type == "RGBA":
        return color_hex(value)
    if isinstance(value, float):
        return round(value, 4) + 0.0
    if isinstance(value, int | bool | str):
        return value
    try:
        return rounded(value)
    except TypeError:
        return None


_DEFAULTS: dict[str, dict[str, Any]] = {}


def _defaults(node: bpy.types.Node) -> dict[str, Any]:
    """Input values of a fresh node of this type (set-up included), to report only changes."""
    key = node.bl_idname + "|" + "|".join(str(read(node, k)) for k in settable(node, exclude=_NODE_BASE))
    if key not in _DEFAULTS:
        group = bpy.data.node_groups.new("p2m_defaults", "ShaderNodeTree")
        try:
            fresh = group.nodes.new(node.bl_idname)
            for name in settable(node, exclude=_NODE_BASE):
                try:
                    setattr(fresh, name, getattr(node, name))
                except (AttributeError, TypeError, ValueError):
                    pass
            _DEFAULTS[key] = {s.identifier: _socket_json(s) for s in fresh.inputs}
        finally:
            bpy.data.node_groups.remove(group)
    return _DEFAULTS[key]


def graph_info(material: bpy.types.Material) -> dict[str, Any]:
    """Nodes (type, settings, input values that differ from the defaults, image) and links."""
    tree = material.node_tree
    nodes = []
    for node in tree.nodes if tree is not None else ():
        entry: dict[str, Any] = {"name": node.name, "type": node.bl_idname}
        settings = {k: read(node, k) for k in settable(node, exclude=_NODE_BASE)}
        if settings:
            entry["settings"] = settings
        defaults = _defaults(node)
        inputs = {
            s.name: value
            for s in node.inputs
            if s.enabled
            and not s.is_linked
            and hasattr(s, "default_value")
            and (value := _socket_json(s)) != defaults.get(s.identifier)
        }
        if inputs:
            entry["inputs"] = inputs
        image = getattr(node, "image", None)
        if image is not None:
            entry["image"] = {"name": image.name, "colorspace": image.colorspace_settings.name}
        nodes.append(entry)
    links = [
        {
            "from_node": link.from_node.name,
            "from_socket": link.from_socket.name,
            "to_node": link.to_node.name,
            "to_socket": link.to_socket.name,
        }
        for link in (tree.links if tree is not None else ())
    ]
    return {
        "material": material.name,
        "render_method": material.surface_render_method.lower(),
        "displacement": material.displacement_method.lower(),
        "nodes": nodes,
        "links": links,
    }


def node_tree(material: bpy.types.Material) -> bpy.types.NodeTree:
    if material.node_tree is None:
        material.use_nodes = True
    return material.node_tree


def edit_graph(
    worker: Worker,
    material: bpy.types.Material,
    *,
    nodes: list[NodeSpec],
    links: list[LinkSpec],
    remove: list[str],
    unlink: list[LinkSpec],
    settings: dict[str, Any],
) -> None:
    """Apply an edit to ``material``; on any error its graph is restored from a copy."""
    tree = node_tree(material)
    backup = material.copy()
    try:
        for name in remove:
            node = tree.nodes.get(name)
            if node is None:
                raise NotFound(f"no node {name!r} to remove")
            tree.nodes.remove(node)
        for spec in unlink:
            for link in list(tree.links):
                if (
                    link.from_node.name == spec.from_node
                    and link.to_node.name == spec.to_node
                    and link.from_socket == find_socket(link.from_node, spec.from_socket, output=True)
                    and link.to_socket == find_socket(link.to_node, spec.to_socket, output=False)
                ):
                    tree.links.remove(link)
        for node_spec in nodes:
            apply_node(worker, tree, node_spec)
        for link_spec in links:
            apply_link(tree, link_spec)
        if len(tree.nodes) > MAX_NODES:
            raise InvalidArgument(f"a material may hold at most {MAX_NODES} nodes")
        apply_options(material, settings, what="material", exclude=())
    except Exception:
        _restore(material, backup)
        raise
    bpy.data.materials.remove(backup)


def _restore(material: bpy.types.Material, backup: bpy.types.Material) -> None:
    # Swap every user over to the untouched copy, which then takes the original name.
    name = material.name
    material.user_remap(backup)
    bpy.data.materials.remove(material)
    backup.name = name


MATERIAL_SETTINGS = (
    "surface_render_method",
    "displacement_method",
    "use_backface_culling",
    "use_transparency_overlap",
    "use_transparent_shadow",
    "pass_index",
)


@tool("shading", mutates=True)
def edit_material_nodes(
    worker: Worker,
    material: Annotated[
        str, Field(min_length=1, max_length=63, description="Material (create_material first)")
    ],
    nodes: Annotated[list[NodeSpec], Field(max_length=100)] = [],  # noqa: B006
    links: Annotated[list[LinkSpec], Field(max_length=200)] = [],  # noqa: B006
    remove: Annotated[list[str], Field(max_length=100, description="Node names to delete")] = [],  # noqa: B006
    unlink: Annotated[list[LinkSpec], Field(max_length=100, description="Links to delete")] = [],  # noqa: B006
    settings: Annotated[
        dict[str, OptionValue],
        Field(
            description="surface_render_method (DITHERED/BLENDED), displacement_method (BUMP/DISPLACEMENT/BOTH), "
            "use_backface_culling, use_transparency_overlap"
        ),
    ] = {},  # noqa: B006
) -> dict[str, Any]:
    """Edit a material's shader node graph: create/update nodes, link sockets, remove.

    The default graph has nodes 'Principled BSDF' and 'Material Output'. Order: remove,
    unlink, nodes, links, settings; all or nothing. Returns the whole graph (as get_material_nodes).

    Raises:
        NotFound: material, node or image file missing.
        InvalidArgument: unknown node type/setting/socket, or a bad value.
    """
    mat = get_material(material)
    unknown = [k for k in settings if k not in MATERIAL_SETTINGS]
    if unknown:
        raise InvalidArgument(
            f"unknown material setting {unknown[0]!r}; settings: {', '.join(MATERIAL_SETTINGS)}"
        )
    edit_graph(worker, mat, nodes=nodes, links=links, remove=remove, unlink=unlink, settings=dict(settings))
    return graph_info(mat)


@tool("shading")
def get_material_nodes(
    worker: Worker,
    material: Annotated[str, Field(min_length=1, max_length=63)],
) -> dict[str, Any]:
    """A material's shader nodes (type, settings, input values, image) and links."""
    return graph_info(get_material(material))
