"""Modifier tools through a real MCP session: real effects, validation, the vertex limit."""

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


def info(worker: BlockingWorker, name: str) -> dict[str, Any]:
    return ok(worker.call("get_object_info", name=name))


def add(worker: BlockingWorker, obj: str, mtype: str, **params: Any) -> dict[str, Any]:
    return ok(worker.call("add_modifier", object=obj, type=mtype, params=params))


def test_subdivision_multiplies_the_evaluated_mesh(worker: BlockingWorker) -> None:
    ok(worker.call("create_primitive", kind="cube"))
    result = add(worker, "Cube", "subdivision", levels=2)
    assert result["object"] == "Cube"
    assert result["modifier"] == {
        "name": "Subdivision",
        "type": "subdivision",
        "params": {"levels": 2, "render_levels": 2},
    }
    assert result["mesh"]["vertices"] == 98
    details = info(worker, "Cube")
    assert details["mesh"] == {"vertices": 98, "edges": 192, "faces": 96}
    assert details["modifiers"] == [result["modifier"]]
    assert details["dimensions"][0] < 2.0  # Catmull-Clark shrinks the cube


def test_bevel_rounds_edges_without_changing_size(worker: BlockingWorker) -> None:
    ok(worker.call("create_primitive", kind="cube"))
    result = add(worker, "Cube", "bevel", width=0.1, segments=3, limit_method="angle", angle=30)
    assert result["modifier"]["params"] == {
        "width": 0.1,
        "segments": 3,
        "limit_method": "angle",
        "angle": 30.0,
    }
    assert result["mesh"]["vertices"] > 8
    assert info(worker, "Cube")["dimensions"] == [2.0, 2.0, 2.0]


def test_array_repeats_along_relative_and_constant_offsets(worker: BlockingWorker) -> None:
    ok(worker.call("create_primitive", kind="cube", size=1, name="Rel"))
    result = add(worker, "Rel", "array", count=3, relative_offset=[1.5, 0, 0])
    assert result["mesh"]["vertices"] == 24
    assert abs(info(worker, "Rel")["dimensions"][0] - 4.0) < 1e-3  # 1 + 2 * 1.5
    ok(worker.call("create_primitive", kind="cube", size=1, name="Const"))
    result = add(worker, "Const", "array", count=2, constant_offset=[0, 0, 3])
    assert result["modifier"]["params"]["relative_offset"] is None  # constant only
    assert [round(d, 3) for d in info(worker, "Const")["dimensions"]] == [1.0, 1.0, 4.0]


def test_mirror_doubles_per_axis(worker: BlockingWorker) -> None:
    ok(worker.call("create_primitive", kind="cube", size=1, name="Half"))
    ok(worker.call("set_origin", name="Half", mode="point", point=[-1, 0, 0]))
    result = add(worker, "Half", "mirror", axes=["x", "y"], use_clip=True)
    assert result["modifier"]["params"]["axes"] == ["x", "y"]
    assert result["mesh"]["vertices"] == 32
    # The cube spans x -0.5..0.5; mirrored about its origin at x = -1 it adds -2.5..-1.5.
    assert abs(info(worker, "Half")["dimensions"][0] - 3.0) < 1e-3
    ok(worker.call("create_empty", name="Axis", location=[5, 0, 0]))
    ok(worker.call("create_primitive", kind="cube", size=1, name="Other"))
    result = add(worker, "Other", "mirror", mirror_object="Axis")
    assert result["modifier"]["params"]["mirror_object"] == "Axis"
    assert info(worker, "Other")["bbox_max"][0] > 9.0


def test_solidify_gives_a_plane_thickness(worker: BlockingWorker) -> None:
    ok(worker.call("create_primitive", kind="plane"))
    result = add(worker, "Plane", "solidify", thickness=0.2, offset=0)
    assert result["mesh"]["vertices"] == 8
    assert abs(info(worker, "Plane")["dimensions"][2] - 0.2) < 1e-3


