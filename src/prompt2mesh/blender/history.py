"""Undo/redo for the worker: whole-scene snapshots written as .blend files.

Headless Blender has no usable global undo stack (there is no window manager undo in
background mode), so before every mutating tool the server asks :class:`History` for a
snapshot: ``save_as_mainfile(copy=True)`` of the current data into
``<workspace>/.p2m/history``. Saving a 100-object scene takes ~4 ms and loading it back ~10 ms,
which is cheap next to the MCP round-trip, and a file on disk survives anything a tool does to
``bpy.data``. The stacks are ring buffers of ``WorkerConfig.history_size`` entries, and hold at
most ``WorkerConfig.history_max_bytes`` together (a heavy scene once made one snapshot of 8 GB).

Besides the stacks, ``<workspace>/.p2m/current.blend`` holds the scene as it was when the
current call started (saved before a call only when the scene changed since the last save, and
shared by hard link with the undo entry taken for that call). It is what a worker restarted
after a call ran past its time limit reopens (``prompt2mesh mcp --restore``), so a stopped
call costs the scene nothing but that call.

Each undo entry is ``(label, file)`` where ``file`` holds the scene *before* the tool called
``label`` ran; each redo entry holds the scene *after* it ran.
"""

from __future__ import annotations

import contextlib
import itertools
import os
import shutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from prompt2mesh.blender.errors import BlenderOperationFailed, InvalidArgument

if TYPE_CHECKING:
    from prompt2mesh.blender.runtime import Worker

# Tools that move through the history themselves must not push onto it (that would clear redo).
NOT_SNAPSHOTTED = frozenset({"undo", "redo"})


@contextlib.contextmanager
def quiet_reports() -> Iterator[None]:
    """Send Blender's operator reports ("Info: Saved ...") to stderr.

    In background mode ``bpy.ops`` prints reports through Python's ``sys.stdout``, which over
    MCP stdio is the protocol stream: one stray line there breaks the client.
    """
    with contextlib.redirect_stdout(sys.stderr):
        yield


RECOVERY_FILE = "current.blend"


@dataclass(frozen=True)
class Entry:
    label: str
    path: Path

    @property
    def bytes(self) -> int:
        try:
            return self.path.stat().st_size
        except OSError:
            return 0


