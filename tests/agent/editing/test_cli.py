"""`prompt2mesh edit` works on the output folder of `prompt2mesh make`."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from prompt2mesh.workers.blocking import BlockingWorker


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "prompt2mesh", *args], capture_output=True, text=True, timeout=180
    )


def test_edit_updates_the_scene_files_and_appends_to_the_history(tmp_path: Path) -> None:
    with BlockingWorker(tmp_path) as worker:
        worker.call("new_scene")
        worker.call("create_primitive", kind="cube", name="Crate", size=1.0, location=[0, 0, 0.5])
        worker.call("save_blend", filename="scene.blend")
    (tmp_path / "report.json").write_text(json.dumps({"prompt": "a crate"}))

    result = run_cli("edit", "--scene", str(tmp_path), "make", "it", "taller")
    assert result.returncode == 0, result.stderr
    assert "scale(Crate)" in result.stdout and "match 100%" in result.stdout

    report = json.loads((tmp_path / "report.json").read_text())
    assert report["prompt"] == "a crate"
    assert [e["command"] for e in report["edits"]] == ["make it taller"]
    assert (tmp_path / "scene.glb").stat().st_size > 0
    with BlockingWorker(tmp_path) as worker:
        assert worker.call("open_blend", filename="scene.blend").ok
        dims = worker.call("get_bounding_boxes", names=["Crate"]).result["boxes"]["Crate"]["dimensions"]
    assert dims[2] > 1.4


def test_edit_without_a_scene_says_how_to_make_one(tmp_path: Path) -> None:
    result = run_cli("edit", "--scene", str(tmp_path), "make it red")
    assert result.returncode == 2
    assert "prompt2mesh make" in result.stderr
