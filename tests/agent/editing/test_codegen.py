"""The code generator on a real worker: add_object honours what was said, recolouring keeps materials."""

from __future__ import annotations

import pytest

from async_worker import AsyncWorker
from prompt2mesh.agent.editing.codegen import CodeGenerator
from prompt2mesh.agent.editing.scene_state import SceneState, read_scene
from prompt2mesh.agent.editing.taskspec import Operation, TaskSpec
from prompt2mesh.workers.blocking import BlockingWorker


def build_tree(worker: BlockingWorker) -> None:
    """A 2.2 m tree (an empty with a cone and a trunk), a gold glowing star and gold baubles."""
    calls = [
        ("create_empty", {"name": "Tree"}),
        (
            "create_primitive",
            {
                "kind": "cylinder",
                "name": "Trunk",
                "radius": 0.1,
                "depth": 0.3,
                "location": [0, 0, 0.15],
                "parent": "Tree",
            },
        ),
        (
            "create_primitive",
            {
                "kind": "cone",
                "name": "Foliage",
                "radius": 0.8,
                "depth": 1.8,
                "location": [0, 0, 1.2],
                "parent": "Tree",
            },
        ),
        (
            "create_material",
            {
                "name": "Gold",
                "color": "#ffcc33",
                "metallic": 1.0,
                "roughness": 0.2,
                "emission_color": "#ffdd55",
                "emission_strength": 2.0,
            },
        ),
        (
            "create_primitive",
            {
                "kind": "ico_sphere",
                "name": "Star",
                "radius": 0.1,
                "location": [0, 0, 2.15],
                "material": "Gold",
            },
        ),
        (
            "create_primitive",
            {
                "kind": "uv_sphere",
                "name": "Bauble",
                "radius": 0.05,
                "location": [0.5, 0, 0.8],
                "material": "Gold",
            },
        ),
    ]
    for tool, args in calls:
        result = worker.call(tool, **args)
        assert result.ok, result.error


async def apply(runner: AsyncWorker, spec: TaskSpec) -> SceneState:
    before = await read_scene(runner)
    out = CodeGenerator().generate(spec, before)
    for call in out.calls:
        result = await runner.call(call.tool, call.args)
        assert result.ok, (call, result.error)
    return await read_scene(runner)


def spec(*operations: Operation) -> TaskSpec:
    return TaskSpec(task_type="modify", intent="edit", operations=list(operations), confidence=0.9)


async def test_a_gift_box_under_the_tree_keeps_its_name_size_and_stands_under_the_canopy(
    worker: BlockingWorker, runner: AsyncWorker
) -> None:
    build_tree(worker)
    after = await apply(
        runner,
        spec(
            Operation(
                action="add_object",
                target="Gift_Box",
                parameters={
                    "shape": "cube",
                    "name": "Gift_Box",
                    "size": [0.3, 0.3, 0.25],
                    "color": "#cc2222",
                    "relation": "under",
                    "anchor": "Tree",
                },
            )
        ),
    )
    box, tree = after.objects["Gift_Box"], after.objects["Tree"]
    assert (
        box.bbox_min is not None
        and box.bbox_max is not None
        and tree.bbox_min is not None
        and tree.bbox_max is not None
    )
    assert box.size == pytest.approx([0.3, 0.3, 0.25], abs=0.03)
    assert abs(box.bbox_min[2] - tree.bbox_min[2]) < 1e-3  # on the floor the tree stands on
    assert all(tree.bbox_min[i] <= box.center[i] <= tree.bbox_max[i] for i in (0, 1))  # inside its footprint
    trunk = after.objects["Trunk"]
    assert trunk.bbox_min is not None and box.bbox_max[1] <= trunk.bbox_min[1]  # clear of the trunk
    colours = {after.materials[m]["color"] for part in after.meshes_of("Gift_Box") for m in part.materials}
    assert "#cc2222" in colours


async def test_an_explicit_location_wins_over_the_relation(
    worker: BlockingWorker, runner: AsyncWorker
) -> None:
    build_tree(worker)
    after = await apply(
        runner,
        spec(
            Operation(
                action="add_object",
                target="",
                parameters={"kind": "sphere", "name": "Ball", "size": 0.2, "location": [2, 1, 0]},
            )
        ),
    )
    ball = after.objects["Ball"]
    assert [round(v, 3) for v in ball.center] == [2.0, 1.0, 0.1]


