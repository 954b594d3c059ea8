"""get_multi_view through MCP: one image per view, in each shading, with the scene left as it was."""

from __future__ import annotations

import io

import pytest
from PIL import Image, ImageChops

from prompt2mesh.workers.blocking import BlockingWorker
from saved_blend import ok, refused


def _scene(worker: BlockingWorker) -> None:
    ok(worker.call("create_material", name="Red", color="#cc2222"))
    ok(
        worker.call(
            "create_primitive",
            kind="cube",
            name="Tall",
            scale=[0.5, 0.5, 2],
            location=[0, 0, 2],
            material="Red",
        )
    )
    ok(worker.call("create_primitive", kind="uv_sphere", name="Ball", location=[3, 0, 0.5]))


def _images(result: object) -> list[Image.Image]:
    return [Image.open(io.BytesIO(png)) for png in result.images]  # type: ignore[attr-defined]


def _covered(image: Image.Image) -> tuple[int, int]:
    """Width and height of what differs from the corner (background) colour."""
    rgb = image.convert("RGB")
    background = Image.new("RGB", rgb.size, rgb.getpixel((0, 0)))
    box = ImageChops.difference(rgb, background).point(lambda v: 255 if v > 24 else 0).getbbox()
    return (box[2] - box[0], box[3] - box[1]) if box else (0, 0)


def test_four_views_show_different_sides_of_the_scene(worker: BlockingWorker) -> None:
    _scene(worker)
    before = ok(worker.call("get_scene_info"))
    result = worker.call("get_multi_view", size=96)
    assert result.ok, result.error
    assert result.result["views"] == ["front", "side", "top", "three_quarter"]
    images = _images(result)
    assert [im.size for im in images] == [(96, 96)] * 4
    front, side, top = (_covered(im) for im in images[:3])
    # Front: the tower and the ball side by side (wide); side: they overlap (narrow); top: wide, short.
    assert front[0] > side[0] * 1.5
    assert top[1] < front[1]
    assert ok(worker.call("get_scene_info")) == before  # no camera, world or modifier left behind


def test_chosen_objects_are_framed_alone_in_wireframe(worker: BlockingWorker) -> None:
    _scene(worker)
    result = worker.call("get_multi_view", objects=["Ball"], views=["front"], shading="wireframe", size=64)
    assert result.ok, result.error
    assert result.result["framed"] == ["Ball"]
    (image,) = _images(result)
    rgb = image.convert("RGB")
    dark = sum(1 for p in rgb.get_flattened_data() if max(p) < 120)
    light = sum(1 for p in rgb.get_flattened_data() if min(p) > 160)
    assert dark > 50 and light > dark  # thin dark edges on a light background
    assert ok(worker.call("get_object_info", name="Ball"))["modifiers"] == []


@pytest.mark.parametrize("shading", ["material", "rendered"])
def test_shaded_views_render_with_lights_and_materials(worker: BlockingWorker, shading: str) -> None:
    _scene(worker)
    ok(worker.call("set_render_settings", engine="cycles", samples=1, denoise=False, resolution=[32, 32]))
    result = worker.call("get_multi_view", views=["three_quarter"], shading=shading, size=64, samples=1)
    assert result.ok, result.error
    assert _images(result)[0].size == (64, 64)
    assert ok(worker.call("get_render_settings"))["samples"] == 1


def test_bad_view_requests_are_refused(worker: BlockingWorker) -> None:
    refused(worker.call("get_multi_view"), "not_found", "empty")
    _scene(worker)
    refused(worker.call("get_multi_view", objects=["Ghost"]), "not_found", "Ghost")
    refused(worker.call("get_multi_view", views=["under"]), "views")
    refused(worker.call("get_multi_view", views=[]), "views")
    refused(worker.call("get_multi_view", size=4096), "size")
