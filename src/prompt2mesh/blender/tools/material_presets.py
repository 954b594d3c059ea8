"""High-level looks ("wood", "brushed metal", "glass") built as ordinary, inspectable node graphs."""

from typing import Annotated, Any, Literal

import bpy
from pydantic import Field

from prompt2mesh.blender.registry import tool
from prompt2mesh.blender.runtime import Worker
from prompt2mesh.blender.tools._common import Color, color_hex, get_objects, parse_color
from prompt2mesh.blender.tools.materials import assign_to_objects
from prompt2mesh.blender.tools.shader_nodes import LinkSpec, NodeSpec, edit_graph, graph_info, node_tree

Preset = Literal["wood", "brushed_metal", "glass", "marble", "concrete"]
DEFAULT_COLORS = {
    "wood": "#8b5a2b",
    "brushed_metal": "#c0c0c8",
    "glass": "#f2f8ff",
    "marble": "#eeeeea",
    "concrete": "#8c8c88",
}
BSDF = "Principled BSDF"
OUT = "Material Output"


def _darker(color: str, factor: float) -> str:
    r, g, b, _ = parse_color(color)
    return color_hex([c * factor for c in (r, g, b)])


def _link(a: str, sa: str | int, b: str, sb: str | int) -> LinkSpec:
    return LinkSpec(from_node=a, from_socket=sa, to_node=b, to_socket=sb)


def _recipe(preset: str, color: str, scale: float) -> tuple[list[NodeSpec], list[LinkSpec], dict[str, Any]]:
    """Nodes, links and material settings of one look (sockets named as in Blender 5)."""
    coords = [
        NodeSpec(name="Coords", type="texture_coordinate", location=[-900, 0]),
        NodeSpec(name="Mapping", type="mapping", location=[-700, 0]),
    ]
    base = [_link("Coords", "Object", "Mapping", "Vector")]
    if preset == "wood":
        nodes = [
            *coords,
            NodeSpec(
                name="Grain",
                type="wave",
                settings={"wave_type": "RINGS", "rings_direction": "Z"},
                inputs={"Scale": 2.0 * scale, "Distortion": 6.0, "Detail": 4.0, "Detail Scale": 1.5},
                location=[-450, 0],
            ),
            NodeSpec(
                name="Tint",
                type="mix",
                settings={"data_type": "RGBA"},
                inputs={"A": _darker(color, 0.45), "B": color},
                location=[-200, 100],
            ),
            NodeSpec(name="Bump", type="bump", inputs={"Strength": 0.15}, location=[-200, -200]),
            NodeSpec(name=BSDF, inputs={"Roughness": 0.55, "Metallic": 0.0}),
        ]
        links = [
            *base,
            _link("Mapping", "Vector", "Grain", "Vector"),
            _link("Grain", "Fac", "Tint", "Factor"),
            _link("Tint", "Result", BSDF, "Base Color"),
            _link("Grain", "Fac", "Bump", "Height"),
            _link("Bump", "Normal", BSDF, "Normal"),
        ]
        return nodes, links, {"surface_render_method": "DITHERED"}
    if preset == "brushed_metal":
        nodes = [
            *coords[:1],
            NodeSpec(
                name="Mapping", type="mapping", inputs={"Scale": [1.0, 1.0, 60.0 * scale]}, location=[-700, 0]
            ),
            NodeSpec(name="Streaks", type="noise", inputs={"Scale": 40.0, "Detail": 6.0}, location=[-450, 0]),
            NodeSpec(
                name="Roughness",
                type="map_range",
                inputs={"To Min": 0.2, "To Max": 0.4},
                location=[-200, 0],
            ),
            NodeSpec(name="Bump", type="bump", inputs={"Strength": 0.05}, location=[-200, -200]),
            NodeSpec(name=BSDF, inputs={"Base Color": color, "Metallic": 1.0, "Anisotropic": 0.6}),
        ]
        links = [
            *base,
            _link("Mapping", "Vector", "Streaks", "Vector"),
            _link("Streaks", "Fac", "Roughness", "Value"),
            _link("Roughness", "Result", BSDF, "Roughness"),
            _link("Streaks", "Fac", "Bump", "Height"),
            _link("Bump", "Normal", BSDF, "Normal"),
        ]
        return nodes, links, {"surface_render_method": "DITHERED"}
    if preset == "glass":
        nodes = [
            NodeSpec(
                name=BSDF,
                inputs={"Base Color": color, "Transmission Weight": 1.0, "Roughness": 0.02, "IOR": 1.45},
            )
        ]
        return nodes, [], {"surface_render_method": "BLENDED", "use_transparent_shadow": True}
    if preset == "marble":
        nodes = [
            *coords,
            NodeSpec(
                name="Veins", type="noise", inputs={"Scale": 3.0 * scale, "Detail": 12.0}, location=[-450, 0]
            ),
            NodeSpec(
                name="Bands",
                type="wave",
                inputs={"Scale": 1.5 * scale, "Distortion": 12.0, "Detail": 6.0},
                location=[-250, 0],
            ),
            NodeSpec(
                name="Tint",
                type="mix",
                settings={"data_type": "RGBA"},
                inputs={"A": _darker(color, 0.35), "B": color},
                location=[-50, 100],
            ),
            NodeSpec(name=BSDF, inputs={"Roughness": 0.15}),
        ]
        links = [
            *base,
            _link("Mapping", "Vector", "Veins", "Vector"),
            _link("Veins", "Fac", "Bands", "Vector"),
            _link("Bands", "Fac", "Tint", "Factor"),
            _link("Tint", "Result", BSDF, "Base Color"),
        ]
        return nodes, links, {"surface_render_method": "DITHERED"}
    # concrete
    nodes = [
        *coords,
        NodeSpec(name="Pores", type="voronoi", inputs={"Scale": 60.0 * scale}, location=[-450, -150]),
        NodeSpec(
            name="Blotches", type="noise", inputs={"Scale": 4.0 * scale, "Detail": 8.0}, location=[-450, 100]
        ),
        NodeSpec(
            name="Tint",
            type="mix",
            settings={"data_type": "RGBA"},
            inputs={"A": _darker(color, 0.75), "B": color},
            location=[-200, 100],
        ),
        NodeSpec(name="Bump", type="bump", inputs={"Strength": 0.2}, location=[-200, -200]),
        NodeSpec(name=BSDF, inputs={"Roughness": 0.9}),
    ]
    links = [
        *base,
        _link("Mapping", "Vector", "Pores", "Vector"),
        _link("Mapping", "Vector", "Blotches", "Vector"),
        _link("Blotches", "Fac", "Tint", "Factor"),
        _link("Tint", "Result", BSDF, "Base Color"),
        _link("Pores", "Distance", "Bump", "Height"),
        _link("Bump", "Normal", BSDF, "Normal"),
    ]
    return nodes, links, {"surface_render_method": "DITHERED"}


