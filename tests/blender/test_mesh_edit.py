"""Edit-mode operations through MCP (extrude, inset, bevel, UV unwrap), checked in the reopened .blend."""

from __future__ import annotations

from pathlib import Path

import pytest

from prompt2mesh.workers.blocking import BlockingWorker
from reopen import ok, refused, reopen


def test_extruding_the_top_face_raises_the_box(worker: BlockingWorker, worker_workspace: Path) -> None:
    ok(worker.call("create_primitive", kind="cube", name="Tower", size=1, location=[0, 0, 0.5]))
    result = ok(worker.call("edit_mesh", object="Tower", operation="extrude", where="top", amount=2.0))
    assert result["selected"] == 1 and result["mesh"] == {"vertices": 12, "edges": 20, "faces": 10}

    bpy = reopen(worker, worker_workspace, "edit/extrude.blend")
    tower = bpy.data.objects["Tower"]
    zs = [(tower.matrix_world @ v.co).z for v in tower.data.vertices]
    assert abs(max(zs) - 3.0) < 1e-4 and abs(min(zs)) < 1e-4


def test_inset_and_individual_extrude_of_faces_chosen_by_index(
    worker: BlockingWorker, worker_workspace: Path
) -> None:
    ok(worker.call("create_primitive", kind="cube", name="Block", size=2))
    inset = ok(
        worker.call("edit_mesh", object="Block", operation="inset", where="front", amount=0.2, depth=-0.1)
    )
    assert inset["mesh"]["faces"] == 6 + 4
    ok(worker.call("create_primitive", kind="cube", name="Dice", size=2, location=[5, 0, 0]))
    studs = ok(
        worker.call(
            "edit_mesh", object="Dice", operation="extrude", indices=[0, 2], amount=0.5, individual=True
        )
    )
    assert studs["selected"] == 2 and studs["mesh"]["faces"] == 6 + 8

    bpy = reopen(worker, worker_workspace, "edit/inset.blend")
    block = bpy.data.objects["Block"]
    front_inner = [p for p in block.data.polygons if p.normal.y < -0.99 and p.area < 3.9]
    assert len(front_inner) == 1 and abs(front_inner[0].area - 1.6 * 1.6) < 1e-3
    assert abs(front_inner[0].center.y - (-0.9)) < 1e-4  # pushed 0.1 m in
    assert len(bpy.data.objects["Dice"].data.polygons) == 14


def test_bevelling_sharp_edges_rounds_every_edge_of_a_cube(
    worker: BlockingWorker, worker_workspace: Path
) -> None:
    ok(worker.call("create_primitive", kind="cube", name="Soap", size=2))
    top = ok(worker.call("edit_mesh", object="Soap", operation="bevel", where="top", amount=0.1))
    assert top["selected"] == 4
    ok(worker.call("create_primitive", kind="cube", name="Brick", size=2, location=[4, 0, 0]))
    sharp = ok(
        worker.call("edit_mesh", object="Brick", operation="bevel", where="sharp", amount=0.1, segments=3)
    )
    assert sharp["selected"] == 12

    bpy = reopen(worker, worker_workspace, "edit/bevel.blend")
    brick = bpy.data.objects["Brick"].data
    assert len(brick.polygons) == sharp["mesh"]["faces"] > 6
    # No vertex is left at a corner of the original cube.
    assert all(
        max(abs(c) for c in v.co) < 1.0 or sorted(abs(c) for c in v.co)[1] < 0.999 for v in brick.vertices
    )
    soap = bpy.data.objects["Soap"].data
    assert max(v.co.z for v in soap.vertices) == pytest.approx(1.0) and len(soap.polygons) == 6 + 4


def test_uv_unwrap_gives_every_face_uvs_inside_the_unit_square(
    worker: BlockingWorker, worker_workspace: Path
) -> None:
    ok(worker.call("create_primitive", kind="cube", name="Box"))
    ok(worker.call("create_primitive", kind="torus", name="Ring", location=[3, 0, 0]))
    result = ok(worker.call("uv_unwrap", names=["Box", "Ring"], island_margin=0.02))
    assert [u["name"] for u in result["unwrapped"]] == ["Box", "Ring"]

    bpy = reopen(worker, worker_workspace, "edit/uv.blend")
    for name in ("Box", "Ring"):
        uvs = [d.uv.copy() for d in bpy.data.objects[name].data.uv_layers.active.data]
        assert all(-1e-4 <= c <= 1 + 1e-4 for uv in uvs for c in uv)
        assert len({(round(u.x, 3), round(u.y, 3)) for u in uvs}) > 4  # not collapsed onto a point


@pytest.mark.parametrize(
    ("args", "code", "fragment"),
    [
        ({"operation": "extrude", "indices": [6]}, "invalid_argument", "6 faces"),
        ({"operation": "bevel", "indices": [12]}, "invalid_argument", "12 edges"),
        ({"operation": "inset", "amount": 0}, "invalid_argument", "amount"),
        ({"operation": "extrude", "where": "sharp"}, "invalid_argument", "bevel"),
        ({"operation": "extrude", "where": "all"}, "invalid_argument", "individual"),
        ({"operation": "twist"}, "", "operation"),
    ],
)
def test_edit_mesh_refuses_bad_selections(
    worker: BlockingWorker, args: dict[str, object], code: str, fragment: str
) -> None:
    ok(worker.call("create_primitive", kind="cube", name="Cube"))
    refused(worker.call("edit_mesh", object="Cube", **args), code, fragment)
    assert ok(worker.call("analyze_mesh", name="Cube"))["vertices"] == 8
    assert ok(worker.call("get_history"))["undo"][-1] == "create_primitive"  # nothing recorded


def test_edit_mesh_and_uv_unwrap_need_meshes(worker: BlockingWorker) -> None:
    ok(worker.call("create_empty", name="Handle"))
    refused(worker.call("edit_mesh", object="Handle", operation="extrude"), "wrong_type", "mesh")
    refused(worker.call("uv_unwrap", names=["Handle"]), "wrong_type", "Handle (empty)")


def test_undo_brings_the_mesh_back_after_an_edit(worker: BlockingWorker) -> None:
    ok(worker.call("create_primitive", kind="cube", name="Cube"))
    ok(worker.call("edit_mesh", object="Cube", operation="extrude", where="top", amount=1))
    assert ok(worker.call("analyze_mesh", name="Cube"))["vertices"] == 12
    assert ok(worker.call("undo"))["undone"] == ["edit_mesh"]
    assert ok(worker.call("analyze_mesh", name="Cube"))["vertices"] == 8
