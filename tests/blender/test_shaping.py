"""Remesh/decimate to a face count, Smooth by Angle, arrays along curves and lathes, through MCP,
checked in the reopened .blend."""

from __future__ import annotations

import math
from pathlib import Path

from prompt2mesh.workers.blocking import BlockingWorker
from reopen import ok, refused, reopen


def _evaluated_faces(bpy, name: str) -> int:  # type: ignore[no-untyped-def]
    obj = bpy.data.objects[name]
    evaluated = obj.evaluated_get(bpy.context.evaluated_depsgraph_get())
    mesh = evaluated.to_mesh()
    try:
        return len(mesh.polygons)
    finally:
        evaluated.to_mesh_clear()


def test_decimate_and_voxel_remesh_land_near_the_target_face_count(
    worker: BlockingWorker, worker_workspace: Path
) -> None:
    ok(worker.call("create_primitive", kind="uv_sphere", name="Rock", segments=64, rings=32))
    low = ok(worker.call("remesh", object="Rock", mode="decimate", target_faces=400))
    assert low["faces_before"] == 2048 and 200 <= low["faces"] <= 800
    ok(worker.call("create_primitive", kind="cube", name="Blob", size=2, location=[4, 0, 0]))
    voxel = ok(worker.call("remesh", object="Blob", mode="voxel", target_faces=1500))
    assert 750 <= voxel["faces"] <= 3000, voxel

    bpy = reopen(worker, worker_workspace, "shaping/remesh.blend")
    rock, blob = bpy.data.objects["Rock"], bpy.data.objects["Blob"]
    assert [m.type for m in rock.modifiers] == ["DECIMATE"] and len(rock.data.polygons) == 2048
    assert [m.type for m in blob.modifiers] == ["REMESH"] and blob.modifiers[0].mode == "VOXEL"
    assert _evaluated_faces(bpy, "Rock") == low["faces"] and _evaluated_faces(bpy, "Blob") == voxel["faces"]


def test_remesh_refuses_impossible_targets(worker: BlockingWorker) -> None:
    ok(worker.call("create_primitive", kind="cube", name="Cube"))
    refused(
        worker.call("remesh", object="Cube", mode="decimate", target_faces=10), "invalid_argument", "6 faces"
    )
    refused(worker.call("remesh", object="Cube", mode="voxel"), "invalid_argument", "exactly one")
    refused(
        worker.call("remesh", object="Cube", mode="voxel", voxel_size=1e-5), "limit_exceeded", "voxel_size"
    )
    assert ok(worker.call("get_object_info", name="Cube"))["modifiers"] == []


def test_smooth_by_angle_is_blenders_modifier_and_survives_without_the_asset_library(
    worker: BlockingWorker, worker_workspace: Path
) -> None:
    ok(worker.call("create_primitive", kind="cylinder", name="Can"))
    ok(worker.call("add_modifier", object="Can", type="bevel", params={"width": 0.05}))
    ok(worker.call("smooth_by_angle", names=["Can"], angle=40))
    again = ok(worker.call("smooth_by_angle", names=["Can"], angle=25))  # updates, does not stack
    assert again["updated"] == ["Can"]

    bpy = reopen(worker, worker_workspace, "shaping/smooth.blend")
    can = bpy.data.objects["Can"]
    nodes = [m for m in can.modifiers if m.type == "NODES"]
    assert len(nodes) == 1 and nodes[0].node_group.name == "Smooth by Angle"
    assert nodes[0].node_group.library is None  # appended: the file stands on its own
    assert can.modifiers[-1] == nodes[0] and nodes[0].use_pin_to_last
    angle_id = next(i.identifier for i in nodes[0].node_group.interface.items_tree if i.name == "Angle")
    assert math.isclose(nodes[0][angle_id], math.radians(25), rel_tol=1e-5)
    # Evaluated: the side is smooth, the rim (90 degrees) stays sharp.
    mesh = can.evaluated_get(bpy.context.evaluated_depsgraph_get()).to_mesh()
    sharp = mesh.attributes.get("sharp_edge")
    assert sharp is not None and 0 < sum(v.value for v in sharp.data) < len(mesh.edges)
    assert any(p.use_smooth for p in mesh.polygons)


def test_an_array_along_a_curve_fills_the_path(worker: BlockingWorker, worker_workspace: Path) -> None:
    ok(worker.call("create_curve", name="Rail", points=[[0, 0, 0], [2, 0, 0], [4, 1, 0]]))
    ok(worker.call("create_primitive", kind="cube", name="Sleeper", size=0.2, location=[5, 5, 5]))
    result = ok(worker.call("array_along_curve", object="Sleeper", curve="Rail", spacing=1.5))
    assert result["copies"] >= 10 and result["mesh"]["vertices"] >= 8 * 10

    bpy = reopen(worker, worker_workspace, "shaping/array_curve.blend")
    sleeper = bpy.data.objects["Sleeper"]
    array, bend = sleeper.modifiers
    assert array.type == "ARRAY" and array.fit_type == "FIT_CURVE" and array.curve.name == "Rail"
    assert bend.type == "CURVE" and bend.object.name == "Rail"
    assert tuple(sleeper.location) == (0, 0, 0)
    mesh = sleeper.evaluated_get(bpy.context.evaluated_depsgraph_get()).to_mesh()
    xs = [v.co.x for v in mesh.vertices]
    assert max(xs) - min(xs) > 3.5  # spread along the 4+ m rail


def test_array_along_curve_refuses_non_curves_and_too_many_copies(worker: BlockingWorker) -> None:
    ok(worker.call("create_curve", name="Long", points=[[0, 0, 0], [5000, 0, 0]]))
    ok(worker.call("create_primitive", kind="cube", name="Bead", size=0.1))
    refused(worker.call("array_along_curve", object="Bead", curve="Bead"), "wrong_type", "curve")
    refused(worker.call("array_along_curve", object="Bead", curve="Long"), "limit_exceeded", "spacing")
    assert ok(worker.call("get_object_info", name="Bead"))["modifiers"] == []


def test_a_lathe_spins_a_profile_into_a_closed_vase(worker: BlockingWorker, worker_workspace: Path) -> None:
    profile = [[0, 0], [0.5, 0], [0.6, 0.5], [0.3, 1.2], [0.35, 1.5]]
    vase = ok(worker.call("create_lathe", profile=profile, name="Vase", segments=24, location=[1, 0, 0]))
    assert vase["dimensions"] == [1.2, 1.2, 1.5] and vase["location"] == [1, 0, 0]

    bpy = reopen(worker, worker_workspace, "shaping/lathe.blend")
    mesh = bpy.data.objects["Vase"].data
    # 4 rings of 24 plus one centre vertex for the closed bottom (radius 0 merges).
    assert len(mesh.vertices) == 4 * 24 + 1
    radii = sorted({round(math.hypot(v.co.x, v.co.y), 3) for v in mesh.vertices})
    assert radii == [0.0, 0.3, 0.35, 0.5, 0.6]
    assert all(p.use_smooth for p in mesh.polygons)


def test_a_lathe_refuses_profiles_without_width(worker: BlockingWorker) -> None:
    refused(worker.call("create_lathe", profile=[[0, 0], [0, 1]]), "invalid_argument", "radius > 0")
    refused(worker.call("create_lathe", profile=[[-1, 0], [1, 1]]), "invalid_argument", ">= 0")
    refused(worker.call("create_lathe", profile=[[1, 0]]), "profile")
