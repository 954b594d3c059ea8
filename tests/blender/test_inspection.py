"""Inspection tools through a real MCP session: scene overview (paged), one object, materials."""

from __future__ import annotations

from typing import Any

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


SUMMARY_KEYS = {
    "name",
    "type",
    "location",
    "rotation",
    "scale",
    "dimensions",
    "bbox_min",
    "bbox_max",
    "materials",
    "modifiers",
    "parent",
    "children",
    "visible",
}


def test_an_empty_scene(worker: BlockingWorker) -> None:
    scene = ok(worker.call("get_scene_info"))
    assert scene["objects"] == [] and scene["total"] == 0 and scene["next_offset"] is None
    assert scene["counts"] == {
        "objects": 0,
        "meshes": 0,
        "lights": 0,
        "cameras": 0,
        "empties": 0,
        "materials": 0,
    }
    assert (
        scene["camera"] is None
        and scene["lights"] == []
        and scene["selected"] == []
        and scene["active"] is None
    )


def test_scene_info_pages_through_objects_sorted_by_name(worker: BlockingWorker) -> None:
    for i in range(7):
        ok(worker.call("create_primitive", kind="cube", name=f"Box{i}", location=[i, 0, 0]))
    seen: list[str] = []
    offset: int | None = 0
    pages = 0
    while offset is not None:
        page = ok(worker.call("get_scene_info", offset=offset, limit=3))
        assert page["total"] == 7 and page["offset"] == offset and page["limit"] == 3
        assert len(page["objects"]) <= 3
        seen += [o["name"] for o in page["objects"]]
        offset = page["next_offset"]
        pages += 1
    assert pages == 3 and seen == [f"Box{i}" for i in range(7)]
    beyond = ok(worker.call("get_scene_info", offset=50))
    assert beyond["objects"] == [] and beyond["next_offset"] is None and beyond["total"] == 7
    first = ok(worker.call("get_scene_info", limit=1))["objects"][0]
    assert set(first) == SUMMARY_KEYS and first["location"] == [0.0, 0.0, 0.0]
    refused(worker.call("get_scene_info", limit=0), "limit")
    refused(worker.call("get_scene_info", limit=10_000), "less than or equal to 200")
    refused(worker.call("get_scene_info", offset=-1), "offset")


def test_scene_info_counts_camera_lights_world_and_selection(worker: BlockingWorker) -> None:
    ok(worker.call("create_primitive", kind="cube"))
    ok(worker.call("create_empty", name="Group"))
    ok(worker.call("create_material", name="M"))
    ok(worker.call("add_light", type="sun", name="Sun", energy=3, color="#ffeedd"))
    ok(worker.call("set_camera", location=[6, -6, 4], look_at=[0, 0, 0], lens=35))
    ok(worker.call("set_world", color="#223344", strength=0.5))
    ok(worker.call("select_objects", names=["Cube"]))
    scene = ok(worker.call("get_scene_info"))
    assert scene["counts"] == {
        "objects": 4,
        "meshes": 1,
        "lights": 1,
        "cameras": 1,
        "empties": 1,
        "materials": 1,
    }
    assert scene["camera"]["name"] == "Camera" and scene["camera"]["lens"] == 35.0
    assert scene["camera"]["location"] == [6.0, -6.0, 4.0]
    assert [(light["name"], light["type"], light["color"]) for light in scene["lights"]] == [
        ("Sun", "sun", "#ffeedd")
    ]
    assert scene["world"] == {"color": "#223344", "strength": 0.5}
    assert scene["selected"] == ["Cube"] and scene["active"] == "Cube"


