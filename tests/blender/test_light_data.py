"""Light settings through MCP: area shape and size, spot cone, softness, aiming; checked after a save."""

from __future__ import annotations

import math

import pytest

from prompt2mesh.workers.blocking import BlockingWorker
from saved_blend import ok, refused, save_and_reopen


def test_area_and_spot_settings_are_stored(worker: BlockingWorker) -> None:
    ok(worker.call("add_light", type="area", name="Panel"))
    ok(worker.call("add_light", type="spot", name="Spot"))
    panel = ok(
        worker.call(
            "configure_light",
            name="Panel",
            shape="rectangle",
            size=2,
            size_y=0.5,
            color="#ffcc88",
            energy=250,
        )
    )
    assert (panel["shape"], panel["size"], panel["size_y"], panel["color"]) == (
        "rectangle",
        2.0,
        0.5,
        "#ffcc88",
    )
    spot = ok(
        worker.call(
            "configure_light", name="Spot", spot_size=40, spot_blend=0.3, shadow_soft_size=0.2, shadows=False
        )
    )
    assert spot["spot_size"] == 40.0 and spot["use_shadow"] is False
    data = save_and_reopen(worker, "lights.blend")
    area, cone = data.lights["Panel"], data.lights["Spot"]
    assert area.shape == "RECTANGLE" and (area.size, area.size_y) == pytest.approx((2, 0.5))
    assert area.energy == pytest.approx(250)
    assert cone.spot_size == pytest.approx(math.radians(40)) and cone.spot_blend == pytest.approx(0.3)
    assert cone.shadow_soft_size == pytest.approx(0.2) and not cone.use_shadow


def test_pointing_once_or_tracking_an_object(worker: BlockingWorker) -> None:
    ok(worker.call("create_primitive", kind="cube", name="Target", location=[3, 0, 0]))
    ok(worker.call("add_light", type="spot", name="Key", location=[0, 0, 0]))
    once = ok(worker.call("configure_light", name="Key", point_at="Target"))
    assert once["tracking"] is None
    from mathutils import Euler, Vector

    facing = Euler([math.radians(a) for a in once["rotation"]]).to_matrix() @ Vector((0, 0, -1))
    assert list(facing) == pytest.approx([1, 0, 0], abs=1e-4)  # lights shine along their -Z
    tracked = ok(worker.call("configure_light", name="Key", point_at="Target", track=True))
    assert tracked["tracking"] == "Target"
    light = save_and_reopen(worker, "tracked.blend").objects["Key"]
    constraint = light.constraints["Point At"]
    assert constraint.type == "TRACK_TO" and constraint.target.name == "Target"
    assert constraint.track_axis == "TRACK_NEGATIVE_Z"
    ok(worker.call("open_blend", filename="tracked.blend"))
    assert ok(worker.call("configure_light", name="Key", track=True))["tracking"] is None


def test_options_that_do_not_fit_the_light_are_refused(worker: BlockingWorker) -> None:
    ok(worker.call("add_light", type="point", name="Bulb"))
    ok(worker.call("add_light", type="area", name="Panel"))
    ok(worker.call("create_primitive", kind="cube", name="Box"))
    refused(worker.call("configure_light", name="Bulb", shape="disk"), "invalid_argument", "area lights")
    refused(worker.call("configure_light", name="Bulb", spot_blend=0.2), "spot lights")
    refused(worker.call("configure_light", name="Panel", size_y=2), "size_y needs shape")
    refused(worker.call("configure_light", name="Panel", shadow_soft_size=1), "point and spot")
    refused(worker.call("configure_light", name="Box", energy=5), "wrong_type", "not a light")
    refused(worker.call("configure_light", name="Bulb", point_at="Bulb"), "cannot point at itself")
    refused(worker.call("configure_light", name="Bulb", point_at="Ghost"), "not_found")
    refused(worker.call("configure_light", name="Bulb", color="warm"), "'#RRGGBB'")
    assert ok(worker.call("configure_light", name="Bulb"))["energy"] == 1000.0