class History:
    """Snapshots of the scene taken before each mutating tool call, with undo and redo."""

    def __init__(self, worker: Worker) -> None:
        self.worker = worker
        self.size = max(0, worker.config.history_size)
        self.max_bytes = max(0, worker.config.history_max_bytes)
        self.directory = worker.workspace.root / ".p2m" / "history"
        self.recovery = worker.workspace.root / ".p2m" / RECOVERY_FILE
        # Files of an earlier worker in the same workspace belong to a scene we no longer hold.
        shutil.rmtree(self.directory, ignore_errors=True)
        self._counter = itertools.count(1)
        self._undo: list[Entry] = []
        self._redo: list[Entry] = []
        self._dirty = True
        """The scene differs from ``recovery`` (unknown at start, so: yes)."""

    # --- recording --------------------------------------------------------------------------
    def checkpoint(self) -> None:
        """Make ``recovery`` hold the current scene (a save only when it changed since the last).

        Raises:
            BlenderOperationFailed: the file could not be written.
        """
        if not self._dirty:
            return
        self.recovery.parent.mkdir(parents=True, exist_ok=True)
        temporary = self.recovery.with_suffix(".tmp.blend")
        self._save_to(temporary)
        os.replace(temporary, self.recovery)  # a new file: hard links to the old one keep it
        self._dirty = False

    def changed(self) -> None:
        """The scene was (or may have been) changed outside :meth:`snapshot`."""
        self._dirty = True

    def snapshot(self, label: str) -> None:
        """Record the scene before the tool ``label`` changes it; clears the redo stack.

        Raises:
            BlenderOperationFailed: the snapshot file could not be written.
        """
        self.checkpoint()
        if label in NOT_SNAPSHOTTED:
            return
        self._dirty = True
        if self.size == 0:
            return
        entry = Entry(label, self._link_recovery())
        self._undo.append(entry)
        self._drop(self._redo)
        self._redo.clear()
        while len(self._undo) > self.size:
            self._drop([self._undo.pop(0)])
        self._trim()

    def discard_last(self, label: str) -> None:
        """Forget the newest snapshot if it was taken for ``label`` (the call failed, nothing changed)."""
        if self._undo and self._undo[-1].label == label:
            self._drop([self._undo.pop()])
            self._dirty = False

    def restore_last(self, label: str) -> None:
        """Put back the scene from before ``label`` and forget that snapshot (a refused result).

        Raises:
            BlenderOperationFailed: the scene could not be reloaded.
        """
        if self._undo and self._undo[-1].label == label:
            self._drop([self._undo.pop()])
        if self.recovery.exists():
            self._load(self.recovery)
            self._dirty = False

    def restore_recovery(self) -> bool:
        """Reopen ``recovery`` (a restarted worker continuing its predecessor's scene)."""
        if not self.recovery.exists():
            return False
        self._load(self.recovery)
        self._dirty = False
        return True

    def bytes(self) -> int:
        """Disk space the undo and redo snapshots take."""
        return sum(e.bytes for e in (*self._undo, *self._redo))

    def _trim(self) -> None:
        """Drop the oldest undo (then the farthest redo) snapshots until within ``max_bytes``."""
        total = self.bytes()
        while total > self.max_bytes and (self._undo or self._redo):
            entry = self._undo.pop(0) if self._undo else self._redo.pop(0)
            total -= entry.bytes
            self._drop([entry])

    # --- moving -----------------------------------------------------------------------------
    def undo(self, steps: int = 1) -> list[str]:
        """Restore the scene as it was ``steps`` mutating calls ago; returns the undone labels.

        Raises:
            InvalidArgument: ``steps`` < 1 or more than the undo stack holds.
        """
        return self._move(self._undo, self._redo, steps, "undo")

    def redo(self, steps: int = 1) -> list[str]:
        """Re-apply ``steps`` undone calls; returns their labels.

        Raises:
            InvalidArgument: ``steps`` < 1 or more than the redo stack holds.
        """
        return self._move(self._redo, self._undo, steps, "redo")

    def labels(self) -> dict[str, list[str]]:
        """Labels of the undo and redo stacks, oldest first / next-to-redo last."""
        return {"undo": [e.label for e in self._undo], "redo": [e.label for e in self._redo]}

    def _move(self, source: list[Entry], target: list[Entry], steps: int, verb: str) -> list[str]:
        if steps < 1:
            raise InvalidArgument(f"steps must be >= 1, got {steps}")
        if steps > len(source):
            raise InvalidArgument(
                f"cannot {verb} {steps} step(s): only {len(source)} available "
                f"({', '.join(e.label for e in reversed(source)) or 'history is empty'})"
            )
        # The file of the state we leave becomes the opposite stack's entry; each intermediate
        # snapshot is reused, so a multi-step move saves one file and loads one file.
        self.checkpoint()
        current = self._link_recovery()
        moved: list[str] = []
        for _ in range(steps):
            entry = source.pop()
            target.append(Entry(entry.label, current))
            current = entry.path
            moved.append(entry.label)
        self._load(current)
        # The loaded file is now the scene: it becomes the recovery file as it is.
        os.replace(current, self.recovery)
        self._dirty = False
        while len(target) > self.size:
            self._drop([target.pop(0)])
        self._trim()
        return moved

    # --- files ------------------------------------------------------------------------------
    def _link_recovery(self) -> Path:
        """A new history file with the contents of ``recovery`` (a hard link: no copy)."""
        self.directory.mkdir(parents=True, exist_ok=True)
        path = self.directory / f"{next(self._counter):06d}.blend"
        try:
            os.link(self.recovery, path)
        except OSError:
            shutil.copyfile(self.recovery, path)  # a file system without hard links
        return path

    def _save_to(self, path: Path) -> None:
        import bpy

        try:
            with quiet_reports():
                bpy.ops.wm.save_as_mainfile(
                    filepath=str(path), copy=True, compress=False, check_existing=False
                )
        except RuntimeError as exc:
            raise BlenderOperationFailed(f"could not write an undo snapshot: {exc}") from exc

    def _load(self, path: Path) -> None:
        import bpy

        try:
            with quiet_reports():
                bpy.ops.wm.open_mainfile(filepath=str(path), load_ui=False)
        except RuntimeError as exc:
            raise BlenderOperationFailed(f"could not restore the snapshot {path.name}: {exc}") from exc

    @staticmethod
    def _drop(entries: list[Entry]) -> None:
        for entry in entries:
            entry.path.unlink(missing_ok=True)
