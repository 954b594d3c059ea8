"""Creation tools through a real MCP session: primitives, text, curves, empties."""

from __future__ import annotations

from typing import Any

import pytest

from prompt2mesh.roles.interface import ToolResult
from prompt2mesh.workers.blocking import BlockingWorker


def ok(result: ToolResult) -> Any:
    assert result.ok, result.error
    return result.result


def refused(result: ToolResult, *fragments: str) -> str:
    assert not result.ok, f"expected an error, got {result.result}"
    assert result.error
    for fragment in fragments:
        assert fragment in result.error, f"{fragment!r} not in {result.error!r}"
    return result.error


def approx(values: list[float], expected: list[float], tol: float = 1e-3) -> bool:
    return all(abs(a - b) <= tol for a, b in zip(values, expected, strict=True))


def mesh_counts(worker: BlockingWorker, name: str) -> dict[str, int]:
    return ok(worker.call("get_object_info", name=name))["mesh"]


def test_a_unit_cube_at_half_height_stands_on_the_ground(worker: BlockingWorker) -> None:
    cube = ok(worker.call("create_primitive", kind="cube", size=1, location=[0, 0, 0.5]))
    assert cube["name"] == "Cube" and cube["type"] == "mesh"
    assert approx(cube["dimensions"], [1, 1, 1])
    assert approx(cube["bbox_min"], [-0.5, -0.5, 0.0]) and approx(cube["bbox_max"], [0.5, 0.5, 1.0])
    assert mesh_counts(worker, "Cube") == {"vertices": 8, "edges": 12, "faces": 6}


@pytest.mark.parametrize(
    ("args", "dimensions", "vertices"),
    [
        ({"kind": "cube"}, [2, 2, 2], 8),
        ({"kind": "uv_sphere", "radius": 0.5, "segments": 8, "rings": 4}, [1, 1, 1], 8 * 3 + 2),
        ({"kind": "ico_sphere", "subdivisions": 1}, None, 12),
        ({"kind": "cylinder", "radius": 0.25, "depth": 3, "segments": 8}, [0.5, 0.5, 3], 16),
        ({"kind": "cone", "radius": 1, "depth": 2, "segments": 8}, [2, 2, 2], 9),
        ({"kind": "cone", "radius": 1, "radius_top": 0.5, "segments": 8}, [2, 2, 2], 16),
        ({"kind": "torus", "radius": 1, "minor_radius": 0.25}, [2.5, 2.5, 0.5], 48 * 12),
        ({"kind": "torus", "segments": 6, "rings": 4}, None, 24),
        ({"kind": "plane", "size": 3}, [3, 3, 0], 4),
        ({"kind": "circle", "radius": 2, "segments": 16}, [4, 4, 0], 16),
        ({"kind": "grid", "size": 2, "subdivisions": 4}, [2, 2, 0], 25),
        ({"kind": "monkey", "size": 2}, [2.734, 1.703, 1.969], 507),
    ],
)
def test_every_primitive_kind_has_its_documented_shape(
    worker: BlockingWorker, args: dict[str, Any], dimensions: list[float] | None, vertices: int
) -> None:
    obj = ok(worker.call("create_primitive", **args))
    if dimensions is not None:
        assert approx(obj["dimensions"], dimensions, 2e-3), obj["dimensions"]
    assert mesh_counts(worker, obj["name"])["vertices"] == vertices
    centre = [(lo + hi) / 2 for lo, hi in zip(obj["bbox_min"], obj["bbox_max"], strict=True)]
    if args["kind"] != "monkey":  # the monkey's bounds are not symmetric about its origin
        assert approx(centre, [0, 0, 0]), centre


def test_an_unfilled_circle_is_a_ring_of_edges(worker: BlockingWorker) -> None:
    ok(worker.call("create_primitive", kind="circle", segments=12, fill=False))
    assert mesh_counts(worker, "Circle") == {"vertices": 12, "edges": 12, "faces": 0}
    ok(worker.call("create_primitive", kind="cylinder", segments=12, fill=False, name="Tube"))
    assert mesh_counts(worker, "Tube")["faces"] == 12


