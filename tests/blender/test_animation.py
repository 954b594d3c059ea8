"""Rigid bodies, keyframes and the timeline through MCP, checked in the reopened .blend."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

from prompt2mesh.workers.blocking import BlockingWorker
from reopen import ok, refused, reopen


def _fcurves(bpy: Any, id_data: Any) -> dict[str, list[tuple[float, ...]]]:
    """data_path[index] -> [(frame, value)] of the id's action (Blender 5 slotted actions)."""
    from bpy_extras import anim_utils

    anim = id_data.animation_data
    bag = anim_utils.action_get_channelbag_for_slot(anim.action, anim.action_slot)
    return {
        f"{fc.data_path}[{fc.array_index}]": [tuple(round(c, 4) for c in kp.co) for kp in fc.keyframe_points]
        for fc in bag.fcurves
    }


def test_rigid_bodies_keep_their_world_shape_mass_friction_and_bounce(
    worker: BlockingWorker, worker_workspace: Path
) -> None:
    ok(worker.call("create_primitive", kind="plane", name="Floor", size=10))
    ok(worker.call("create_primitive", kind="uv_sphere", name="Ball", location=[0, 0, 3]))
    bodies = ok(
        worker.call("set_rigid_body", names=["Ball"], shape="sphere", mass=2.5, friction=0.2, restitution=0.9)
    )["bodies"]
    assert bodies == [
        {
            "name": "Ball",
            "type": "active",
            "shape": "sphere",
            "mass": 2.5,
            "friction": 0.2,
            "restitution": 0.9,
            "animated": False,
        }
    ]
    ok(worker.call("set_rigid_body", names=["Floor"], type="passive", shape="mesh"))
    ok(worker.call("set_timeline", frame_start=1, frame_end=90, fps=30, gravity=[0, 0, -5]))

    bpy = reopen(worker, worker_workspace, "anim/rigid.blend")
    scene = bpy.context.scene
    world = scene.rigidbody_world
    assert world is not None and sorted(o.name for o in world.collection.objects) == ["Ball", "Floor"]
    ball, floor = bpy.data.objects["Ball"].rigid_body, bpy.data.objects["Floor"].rigid_body
    assert (ball.type, ball.collision_shape, ball.mass) == ("ACTIVE", "SPHERE", 2.5)
    assert math.isclose(ball.friction, 0.2, rel_tol=1e-6) and math.isclose(
        ball.restitution, 0.9, rel_tol=1e-6
    )
    assert (floor.type, floor.collision_shape) == ("PASSIVE", "MESH")
    assert (scene.frame_start, scene.frame_end, scene.render.fps) == (1, 90, 30)
    assert tuple(scene.gravity) == (0, 0, -5) and world.point_cache.frame_end == 90


def test_removing_a_rigid_body_and_bad_settings(worker: BlockingWorker) -> None:
    ok(worker.call("create_primitive", kind="cube", name="Crate"))
    ok(worker.call("create_empty", name="Marker"))
    ok(worker.call("set_rigid_body", names=["Crate"]))
    assert ok(worker.call("set_rigid_body", names=["Crate"], type="none"))["bodies"] == [
        {"name": "Crate", "type": "none"}
    ]
    refused(worker.call("set_rigid_body", names=["Marker"]), "wrong_type", "Marker (empty)")
    refused(worker.call("set_rigid_body", names=["Crate"], mass=0), "mass")
    refused(worker.call("set_rigid_body", names=["Crate"], restitution=2), "restitution")
    refused(worker.call("set_rigid_body", names=["Crate"], type="none", mass=1), "invalid_argument", "none")
    refused(worker.call("set_timeline", frame_start=50, frame_end=10), "invalid_argument", "before")
    refused(worker.call("set_timeline", fps=0), "fps")


