"""The README stays true: it documents every tool the worker publishes and both set-up commands."""

from __future__ import annotations

from pathlib import Path

from prompt2mesh.blender.registry import all_tools

README = Path(__file__).resolve().parents[1] / "README.md"


def test_the_readme_lists_every_worker_tool() -> None:
    text = README.read_text()
    missing = [name for name in all_tools() if f"`{name}`" not in text]
    assert not missing, f"README.md does not document: {missing}"


def test_the_readme_starts_with_the_two_commands() -> None:
    text = README.read_text()
    assert "make run" in text and "make test" in text