def test_rotation_is_in_degrees_and_scale_stretches(worker: BlockingWorker) -> None:
    obj = ok(
        worker.call(
            "create_primitive", kind="cube", size=1, location=[1, 2, 3], rotation=[0, 0, 90], scale=[4, 1, 1]
        )
    )
    assert approx(obj["location"], [1, 2, 3])
    assert approx(obj["rotation"], [0, 0, 90]) and approx(obj["scale"], [4, 1, 1])
    assert approx(obj["dimensions"], [1, 4, 1])  # the 4 m side now runs along Y


def test_names_are_what_blender_gave(worker: BlockingWorker) -> None:
    first = ok(worker.call("create_primitive", kind="cube", name="Box"))
    second = ok(worker.call("create_primitive", kind="cube", name="Box"))
    assert first["name"] == "Box" and second["name"] == "Box.001"
    ok(worker.call("get_object_info", name="Box.001"))


def test_parent_makes_location_local(worker: BlockingWorker) -> None:
    ok(worker.call("create_empty", name="Table", location=[2, 0, 0]))
    leg = ok(worker.call("create_primitive", kind="cube", size=0.1, parent="Table", location=[0.5, 0, 0.25]))
    assert leg["parent"] == "Table"
    assert approx(leg["location"], [2.5, 0, 0.25])  # world
    table = ok(worker.call("get_object_info", name="Table"))
    assert table["children"] == [leg["name"]]
    assert approx(table["bbox_min"], [2.45, -0.05, 0.2]) and approx(table["bbox_max"], [2.55, 0.05, 0.3])


def test_material_and_smooth_at_creation(worker: BlockingWorker) -> None:
    ok(worker.call("create_material", name="Gold", color="#ffcc00", metallic=1.0))
    ball = ok(worker.call("create_primitive", kind="uv_sphere", material="Gold", smooth=True))
    assert ball["materials"] == ["Gold"]
    info = ok(worker.call("get_object_info", name=ball["name"]))
    assert info["shading"] == "smooth"
    assert info["material_details"][0]["color"] == "#ffcc00"
    flat = ok(worker.call("create_primitive", kind="uv_sphere", name="Flat"))
    assert ok(worker.call("get_object_info", name=flat["name"]))["shading"] == "flat"


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        ({"kind": "cube", "radius": 1}, ["cube does not take radius", "accepts size"]),
        ({"kind": "uv_sphere", "size": 2}, ["uv_sphere does not take size", "radius"]),
        ({"kind": "ico_sphere", "subdivisions": 12}, ["ico_sphere subdivisions must be 1-8"]),
        ({"kind": "torus", "radius": 1, "minor_radius": 2}, ["minor_radius", "smaller than radius"]),
        ({"kind": "cone", "radius": 0, "radius_top": 0}, ["cone needs radius"]),
        ({"kind": "uv_sphere", "radius": 0}, ["radius must be > 0"]),
        ({"kind": "cube", "scale": [1, 0, 1]}, ["invalid_argument", "zero component"]),
        ({"kind": "cube", "parent": "Nowhere"}, ["not_found", "Nowhere"]),
        ({"kind": "cube", "material": "Unobtainium"}, ["not_found", "create_material"]),
    ],
)
def test_bad_primitive_arguments_say_what_is_accepted(
    worker: BlockingWorker, args: dict[str, Any], fragments: list[str]
) -> None:
    refused(worker.call("create_primitive", **args), *fragments)
    assert ok(worker.call("get_scene_info"))["total"] == 0  # nothing was created


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        ({"kind": "blob"}, "'cube', 'uv_sphere'"),  # unknown enum: lists the accepted kinds
        ({"kind": "cube", "size": -1}, "greater than 0"),
        ({"kind": "cube", "size": 1e9}, "less than or equal to 10000"),
        ({"kind": "uv_sphere", "segments": 2}, "greater than or equal to 3"),
        ({"kind": "uv_sphere", "segments": 100_000}, "less than or equal to 512"),
        ({"kind": "cube", "location": [float("nan"), 0, 0]}, "location"),
        ({"kind": "cube", "location": [0, 0]}, "location"),
        ({"kind": "cube", "location": "here"}, "location"),
        ({"kind": "cube", "colour": "red"}, "colour"),  # unknown argument names are refused
        ({}, "kind"),
    ],
)
def test_schema_violations_are_refused_with_the_field_named(
    worker: BlockingWorker, args: dict[str, Any], fragment: str
) -> None:
    refused(worker.call("create_primitive", **args), fragment)


