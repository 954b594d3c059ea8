"""Camera lens settings through MCP, checked in the reopened .blend."""

from __future__ import annotations

import pytest

from prompt2mesh.workers.blocking import BlockingWorker
from saved_blend import ok, refused, save_and_reopen


def test_orthographic_camera_with_sensor_clipping_and_shift_is_stored(worker: BlockingWorker) -> None:
    ok(worker.call("set_camera", name="Top"))
    info = ok(
        worker.call(
            "configure_camera",
            type="orthographic",
            ortho_scale=12,
            sensor_width=24,
            sensor_fit="horizontal",
            clip_start=0.5,
            clip_end=250,
            shift=[0.1, -0.05],
        )
    )
    assert info["name"] == "Top" and info["type"] == "ortho" and info["ortho_scale"] == 12.0
    camera = save_and_reopen(worker, "ortho.blend").cameras["Top"]
    assert camera.type == "ORTHO" and camera.ortho_scale == pytest.approx(12)
    assert camera.sensor_width == pytest.approx(24) and camera.sensor_fit == "HORIZONTAL"
    assert (camera.clip_start, camera.clip_end) == pytest.approx((0.5, 250))
    assert (camera.shift_x, camera.shift_y) == pytest.approx((0.1, -0.05))


def test_depth_of_field_on_an_object_or_a_distance(worker: BlockingWorker) -> None:
    ok(worker.call("create_primitive", kind="cube", name="Subject"))
    ok(worker.call("set_camera", name="Cam"))
    ok(worker.call("set_camera", name="Other"))
    info = ok(
        worker.call(
            "configure_camera", name="Cam", lens=85, focus_object="Subject", fstop=1.8, make_active=True
        )
    )
    assert info["dof"] == {
        "use_dof": True,
        "focus_object": "Subject",
        "focus_distance": 10.0,
        "aperture_fstop": 1.8,
        "aperture_blades": 0,
    }
    assert info["active"] is True
    data = save_and_reopen(worker, "dof.blend")
    assert data.scenes[0].camera.name == "Cam"
    cam = data.cameras["Cam"]
    assert cam.lens == pytest.approx(85) and cam.dof.use_dof and cam.dof.focus_object.name == "Subject"
    assert cam.dof.aperture_fstop == pytest.approx(1.8)
    ok(worker.call("open_blend", filename="dof.blend"))
    off = ok(worker.call("configure_camera", focus_distance=3.5, dof=False))
    assert off["dof"]["use_dof"] is False and off["dof"]["focus_distance"] == 3.5


def test_bad_camera_settings_are_refused(worker: BlockingWorker) -> None:
    refused(worker.call("configure_camera", lens=35), "not_found", "no camera")
    ok(worker.call("create_primitive", kind="cube", name="Box"))
    refused(worker.call("configure_camera", name="Box"), "wrong_type", "not a camera")
    ok(worker.call("set_camera"))
    refused(worker.call("configure_camera", clip_start=10, clip_end=5), "invalid_argument", "clip_start")
    refused(worker.call("configure_camera", focus_object="Ghost"), "not_found", "Ghost")
    refused(worker.call("configure_camera", fstop=0), "greater than or equal to 0.1")
    refused(worker.call("configure_camera", type="fisheye"), "type")
    assert ok(worker.call("configure_camera"))["lens"] == 50.0  # nothing changed
