"""The shipped catalogue is what the live registry and SDK answer, and a stale one is not used."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from prompt2mesh.blender.catalogue import CATALOGUE_PATH, fingerprint, load_catalogue

pytestmark = pytest.mark.timeout(120)


def test_the_shipped_catalogue_matches_the_live_registry() -> None:
    # Built in a fresh interpreter: it imports Blender and builds every tool's SDK form.
    built = subprocess.run(
        [
            sys.executable,
            "-c",
            "import json; from prompt2mesh.blender.catalogue import build_catalogue; "
            "print(json.dumps(build_catalogue()))",
        ],
        capture_output=True,
        text=True,
        check=True,
    )
    live = json.loads(built.stdout.strip().splitlines()[-1])
    shipped = json.loads(CATALOGUE_PATH.read_text(encoding="utf-8"))
    hint = "the tools changed: run `python -m prompt2mesh.blender.catalogue` and commit the result"
    assert shipped["fingerprint"] == live["fingerprint"] == fingerprint(), hint
    assert shipped == live, hint


def test_the_current_catalogue_is_loaded() -> None:
    catalogue = load_catalogue()
    assert catalogue is not None
    assert "create_primitive" in catalogue.tool_names
    assert catalogue.initialize_result("2025-06-18")["protocolVersion"] == "2025-06-18"
    assert catalogue.initialize_result("1999-01-01")["protocolVersion"] == catalogue.latest_version


def test_a_stale_catalogue_is_refused(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    stale = json.loads(CATALOGUE_PATH.read_text(encoding="utf-8"))
    stale["fingerprint"] = "0" * 64
    path = tmp_path / "catalogue.json"
    path.write_text(json.dumps(stale), encoding="utf-8")
    assert load_catalogue(path) is None
    assert "stale" in capsys.readouterr().err
    assert load_catalogue(tmp_path / "missing.json") is None