@tool("shading", mutates=True)
def apply_material_preset(
    worker: Worker,
    name: Annotated[str, Field(min_length=1, max_length=63, description="Material name (reused: rebuilt)")],
    preset: Annotated[Preset, Field(description="Look, built as editable nodes")],
    color: Annotated[Color | None, Field(description="Main colour; null = the preset's")] = None,
    scale: Annotated[float, Field(gt=0, le=100, description="Pattern scale multiplier")] = 1.0,
    assign_to: Annotated[list[str], Field(max_length=1000, description="Objects to give it")] = [],  # noqa: B006
) -> dict[str, Any]:
    """Make a procedural material (wood, brushed_metal, glass, marble, concrete) as a node graph.

    Rebuilds the graph of an existing material of that name. Inspect or tweak it with
    get_material_nodes / edit_material_nodes. Returns the graph plus `assigned`.

    Raises:
        InvalidArgument: a bad colour. NotFound: an assign_to object is missing.
    """
    main = color if color is not None else DEFAULT_COLORS[preset]
    linear = parse_color(main)
    main_hex = color_hex(linear)
    if assign_to:
        get_objects(assign_to)
    mat = bpy.data.materials.get(name)
    created = mat is None
    mat = mat or bpy.data.materials.new(name)
    tree = node_tree(mat)
    keep = {BSDF, OUT}
    remove = [n.name for n in tree.nodes if n.name not in keep]
    nodes, links, settings = _recipe(preset, main_hex, scale)
    if BSDF not in tree.nodes:
        nodes.insert(0, NodeSpec(name=BSDF, type="principled"))
    if OUT not in tree.nodes:
        nodes.insert(0, NodeSpec(name=OUT, type="output", location=[300, 0]))
    links.append(_link(BSDF, "BSDF", OUT, "Surface"))
    edit_graph(worker, mat, nodes=nodes, links=links, remove=remove, unlink=[], settings=settings)
    # Solid-mode screenshots show the viewport colour, not the node graph.
    alpha = 0.3 if preset == "glass" else 1.0
    mat.diffuse_color = (*linear[:3], alpha)
    mat.metallic = 1.0 if preset == "brushed_metal" else 0.0
    mat.roughness = 0.3 if preset == "brushed_metal" else 0.5
    assigned = assign_to_objects(assign_to, mat, recursive=True) if assign_to else []
    return {"preset": preset, "color": main_hex, "created": created, "assigned": assigned, **graph_info(mat)}
