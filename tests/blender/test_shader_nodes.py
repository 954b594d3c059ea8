"""Node-based materials through MCP: graphs built, inspected, saved and reopened with bpy."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from PIL import Image

from prompt2mesh.workers.blocking import BlockingWorker
from saved_blend import ok, refused, save_and_reopen


def _image(worker: BlockingWorker, name: str) -> str:
    path = Path(worker.workspace) / "textures" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    Image.new("RGB", (8, 8), (128, 128, 255)).save(path)
    return f"textures/{name}"


def _links(graph: dict[str, Any]) -> set[tuple[str, str, str, str]]:
    return {(k["from_node"], k["from_socket"], k["to_node"], k["to_socket"]) for k in graph["links"]}


def test_a_textured_graph_with_normal_map_mix_and_displacement_survives_a_save(
    worker: BlockingWorker,
) -> None:
    ok(worker.call("create_primitive", kind="plane", name="Floor"))
    ok(worker.call("create_material", name="Tiles", assign_to=["Floor"]))  # unused materials are not saved
    albedo, normal = _image(worker, "albedo.png"), _image(worker, "normal.png")
    graph = ok(
        worker.call(
            "edit_material_nodes",
            material="Tiles",
            nodes=[
                {"name": "UV", "type": "texture_coordinate"},
                {"name": "Map", "type": "mapping", "inputs": {"Scale": [4, 4, 1]}},
                {"name": "Albedo", "type": "image_texture", "image": albedo, "colorspace": "sRGB"},
                {"name": "NormalTex", "type": "image_texture", "image": normal, "colorspace": "Non-Color"},
                {"name": "NormalMap", "type": "normal_map", "inputs": {"Strength": 0.7}},
                {"name": "Dirt", "type": "noise", "inputs": {"Scale": 12}},
                {
                    "name": "Tint",
                    "type": "mix",
                    "settings": {"data_type": "RGBA", "blend_type": "multiply"},
                    "inputs": {"Factor": 0.4, "B": "#806040"},
                },
                {"name": "Height", "type": "displacement", "inputs": {"Scale": 0.05}},
            ],
            links=[
                {"from_node": "UV", "from_socket": "UV", "to_node": "Map", "to_socket": "Vector"},
                {"from_node": "Map", "to_node": "Albedo"},
                {"from_node": "Map", "to_node": "NormalTex"},
                {"from_node": "Albedo", "from_socket": "Color", "to_node": "Tint", "to_socket": "A"},
                {
                    "from_node": "Tint",
                    "from_socket": "Result",
                    "to_node": "Principled BSDF",
                    "to_socket": "Base Color",
                },
                {
                    "from_node": "NormalTex",
                    "from_socket": "Color",
                    "to_node": "NormalMap",
                    "to_socket": "Color",
                },
                {"from_node": "NormalMap", "to_node": "Principled BSDF", "to_socket": "Normal"},
                {"from_node": "Dirt", "from_socket": "Fac", "to_node": "Height", "to_socket": "Height"},
                {"from_node": "Height", "to_node": "Material Output", "to_socket": "Displacement"},
            ],
            settings={"displacement_method": "BOTH"},
        )
    )
    assert ("Tint", "Result", "Principled BSDF", "Base Color") in _links(graph)
    assert ("Dirt", "Factor", "Height", "Height") in _links(graph)  # Blender 5 names Noise's output Factor
    listed = ok(worker.call("get_material_nodes", material="Tiles"))
    assert listed == graph
    nodes = {n["name"]: n for n in listed["nodes"]}
    assert nodes["NormalTex"]["image"]["colorspace"] == "Non-Color"
    assert nodes["Tint"]["settings"]["blend_type"] == "MULTIPLY" and nodes["Tint"]["inputs"]["B"] == "#806040"
    data = save_and_reopen(worker, "tiles.blend")
    mat = data.materials["Tiles"]
    tree = mat.node_tree
    assert mat.displacement_method == "BOTH"
    assert tree.nodes["Tint"].bl_idname == "ShaderNodeMix" and tree.nodes["Tint"].data_type == "RGBA"
    assert tree.nodes["Albedo"].image.colorspace_settings.name == "sRGB"
    assert tree.nodes["NormalTex"].image.colorspace_settings.name == "Non-Color"
    assert tree.nodes["Map"].inputs["Scale"].default_value[:] == pytest.approx([4, 4, 1])
    stored = {(k.from_node.name, k.to_node.name, k.to_socket.name) for k in tree.links}
    assert {
        ("NormalMap", "Principled BSDF", "Normal"),
        ("Height", "Material Output", "Displacement"),
    } <= stored


def test_mix_shader_of_emission_and_transparent_with_blended_render(worker: BlockingWorker) -> None:
    ok(worker.call("create_primitive", kind="cube", name="Box"))
    ok(worker.call("create_material", name="Ghost", assign_to=["Box"]))
    ok(
        worker.call(
            "edit_material_nodes",
            material="Ghost",
            remove=["Principled BSDF"],
            nodes=[
                {"name": "Glow", "type": "emission", "inputs": {"Color": "#33ff66", "Strength": 4}},
                {"name": "Clear", "type": "transparent"},
                {"name": "Blend", "type": "mix_shader", "inputs": {"Fac": 0.3}},
            ],
            links=[
                {"from_node": "Glow", "to_node": "Blend", "to_socket": 1},
                {"from_node": "Clear", "to_node": "Blend", "to_socket": 2},
                {"from_node": "Blend", "to_node": "Material Output", "to_socket": "Surface"},
            ],
            settings={"surface_render_method": "blended", "use_backface_culling": True},
        )
    )
    data = save_and_reopen(worker, "ghost.blend")
    mat = data.materials["Ghost"]
    assert mat.surface_render_method == "BLENDED" and mat.use_backface_culling
    tree = mat.node_tree
    assert "Principled BSDF" not in tree.nodes
    assert tree.nodes["Material Output"].inputs["Surface"].links[0].from_node.name == "Blend"
    assert tree.nodes["Glow"].inputs["Strength"].default_value == pytest.approx(4)


@pytest.mark.parametrize("preset", ["wood", "brushed_metal", "glass", "marble", "concrete"])
def test_presets_are_ordinary_linked_graphs(worker: BlockingWorker, preset: str) -> None:
    ok(worker.call("create_primitive", kind="cube", name="Thing"))
    made = ok(worker.call("apply_material_preset", name="Look", preset=preset, assign_to=["Thing"]))
    assert made["assigned"] == ["Thing"] and made["created"] is True
    links = _links(made)
    assert ("Principled BSDF", "BSDF", "Material Output", "Surface") in links
    if preset != "glass":
        assert any(to == "Principled BSDF" and frm != "Principled BSDF" for frm, _, to, _ in links)
    again = ok(worker.call("apply_material_preset", name="Look", preset=preset, color="#336699"))
    assert again["created"] is False and len(again["nodes"]) == len(made["nodes"])  # rebuilt, not stacked


@pytest.mark.parametrize(
    ("edit", "fragments"),
    [
        ({"nodes": [{"name": "X", "type": "teapot"}]}, ("invalid_argument", "unknown node type", "noise")),
        ({"nodes": [{"name": "X"}]}, ("give a type",)),
        (
            {"nodes": [{"name": "X", "type": "noise", "inputs": {"Colour": 1}}]},
            ("no input 'Colour'", "Scale"),
        ),
        ({"nodes": [{"name": "X", "type": "noise", "settings": {"noise_type": "PERLIN"}}]}, ("FBM",)),
        ({"nodes": [{"name": "X", "type": "noise", "image": "a.png"}]}, ("image_texture",)),
        ({"nodes": [{"name": "X", "type": "image_texture", "image": "missing.png"}]}, ("not_found",)),
        (
            {"nodes": [{"name": "X", "type": "image_texture", "image": "../x.png"}]},
            ("path_outside_workspace",),
        ),
        ({"links": [{"from_node": "Nope", "to_node": "Material Output"}]}, ("not_found", "Nope")),
        (
            {
                "links": [
                    {"from_node": "Principled BSDF", "from_socket": "Glow", "to_node": "Material Output"}
                ]
            },
            ("no output 'Glow'", "BSDF"),
        ),
        ({"settings": {"blend_method": "BLEND"}}, ("unknown material setting", "surface_render_method")),
        ({"remove": ["Nope"]}, ("not_found",)),
    ],
)
def test_bad_graph_edits_are_refused_and_leave_the_material_as_it_was(
    worker: BlockingWorker, edit: dict[str, Any], fragments: tuple[str, ...]
) -> None:
    ok(worker.call("create_material", name="Plain", color="#abcdef"))
    before = ok(worker.call("get_material_nodes", material="Plain"))
    # A valid node first: the refusal must undo it too (all or nothing).
    nodes = [{"name": "Extra", "type": "checker"}, *edit.get("nodes", [])]
    refused(worker.call("edit_material_nodes", material="Plain", **{**edit, "nodes": nodes}), *fragments)
    assert ok(worker.call("get_material_nodes", material="Plain")) == before
    assert [m["name"] for m in ok(worker.call("list_materials"))["materials"]] == ["Plain"]
    refused(worker.call("get_material_nodes", material="Nope"), "not_found")


def test_undo_takes_a_graph_edit_back(worker: BlockingWorker) -> None:
    ok(worker.call("create_primitive", kind="cube", name="Box"))
    ok(worker.call("create_material", name="Soft", assign_to=["Box"]))  # snapshots keep used materials only
    before = ok(worker.call("get_material_nodes", material="Soft"))
    ok(worker.call("edit_material_nodes", material="Soft", nodes=[{"name": "Spots", "type": "voronoi"}]))
    assert has_node(worker, "Soft", "Spots")
    assert ok(worker.call("undo"))["undone"] == ["edit_material_nodes"]
    assert ok(worker.call("get_material_nodes", material="Soft")) == before


def has_node(worker: BlockingWorker, material: str, node: str) -> bool:
    return node in {n["name"] for n in ok(worker.call("get_material_nodes", material=material))["nodes"]}
