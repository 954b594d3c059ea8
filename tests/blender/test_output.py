"""Output tools through a real MCP stdio session: screenshots, renders, exports, .blend files."""

import io
from pathlib import Path

import numpy as np
import pytest
import trimesh
from PIL import Image

from prompt2mesh.blender.hardware import has_gpu
from prompt2mesh.workers.blocking import BlockingWorker

RED = "#cc1111"


def _ok(worker: BlockingWorker, tool: str, **args: object) -> object:
    result = worker.call(tool, **args)
    assert result.ok, result.error
    return result.result


def _red_cube(worker: BlockingWorker, **args: object) -> str:
    _ok(worker, "create_material", name="Red", color=RED)
    cube = _ok(
        worker, "create_primitive", kind="cube", name="RedCube", material="Red", location=[0, 0, 1], **args
    )
    assert isinstance(cube, dict)
    return str(cube["name"])


def _is_red(pixel: tuple[int, ...]) -> bool:
    r, g, b = pixel[:3]
    return r > 50 and r > 2 * g and r > 2 * b


def _red_fraction(png: bytes) -> tuple[Image.Image, float]:
    image = Image.open(io.BytesIO(png)).convert("RGB")
    rgb = np.asarray(image).reshape(-1, 3).astype(int)
    r, g, b = rgb[:, 0], rgb[:, 1], rgb[:, 2]
    return image, float(((r > 50) & (r > 2 * g) & (r > 2 * b)).mean())


