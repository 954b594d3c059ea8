"""Material tools through a real MCP session: sRGB colours in, real shader values out."""

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


def materials(worker: BlockingWorker) -> dict[str, dict[str, Any]]:
    return {m["name"]: m for m in ok(worker.call("list_materials"))["materials"]}


def test_create_material_stores_the_given_values(worker: BlockingWorker) -> None:
    mat = ok(
        worker.call(
            "create_material",
            name="Paint",
            color="#cc2222",
            metallic=0.25,
            roughness=0.8,
            alpha=0.5,
            transmission=0.1,
        )
    )
    assert mat["created"] is True
    listed = materials(worker)["Paint"]
    for key, value in {
        "color": "#cc2222",
        "metallic": 0.25,
        "roughness": 0.8,
        "alpha": 0.5,
        "transmission": 0.1,
        "emission_color": None,
        "emission_strength": 0.0,
    }.items():
        assert listed[key] == value, (key, listed[key])


def test_colour_lists_and_short_hex_are_srgb(worker: BlockingWorker) -> None:
    assert ok(worker.call("create_material", name="Red", color=[1.0, 0.0, 0.0]))["color"] == "#ff0000"
    assert ok(worker.call("create_material", name="Grey", color=[0.5, 0.5, 0.5]))["color"] == "#808080"
    assert ok(worker.call("create_material", name="Blue", color="#00f"))["color"] == "#0000ff"
    assert ok(worker.call("create_material", name="Default"))["color"] == "#cccccc"


def test_creating_an_existing_name_updates_it(worker: BlockingWorker) -> None:
    ok(worker.call("create_material", name="Wood", color="#8b5a2b"))
    again = ok(worker.call("create_material", name="Wood", color="#654321", roughness=0.9))
    assert again["created"] is False and again["color"] == "#654321"
    listed = materials(worker)
    assert list(listed) == ["Wood"] and listed["Wood"]["roughness"] == 0.9


def test_emission_colour_glows_with_a_default_strength(worker: BlockingWorker) -> None:
    glow = ok(worker.call("create_material", name="Bulb", color="#ffffff", emission_color="#ffaa00"))
    assert glow["emission_color"] == "#ffaa00" and glow["emission_strength"] == 1.0
    strong = ok(worker.call("create_material", name="Neon", emission_color=[0, 1, 0], emission_strength=12.5))
    assert strong["emission_color"] == "#00ff00" and strong["emission_strength"] == 12.5


def test_assign_to_colours_objects_and_groups(worker: BlockingWorker) -> None:
    ok(worker.call("create_empty", name="Chair"))
    ok(worker.call("create_primitive", kind="cube", name="Seat", parent="Chair"))
    ok(worker.call("create_primitive", kind="cylinder", name="Leg", parent="Chair"))
    ok(worker.call("create_primitive", kind="cube", name="Other"))
    mat = ok(worker.call("create_material", name="Oak", color="#a0522d", assign_to=["Chair"]))
    assert sorted(mat["assigned"]) == ["Leg", "Seat"]
    for name in ("Seat", "Leg"):
        info = ok(worker.call("get_object_info", name=name))
        assert info["materials"] == ["Oak"] and info["material_details"][0]["color"] == "#a0522d"
    assert ok(worker.call("get_object_info", name="Other"))["materials"] == []
    refused(worker.call("create_material", name="Pine", assign_to=["Nope"]), "not_found", "Nope")
    assert "Pine" not in materials(worker)  # nothing created when a name is wrong


def test_assign_material_replaces_the_old_ones(worker: BlockingWorker) -> None:
    ok(worker.call("create_material", name="A", color="#ff0000"))
    ok(worker.call("create_material", name="B", color="#0000ff"))
    ok(worker.call("create_primitive", kind="cube", name="Box", material="A"))
    result = ok(worker.call("assign_material", objects=["Box"], material="B"))
    assert result == {"material": "B", "assigned": ["Box"]}
    info = ok(worker.call("get_object_info", name="Box"))
    assert info["materials"] == ["B"] and info["material_details"][0]["color"] == "#0000ff"
    assert materials(worker)["A"]["users"] == 0


def test_assign_material_to_text_and_curves(worker: BlockingWorker) -> None:
    ok(worker.call("create_material", name="Ink", color="#111111"))
    ok(worker.call("create_text", text="Hi", name="Sign"))
    ok(worker.call("create_curve", points=[[0, 0, 0], [1, 0, 0]], name="Wire", bevel_depth=0.01))
    assert ok(worker.call("assign_material", objects=["Sign", "Wire"], material="Ink"))["assigned"] == [
        "Sign",
        "Wire",
    ]
    assert ok(worker.call("get_object_info", name="Wire"))["materials"] == ["Ink"]


def test_empties_need_recursive_and_lights_take_no_material(worker: BlockingWorker) -> None:
    ok(worker.call("create_material", name="M"))
    ok(worker.call("create_empty", name="Group"))
    refused(worker.call("assign_material", objects=["Group"], material="M"), "wrong_type", "no mesh")
    ok(worker.call("create_primitive", kind="cube", name="Part", parent="Group"))
    refused(
        worker.call("assign_material", objects=["Group"], material="M", recursive=False), "recursive=true"
    )
    assert ok(worker.call("assign_material", objects=["Group"], material="M"))["assigned"] == ["Part"]
    ok(worker.call("add_light", type="point", name="Lamp"))
    refused(worker.call("assign_material", objects=["Lamp"], material="M"), "wrong_type", "light")


def test_assignment_checks_every_name_before_changing_anything(worker: BlockingWorker) -> None:
    ok(worker.call("create_material", name="M"))
    ok(worker.call("create_primitive", kind="cube", name="Box"))
    refused(worker.call("assign_material", objects=["Box", "Ghost"], material="M"), "not_found", "Ghost")
    assert ok(worker.call("get_object_info", name="Box"))["materials"] == []
    refused(worker.call("assign_material", objects=["Box"], material="Velvet"), "not_found", "Velvet", "M")


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        ({"color": "#zzzzzz"}, "'#RRGGBB'"),
        ({"color": "red"}, "'#RRGGBB'"),
        ({"color": [1, 0]}, "3 or 4 numbers"),
        ({"color": [2, 0, 0]}, "less than or equal to 1"),
        ({"metallic": 1.5}, "less than or equal to 1"),
        ({"roughness": -0.1}, "greater than or equal to 0"),
        ({"emission_strength": -1}, "greater than or equal to 0"),
        ({"alpha": float("inf")}, "alpha"),
        ({"name": ""}, "name"),
    ],
)
def test_bad_material_values_are_refused(worker: BlockingWorker, args: dict[str, Any], fragment: str) -> None:
    refused(worker.call("create_material", **({"name": "Bad"} | args)), fragment)
    assert "Bad" not in materials(worker)


def test_a_material_nobody_wears_yet_survives_undo_and_save(worker: BlockingWorker) -> None:
    ok(worker.call("create_material", name="Gold", color="#d4af37", metallic=1))
    ok(worker.call("create_primitive", kind="cube", name="Box"))
    ok(worker.call("undo"))  # reloads the snapshot saved before the cube
    names = [m["name"] for m in ok(worker.call("list_materials"))["materials"]]
    assert "Gold" in names
    ok(worker.call("save_blend", filename="kept.blend"))
    ok(worker.call("new_scene"))
    ok(worker.call("open_blend", filename="kept.blend"))
    [gold] = [m for m in ok(worker.call("list_materials"))["materials"] if m["name"] == "Gold"]
    assert gold["users"] == 0 and gold["metallic"] == 1
