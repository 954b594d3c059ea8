"""Import and export through MCP: every format round-trips a mesh, export options (scale, up axis,
selected only) change the file, and paths stay inside the workspace."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from prompt2mesh.workers.blocking import BlockingWorker
from reopen import ok, refused, reopen

FORMATS = [
    ("glb", "glb"),
    ("gltf", "gltf"),
    ("obj", "obj"),
    ("stl", "stl"),
    ("ply", "ply"),
    ("fbx", "fbx"),
    ("usd", "usdz"),
]

#: Formats that store triangles only (or whose importer reads triangles back).
TRIANGLES = {"glb": 12, "gltf": 12, "stl": 12}


def _dims(bpy: Any, names: list[str]) -> list[float]:
    """World bounding box size of the imported meshes together."""
    from mathutils import Vector

    points = [
        o.matrix_world @ Vector(c)
        for n in names
        if (o := bpy.data.objects[n]).type == "MESH"
        for c in o.bound_box
    ]
    return [round(max(p[i] for p in points) - min(p[i] for p in points), 3) for i in range(3)]


def _tower(worker: BlockingWorker) -> None:
    ok(
        worker.call(
            "create_primitive", kind="cube", name="Tower", size=1, scale=[1, 1, 3], location=[0, 0, 1.5]
        )
    )


def test_every_format_round_trips_a_mesh(worker: BlockingWorker, worker_workspace: Path) -> None:
    _tower(worker)
    for fmt, suffix in FORMATS:
        ok(worker.call("export_scene", format=fmt, filename=f"io/tower.{suffix}"))
    ok(worker.call("new_scene"))
    imported = {}
    for _, suffix in FORMATS:
        result = ok(worker.call("import_model", filename=f"io/tower.{suffix}"))
        assert result["meshes"] == 1, (suffix, result)
        imported[suffix] = result

    bpy = reopen(worker, worker_workspace, "io/imported.blend")
    for suffix, result in imported.items():
        meshes = [n for n in result["objects"] if bpy.data.objects[n].type == "MESH"]
        assert _dims(bpy, meshes) == [1, 1, 3], suffix  # Z stays up through every format
        obj = bpy.data.objects[meshes[0]]
        world = obj.data.copy()
        world.transform(obj.matrix_world)
        assert abs(sum(p.area for p in world.polygons) - 14.0) < 1e-3, suffix  # 1 x 1 x 3 box surface
        assert len(world.polygons) == TRIANGLES.get(suffix, 6), suffix


def test_export_scale_up_axis_and_selection_change_the_file(
    worker: BlockingWorker, worker_workspace: Path
) -> None:
    _tower(worker)
    ok(worker.call("create_primitive", kind="uv_sphere", name="Ball", location=[5, 0, 0]))
    ok(worker.call("export_scene", format="obj", filename="io/double.obj", scale=2))
    ok(worker.call("select_objects", names=["Tower"]))
    ok(worker.call("export_scene", format="stl", filename="io/y_up.stl", up_axis="y", selected_only=True))
    ok(worker.call("select_objects", names=["Ball"]))
    ok(worker.call("export_scene", format="ply", filename="io/ball.ply", selected_only=True))
    ok(worker.call("new_scene"))
    double = ok(worker.call("import_model", filename="io/double.obj"))
    lying = ok(worker.call("import_model", filename="io/y_up.stl"))  # read back as Z-up
    ball = ok(worker.call("import_model", filename="io/ball.ply"))
    halved = ok(worker.call("import_model", filename="io/double.obj", scale=0.5))

    bpy = reopen(worker, worker_workspace, "io/options.blend")
    assert _dims(bpy, [n for n in double["objects"] if "Tower" in n]) == [2, 2, 6]
    assert _dims(bpy, [n for n in halved["objects"] if "Tower" in n]) == [1, 1, 3]
    assert _dims(bpy, lying["objects"]) == [1, 3, 1]  # the tall axis was written as Y
    assert ball["meshes"] == 1 and _dims(bpy, ball["objects"]) == [2, 2, 2]


def test_import_is_confined_to_the_workspace_and_checks_the_file(
    worker: BlockingWorker, worker_workspace: Path
) -> None:
    (worker_workspace / "io").mkdir(exist_ok=True)
    (worker_workspace / "io" / "notes.txt").write_text("not a model")
    (worker_workspace / "io" / "broken.glb").write_bytes(b"\x00garbage")
    ok(worker.call("create_material", name="Unused", color="#123456"))  # no users yet
    refused(worker.call("import_model", filename="../outside.obj"), "path_outside_workspace")
    refused(worker.call("import_model", filename="/etc/passwd.obj"), "path_outside_workspace")
    refused(worker.call("import_model", filename="io/missing.obj"), "not_found", "missing.obj")
    refused(worker.call("import_model", filename="io/notes.txt"), "invalid_argument", ".obj")
    refused(worker.call("import_model", filename="io/broken.glb"), "blender_operation_failed", "broken.glb")
    refused(worker.call("import_model", filename="io/x.obj", scale=0), "scale")
    assert ok(worker.call("get_scene_info"))["objects"] == []
    # A refused import removes only what it added: the unassigned material is still there.
    assert [m["name"] for m in ok(worker.call("list_materials"))["materials"]] == ["Unused"]


@pytest.mark.parametrize(
    ("args", "code", "fragment"),
    [
        ({"format": "glb", "filename": "a.glb", "scale": 2}, "invalid_argument", "no scale"),
        ({"format": "ply", "filename": "a.stl"}, "invalid_argument", ".ply"),
        ({"format": "obj", "filename": "a.obj", "up_axis": "x"}, "", "up_axis"),
        ({"format": "stl", "filename": "a.stl", "scale": -1}, "", "scale"),
    ],
)
def test_export_refuses_bad_options(
    worker: BlockingWorker, args: dict[str, Any], code: str, fragment: str
) -> None:
    _tower(worker)
    refused(worker.call("export_scene", **args), code, fragment)
