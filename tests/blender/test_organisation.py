"""Scene organisation through a real MCP session: collections, visibility, custom properties,
vertex and bone parents, each checked in the reopened .blend."""

from __future__ import annotations

from pathlib import Path

from prompt2mesh.workers.blocking import BlockingWorker
from reopen import ok, refused, reopen


def test_nested_collections_hold_their_objects_and_visibility_after_reopening(
    worker: BlockingWorker, worker_workspace: Path
) -> None:
    ok(worker.call("create_primitive", kind="cube", name="Chair"))
    ok(worker.call("create_primitive", kind="cube", name="Table"))
    ok(worker.call("create_primitive", kind="uv_sphere", name="Lamp"))
    furniture = ok(worker.call("set_collection", name="Furniture", objects=["Chair", "Table"]))
    assert furniture["objects"] == ["Chair", "Table"] and furniture["parent"] == "Scene Collection"
    ok(worker.call("set_collection", name="Lights", parent="Furniture", objects=["Lamp"], hide_render=True))
    ok(worker.call("set_collection", name="Spare", exclude=True))
    ok(worker.call("set_collection", name="Furniture", unlink=["Table"]))
    listed = {c["name"]: c for c in ok(worker.call("list_collections"))["collections"]}
    assert listed["Furniture"]["children"] == ["Lights"] and listed["Spare"]["exclude"] is True

    bpy = reopen(worker, worker_workspace, "org/collections.blend")
    furniture_c = bpy.data.collections["Furniture"]
    assert sorted(o.name for o in furniture_c.objects) == ["Chair"]
    assert [c.name for c in furniture_c.children] == ["Lights"]
    assert [o.name for o in bpy.data.collections["Lights"].objects] == ["Lamp"]
    assert bpy.data.collections["Lights"].hide_render is True
    # Moved, not copied: Chair left the scene root; Table, unlinked from its only collection, is back there.
    root = bpy.context.scene.collection
    assert "Chair" not in root.objects and "Table" in root.objects
    spare = bpy.context.view_layer.layer_collection.children["Spare"]
    assert spare.exclude is True


def test_collections_refuse_cycles_unknown_names_and_contradictions(worker: BlockingWorker) -> None:
    ok(worker.call("create_primitive", kind="cube", name="Cube"))
    ok(worker.call("set_collection", name="A"))
    ok(worker.call("set_collection", name="B", parent="A"))
    refused(worker.call("set_collection", name="A", parent="B"), "invalid_argument", "cycle")
    refused(worker.call("set_collection", name="C", parent="Nowhere"), "not_found", "'Nowhere'", "A, B")
    refused(worker.call("set_collection", name="A", objects=["Ghost"]), "not_found", "'Ghost'")
    refused(
        worker.call("set_collection", name="A", objects=["Cube"], unlink=["Cube"]),
        "invalid_argument",
        "both",
    )
    refused(worker.call("set_collection", name="Scene Collection", exclude=True), "invalid_argument", "root")
    assert [c["name"] for c in ok(worker.call("list_collections"))["collections"]] == [
        "Scene Collection",
        "A",
        "B",
    ]


def test_visibility_and_custom_properties_persist(worker: BlockingWorker, worker_workspace: Path) -> None:
    ok(worker.call("create_primitive", kind="cube", name="Crate"))
    ok(worker.call("create_primitive", kind="cube", name="Ghost"))
    shown = ok(worker.call("set_visibility", names=["Ghost"], viewport=False, render=False))
    assert shown["objects"] == [{"name": "Ghost", "viewport": False, "render": False}]
    props = ok(
        worker.call(
            "set_custom_properties",
            name="Crate",
            properties={"price": 12.5, "sku": "CR-1", "stock": 3, "fragile": True, "size": [1, 2, 3]},
        )
    )["properties"]
    assert props["sku"] == "CR-1" and props["size"] == [1, 2, 3]
    ok(worker.call("set_custom_properties", name="Crate", properties={"stock": None}))

    bpy = reopen(worker, worker_workspace, "org/visibility.blend")
    ghost, crate = bpy.data.objects["Ghost"], bpy.data.objects["Crate"]
    assert ghost.hide_render and ghost.hide_viewport and not crate.hide_render
    assert crate["price"] == 12.5 and crate["sku"] == "CR-1" and crate["fragile"] is True
    assert list(crate["size"]) == [1, 2, 3] and "stock" not in crate.keys()