def test_boolean_cuts_and_hides_the_cutter(worker: BlockingWorker) -> None:
    ok(worker.call("create_primitive", kind="cube", name="Block"))
    ok(worker.call("create_primitive", kind="cylinder", name="Drill", radius=0.5, depth=4))
    before = info(worker, "Block")["mesh"]["vertices"]
    result = add(worker, "Block", "boolean", object="Drill", operation="difference")
    assert result["modifier"]["params"] == {
        "operation": "difference",
        "object": "Drill",
        "solver": "exact",
        "hide_object": True,
    }
    assert result["mesh"]["vertices"] > before  # the hole adds the drill's rim
    assert info(worker, "Drill")["visible"] is False
    ok(worker.call("create_primitive", kind="cube", name="Union"))
    ok(worker.call("create_primitive", kind="uv_sphere", name="Tool", location=[1.5, 0.1, 0.1]))
    union = add(worker, "Union", "boolean", object="Tool", operation="union", hide_object=False)
    assert info(worker, "Tool")["visible"] is True
    assert abs(info(worker, "Union")["dimensions"][0] - 3.5) < 1e-3  # -1 .. 2.5
    ok(
        worker.call(
            "configure_modifier",
            object="Union",
            modifier=union["modifier"]["name"],
            params={"solver": "float"},
        )
    )
    assert info(worker, "Union")["modifiers"][0]["params"]["solver"] == "float"


def test_displace_screw_skin_wireframe_decimate_weld_smooth(worker: BlockingWorker) -> None:
    ok(worker.call("create_primitive", kind="grid", subdivisions=20, name="Ground"))
    result = add(
        worker, "Ground", "displace", strength=0.5, texture="voronoi", noise_scale=0.3, mid_level=0.5
    )
    assert result["modifier"]["params"]["texture"] == "voronoi"
    assert result["modifier"]["params"]["noise_scale"] == 0.3
    assert info(worker, "Ground")["dimensions"][2] > 0.01  # no longer flat

    ok(
        worker.call(
            "create_primitive", kind="circle", segments=8, fill=False, location=[0, 0, 0], name="Profile"
        )
    )
    ok(worker.call("set_transform", name="Profile", rotation=[90, 0, 0]))
    ok(worker.call("apply_transform", name="Profile"))
    ok(worker.call("set_origin", name="Profile", mode="point", point=[-2, 0, 0]))
    result = add(worker, "Profile", "screw", angle=360, steps=12, axis="z")
    assert result["mesh"]["vertices"] == 8 * 12  # a torus-like ring
    assert result["modifier"]["params"]["angle"] == 360.0

    ok(worker.call("create_primitive", kind="cube", name="Skinned"))
    assert add(worker, "Skinned", "skin")["mesh"]["vertices"] > 8

    ok(worker.call("create_primitive", kind="cube", name="Frame"))
    assert add(worker, "Frame", "wireframe", thickness=0.05)["mesh"]["faces"] > 6

    ok(worker.call("create_primitive", kind="uv_sphere", name="Low"))
    faces = info(worker, "Low")["mesh"]["faces"]
    assert add(worker, "Low", "decimate", ratio=0.25)["mesh"]["faces"] < faces / 2

    ok(worker.call("create_primitive", kind="grid", subdivisions=10, size=1, name="Welded"))
    assert add(worker, "Welded", "weld", distance=0.2)["mesh"]["vertices"] < 121

    ok(worker.call("create_primitive", kind="cube", name="Soft"))
    add(worker, "Soft", "subdivision", levels=1)
    before = info(worker, "Soft")["dimensions"][0]
    add(worker, "Soft", "smooth", factor=1.0, iterations=10)
    assert info(worker, "Soft")["dimensions"][0] < before


def test_modifiers_on_curves_and_text(worker: BlockingWorker) -> None:
    ok(worker.call("create_curve", points=[[0, 0, 0], [1, 0, 0]], bevel_depth=0.05, name="Rail"))
    add(worker, "Rail", "array", count=4, relative_offset=[1, 0, 0])
    assert info(worker, "Rail")["dimensions"][0] > 3.9
    ok(worker.call("create_text", text="A", name="Letter"))
    refused(worker.call("add_modifier", object="Letter", type="skin"), "wrong_type", "meshes only")


