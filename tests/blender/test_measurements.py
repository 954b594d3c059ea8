"""Measurements the model is shown are the geometry's, not inflated boxes (curves, overlaps)."""

import math

import pytest

from prompt2mesh.workers.blocking import BlockingWorker


def _ok(worker: BlockingWorker, tool: str, **args: object) -> dict:  # type: ignore[type-arg]
    result = worker.call(tool, **args)
    assert result.ok, result.error
    assert isinstance(result.result, dict)
    return result.result


def _tree(worker: BlockingWorker) -> None:
    _ok(worker, "create_empty", name="Tree")
    _ok(
        worker,
        "create_primitive",
        kind="cone",
        name="Foliage",
        radius=0.8,
        depth=1.8,
        location=[0, 0, 1.2],
        parent="Tree",
    )
    _ok(
        worker,
        "create_primitive",
        kind="cylinder",
        name="Trunk",
        radius=0.1,
        depth=0.3,
        location=[0, 0, 0.15],
        parent="Tree",
    )


def _spiral() -> list[list[float]]:
    points = []
    for i in range(40):
        t = i / 39
        z = 0.4 + 1.6 * t
        r = 0.82 * (1 - (z - 0.3) / 1.9) + 0.05
        points.append([r * math.cos(t * 6 * math.pi), r * math.sin(t * 6 * math.pi), z])
    return points


def test_a_garland_curve_reports_its_real_size_and_does_not_push_the_camera_away(
    worker: BlockingWorker,
) -> None:
    _tree(worker)
    before = _ok(worker, "frame_camera")["distance"]
    _ok(worker, "create_curve", name="Garland", points=_spiral(), bevel_depth=0.02)
    box = _ok(worker, "get_bounding_boxes", names=["Garland"])["boxes"]["Garland"]
    # The spiral's points reach 0.87 m from the axis and z 0.4..2.0 (plus the 2 cm tube).
    assert box["dimensions"][0] < 1.8 and box["min"][2] > 0.35 and box["max"][2] < 2.05
    info = _ok(worker, "get_object_info", name="Garland")
    assert info["dimensions"][2] < 1.7
    after = _ok(worker, "frame_camera")["distance"]
    assert after == pytest.approx(before, rel=0.05)


def test_a_bauble_half_in_the_foliage_interpenetrates_by_its_sunk_part_not_the_box_overlap(
    worker: BlockingWorker,
) -> None:
    _ok(worker, "create_primitive", kind="uv_sphere", name="Bush", radius=1.0, location=[0, 0, 1])
    # A 0.2 m bauble centred 1.06 m from the bush's centre: about 0.14 m of it is inside the bush,
    # while the bounding boxes overlap 0.4 m on every axis.
    _ok(worker, "create_primitive", kind="uv_sphere", name="Bauble", radius=0.2, location=[0.75, 0.75, 1])
    pairs = _ok(worker, "analyze_scene_problems")["intersecting"]
    assert [{p["a"], p["b"]} for p in pairs] == [{"Bauble", "Bush"}]
    assert pairs[0]["depth"] == pytest.approx(0.14, abs=0.04)


def test_a_thin_garland_on_a_cone_is_not_reported_as_deeply_intersecting(worker: BlockingWorker) -> None:
    _tree(worker)
    _ok(worker, "create_curve", name="Garland", points=_spiral(), bevel_depth=0.02)
    pairs = _ok(worker, "analyze_scene_problems")["intersecting"]
    for p in pairs:
        assert p["depth"] < 0.2, p  # the tube sinks a few cm into the cone at most, never the box overlap


def test_a_framed_tree_is_not_off_frame_because_of_its_bounding_box_corners(worker: BlockingWorker) -> None:
    _tree(worker)
    _ok(
        worker,
        "create_primitive",
        kind="uv_sphere",
        name="Star",
        radius=0.12,
        location=[0, 0, 2.2],
        parent="Tree",
    )
    _ok(worker, "frame_camera", objects=["Tree"], direction=[1, -1, 0.45], margin=1.02)
    assert _ok(worker, "analyze_scene_problems")["off_frame"] == []
