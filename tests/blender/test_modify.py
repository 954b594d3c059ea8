"""Modification tools through a real MCP session: transforms, copies, deletion, parenting..."""

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
    return len(values) == len(expected) and all(
        abs(a - b) <= tol for a, b in zip(values, expected, strict=True)
    )


def info(worker: BlockingWorker, name: str) -> dict[str, Any]:
    return ok(worker.call("get_object_info", name=name))


def names(worker: BlockingWorker) -> list[str]:
    return [o["name"] for o in ok(worker.call("get_scene_info", limit=200))["objects"]]


# --- set_transform ------------------------------------------------------------------------------


def test_set_transform_absolute_and_relative(worker: BlockingWorker) -> None:
    ok(worker.call("create_primitive", kind="cube", size=1))
    moved = ok(
        worker.call("set_transform", name="Cube", location=[1, 2, 0.5], rotation=[0, 0, 30], scale=[2, 1, 1])
    )
    assert approx(moved["location"], [1, 2, 0.5]) and approx(moved["rotation"], [0, 0, 30])
    assert approx(moved["scale"], [2, 1, 1])
    again = ok(
        worker.call(
            "set_transform",
            name="Cube",
            location=[1, 0, 0],
            rotation=[0, 0, 15],
            scale=[0.5, 3, 1],
            relative=True,
        )
    )
    assert approx(again["location"], [2, 2, 0.5]) and approx(again["rotation"], [0, 0, 45])
    assert approx(again["scale"], [1, 3, 1])
    only_z = ok(worker.call("set_transform", name="Cube", location=[0, 0, 5]))
    assert approx(only_z["rotation"], [0, 0, 45]) and approx(only_z["scale"], [1, 3, 1])  # untouched


def test_children_follow_their_parent(worker: BlockingWorker) -> None:
    ok(worker.call("create_empty", name="Car"))
    ok(worker.call("create_primitive", kind="cube", name="Body", parent="Car", location=[0, 0, 1]))
    ok(worker.call("set_transform", name="Car", location=[10, 0, 0]))
    assert approx(info(worker, "Body")["location"], [10, 0, 1])
    ok(worker.call("set_transform", name="Car", rotation=[0, 0, 90]))
    body = info(worker, "Body")
    assert approx(body["location"], [10, 0, 1]) and approx(body["local_location"], [0, 0, 1])


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        ({}, ["at least one of location, rotation or scale"]),
        ({"scale": [0, 1, 1]}, ["zero component"]),
        ({"scale": [1, 1e-9, 1], "relative": True}, ["zero component"]),
        ({"location": [1, 2]}, ["location"]),
        ({"rotation": [0, 0, float("nan")]}, ["rotation"]),
    ],
)
def test_set_transform_refuses_bad_values(
    worker: BlockingWorker, args: dict[str, Any], fragments: list[str]
) -> None:
    ok(worker.call("create_primitive", kind="cube"))
    refused(worker.call("set_transform", name="Cube", **args), *fragments)
    cube = info(worker, "Cube")
    assert cube["scale"] == [1, 1, 1] and cube["location"] == [0, 0, 0]


def test_unknown_objects_list_what_exists(worker: BlockingWorker) -> None:
    ok(worker.call("create_primitive", kind="cube", name="Apple"))
    ok(worker.call("create_primitive", kind="cube", name="Pear"))
    refused(
        worker.call("set_transform", name="Banana", location=[0, 0, 0]),
        "not_found",
        "'Banana'",
        "Apple, Pear",
    )


# --- duplicate / delete / rename ------------------------------------------------------------------


def test_duplicate_with_offset_and_children(worker: BlockingWorker) -> None:
    ok(worker.call("create_empty", name="Post"))
    ok(
        worker.call(
            "create_primitive",
            kind="cylinder",
            radius=0.1,
            depth=2,
            location=[0, 0, 1],
            parent="Post",
            name="Pole",
        )
    )
    result = ok(worker.call("duplicate_object", name="Post", count=3, offset=[2, 0, 0]))
    assert result["created"] == ["Post.001", "Post.002", "Post.003"]
    for i, name in enumerate(result["created"], start=1):
        copy = info(worker, name)
        assert approx(copy["location"], [2 * i, 0, 0])
        assert len(copy["children"]) == 1
        child = info(worker, copy["children"][0])
        assert approx(child["location"], [2 * i, 0, 1]) and child["parent"] == name
        assert child["data"]["users"] == 1  # a real copy
    assert len(names(worker)) == 8