@pytest.mark.parametrize(
    ("mtype", "params", "fragments"),
    [
        ("subdivision", {"levels": 12}, ["subdivision levels=12", ">= 0 and <= 6"]),
        ("subdivision", {"levels": "two"}, ["levels='two'", "an integer"]),
        ("subdivision", {"levels": 1.5}, ["levels=1.5"]),
        ("subdivision", {"level": 2}, ["does not take 'level'", "levels (an integer"]),
        ("array", {"count": 10**9}, ["array count=1000000000", "<= 1000"]),
        ("array", {"count": 0}, ["count=0"]),
        ("array", {"relative_offset": [1, 0]}, ["relative_offset", "[x, y, z]"]),
        ("bevel", {"width": 0}, ["width=0", "> 0"]),
        ("bevel", {"width": -0.1}, ["width=-0.1"]),
        ("bevel", {"segments": 100}, ["segments=100", "<= 32"]),
        ("bevel", {"limit_method": "weight"}, ["limit_method='weight'", "'none', 'angle'"]),
        ("mirror", {"axes": ["w"]}, ["axes=['w']", '"x", "y", "z"']),
        ("mirror", {"mirror_object": "Ghost"}, ["not_found", "Ghost"]),
        ("mirror", {"use_clip": "yes"}, ["use_clip='yes'", "true or false"]),
        ("boolean", {}, ["boolean needs params.object"]),
        ("boolean", {"object": "Box"}, ["cannot use the object itself"]),
        ("boolean", {"object": "Lamp"}, ["wrong_type", "must be a mesh"]),
        ("boolean", {"object": "Drill", "operation": "subtract"}, ["'union', 'difference', 'intersect'"]),
        ("displace", {"texture": "plasma"}, ["texture='plasma'", "'clouds'"]),
        ("decimate", {"ratio": 0}, ["ratio=0"]),
        ("decimate", {"ratio": 1.5}, ["ratio=1.5"]),
        ("wireframe", {"thickness": 0}, ["thickness=0"]),
        ("skin", {"radius": 1}, ["skin does not take 'radius'", "no parameters"]),
        ("smooth", {"iterations": 10_000}, ["iterations=10000"]),
        ("screw", {"axis": "w"}, ["axis='w'"]),
    ],
)
def test_bad_params_say_what_is_accepted(
    worker: BlockingWorker, mtype: str, params: dict[str, Any], fragments: list[str]
) -> None:
    ok(worker.call("create_primitive", kind="cube", name="Box"))
    ok(worker.call("create_primitive", kind="cylinder", name="Drill"))
    ok(worker.call("add_light", type="point", name="Lamp"))
    refused(worker.call("add_modifier", object="Box", type=mtype, params=params), *fragments)
    assert info(worker, "Box")["modifiers"] == []  # nothing was added


def test_unknown_type_object_and_wrong_object_type(worker: BlockingWorker) -> None:
    ok(worker.call("create_primitive", kind="cube", name="Box"))
    refused(worker.call("add_modifier", object="Box", type="remesh"), "'subdivision'", "'smooth'")
    refused(worker.call("add_modifier", object="Ghost", type="subdivision"), "not_found", "Box")
    ok(worker.call("create_empty", name="Group"))
    refused(worker.call("add_modifier", object="Group", type="subdivision"), "wrong_type", "empty")
    refused(worker.call("add_modifier", object="Box", type="array", params=[1, 2]), "params")


def test_the_vertex_limit_is_checked_before_evaluating(worker: BlockingWorker) -> None:
    ok(worker.call("create_primitive", kind="uv_sphere", segments=128, rings=64, name="Dense"))
    refused(
        worker.call("add_modifier", object="Dense", type="subdivision", params={"levels": 6}),
        "limit_exceeded",
        "Dense",
        "2,000,000",
    )
    refused(
        worker.call("add_modifier", object="Dense", type="array", params={"count": 1000}), "limit_exceeded"
    )
    # The stack counts: a subdivision that is fine alone plus an array that multiplies it.
    add(worker, "Dense", "subdivision", levels=2)
    refused(worker.call("add_modifier", object="Dense", type="array", params={"count": 20}), "limit_exceeded")
    details = info(worker, "Dense")
    assert [m["type"] for m in details["modifiers"]] == ["subdivision"]
    assert details["mesh"]["vertices"] < 200_000
    assert ok(worker.call("get_scene_info"))["total"] == 1  # the worker is alive and well


