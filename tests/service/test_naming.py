"""Download names and display names of models (service/naming.py)."""

from __future__ import annotations

from pathlib import Path

from prompt2mesh.service.models import Run
from prompt2mesh.service.naming import display_name, download_name, slug, thumbnail


def test_a_prompt_becomes_a_file_name_without_its_leading_verb_or_article() -> None:
    assert slug("A decorated Christmas tree") == "decorated-christmas-tree"
    assert slug("Create a red mushroom with white spots!") == "red-mushroom-with-white-spots"
    assert slug("the Café table") == "cafe-table"


def test_a_name_without_letters_falls_back_to_model_and_long_names_stop_at_a_word() -> None:
    assert slug("!!!") == "model"
    long = slug("a " + "wooden " * 30 + "chair")
    assert len(long) <= 60 and not long.endswith("-") and long.startswith("wooden-wooden")


def test_downloads_are_named_after_the_title_or_the_prompt() -> None:
    run = Run(prompt="A decorated Christmas tree", title=None)
    assert download_name(run, "scene.glb") == "decorated-christmas-tree.glb"
    assert download_name(run, "report.json") == "decorated-christmas-tree-report.json"
    assert download_name(run, "screenshots/step_1_screenshot_1.png") == (
        "decorated-christmas-tree-step_1_screenshot_1.png"
    )
    run.title = "Garden table"
    assert display_name(run) == "Garden table"
    assert download_name(run, "scene.blend") == "garden-table.blend"


def test_the_thumbnail_is_the_finished_scene_else_the_newest_screenshot(tmp_path: Path) -> None:
    assert thumbnail(tmp_path) is None
    shots = tmp_path / "screenshots"
    shots.mkdir()
    (shots / "step_1_screenshot_1.png").write_bytes(b"x")
    assert thumbnail(tmp_path) == "screenshots/step_1_screenshot_1.png"
    (shots / "final.png").write_bytes(b"x")
    assert thumbnail(tmp_path) == "screenshots/final.png"