def test_duplicate_names_linked_copies_and_parented_copies(worker: BlockingWorker) -> None:
    ok(worker.call("create_empty", name="Table", location=[5, 0, 0]))
    ok(
        worker.call(
            "create_primitive", kind="cube", size=0.1, name="Leg", parent="Table", location=[0.5, 0.5, 0]
        )
    )
    result = ok(
        worker.call("duplicate_object", name="Leg", count=2, offset=[-1, 0, 0], new_name="Leg2", linked=True)
    )
    assert result["created"] == ["Leg2", "Leg2.001"]
    first = info(worker, "Leg2")
    assert first["parent"] == "Table" and approx(first["local_location"], [-0.5, 0.5, 0])
    assert approx(first["location"], [4.5, 0.5, 0])  # the offset is in the parent's space
    assert first["data"]["users"] == 3  # linked: the three legs share one mesh
    refused(worker.call("duplicate_object", name="Leg", count=0), "count")
    refused(worker.call("duplicate_object", name="Leg", count=1000), "less than or equal to 100")


def test_delete_with_and_without_children(worker: BlockingWorker) -> None:
    ok(worker.call("create_empty", name="Group", location=[1, 0, 0]))
    ok(worker.call("create_primitive", kind="cube", name="Kept", parent="Group", location=[0, 0, 2]))
    ok(worker.call("create_empty", name="Other"))
    ok(worker.call("create_primitive", kind="cube", name="Gone", parent="Other"))
    result = ok(worker.call("delete_objects", names=["Other"]))
    assert sorted(result["deleted"]) == ["Gone", "Other"] and result["remaining"] == 2
    result = ok(worker.call("delete_objects", names=["Group"], with_children=False))
    assert result["deleted"] == ["Group"]
    kept = info(worker, "Kept")
    assert kept["parent"] is None and approx(kept["location"], [1, 0, 2])  # stayed where it was
    refused(worker.call("delete_objects", names=["Kept", "Ghost"]), "not_found", "'Ghost'")
    assert names(worker) == ["Kept"]  # nothing deleted when one name is wrong
    refused(worker.call("delete_objects", names=[]), "names")


def test_rename(worker: BlockingWorker) -> None:
    ok(worker.call("create_primitive", kind="cube"))
    ok(worker.call("create_primitive", kind="cube", name="Taken"))
    assert ok(worker.call("rename_object", name="Cube", new_name="Crate")) == {
        "old_name": "Cube",
        "name": "Crate",
    }
    assert info(worker, "Crate")["data"]["name"] == "Crate"
    refused(worker.call("rename_object", name="Crate", new_name="Taken"), "already exists")
    refused(worker.call("rename_object", name="Cube", new_name="X"), "not_found")
    refused(worker.call("rename_object", name="Crate", new_name=""), "new_name")
    assert sorted(names(worker)) == ["Crate", "Taken"]


# --- join / parent --------------------------------------------------------------------------------


def test_join_merges_meshes_and_keeps_materials(worker: BlockingWorker) -> None:
    ok(worker.call("create_material", name="Red", color="#ff0000"))
    ok(worker.call("create_material", name="Blue", color="#0000ff"))
    ok(worker.call("create_primitive", kind="cube", size=1, name="A", material="Red"))
    ok(worker.call("create_primitive", kind="cube", size=1, name="B", location=[3, 0, 0], material="Blue"))
    joined = ok(worker.call("join_objects", names=["A", "B"], new_name="AB"))
    assert joined["name"] == "AB" and joined["joined"] == ["A", "B"]
    assert approx(joined["bbox_min"], [-0.5, -0.5, -0.5]) and approx(joined["bbox_max"], [3.5, 0.5, 0.5])
    assert sorted(joined["materials"]) == ["Blue", "Red"]
    assert info(worker, "AB")["mesh"]["vertices"] == 16
    assert names(worker) == ["AB"]