def test_configure_changes_only_the_given_params(worker: BlockingWorker) -> None:
    ok(worker.call("create_primitive", kind="cube"))
    add(worker, "Cube", "subdivision", levels=1)
    assert info(worker, "Cube")["mesh"]["vertices"] == 26
    result = ok(
        worker.call("configure_modifier", object="Cube", modifier="Subdivision", params={"levels": 2})
    )
    assert result["modifier"]["params"] == {"levels": 2, "render_levels": 2}
    assert result["mesh"]["vertices"] == 98
    add(worker, "Cube", "bevel", width=0.05, segments=2)
    ok(worker.call("configure_modifier", object="Cube", modifier="bevel", params={"segments": 4}))  # by type
    assert info(worker, "Cube")["modifiers"][1]["params"]["width"] == 0.05
    refused(
        worker.call("configure_modifier", object="Cube", modifier="Bevel", params={"count": 3}),
        "bevel does not take 'count'",
    )
    refused(
        worker.call("configure_modifier", object="Cube", modifier="Subdivision", params={"levels": 9}),
        "levels=9",
    )
    refused(
        worker.call("configure_modifier", object="Cube", modifier="Array", params={}),
        "not_found",
        "Subdivision (subdivision)",
    )
    # Six levels of a cube (with its bevel) stay far below the limit.
    ok(worker.call("configure_modifier", object="Cube", modifier="Subdivision", params={"levels": 6}))


def test_configure_is_limited_too(worker: BlockingWorker) -> None:
    ok(worker.call("create_primitive", kind="uv_sphere", segments=128, rings=64))
    add(worker, "Sphere", "array", count=2)
    refused(
        worker.call("configure_modifier", object="Sphere", modifier="Array", params={"count": 1000}),
        "limit_exceeded",
    )
    assert info(worker, "Sphere")["modifiers"][0]["params"]["count"] == 2


def test_remove_modifier_restores_the_mesh(worker: BlockingWorker) -> None:
    ok(worker.call("create_primitive", kind="cube"))
    add(worker, "Cube", "subdivision", levels=2)
    add(worker, "Cube", "displace", texture="clouds")
    result = ok(worker.call("remove_modifier", object="Cube", modifier="Subdivision"))
    assert result == {"object": "Cube", "removed": "Subdivision", "modifiers": ["Displace"]}
    ok(worker.call("remove_modifier", object="Cube", modifier="displace"))
    assert info(worker, "Cube")["mesh"]["vertices"] == 8
    refused(worker.call("remove_modifier", object="Cube", modifier="Subdivision"), "not_found", "(none)")


def test_apply_modifier_bakes_it_into_the_mesh(worker: BlockingWorker) -> None:
    ok(worker.call("create_primitive", kind="cube"))
    add(worker, "Cube", "array", count=2)
    add(worker, "Cube", "subdivision", levels=1)
    # Applied as if first: the subdivision alone turns 8 vertices into 26.
    result = ok(worker.call("apply_modifier", object="Cube", modifier="Subdivision"))
    assert result["applied"] == "Subdivision" and result["modifiers"] == ["Array"]
    assert result["mesh"]["vertices"] == 26
    details = info(worker, "Cube")
    assert details["mesh"]["vertices"] == 52 and [m["name"] for m in details["modifiers"]] == ["Array"]
    ok(worker.call("create_curve", points=[[0, 0, 0], [1, 0, 0]], name="Path"))
    ok(worker.call("add_modifier", object="Path", type="array"))
    refused(worker.call("apply_modifier", object="Path", modifier="Array"), "wrong_type", "meshes only")


def test_apply_on_a_linked_duplicate_leaves_the_other_alone(worker: BlockingWorker) -> None:
    ok(worker.call("create_primitive", kind="cube"))
    created = ok(worker.call("duplicate_object", name="Cube", linked=True))["created"]
    assert info(worker, "Cube")["data"]["users"] == 2
    add(worker, "Cube", "subdivision", levels=1)
    ok(worker.call("apply_modifier", object="Cube", modifier="Subdivision"))
    assert info(worker, "Cube")["mesh"]["vertices"] == 26
    assert info(worker, created[0])["mesh"]["vertices"] == 8