def test_keyframes_on_transforms_materials_and_lights(worker: BlockingWorker, worker_workspace: Path) -> None:
    ok(worker.call("create_primitive", kind="cube", name="Box"))
    ok(worker.call("create_material", name="Paint", color="#ff0000"))
    ok(worker.call("assign_material", objects=["Box"], material="Paint"))
    ok(worker.call("add_light", type="point", name="Lamp", location=[0, 0, 3]))
    ok(worker.call("insert_keyframe", name="Box", property="location", frame=1, value=[0, 0, 0]))
    moved = ok(
        worker.call(
            "insert_keyframe",
            name="Box",
            property="location",
            frame=40,
            value=[0, 0, 2],
            interpolation="linear",
        )
    )
    assert moved["keyed_frames"] == [1, 40] and moved["value"] == [0, 0, 2]
    ok(worker.call("insert_keyframe", name="Box", property="rotation", frame=40, value=[0, 0, 90]))
    ok(worker.call("insert_keyframe", name="Box", property="base_color", frame=1))  # keys the current red
    ok(worker.call("insert_keyframe", name="Box", property="base_color", frame=40, value="#0000ff"))
    ok(worker.call("insert_keyframe", name="Box", property="roughness", frame=40, value=0.1))
    ok(worker.call("insert_keyframe", name="Lamp", property="light_power", frame=10, value=250))

    bpy = reopen(worker, worker_workspace, "anim/keys.blend")
    box = bpy.data.objects["Box"]
    curves = _fcurves(bpy, box)
    assert curves["location[2]"] == [(1, 0), (40, 2)]
    assert curves["rotation_euler[2]"] == [(40, round(math.radians(90), 4))]
    linear = next(kp for kp in _iter_keys(box, "location", 2) if kp.co[0] == 40)
    assert linear.interpolation == "LINEAR"
    tree = bpy.data.materials["Paint"].node_tree
    bsdf = next(n for n in tree.nodes if n.type == "BSDF_PRINCIPLED")
    color = bsdf.inputs["Base Color"].path_from_id("default_value")
    rough = bsdf.inputs["Roughness"].path_from_id("default_value")
    material_curves = _fcurves(bpy, tree)
    assert material_curves[f"{color}[0]"] == [(1, 1.0), (40, 0.0)]  # red fades out
    assert material_curves[f"{color}[2]"] == [(1, 0.0), (40, 1.0)]  # blue comes in
    assert material_curves[f"{rough}[0]"] == [(40, 0.1)]
    assert bpy.data.objects["Lamp"].data.animation_data is not None
    assert _fcurves(bpy, bpy.data.objects["Lamp"].data)["energy[0]"] == [(10, 250)]
    bpy.context.scene.frame_set(20)
    assert 0 < box.matrix_world.translation.z < 2  # animated between the keys


def _iter_keys(obj: Any, path: str, index: int) -> Any:
    from bpy_extras import anim_utils

    anim = obj.animation_data
    bag = anim_utils.action_get_channelbag_for_slot(anim.action, anim.action_slot)
    return next(fc for fc in bag.fcurves if fc.data_path == path and fc.array_index == index).keyframe_points


def test_keyframes_refuse_wrong_targets_and_values(worker: BlockingWorker) -> None:
    ok(worker.call("create_primitive", kind="cube", name="Box"))
    refused(
        worker.call("insert_keyframe", name="Box", property="light_power", frame=1, value=10),
        "wrong_type",
        "light",
    )
    refused(
        worker.call("insert_keyframe", name="Box", property="metallic", frame=1, value=0.5),
        "not_found",
        "material",
    )
    refused(
        worker.call("insert_keyframe", name="Box", property="location", frame=1, value=[1, 2]),
        "invalid_argument",
    )
    refused(
        worker.call("insert_keyframe", name="Box", property="scale", frame=1, value=[0, 1, 1]),
        "invalid_argument",
    )
    refused(worker.call("insert_keyframe", name="Box", property="location", frame=-1), "frame")
    assert ok(worker.call("get_object_info", name="Box"))["location"] == [0, 0, 0]
