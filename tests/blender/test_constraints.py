"""Constraint tools through a real MCP session; the saved .blend holds the real constraints."""

from __future__ import annotations

import math

import pytest

from prompt2mesh.workers.blocking import BlockingWorker
from saved_blend import ok, refused, save_and_reopen


def _scene(worker: BlockingWorker) -> None:
    ok(worker.call("create_primitive", kind="cube", name="Box", location=[0, 0, 0]))
    ok(worker.call("create_primitive", kind="uv_sphere", name="Ball", location=[4, 0, 0]))
    ok(worker.call("create_curve", points=[[0, 0, 0], [4, 0, 0], [4, 4, 0]], name="Path"))


def test_track_to_and_follow_path_are_stored_with_their_targets_and_options(worker: BlockingWorker) -> None:
    _scene(worker)
    track = ok(
        worker.call(
            "add_constraint",
            object="Box",
            type="track_to",
            target="Ball",
            options={"track_axis": "track_negative_z", "up_axis": "UP_Y"},
        )
    )
    assert track["target"] == "Ball" and track["options"]["track_axis"] == "TRACK_NEGATIVE_Z"
    follow = ok(
        worker.call(
            "add_constraint",
            object="Ball",
            type="follow_path",
            target="Path",
            name="Ride",
            options={"use_fixed_location": True, "offset_factor": 0.25, "use_curve_follow": True},
        )
    )
    assert follow["name"] == "Ride" and follow["options"]["offset_factor"] == 0.25
    limit = ok(
        worker.call(
            "add_constraint", object="Box", type="limit_rotation", options={"use_limit_z": True, "max_z": 45}
        )
    )
    assert limit["options"]["max_z"] == 45.0  # degrees in, degrees out
    data = save_and_reopen(worker, "constraints.blend")
    box, ball = data.objects["Box"], data.objects["Ball"]
    assert [c.type for c in box.constraints] == ["TRACK_TO", "LIMIT_ROTATION"]
    assert box.constraints[0].target.name == "Ball" and box.constraints[0].up_axis == "UP_Y"
    assert box.constraints[1].max_z == pytest.approx(math.radians(45))
    ride = ball.constraints["Ride"]
    assert ride.type == "FOLLOW_PATH" and ride.target.name == "Path"
    assert ride.use_fixed_location and ride.use_curve_follow and ride.offset_factor == pytest.approx(0.25)


def test_child_of_keeps_the_object_in_place(worker: BlockingWorker) -> None:
    _scene(worker)
    ok(worker.call("set_transform", name="Ball", location=[4, 1, 2]))
    ok(worker.call("add_constraint", object="Box", type="child_of", target="Ball"))
    assert ok(worker.call("get_object_info", name="Box"))["location"] == [0.0, 0.0, 0.0]
    ok(worker.call("set_transform", name="Ball", location=[5, 1, 2]))
    assert ok(worker.call("get_object_info", name="Box"))["location"] == [1.0, 0.0, 0.0]


def test_configure_and_remove_change_the_stack(worker: BlockingWorker) -> None:
    _scene(worker)
    ok(worker.call("add_constraint", object="Box", type="copy_location", target="Ball"))
    changed = ok(
        worker.call(
            "configure_constraint",
            object="Box",
            name="Copy Location",
            influence=0.5,
            enabled=False,
            options={"use_z": False},
        )
    )
    assert (
        changed["influence"] == 0.5 and changed["enabled"] is False and changed["options"]["use_z"] is False
    )
    listed = ok(worker.call("list_constraints", object="Box"))["constraints"]
    assert [c["name"] for c in listed] == ["Copy Location"]
    assert ok(worker.call("remove_constraint", object="Box"))["removed"] == ["Copy Location"]
    assert ok(worker.call("list_constraints", object="Box"))["constraints"] == []
    ok(worker.call("undo"))
    assert len(ok(worker.call("list_constraints", object="Box"))["constraints"]) == 1


def test_bad_constraints_are_refused_and_change_nothing(worker: BlockingWorker) -> None:
    _scene(worker)
    refused(
        worker.call("add_constraint", object="Box", type="track_to"), "invalid_argument", "needs a target"
    )
    refused(
        worker.call("add_constraint", object="Box", type="track_to", target="Box"), "own constraint target"
    )
    refused(
        worker.call("add_constraint", object="Box", type="follow_path", target="Ball"), "wrong_type", "curve"
    )
    refused(
        worker.call("add_constraint", object="Ghost", type="track_to", target="Ball"), "not_found", "Ghost"
    )
    refused(
        worker.call("add_constraint", object="Box", type="track_to", target="Ball", options={"speed": 1}),
        "invalid_argument",
        "no option 'speed'",
        "track_axis",
    )
    refused(
        worker.call(
            "add_constraint", object="Box", type="track_to", target="Ball", options={"track_axis": "UP"}
        ),
        "invalid_argument",
        "TRACK_NEGATIVE_Z",
    )
    refused(
        worker.call(
            "add_constraint", object="Box", type="limit_distance", target="Ball", options={"distance": "far"}
        ),
        "finite number",
    )
    refused(worker.call("add_constraint", object="Box", type="spin", target="Ball"), "type")
    refused(worker.call("configure_constraint", object="Box", name="Nope"), "not_found", "(none)")
    assert ok(worker.call("list_constraints", object="Box"))["constraints"] == []
    assert ok(worker.call("get_history"))["undo"][-1:] != ["add_constraint"]
