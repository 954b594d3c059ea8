"""Checks on what a worker really stored: call helpers and reopening a saved .blend with bpy.

The worker runs in its own process; tests that must prove data survives a save open the
.blend in this (test) process's own bpy and look at it directly.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from prompt2mesh.roles.interface import ToolResult
from prompt2mesh.workers.blocking import BlockingWorker


def ok(result: ToolResult) -> Any:
    assert result.ok, result.error
    return result.result


def refused(result: ToolResult, *fragments: str) -> str:
    assert not result.ok, f"expected an error, got {result.result}"
    assert result.error
    for fragment in fragments:
        assert fragment in result.error, f"{fragment!r} not in {result.error!r}"
    return result.error


def save_and_reopen(worker: BlockingWorker, name: str) -> Any:
    """Save the worker's scene as ``name``, open it here with bpy; returns ``bpy.data``."""
    import bpy

    ok(worker.call("save_blend", filename=name))
    path = Path(worker.workspace) / name
    bpy.ops.wm.open_mainfile(filepath=str(path), load_ui=False, use_scripts=False)
    return bpy.data