def test_a_grid_beyond_the_vertex_limit_is_refused_before_it_is_built(worker: BlockingWorker) -> None:
    # 1000 cuts per side is allowed by the schema (about 1M vertices); the limit is 2M.
    refused(worker.call("create_primitive", kind="grid", subdivisions=2000), "less than or equal to 1000")


def test_text_has_height_depth_and_alignment(worker: BlockingWorker) -> None:
    text = ok(worker.call("create_text", text="HELLO", size=0.5, extrude=0.1, location=[0, 0, 1]))
    assert text["type"] == "font" and text["text"] == "HELLO"
    assert abs(text["dimensions"][2] - 0.2) < 1e-3  # extrude is applied to both sides
    assert 0.3 < text["dimensions"][1] < 0.5  # capital letters are about 0.7 x size
    assert abs((text["bbox_min"][0] + text["bbox_max"][0]) / 2) < 0.05  # centred
    left = ok(worker.call("create_text", text="HELLO", size=0.5, align="left", name="Left"))
    assert abs(left["bbox_min"][0]) < 0.05
    assert ok(worker.call("get_object_info", name="Left"))["text"] == "HELLO"
    refused(worker.call("create_text", text=""), "text")
    refused(worker.call("create_text", text="x", align="middle"), "'left'")


def test_curve_passes_through_its_points_as_a_tube(worker: BlockingWorker) -> None:
    points = [[0, 0, 0], [1, 0, 1], [2, 0, 0]]
    curve = ok(worker.call("create_curve", points=points, bevel_depth=0.05, location=[0, 1, 0]))
    assert curve["type"] == "curve" and curve["points"] == points
    assert approx(curve["bbox_min"], [-0.05, 0.95, -0.05], 0.02)
    assert curve["bbox_max"][0] >= 2.0 and curve["bbox_max"][2] >= 1.0
    assert mesh_counts(worker, curve["name"])["faces"] > 0  # bevelled into a solid tube
    thin = ok(worker.call("create_curve", points=points, cyclic=True, name="Loop"))
    assert mesh_counts(worker, thin["name"])["faces"] == 0
    refused(worker.call("create_curve", points=[[0, 0, 0]]), "points")
    refused(worker.call("create_curve", points=[[0, 0, 0], [1, 1]]), "points")
    refused(worker.call("create_curve", points=points, bevel_depth=-1), "bevel_depth")


def test_empty_groups_its_children(worker: BlockingWorker) -> None:
    group = ok(worker.call("create_empty", name="Lamp", display="cube", size=0.5))
    assert group["type"] == "empty" and group["bbox_min"] is None and group["dimensions"] == [0, 0, 0]
    ok(
        worker.call(
            "create_primitive", kind="cylinder", radius=0.1, depth=1, location=[0, 0, 0.5], parent="Lamp"
        )
    )
    ok(worker.call("create_primitive", kind="uv_sphere", radius=0.3, location=[0, 0, 1.2], parent="Lamp"))
    info = ok(worker.call("get_object_info", name="Lamp"))
    assert approx(info["bbox_min"], [-0.3, -0.3, 0.0]) and approx(info["bbox_max"], [0.3, 0.3, 1.5])
    assert info["descendants"] == ["Cylinder", "Sphere"]
    refused(worker.call("create_empty", display="image"), "display")
    refused(worker.call("create_empty", scale=[0, 1, 1]), "zero component")