def test_visibility_and_properties_refuse_bad_input(worker: BlockingWorker) -> None:
    ok(worker.call("create_primitive", kind="cube", name="Cube"))
    refused(worker.call("set_visibility", names=["Cube"]), "invalid_argument", "viewport and/or render")
    refused(
        worker.call("set_custom_properties", name="Cube", properties={"_x": 1}), "invalid_argument", "'_x'"
    )
    refused(
        worker.call("set_custom_properties", name="Cube", properties={"gone": None}), "not_found", "'gone'"
    )
    refused(
        worker.call("set_custom_properties", name="Cube", properties={"v": [1.0] * 40}), "invalid_argument"
    )


def test_an_object_parented_to_a_vertex_follows_that_vertex(
    worker: BlockingWorker, worker_workspace: Path
) -> None:
    ok(worker.call("create_primitive", kind="plane", name="Cloth", size=2))
    ok(worker.call("create_primitive", kind="uv_sphere", name="Bead", radius=0.1, location=[3, 0, 1]))
    result = ok(worker.call("parent_to_element", child="Bead", parent="Cloth", vertices=[3]))
    assert result["parent_type"] == "vertex" and result["location"] == [3, 0, 1]  # stays in place

    bpy = reopen(worker, worker_workspace, "org/vertex_parent.blend")
    bead, cloth = bpy.data.objects["Bead"], bpy.data.objects["Cloth"]
    assert bead.parent == cloth and bead.parent_type == "VERTEX" and bead.parent_vertices[0] == 3
    before = bead.matrix_world.translation.copy()
    cloth.data.vertices[3].co.z += 2.0
    cloth.data.update()
    bpy.context.view_layer.update()
    assert abs((bead.matrix_world.translation - before).z - 2.0) < 1e-4  # it rode along
    assert abs(before.x - 3) < 1e-4 and abs(before.z - 1) < 1e-4


def test_an_object_follows_a_bone_of_an_armature(worker: BlockingWorker, worker_workspace: Path) -> None:
    import bpy

    bpy.ops.wm.read_homefile(use_empty=True, use_factory_startup=True)
    arm = bpy.data.objects.new("Rig", bpy.data.armatures.new("Rig"))
    bpy.context.scene.collection.objects.link(arm)
    bpy.context.view_layer.objects.active = arm
    bpy.ops.object.mode_set(mode="EDIT")
    bone = arm.data.edit_bones.new("Hand")
    bone.head, bone.tail = (0, 0, 0), (0, 0, 1)
    bpy.ops.object.mode_set(mode="OBJECT")
    bpy.ops.wm.save_as_mainfile(filepath=str(worker_workspace / "org/rig.blend"))
    ok(worker.call("open_blend", filename="org/rig.blend"))
    ok(worker.call("create_primitive", kind="cube", name="Sword", size=0.2, location=[0, 0, 2]))
    refused(worker.call("parent_to_element", child="Sword", parent="Rig", bone="Foot"), "not_found", "Hand")
    refused(worker.call("parent_to_element", child="Sword", parent="Rig", vertices=[0]), "wrong_type", "mesh")
    ok(worker.call("parent_to_element", child="Sword", parent="Rig", bone="Hand"))

    bpy = reopen(worker, worker_workspace, "org/bone_parent.blend")
    sword = bpy.data.objects["Sword"]
    assert sword.parent.name == "Rig" and sword.parent_type == "BONE" and sword.parent_bone == "Hand"
    assert abs(sword.matrix_world.translation.z - 2) < 1e-4


def test_vertex_parenting_refuses_bad_indices_and_cycles(worker: BlockingWorker) -> None:
    ok(worker.call("create_primitive", kind="cube", name="Cube"))
    ok(worker.call("create_empty", name="Pin", parent="Cube"))
    refused(
        worker.call("parent_to_element", child="Pin", parent="Cube", vertices=[99]),
        "invalid_argument",
        "8 vertices",
    )
    refused(worker.call("parent_to_element", child="Pin", parent="Cube", vertices=[0, 1]), "invalid_argument")
    refused(worker.call("parent_to_element", child="Cube", parent="Pin", vertices=[0]), "invalid_argument")
    refused(worker.call("parent_to_element", child="Pin", parent="Cube"), "invalid_argument", "exactly one")


def test_undo_takes_an_object_back_out_of_a_new_collection(worker: BlockingWorker) -> None:
    ok(worker.call("create_primitive", kind="cube", name="Cube"))
    ok(worker.call("set_collection", name="Boxes", objects=["Cube"]))
    ok(worker.call("undo"))
    collections = ok(worker.call("list_collections"))["collections"]
    assert [c["name"] for c in collections] == ["Scene Collection"] and collections[0]["objects"] == ["Cube"]
