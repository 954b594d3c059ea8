"""Undo, redo and the list of recorded steps (see :mod:`prompt2mesh.blender.history`)."""

from typing import Annotated, Any

from pydantic import Field

from prompt2mesh.blender.registry import tool
from prompt2mesh.blender.runtime import Worker

Steps = Annotated[int, Field(ge=1, le=100, description="How many steps to move (1 = the last call)")]


@tool("modification", mutates=True)
def undo(worker: Worker, steps: Steps = 1) -> dict[str, Any]:
    """Undo the last `steps` scene-changing tool calls (restores the whole scene as it was).

    Returns the undone tool names (newest first) and the remaining history. Only calls that
    changed the scene are recorded; screenshots and inspection are not. Fails when fewer steps
    are recorded; call get_history to see them.

    Raises:
        InvalidArgument: more steps than recorded.
        BlenderOperationFailed: the snapshot could not be restored.
    """
    undone = worker.history.undo(steps)
    return {"undone": undone, **worker.history.labels()}


@tool("modification", mutates=True)
def redo(worker: Worker, steps: Steps = 1) -> dict[str, Any]:
    """Redo `steps` calls previously undone. Any new scene change after an undo clears redo.

    Raises:
        InvalidArgument: more steps than there are undone calls.
        BlenderOperationFailed: the snapshot could not be restored.
    """
    redone = worker.history.redo(steps)
    return {"redone": redone, **worker.history.labels()}


@tool("modification")
def get_history(worker: Worker) -> dict[str, Any]:
    """List the recorded steps: `undo` (oldest first, last = what undo reverts next) and `redo`."""
    return worker.history.labels()