def test_join_refuses_non_meshes_and_single_names(worker: BlockingWorker) -> None:
    ok(worker.call("create_primitive", kind="cube"))
    ok(worker.call("create_empty", name="E"))
    refused(worker.call("join_objects", names=["Cube", "E"]), "wrong_type", "E (empty)")
    refused(worker.call("join_objects", names=["Cube"]), "names")
    refused(worker.call("join_objects", names=["Cube", "Cube"]), "two different")
    ok(worker.call("create_primitive", kind="cube", name="Other", location=[3, 0, 0]))
    refused(worker.call("join_objects", names=["Cube", "Other"], new_name="E"), "already exists")
    assert sorted(names(worker)) == ["Cube", "E", "Other"]  # checked before joining


def test_set_parent_keeps_or_reuses_the_transform(worker: BlockingWorker) -> None:
    ok(worker.call("create_empty", name="Holder", location=[0, 0, 1], scale=[2, 2, 2]))
    ok(worker.call("create_primitive", kind="cube", size=1, name="Kept", location=[1, 0, 0]))
    kept = ok(worker.call("set_parent", child="Kept", parent="Holder"))
    assert kept["parent"] == "Holder" and approx(kept["location"], [1, 0, 0])
    assert approx(kept["dimensions"], [1, 1, 1])
    ok(worker.call("create_primitive", kind="cube", size=1, name="Local", location=[1, 0, 0]))
    local = ok(worker.call("set_parent", child="Local", parent="Holder", keep_transform=False))
    assert approx(local["location"], [2, 0, 1])  # [1, 0, 0] in the holder's (scaled) space
    freed = ok(worker.call("set_parent", child="Local", parent=None))
    assert freed["parent"] is None and approx(freed["location"], [2, 0, 1])
    refused(worker.call("set_parent", child="Holder", parent="Kept"), "cycle")
    refused(worker.call("set_parent", child="Holder", parent="Holder"), "cycle")


# --- apply_transform / origin / shading -----------------------------------------------------------


def test_apply_transform_bakes_scale_and_rotation(worker: BlockingWorker) -> None:
    ok(
        worker.call(
            "create_primitive", kind="cube", size=1, location=[0, 0, 1], rotation=[0, 0, 90], scale=[3, 1, 1]
        )
    )
    ok(
        worker.call(
            "create_primitive", kind="cube", size=0.2, name="Knob", parent="Cube", location=[0.5, 0, 0]
        )
    )
    knob_before = info(worker, "Knob")
    result = ok(worker.call("apply_transform", name="Cube"))
    assert approx(result["scale"], [1, 1, 1]) and approx(result["rotation"], [0, 0, 0])
    assert approx(result["location"], [0, 0, 1]) and approx(result["dimensions"], [1, 3, 1])
    knob = info(worker, "Knob")
    assert approx(knob["bbox_min"], knob_before["bbox_min"]) and approx(
        knob["bbox_max"], knob_before["bbox_max"]
    )
    at_origin = ok(worker.call("apply_transform", name="Cube", location=True))
    assert approx(at_origin["location"], [0, 0, 0]) and approx(at_origin["bbox_min"], [-0.5, -1.5, 0.5])
    refused(
        worker.call("apply_transform", name="Cube", location=False, rotation=False, scale=False),
        "at least one",
    )
    ok(worker.call("add_light", type="point", name="Lamp"))
    refused(worker.call("apply_transform", name="Lamp"), "wrong_type")
    ok(worker.call("create_text", text="T", name="Label"))
    refused(worker.call("apply_transform", name="Label"), "wrong_type")


def test_curves_take_origin_and_transform_changes(worker: BlockingWorker) -> None:
    ok(worker.call("create_curve", points=[[0, 0, 0], [2, 0, 0]], bevel_depth=0.1, name="Pipe"))
    ok(worker.call("set_transform", name="Pipe", scale=[2, 2, 2]))
    before = info(worker, "Pipe")
    baked = ok(worker.call("apply_transform", name="Pipe"))
    assert baked["scale"] == [1, 1, 1] and approx(baked["bbox_max"], before["bbox_max"], 0.02)
    bottom = ok(worker.call("set_origin", name="Pipe", mode="bottom"))
    assert approx(bottom["location"], [2, 0, -0.2], 0.02) and approx(
        bottom["bbox_min"], before["bbox_min"], 0.02
    )


