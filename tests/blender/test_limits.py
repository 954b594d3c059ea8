"""Heavy work is budgeted before it starts, for the whole scene (issue 15, items 2 and 16).

Each worker here is started with small limits (``prompt2mesh mcp --max-...`` flags), so the
budgets bite on small scenes and the tests stay fast.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from prompt2mesh.workers.blocking import BlockingWorker

pytestmark = pytest.mark.timeout(180)


@pytest.fixture(scope="module")
def small_shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BlockingWorker]:
    limits = [
        "--max-vertices", "50000",
        "--max-render-pixel-samples", str(128 * 128 * 4),
        "--history-max-bytes", str(3 * 1024 * 1024),
        "--max-workspace-bytes", str(6 * 1024 * 1024),
    ]  # fmt: skip
    with BlockingWorker(tmp_path_factory.mktemp("limits"), timeout_s=120, extra_args=limits) as worker:
        yield worker


@pytest.fixture
def small_worker(small_shared: BlockingWorker) -> BlockingWorker:
    assert small_shared.call("new_scene").ok
    return small_shared


def _object_count(worker: BlockingWorker) -> int:
    return int(worker.call("get_scene_info").result["total"])


def test_duplicates_are_budgeted_for_the_whole_scene(small_worker: BlockingWorker) -> None:
    # 100 x 100 grid: 10,000 vertices; the per-object limit alone would allow any number of copies.
    grid = small_worker.call("create_primitive", kind="grid", name="G", subdivisions=99)
    assert grid.ok, grid.error
    assert small_worker.call("duplicate_object", name="G", count=3).ok  # 40,000 in all
    refused = small_worker.call("duplicate_object", name="G", count=2)
    assert not refused.ok and "[limit_exceeded]" in (refused.error or "")
    assert "whole scene" in (refused.error or "") and "50,000" in (refused.error or "")
    assert _object_count(small_worker) == 4  # refused before anything was copied


def test_modifiers_are_budgeted_for_the_whole_scene(small_worker: BlockingWorker) -> None:
    assert small_worker.call("create_primitive", kind="grid", name="A", subdivisions=99).ok
    assert small_worker.call("create_primitive", kind="grid", name="B", subdivisions=99).ok
    ok = small_worker.call("add_modifier", object="A", type="array", params={"count": 3})
    assert ok.ok, ok.error  # 30,000 + 10,000
    refused = small_worker.call("add_modifier", object="B", type="array", params={"count": 3})
    assert not refused.ok and "[limit_exceeded]" in (refused.error or "")
    assert small_worker.call("get_object_info", name="B").result["modifiers"] == []


def test_creation_counts_the_scene_that_is_already_there(small_worker: BlockingWorker) -> None:
    for name in ("A", "B", "C", "D", "E"):  # 10,000 vertices each: exactly the budget
        assert small_worker.call("create_primitive", kind="grid", name=name, subdivisions=99).ok
    refused = small_worker.call("create_primitive", kind="grid", name="F", subdivisions=99)
    assert not refused.ok and "would bring the scene to about 60,000" in (refused.error or "")


def test_renders_are_budgeted_by_pixels_times_samples(small_worker: BlockingWorker) -> None:
    assert small_worker.call("create_primitive", kind="cube").ok
    refused = small_worker.call("render_image", engine="cycles", width=256, height=256, samples=4)
    assert not refused.ok and "pixel-samples" in (refused.error or "")
    small = small_worker.call("render_image", engine="cycles", width=128, height=128, samples=4)
    assert small.ok, small.error


def test_undo_history_is_bounded_by_bytes(small_worker: BlockingWorker) -> None:
    """Each snapshot of this scene is about 1 MB; the history may hold 3 MB."""
    assert small_worker.call("create_primitive", kind="grid", name="G", subdivisions=99).ok
    for z in range(8):
        assert small_worker.call("set_transform", name="G", location=[0, 0, z]).ok
    undo = small_worker.call("get_history").result["undo"]
    assert 1 <= len(undo) < 8, undo
    snapshots = list((small_worker.workspace / ".p2m" / "history").glob("*.blend"))
    assert sum(p.stat().st_size for p in snapshots) <= 3 * 1024 * 1024
    assert small_worker.call("undo").ok  # what is kept still works
    assert small_worker.call("get_object_info", name="G").result["location"] == [0.0, 0.0, 6.0]


def test_the_workspace_has_a_disk_quota(small_worker: BlockingWorker) -> None:
    assert small_worker.call("create_primitive", kind="grid", name="G", subdivisions=99).ok
    saved = 0
    for i in range(20):
        result = small_worker.call("save_blend", filename=f"copies/{i}.blend")
        if not result.ok:
            assert "[limit_exceeded]" in (result.error or "") and "quota" in (result.error or "")
            break
        saved += 1
    assert 2 <= saved < 20
    assert small_worker.call("get_scene_info").ok  # calls without files go on
