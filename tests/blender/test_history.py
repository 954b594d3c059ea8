"""Undo/redo over MCP, and the History ring buffer in-process."""

import time
from pathlib import Path

import pytest

from prompt2mesh.workers.blocking import BlockingWorker


def _ok(worker: BlockingWorker, tool: str, **args: object) -> dict:  # type: ignore[type-arg]
    result = worker.call(tool, **args)
    assert result.ok, result.error
    assert isinstance(result.result, dict)
    return result.result


def _names(worker: BlockingWorker) -> list[str]:
    return sorted(o["name"] for o in _ok(worker, "get_scene_info")["objects"])


def test_undo_restores_a_deleted_object_and_redo_deletes_it_again(worker: BlockingWorker) -> None:
    _ok(worker, "create_primitive", kind="cube", name="Keep")
    _ok(worker, "create_primitive", kind="uv_sphere", name="Doomed", location=[3, 0, 0])
    _ok(worker, "delete_objects", names=["Doomed"])
    assert _names(worker) == ["Keep"]
    undone = _ok(worker, "undo")
    assert undone["undone"] == ["delete_objects"] and undone["redo"] == ["delete_objects"]
    assert _names(worker) == ["Doomed", "Keep"]
    assert _ok(worker, "get_object_info", name="Doomed")["location"] == [3, 0, 0]
    redone = _ok(worker, "redo")
    assert redone["redone"] == ["delete_objects"] and redone["redo"] == []
    assert _names(worker) == ["Keep"]


def test_undo_several_steps_and_redo_them_in_order(worker: BlockingWorker) -> None:
    for name in ("One", "Two", "Three"):
        _ok(worker, "create_primitive", kind="cube", name=name)
    assert _ok(worker, "get_history")["undo"][-3:] == ["create_primitive"] * 3
    _ok(worker, "undo", steps=2)
    assert _names(worker) == ["One"]
    _ok(worker, "redo")
    assert _names(worker) == ["One", "Two"]
    _ok(worker, "redo")
    assert _names(worker) == ["One", "Three", "Two"]


def test_a_new_change_after_undo_clears_redo(worker: BlockingWorker) -> None:
    _ok(worker, "create_primitive", kind="cube", name="First")
    _ok(worker, "undo")
    _ok(worker, "create_primitive", kind="cube", name="Second")
    assert _ok(worker, "get_history")["redo"] == []
    nothing = worker.call("redo")
    assert not nothing.ok and "only 0 available" in (nothing.error or "")


def test_undo_refuses_more_steps_than_recorded(worker: BlockingWorker) -> None:
    recorded = len(_ok(worker, "get_history")["undo"])
    too_many = worker.call("undo", steps=recorded + 1)
    assert not too_many.ok and f"only {recorded} available" in (too_many.error or "")
    zero = worker.call("undo", steps=0)
    assert not zero.ok


def test_inspection_and_screenshots_record_nothing(worker: BlockingWorker) -> None:
    _ok(worker, "create_primitive", kind="cube")
    before = _ok(worker, "get_history")
    for tool in ("get_scene_info", "get_viewport_screenshot", "analyze_scene_problems", "get_history"):
        assert worker.call(tool).ok
    assert _ok(worker, "get_history") == before


@pytest.fixture(scope="module")
def local_worker(tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    """A Worker in this process (imports bpy here) with a short history."""
    from prompt2mesh.blender.runtime import Worker, WorkerConfig

    return Worker(WorkerConfig(workspace=Path(tmp_path_factory.mktemp("history")), history_size=3))


def test_the_history_keeps_only_the_configured_number_of_steps_and_their_files(local_worker) -> None:  # type: ignore[no-untyped-def]
    import bpy

    bpy.ops.wm.read_homefile(use_empty=True, use_factory_startup=True)
    history = local_worker.history
    for i in range(5):
        history.snapshot(f"step{i}")
        bpy.context.scene.collection.objects.link(bpy.data.objects.new(f"E{i}", None))
    assert history.labels() == {"undo": ["step2", "step3", "step4"], "redo": []}
    assert len(list(history.directory.glob("*.blend"))) == 3
    history.undo(3)
    assert sorted(o.name for o in bpy.data.objects) == ["E0", "E1"]
    assert history.labels() == {"undo": [], "redo": ["step4", "step3", "step2"]}
    assert len(list(history.directory.glob("*.blend"))) == 3


def test_a_snapshot_of_a_hundred_object_scene_takes_a_few_milliseconds(local_worker) -> None:  # type: ignore[no-untyped-def]
    import bpy

    bpy.ops.wm.read_homefile(use_empty=True, use_factory_startup=True)
    mesh = bpy.data.meshes.new("m")
    mesh.from_pydata([(0, 0, 0), (1, 0, 0), (0, 1, 0)], [], [(0, 1, 2)])
    for i in range(100):
        bpy.context.scene.collection.objects.link(bpy.data.objects.new(f"O{i}", mesh.copy()))
    history = local_worker.history
    started = time.perf_counter()
    for i in range(10):
        history.snapshot(f"s{i}")
    per_snapshot = (time.perf_counter() - started) / 10
    started = time.perf_counter()
    history.undo(1)
    per_undo = time.perf_counter() - started
    assert per_snapshot < 0.05 and per_undo < 0.2, (per_snapshot, per_undo)
