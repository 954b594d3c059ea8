"""Part boxes read from a recipe's build calls, without Blender."""

from __future__ import annotations

import pytest

from prompt2mesh.roles.interface import ToolCall
from prompt2mesh.roles.offline.measure import highest_spot, part_boxes


def prim(**args: object) -> ToolCall:
    return ToolCall(tool="create_primitive", args={"parent": "Thing", **args})


def test_boxes_follow_location_size_scale_and_rotation() -> None:
    calls = [
        prim(kind="cube", size=1.0, scale=[2.0, 1.0, 0.5], location=[0, 0, 0.25]),
        prim(kind="cylinder", radius=0.1, depth=1.0, location=[1, 0, 0.5], rotation=[90, 0, 0]),
        prim(kind="cube", location=[0, 0, 9], parent="Other"),
    ]
    (lo1, hi1), (lo2, hi2) = part_boxes(calls, "Thing")
    assert lo1 == pytest.approx((-1.0, -0.5, 0.0)) and hi1 == pytest.approx((1.0, 0.5, 0.5))
    assert hi2[1] - lo2[1] == pytest.approx(1.0) and hi2[2] - lo2[2] == pytest.approx(0.2)


def test_the_highest_spot_is_the_top_part_nearest_the_centre() -> None:
    calls = [
        prim(kind="cube", size=1.0, scale=[2.0, 1.0, 0.5], location=[0, 0, 0.25]),
        prim(kind="uv_sphere", radius=0.1, location=[0.8, 0.3, 0.9]),
        prim(kind="uv_sphere", radius=0.1, location=[-0.2, 0.3, 0.9]),
    ]
    assert highest_spot(calls, "Thing") == pytest.approx((-0.2, 0.3, 1.0))
    assert highest_spot([], "Thing") is None