async def test_recolouring_a_shared_metal_copies_it_and_keeps_metal_and_glow(
    worker: BlockingWorker, runner: AsyncWorker
) -> None:
    build_tree(worker)
    after = await apply(
        runner,
        spec(
            Operation(
                action="set_color", target="Star", parameters={"color": "#e0b030", "color_name": "gold"}
            )
        ),
    )
    star_material = after.objects["Star"].materials[0]
    assert star_material != "Gold"  # the baubles wear Gold too: the star got its own copy
    assert after.objects["Bauble"].materials == ["Gold"] and after.materials["Gold"]["color"] == "#ffcc33"
    new = after.materials[star_material]
    assert new["color"] == "#e0b030" and new["metallic"] == 1.0 and new["emission_color"] == "#ffdd55"


async def test_recolouring_an_unshared_material_changes_it_in_place(
    worker: BlockingWorker, runner: AsyncWorker
) -> None:
    build_tree(worker)
    worker.call("delete_objects", names=["Bauble"])
    after = await apply(
        runner, spec(Operation(action="set_material", target="Star", parameters={"material": "silver"}))
    )
    assert after.objects["Star"].materials == ["Gold"]
    gold = after.materials["Gold"]
    assert gold["metallic"] == 1.0 and gold["color"] != "#ffcc33" and gold["emission_color"] == "#ffdd55"
    assert "Star_Silver" not in after.materials


async def test_restyling_every_part_that_shares_a_material_changes_it_once_in_place(
    worker: BlockingWorker, runner: AsyncWorker
) -> None:
    build_tree(worker)
    after = await apply(
        runner,
        spec(
            Operation(action="set_material", target="Star", parameters={"material": "gold"}),
            Operation(action="set_material", target="Bauble", parameters={"material": "gold"}),
        ),
    )
    assert after.objects["Star"].materials == ["Gold"] and after.objects["Bauble"].materials == ["Gold"]
    assert [m for m in after.materials if m.startswith("Gold")] == ["Gold"]
    assert after.materials["Gold"]["emission_color"] == "#ffdd55"


async def test_what_stands_on_a_scaled_table_rides_up_with_its_top(
    worker: BlockingWorker, runner: AsyncWorker
) -> None:
    """A real model saw a vase sunk into a table made 20% bigger (edit cassette, issue 10)."""
    for tool, args in [
        (
            "create_primitive",
            {
                "kind": "cube",
                "name": "Table",
                "size": 1,
                "scale": [1.2, 0.7, 0.75],
                "location": [0, 0, 0.375],
            },
        ),
        (
            "create_primitive",
            {"kind": "cylinder", "name": "Vase", "radius": 0.07, "depth": 0.2, "location": [0.3, 0.1, 0.85]},
        ),
        ("create_primitive", {"kind": "cube", "name": "Box", "size": 0.4, "location": [-1.3, 0, 0.2]}),
    ]:
        assert worker.call(tool, **args).ok
    after = await apply(runner, spec(Operation(action="scale", target="Table", parameters={"factor": 1.2})))
    table, vase, box = after.objects["Table"], after.objects["Vase"], after.objects["Box"]
    assert table.bbox_max is not None and vase.bbox_min is not None and box.bbox_min is not None
    assert table.bbox_max[2] == pytest.approx(0.9, abs=1e-3)
    assert vase.bbox_min[2] == pytest.approx(0.9, abs=1e-3)  # on the new top, not sunk into it
    assert vase.center[:2] == pytest.approx([0.36, 0.12], abs=1e-3)  # the same spot on a bigger top
    assert box.center == pytest.approx([-1.3, 0, 0.2], abs=1e-3)  # beside it on the floor: untouched


async def test_a_copy_is_put_where_nothing_stands(worker: BlockingWorker, runner: AsyncWorker) -> None:
    """A real model saw "make a copy of the chair" put the copy through a floor lamp on its right."""
    for tool, args in [
        ("create_primitive", {"kind": "cube", "name": "Chair", "size": 0.45, "location": [0, 0, 0.225]}),
        (
            "create_primitive",
            {"kind": "cylinder", "name": "Lamp", "radius": 0.15, "depth": 1.6, "location": [0.55, 0, 0.8]},
        ),
    ]:
        assert worker.call(tool, **args).ok
    after = await apply(runner, spec(Operation(action="duplicate", target="Chair", parameters={})))
    [copy] = [o for n, o in after.objects.items() if n.startswith("Chair") and n != "Chair"]
    lamp = after.objects["Lamp"]
    assert copy.bbox_min is not None and copy.bbox_max is not None
    assert lamp.bbox_min is not None and lamp.bbox_max is not None
    overlaps = all(
        copy.bbox_min[i] < lamp.bbox_max[i] and lamp.bbox_min[i] < copy.bbox_max[i] for i in range(3)
    )
    assert not overlaps
    assert copy.center == pytest.approx([-0.55, 0, 0.225], abs=1e-3)  # the left was free
