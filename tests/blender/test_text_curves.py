"""Text and curve settings and their conversion to meshes, checked in the reopened .blend."""

from __future__ import annotations

from pathlib import Path

from prompt2mesh.workers.blocking import BlockingWorker
from reopen import ok, refused, reopen


def test_text_gets_depth_bevel_size_alignment_and_a_new_body(
    worker: BlockingWorker, worker_workspace: Path
) -> None:
    ok(worker.call("create_text", text="Hi", name="Sign"))
    flat = ok(worker.call("get_object_info", name="Sign"))
    result = ok(
        worker.call(
            "configure_curve",
            name="Sign",
            body="Hello",
            size=2.0,
            align="left",
            extrude=0.1,
            bevel_depth=0.02,
            bevel_resolution=2,
        )
    )
    assert result["body"] == "Hello" and result["mesh"]["vertices"] > 0
    assert ok(worker.call("get_object_info", name="Sign"))["dimensions"][0] > 2 * flat["dimensions"][0]

    bpy = reopen(worker, worker_workspace, "curves/text.blend")
    text = bpy.data.objects["Sign"].data
    assert text.body == "Hello" and text.size == 2.0 and text.align_x == "LEFT"
    assert (
        abs(text.extrude - 0.1) < 1e-6 and abs(text.bevel_depth - 0.02) < 1e-6 and text.bevel_resolution == 2
    )


def test_a_curve_becomes_a_closed_tube_and_then_a_mesh(
    worker: BlockingWorker, worker_workspace: Path
) -> None:
    ok(worker.call("create_curve", name="Ring", points=[[1, 0, 0], [0, 1, 0], [-1, 0, 0], [0, -1, 0]]))
    tube = ok(worker.call("configure_curve", name="Ring", bevel_depth=0.1, cyclic=True, resolution=8))
    assert tube["cyclic"] == [True] and tube["mesh"]["faces"] > 0
    ok(worker.call("create_text", text="A", name="Letter", extrude=0.05))
    converted = ok(worker.call("convert_to_mesh", names=["Ring", "Letter"]))["converted"]
    assert [c["type"] for c in converted] == ["mesh", "mesh"]

    bpy = reopen(worker, worker_workspace, "curves/converted.blend")
    ring, letter = bpy.data.objects["Ring"], bpy.data.objects["Letter"]
    assert ring.type == "MESH" and letter.type == "MESH"
    assert len(ring.data.polygons) == tube["mesh"]["faces"]
    # A closed tube has no boundary edges: every edge is shared by two faces.
    faces_per_edge: dict[tuple[int, int], int] = {}
    for poly in ring.data.polygons:
        for key in poly.edge_keys:
            faces_per_edge[key] = faces_per_edge.get(key, 0) + 1
    assert set(faces_per_edge.values()) == {2}


def test_curve_settings_refuse_what_does_not_apply(worker: BlockingWorker) -> None:
    ok(worker.call("create_curve", name="Path", points=[[0, 0, 0], [1, 0, 0]]))
    ok(worker.call("create_text", text="T", name="Label"))
    ok(worker.call("create_primitive", kind="cube", name="Cube"))
    refused(worker.call("configure_curve", name="Path", body="x"), "invalid_argument", "body")
    refused(worker.call("configure_curve", name="Label", cyclic=True), "invalid_argument", "cyclic")
    refused(worker.call("configure_curve", name="Cube", extrude=1), "wrong_type", "text or curve")
    refused(worker.call("configure_curve", name="Label"), "invalid_argument", "at least one")
    refused(worker.call("configure_curve", name="Label", extrude=-1), "extrude")
    refused(worker.call("convert_to_mesh", names=["Cube"]), "wrong_type", "Cube (mesh)")
    assert ok(worker.call("get_object_info", name="Path"))["type"] == "curve"
