"""Undo/redo for the worker (to be completed by the history/output tools owner)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from prompt2mesh.blender.runtime import Worker


class History:
    """Snapshots of the scene taken before each mutating tool call."""

    def __init__(self, worker: Worker) -> None:
        self.worker = worker

    def snapshot(self, label: str) -> None:
        """Record the scene before a change (placeholder until the history tools land)."""