def test_set_origin_modes_keep_the_geometry_in_place(worker: BlockingWorker) -> None:
    ok(worker.call("create_primitive", kind="cube", size=2, location=[0, 0, 3]))
    bottom = ok(worker.call("set_origin", name="Cube", mode="bottom"))
    assert approx(bottom["location"], [0, 0, 2]) and approx(bottom["bbox_min"], [-1, -1, 2])
    ok(worker.call("set_transform", name="Cube", location=[0, 0, 0]))  # now it stands on the ground
    assert approx(info(worker, "Cube")["bbox_min"], [-1, -1, 0])
    point = ok(worker.call("set_origin", name="Cube", mode="point", point=[5, 0, 0]))
    assert approx(point["location"], [5, 0, 0]) and approx(point["bbox_min"], [-1, -1, 0])
    world = ok(worker.call("set_origin", name="Cube", mode="world_origin"))
    assert approx(world["location"], [0, 0, 0])
    centre = ok(worker.call("set_origin", name="Cube", mode="bounds_center"))
    assert approx(centre["location"], [0, 0, 1])
    geometry = ok(worker.call("set_origin", name="Cube", mode="geometry"))
    assert approx(geometry["location"], [0, 0, 1])
    refused(worker.call("set_origin", name="Cube", mode="point"), "needs point")
    refused(
        worker.call("set_origin", name="Cube", mode="bottom", point=[0, 0, 0]), "only used with mode='point'"
    )
    refused(worker.call("set_origin", name="Cube", mode="middle"), "'geometry'")


def test_set_origin_of_a_group_moves_the_empty_not_the_parts(worker: BlockingWorker) -> None:
    ok(worker.call("create_empty", name="Stack"))
    ok(worker.call("create_primitive", kind="cube", size=1, name="Low", parent="Stack", location=[2, 0, 1.5]))
    ok(
        worker.call(
            "create_primitive", kind="cube", size=1, name="High", parent="Stack", location=[2, 0, 2.5]
        )
    )
    group = ok(worker.call("set_origin", name="Stack", mode="bottom"))
    assert approx(group["location"], [2, 0, 1]) and approx(group["bbox_min"], [1.5, -0.5, 1])
    assert approx(info(worker, "Low")["location"], [2, 0, 1.5])
    assert approx(info(worker, "Low")["local_location"], [0, 0, 0.5])
    ok(worker.call("set_transform", name="Stack", location=[0, 0, 0]))  # drop the stack on the ground
    assert approx(info(worker, "Stack")["bbox_min"], [-0.5, -0.5, 0])


def test_set_shading_smooth_flat_and_recursive(worker: BlockingWorker) -> None:
    ok(worker.call("create_empty", name="Set"))
    ok(worker.call("create_primitive", kind="uv_sphere", name="Ball", parent="Set"))
    ok(worker.call("create_primitive", kind="cylinder", name="Can", parent="Set"))
    result = ok(worker.call("set_shading", name="Set", smooth=True, auto_smooth_angle=30))
    assert sorted(result["updated"]) == ["Ball", "Can"]
    assert info(worker, "Ball")["shading"] == "smooth" and info(worker, "Can")["shading"] == "smooth"
    ok(worker.call("set_shading", name="Ball", smooth=False))
    assert info(worker, "Ball")["shading"] == "flat" and info(worker, "Can")["shading"] == "smooth"
    refused(worker.call("set_shading", name="Set", recursive=False), "wrong_type")
    refused(worker.call("set_shading", name="Ball", auto_smooth_angle=270), "auto_smooth_angle")


# --- selection ------------------------------------------------------------------------------------


def test_select_objects_sets_selection_and_active(worker: BlockingWorker) -> None:
    ok(worker.call("create_primitive", kind="cube"))
    ok(worker.call("create_primitive", kind="uv_sphere"))
    assert ok(worker.call("select_objects", names=["Cube", "Sphere"], active="Sphere")) == {
        "selected": ["Cube", "Sphere"],
        "active": "Sphere",
    }
    scene = ok(worker.call("get_scene_info"))
    assert scene["selected"] == ["Cube", "Sphere"] and scene["active"] == "Sphere"
    assert ok(worker.call("select_objects", names=["Cube"]))["active"] == "Cube"
    assert ok(worker.call("select_objects", names=[])) == {"selected": [], "active": None}
    refused(worker.call("select_objects", names=["Ghost"]), "not_found")
    assert "select_objects" not in ok(worker.call("get_history"))["undo"]  # not a scene change
