"""Lights, world and camera tools through a real MCP session."""

import io

import numpy as np
import pytest
from PIL import Image

from prompt2mesh.workers.blocking import BlockingWorker


def _ok(worker: BlockingWorker, tool: str, **args: object) -> dict:  # type: ignore[type-arg]
    result = worker.call(tool, **args)
    assert result.ok, result.error
    assert isinstance(result.result, dict)
    return result.result


def test_a_light_aimed_with_look_at_points_its_minus_z_at_the_target(worker: BlockingWorker) -> None:
    overhead = _ok(worker, "add_light", type="sun", name="Sun", location=[0, 0, 5], look_at=[0, 0, 0])
    assert overhead["rotation"] == pytest.approx([0, 0, 0], abs=1e-3)
    assert overhead["type"] == "sun" and overhead["energy"] == 3.0
    _ok(worker, "create_primitive", kind="cube", name="Target", location=[0, 5, 0])
    side = _ok(
        worker, "add_light", type="spot", location=[0, 0, 0], look_at="Target", spot_angle=30, color="#ff0000"
    )
    assert side["rotation"][0] == pytest.approx(90, abs=1e-3) and side["color"] == "#ff0000"


def test_add_light_refuses_a_spot_angle_on_other_types_and_unknown_targets(worker: BlockingWorker) -> None:
    wrong = worker.call("add_light", type="point", spot_angle=30)
    assert not wrong.ok and "spot_angle" in (wrong.error or "")
    missing = worker.call("add_light", look_at="Nowhere")
    assert not missing.ok and "not_found" in (missing.error or "")
    bad_type = worker.call("add_light", type="laser")
    assert not bad_type.ok


def test_three_point_lighting_surrounds_the_scene_and_a_second_call_replaces_it(
    worker: BlockingWorker,
) -> None:
    _ok(worker, "create_primitive", kind="cube", size=4, location=[10, 0, 2])
    _ok(worker, "add_light", type="point", name="Mine")
    first = _ok(worker, "setup_lighting")
    assert [light["name"] for light in first["lights"]] == ["Key", "Fill", "Rim"]
    for light in first["lights"]:
        offset = np.array(light["location"]) - np.array([10, 0, 2])
        assert np.linalg.norm(offset) > 4
    second = _ok(worker, "setup_lighting", preset="studio", strength=2)
    assert sorted(second["replaced"]) == ["Fill", "Key", "Rim"]
    assert [light["name"] for light in second["lights"]] == ["Key", "Fill", "Rim", "Top"]
    lights = {light["name"] for light in _ok(worker, "get_scene_info")["lights"]}
    assert lights == {"Mine", "Key", "Fill", "Rim", "Top"}


def test_outdoor_lighting_adds_a_sun_and_a_sky_world(worker: BlockingWorker) -> None:
    _ok(worker, "create_primitive", kind="cube")
    outdoor = _ok(worker, "setup_lighting", preset="outdoor")
    assert [light["type"] for light in outdoor["lights"]] == ["sun"]
    assert _ok(worker, "get_scene_info")["world"]["color"] == "#a7c4e8"


def test_set_world_stores_the_colour_and_strength(worker: BlockingWorker) -> None:
    assert _ok(worker, "set_world", color="#204060", strength=0.5) == {
        "name": "World",
        "color": "#204060",
        "strength": 0.5,
    }
    bad = worker.call("set_world", color="blue-ish")
    assert not bad.ok and "invalid_argument" in (bad.error or "")


def test_set_camera_creates_the_scene_camera_and_aims_it_at_an_object(worker: BlockingWorker) -> None:
    _ok(worker, "create_primitive", kind="cube", name="Subject", location=[0, 0, 1])
    camera = _ok(worker, "set_camera", location=[0, -10, 1], look_at="Subject", lens=35)
    assert camera["name"] == "Camera" and camera["lens"] == 35
    assert camera["rotation"] == pytest.approx([90, 0, 0], abs=1e-3)
    assert _ok(worker, "get_scene_info")["camera"]["name"] == "Camera"


def test_frame_camera_fits_every_object_in_the_picture(worker: BlockingWorker) -> None:
    _ok(worker, "create_material", name="Red", color="#dd1111")
    _ok(worker, "create_primitive", kind="cube", name="Near", location=[0, 0, 1], material="Red")
    _ok(worker, "create_primitive", kind="cube", name="Away", location=[12, 4, 1], material="Red")
    framed = _ok(worker, "frame_camera", margin=1.1)
    assert sorted(framed["framed"]) == ["Away", "Near"]
    assert _ok(worker, "analyze_scene_problems")["off_frame"] == []
    shot = worker.call("get_viewport_screenshot", max_size=256, camera="scene")
    rgb = np.asarray(Image.open(io.BytesIO(shot.images[0])).convert("RGB")).astype(int)
    red = (rgb[..., 0] > 50) & (rgb[..., 0] > 2 * rgb[..., 1])
    columns = np.flatnonzero(red.any(axis=0))
    rows = np.flatnonzero(red.any(axis=1))
    # The objects reach close to the frame edges (fitted) without touching them (margin).
    width, height = red.shape[1], red.shape[0]
    assert columns.min() > 0 and columns.max() < width - 1 and rows.min() > 0 and rows.max() < height - 1
    assert columns.max() - columns.min() > 0.6 * width or rows.max() - rows.min() > 0.6 * height


def test_frame_camera_on_named_objects_ignores_the_others(worker: BlockingWorker) -> None:
    _ok(worker, "create_primitive", kind="cube", name="Focus", location=[0, 0, 1])
    _ok(worker, "create_primitive", kind="cube", name="Elsewhere", location=[30, 0, 1])
    _ok(worker, "frame_camera", objects=["Focus"], direction=[0, -1, 0])
    assert _ok(worker, "analyze_scene_problems")["off_frame"] == ["Elsewhere"]
    missing = worker.call("frame_camera", objects=["Ghost"])
    assert not missing.ok and "not_found" in (missing.error or "")
    zero = worker.call("frame_camera", direction=[0, 0, 0])
    assert not zero.ok and "direction" in (zero.error or "")