def test_screenshot_of_a_red_cube_is_a_png_of_the_requested_size_with_red_in_the_centre(
    worker: BlockingWorker,
) -> None:
    _red_cube(worker)
    result = worker.call("get_viewport_screenshot", max_size=256)
    assert result.ok, result.error
    assert len(result.images) == 1 and result.images[0].startswith(b"\x89PNG")
    image, red = _red_fraction(result.images[0])
    assert max(image.size) == 256
    assert result.result == {"width": image.width, "height": image.height, "camera": "auto"}
    assert _is_red(image.getpixel((image.width // 2, image.height // 2)))
    assert 0.05 < red < 0.9


def test_screenshot_of_an_empty_scene_shows_only_the_neutral_background(worker: BlockingWorker) -> None:
    result = worker.call("get_viewport_screenshot", max_size=128)
    assert result.ok, result.error
    image, red = _red_fraction(result.images[0])
    assert red == 0.0
    r, g, b = image.getpixel((image.width // 2, image.height // 2))
    assert abs(r - g) < 8 and abs(g - b) < 8 and 60 < r < 200


def test_screenshot_changes_nothing_and_is_not_recorded_in_the_history(worker: BlockingWorker) -> None:
    _red_cube(worker)
    before = _ok(worker, "get_history")
    _ok(worker, "get_viewport_screenshot", max_size=128)
    assert _ok(worker, "get_history") == before
    blend = _ok(worker, "export_scene", format="glb", filename="after_shot.glb")
    assert isinstance(blend, dict)
    scene = trimesh.load(Path(worker.workspace) / "after_shot.glb")
    assert "p2m_temp_camera" not in scene.graph.nodes
    assert "RedCube" in scene.graph.nodes


def test_screenshot_with_the_scene_camera_requires_one(worker: BlockingWorker) -> None:
    result = worker.call("get_viewport_screenshot", max_size=128, camera="scene")
    assert not result.ok and "not_found" in (result.error or "")
    _red_cube(worker)
    _ok(worker, "frame_camera")
    shot = worker.call("get_viewport_screenshot", max_size=128, camera="scene")
    assert shot.ok and shot.result["camera"] == "Camera"


def test_cycles_render_is_saved_in_the_workspace_and_limits_are_enforced(worker: BlockingWorker) -> None:
    _red_cube(worker)
    _ok(worker, "setup_lighting")
    result = worker.call(
        "render_image", engine="cycles", samples=2, width=96, height=64, filename="renders/r.png"
    )
    assert result.ok, result.error
    assert result.result["path"] == "renders/r.png"
    saved = Image.open(Path(worker.workspace) / "renders" / "r.png")
    assert saved.size == (96, 64) and Image.open(io.BytesIO(result.images[0])).size == (96, 64)
    too_big = worker.call("render_image", engine="workbench", width=4096, height=64)
    assert not too_big.ok and "limit_exceeded" in (too_big.error or "")


@pytest.mark.skipif(has_gpu(), reason="this machine has a GPU: EEVEE is allowed here")
def test_eevee_without_a_gpu_is_refused_at_once_with_the_engines_that_work(worker: BlockingWorker) -> None:
    assert worker.call("create_primitive", kind="cube").ok
    asked = worker.call("render_image", engine="eevee", width=64, height=64, samples=1)
    assert worker.call("set_render_settings", engine="eevee").ok  # a setting, not yet a render
    configured = worker.call("get_multi_view", views=["front"], shading="rendered", size=64)
    for result in (asked, configured):
        assert not result.ok
        assert "[not_available] EEVEE needs a GPU" in (result.error or "")
        assert "engine='cycles'" in (result.error or "")
    assert worker.call("set_render_settings", engine="cycles").ok


def test_glb_export_keeps_names_y_up_placement_and_the_base_colour(worker: BlockingWorker) -> None:
    _ok(worker, "create_material", name="Red", color=RED)
    _ok(worker, "create_primitive", kind="cube", name="HighCube", size=1, location=[0, 0, 3], material="Red")
    info = _ok(worker, "export_scene", format="glb", filename="out/scene.glb")
    assert isinstance(info, dict) and info["path"] == "out/scene.glb" and info["bytes"] > 0
    scene = trimesh.load(Path(worker.workspace) / "out" / "scene.glb")
    assert "HighCube" in scene.graph.nodes
    bounds = scene.bounds
    assert bounds[0][1] == pytest.approx(2.5, abs=1e-4) and bounds[1][1] == pytest.approx(3.5, abs=1e-4)
    geometry = next(iter(scene.geometry.values()))
    # glTF stores linear colour: sRGB #cc1111 is (0.604, 0.0056, 0.0056) linear.
    base = [c / 255 for c in geometry.visual.material.baseColorFactor[:3]]
    assert base == pytest.approx([0.604, 0.0056, 0.0056], abs=0.005)


@pytest.mark.parametrize("fmt", ["obj", "stl"])
def test_obj_and_stl_exports_load_back_with_the_cube_geometry(worker: BlockingWorker, fmt: str) -> None:
    _ok(worker, "create_primitive", kind="cube", name="Box", size=2, location=[0, 0, 1])
    _ok(worker, "export_scene", format=fmt, filename=f"box.{fmt}")
    mesh = trimesh.load(Path(worker.workspace) / f"box.{fmt}", force="mesh")
    assert mesh.extents == pytest.approx([2, 2, 2], abs=1e-4)
    assert mesh.is_watertight or fmt == "obj"


def test_fbx_usd_and_gltf_exports_write_files(worker: BlockingWorker) -> None:
    _ok(worker, "create_primitive", kind="uv_sphere", name="Ball")
    for fmt, name in (("fbx", "b.fbx"), ("usd", "b.usdc"), ("gltf", "b.gltf")):
        info = _ok(worker, "export_scene", format=fmt, filename=name)
        assert isinstance(info, dict) and (Path(worker.workspace) / name).stat().st_size == info["bytes"] > 0


def test_exports_refuse_paths_outside_the_workspace_wrong_suffixes_and_empty_scenes(
    worker: BlockingWorker,
) -> None:
    escaped = worker.call("export_scene", format="glb", filename="../escape.glb")
    assert not escaped.ok and "path_outside_workspace" in (escaped.error or "")
    empty = worker.call("export_scene", format="glb", filename="empty.glb")
    assert not empty.ok and "nothing to export" in (empty.error or "")
    _ok(worker, "create_primitive", kind="cube")
    wrong = worker.call("export_scene", format="stl", filename="cube.glb")
    assert not wrong.ok and ".stl" in (wrong.error or "")


def test_a_saved_blend_opens_again_after_a_new_scene(worker: BlockingWorker) -> None:
    _red_cube(worker)
    saved = _ok(worker, "save_blend", filename="saves/one.blend")
    assert isinstance(saved, dict) and saved["bytes"] > 0
    assert _ok(worker, "new_scene") == {"objects": [], "scene": "Scene"}
    opened = _ok(worker, "open_blend", filename="saves/one.blend")
    assert isinstance(opened, dict) and opened["objects"] == ["RedCube"]
    missing = worker.call("open_blend", filename="saves/none.blend")
    assert not missing.ok and "not_found" in (missing.error or "")


def test_new_scene_is_truly_empty(worker: BlockingWorker) -> None:
    _red_cube(worker)
    _ok(worker, "setup_lighting", preset="studio")
    _ok(worker, "new_scene")
    assert _ok(worker, "list_materials")["materials"] == []  # type: ignore[index]
    boxes = _ok(worker, "get_bounding_boxes")
    assert boxes == {"boxes": {}}
    problems = _ok(worker, "analyze_scene_problems")
    assert isinstance(problems, dict) and problems["empty_scene"] is True


def test_blender_logs_from_saves_exports_and_renders_go_to_stderr_not_the_protocol(
    worker: BlockingWorker,
) -> None:
    _red_cube(worker)
    for tool, args in (
        ("save_blend", {"filename": "log.blend"}),
        ("export_scene", {"format": "fbx", "filename": "log.fbx"}),
        ("export_scene", {"format": "glb", "filename": "log.glb"}),
        ("render_image", {"engine": "workbench", "width": 32, "height": 32}),
    ):
        assert worker.call(tool, **args).ok
    # The session still parses answers, and Blender's own report lines landed in the worker's log.
    assert worker.call("get_history").ok
    log = (Path(worker.workspace) / "worker.log").read_text()
    assert "log.blend" in log
