"""Check a worker's scene the way a person would: save it, reopen the .blend here with bpy.

The test process has its own bpy; opening the saved file in it shows what really persisted,
independent of what the tool said it did.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from prompt2mesh.roles.interface import ToolResult
from prompt2mesh.workers.blocking import BlockingWorker


def ok(result: ToolResult) -> Any:
    assert result.ok, result.error
    return result.result


def refused(result: ToolResult, code: str, *fragments: str) -> str:
    """The call failed with error ``code`` and a message naming every fragment."""
    assert not result.ok, f"expected an error, got {result.result}"
    assert result.error and code in result.error, result.error
    for fragment in fragments:
        assert fragment in result.error, f"{fragment!r} not in {result.error!r}"
    return result.error


def reopen(worker: BlockingWorker, workspace: Path, filename: str) -> Any:
    """Save the worker's scene as ``filename`` and load it into this process's bpy."""
    import bpy

    ok(worker.call("save_blend", filename=filename))
    bpy.ops.wm.open_mainfile(filepath=str(workspace / filename), load_ui=False)
    return bpy