def test_object_info_has_evaluated_counts_modifiers_and_materials(worker: BlockingWorker) -> None:
    ok(worker.call("create_material", name="Steel", color="#8899aa", metallic=1.0, roughness=0.3))
    ok(worker.call("create_primitive", kind="cube", size=2, location=[0, 0, 1], material="Steel"))
    ok(worker.call("add_modifier", object="Cube", type="subdivision", params={"levels": 1}))
    details = ok(worker.call("get_object_info", name="Cube"))
    assert SUMMARY_KEYS <= set(details)
    assert details["mesh"] == {"vertices": 26, "edges": 48, "faces": 24}
    assert details["modifiers"] == [
        {"name": "Subdivision", "type": "subdivision", "params": {"levels": 1, "render_levels": 1}}
    ]
    assert details["material_details"] == [
        {
            "name": "Steel",
            "color": "#8899aa",
            "metallic": 1.0,
            "roughness": 0.3,
            "emission_color": None,
            "emission_strength": 0.0,
            "alpha": 1.0,
            "transmission": 0.0,
            "users": 1,
        }
    ]
    assert details["data"] == {"name": "Cube", "users": 1} and details["shading"] == "flat"
    assert details["bbox_min"][2] > 0.0  # the subdivided cube no longer reaches its cage's corners


def test_object_info_for_text_lights_cameras_and_empties(worker: BlockingWorker) -> None:
    ok(worker.call("create_text", text="Sale", name="Sign"))
    assert ok(worker.call("get_object_info", name="Sign"))["text"] == "Sale"
    ok(worker.call("add_light", type="point", name="Bulb", location=[0, 0, 3], energy=250))
    bulb = ok(worker.call("get_object_info", name="Bulb"))
    assert bulb["mesh"] is None and bulb["light"]["energy"] == 250.0 and bulb["light"]["type"] == "point"
    ok(worker.call("set_camera", location=[0, -5, 1], lens=85))
    camera = ok(worker.call("get_object_info", name="Camera"))
    assert camera["camera"]["lens"] == 85.0 and camera["type"] == "camera"
    ok(worker.call("create_empty", name="Root"))
    ok(worker.call("create_empty", name="Mid", parent="Root"))
    ok(worker.call("create_primitive", kind="cube", parent="Mid", location=[0, 0, 1]))
    root = ok(worker.call("get_object_info", name="Root"))
    assert root["descendants"] == ["Cube", "Mid"] and root["children"] == ["Mid"]
    assert root["bbox_min"] == [-1.0, -1.0, 0.0] and root["mesh"] is None


def test_object_info_of_a_missing_object_lists_names(worker: BlockingWorker) -> None:
    refused(worker.call("get_object_info", name="Ghost"), "not_found", "scene is empty")
    ok(worker.call("create_primitive", kind="cube", name="Real"))
    refused(worker.call("get_object_info", name="Ghost"), "not_found", "'Ghost'", "Real")
    refused(worker.call("get_object_info", name=""), "name")
    refused(worker.call("get_object_info"), "name")


def test_list_materials_reports_shader_values(worker: BlockingWorker) -> None:
    assert ok(worker.call("list_materials")) == {"materials": []}
    ok(
        worker.call(
            "create_material", name="Glass", color="#e0f0ff", roughness=0.05, alpha=0.3, transmission=1.0
        )
    )
    ok(
        worker.call(
            "create_material", name="Lamp", color="#ffffff", emission_color="#ffdd88", emission_strength=5
        )
    )
    ok(worker.call("create_primitive", kind="cube", material="Glass"))
    listed = ok(worker.call("list_materials"))["materials"]
    assert [m["name"] for m in listed] == ["Glass", "Lamp"]
    glass, lamp = listed
    assert (glass["color"], glass["roughness"], glass["alpha"], glass["transmission"], glass["users"]) == (
        "#e0f0ff",
        0.05,
        0.3,
        1.0,
        1,
    )
    assert (lamp["emission_color"], lamp["emission_strength"], lamp["users"]) == ("#ffdd88", 5.0, 0)


def test_inspection_does_not_record_undo_steps(worker: BlockingWorker) -> None:
    ok(worker.call("create_primitive", kind="cube"))
    before = ok(worker.call("get_history"))["undo"]
    ok(worker.call("get_scene_info"))
    ok(worker.call("get_object_info", name="Cube"))
    ok(worker.call("list_materials"))
    assert ok(worker.call("get_history"))["undo"] == before
