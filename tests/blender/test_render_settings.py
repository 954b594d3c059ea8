"""Render and output settings through MCP: they persist, render_image honours them, a save keeps them."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image

from prompt2mesh.workers.blocking import BlockingWorker
from saved_blend import ok, refused, save_and_reopen


def test_settings_persist_through_a_render_and_a_save(worker: BlockingWorker) -> None:
    ok(worker.call("create_primitive", kind="cube", name="Box"))
    settings = ok(
        worker.call(
            "set_render_settings",
            engine="workbench",
            resolution=[80, 40],
            percentage=50,
            view_transform="AgX",
            look="AgX - High Contrast",
            exposure=0.5,
            gamma=1.2,
            file_format="jpeg",
            quality=70,
            stamp=["date", "camera"],
            stamp_note="take 3",
            film_transparent=False,
        )
    )
    assert settings["configured"] is True and settings["file_format"] == "jpeg"
    shot = worker.call("render_image", filename="out/frame.jpg")
    assert shot.ok, shot.error
    assert shot.result["engine"] == "workbench" and (shot.result["width"], shot.result["height"]) == (40, 20)
    assert Image.open(io.BytesIO(shot.images[0])).size == (40, 20)
    assert Image.open(Path(worker.workspace) / "out" / "frame.jpg").format == "JPEG"
    # An explicit argument applies to that render only.
    assert ok(worker.call("render_image", width=32, height=32))["width"] == 32
    after = ok(worker.call("get_render_settings"))
    assert after == settings
    scene = save_and_reopen(worker, "settings.blend").scenes[0]
    render = scene.render
    assert render.engine == "BLENDER_WORKBENCH" and (render.resolution_x, render.resolution_y) == (80, 40)
    assert render.resolution_percentage == 50
    assert render.image_settings.file_format == "JPEG" and render.image_settings.quality == 70
    assert scene.view_settings.view_transform == "AgX" and scene.view_settings.look == "AgX - High Contrast"
    assert scene.view_settings.exposure == pytest.approx(0.5) and scene.view_settings.gamma == pytest.approx(
        1.2
    )
    assert (
        render.use_stamp and render.use_stamp_date and render.use_stamp_camera and not render.use_stamp_time
    )
    assert render.stamp_note_text == "take 3"


def test_cycles_multilayer_exr_keeps_its_passes(worker: BlockingWorker) -> None:
    ok(worker.call("create_primitive", kind="cube", name="Box"))
    ok(
        worker.call(
            "set_render_settings",
            engine="cycles",
            device="cpu",
            samples=1,
            denoise=False,
            resolution=[16, 16],
            file_format="exr_multilayer",
            color_depth="32",
            exr_codec="zip",
            passes=["z", "normal"],
        )
    )
    shot = worker.call("render_image", filename="passes.exr")
    assert shot.ok, shot.error
    assert shot.result["samples"] == 1 and shot.images  # the preview is still a PNG
    screenshot = worker.call("get_viewport_screenshot", max_size=64)  # PNG even from an EXR scene
    assert screenshot.ok and Image.open(io.BytesIO(screenshot.images[0])).format == "PNG"
    assert ok(worker.call("get_render_settings"))["file_format"] == "exr_multilayer"
    header = (Path(worker.workspace) / "passes.exr").read_bytes()[:4000]
    assert header[:4] == b"\x76\x2f\x31\x01"  # OpenEXR magic
    assert b"Depth" in header and b"Normal" in header
    scene = save_and_reopen(worker, "exr.blend").scenes[0]
    image = scene.render.image_settings
    assert (
        image.file_format == "OPEN_EXR_MULTILAYER" and image.color_depth == "32" and image.exr_codec == "ZIP"
    )
    assert scene.view_layers[0].use_pass_z and scene.view_layers[0].use_pass_normal
    assert not scene.view_layers[0].use_pass_mist
    assert scene.cycles.samples == 1 and not scene.cycles.use_denoising


def test_unconfigured_scenes_keep_the_quick_render_defaults(worker: BlockingWorker) -> None:
    assert ok(worker.call("get_render_settings"))["configured"] is False
    ok(worker.call("create_primitive", kind="cube", name="Box"))
    shot = ok(worker.call("render_image", engine="workbench"))
    assert (shot["width"], shot["height"], shot["samples"]) == (512, 512, 16)


@pytest.mark.parametrize(
    ("args", "fragments"),
    [
        ({"view_transform": "Cinematic"}, ("invalid_argument", "AgX")),
        ({"look": "Sepia"}, ("invalid_argument", "look")),
        ({"file_format": "jpeg", "color_depth": "32"}, ("color_depth",)),
        ({"resolution": [100000, 10]}, ("resolution",)),
        ({"samples": 0}, ("greater than or equal to 1",)),
        ({"passes": ["beauty"]}, ("passes",)),
        ({"engine": "octane"}, ("engine",)),
    ],
)
def test_bad_render_settings_are_refused_and_change_nothing(
    worker: BlockingWorker, args: dict[str, object], fragments: tuple[str, ...]
) -> None:
    before = ok(worker.call("get_render_settings"))
    refused(worker.call("set_render_settings", exposure=2.0, **args), *fragments)
    assert ok(worker.call("get_render_settings")) == before


def test_a_render_filename_must_match_the_output_format(worker: BlockingWorker) -> None:
    ok(worker.call("set_render_settings", engine="workbench", file_format="png", resolution=[16, 16]))
    refused(worker.call("render_image", filename="frame.exr"), "invalid_argument", ".png")
    too_big = worker.call("set_render_settings", resolution=[2048, 2048], percentage=200)
    assert too_big.ok
    refused(worker.call("render_image"), "limit_exceeded", "percentage")
