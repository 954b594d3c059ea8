"""Versions of a model: the finished build, then every edit that left the scene different.

A version is a copy of the run's ``scene.blend`` and ``scene.glb`` in
``versions/<n>/`` of the run folder, listed in ``versions/index.json``. The first one (the
build as the run finished it) is copied the moment before the first change overwrites it;
until then the run's own files are version 1. Going back to a version copies its files
over the current scene and records that as a new version, so nothing is ever lost, and
the editing conversation gets a matching entry with a snapshot, so "undo" reverts it too.

The index and the glb copies are the service's (its copy of the workspace serves the
downloads, as in ``routes/files.py``); the callers also have the worker save each version's
.blend and rewrite the scene on a restore, so a remote worker (docker, Kubernetes), whose files
are only mirrored to the service, holds the same versions. Callers hold the user's run lock.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import time
import uuid
from pathlib import Path
from typing import Any

from prompt2mesh.service.commands import append_history, read_history

INDEX = "versions/index.json"
SCENE_FILES = ("scene.blend", "scene.glb")
# Command outcomes after which the editing pipeline has saved the scene (pipeline._publish).
PUBLISHED = ("applied", "partial", "not_done", "undone")


def _digest(path: Path) -> str | None:
    if not path.is_file():
        return None
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _read(folder: Path) -> list[dict[str, Any]]:
    path = folder / INDEX
    if not path.is_file():
        return []
    versions = json.loads(path.read_text()).get("versions", [])
    return [v for v in versions if isinstance(v, dict)]


def _write(folder: Path, versions: list[dict[str, Any]]) -> None:
    path = folder / INDEX
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps({"versions": versions}, indent=2))
    tmp.replace(path)


def list_versions(folder: Path) -> list[dict[str, Any]]:
    """The run's versions, oldest first; the last one is the current scene.

    A finished run nobody has edited yet has one version: its own ``scene.glb``.
    """
    versions = _read(folder)
    if versions:
        return versions
    if not (folder / "scene.glb").is_file():
        return []
    return [_entry(1, "build", "The finished build", glb="scene.glb", blend="scene.blend", screenshot=None)]


def _entry(
    number: int,
    kind: str,
    label: str,
    *,
    glb: str,
    blend: str,
    screenshot: str | None,
    digest: str | None = None,
    **extra: Any,
) -> dict[str, Any]:
    return {
        "number": number,
        "kind": kind,
        "label": label,
        "created_at": time.time(),
        "glb": glb,
        "blend": blend,
        "screenshot": screenshot,
        "digest": digest,
        **extra,
    }


def _copy_scene(folder: Path, number: int) -> dict[str, str]:
    target = folder / "versions" / str(number)
    target.mkdir(parents=True, exist_ok=True)
    for name in SCENE_FILES:
        shutil.copyfile(folder / name, target / name)
    return {"glb": f"versions/{number}/scene.glb", "blend": f"versions/{number}/scene.blend"}


def ensure_original(folder: Path) -> dict[str, Any] | None:
    """Keep the finished build as version 1 before anything changes the scene (once);
    returns the new entry, None when there was one already (or no scene)."""
    if _read(folder) or not all((folder / n).is_file() for n in SCENE_FILES):
        return None
    files = _copy_scene(folder, 1)
    shot = "screenshots/final.png" if (folder / "screenshots" / "final.png").is_file() else None
    entry = _entry(
        1, "build", "The finished build", screenshot=shot, digest=_digest(folder / "scene.glb"), **files
    )
    _write(folder, [entry])
    return entry


def record(
    folder: Path, kind: str, label: str, *, screenshot: str | None = None, always: bool = False, **extra: Any
) -> dict[str, Any] | None:
    """The current scene as a new version; None when it equals the current version
    (a command that changed nothing) unless ``always``."""
    ensure_original(folder)
    versions = _read(folder)
    digest = _digest(folder / "scene.glb")
    if not always and versions and versions[-1].get("digest") == digest:
        return None
    number = len(versions) + 1
    files = _copy_scene(folder, number)
    entry = _entry(number, kind, label, screenshot=screenshot, digest=digest, **files, **extra)
    _write(folder, [*versions, entry])
    return entry


def record_command(folder: Path, outcome: dict[str, Any]) -> dict[str, Any] | None:
    """A version for a command that saved the scene (an edit, an undo); None otherwise."""
    status = str(outcome.get("status") or "")
    if status not in PUBLISHED:
        return None
    kind = "undo" if status == "undone" else "edit"
    label = "Undo" if kind == "undo" else str(outcome.get("command") or "edit")
    return record(
        folder, kind, label, screenshot=outcome.get("screenshot"), command_id=outcome.get("id"), status=status
    )


def undo_snapshot(folder: Path) -> str:
    """Where the scene as it is before a restore goes (run-relative), for "undo" to reopen:
    the editing pipeline's own snapshot folder and numbering."""
    return f".p2m/edits/before_{len(read_history(folder.parent.parent, folder.name)) + 1}_restore.blend"


def restore(folder: Path, prefix: str, number: int, snapshot: str) -> dict[str, Any]:
    """Make version ``number`` the current scene again, as a new version.

    The worker has saved the scene as it was to ``snapshot`` (see :func:`undo_snapshot`) and
    written the version's scene; this makes the service's copies, the new version and the
    conversation's entry. ``prefix`` is the worker-side folder of the run (``runs/<id>/``):
    the entry names its snapshot there, so the editing pipeline's "undo" can reopen it.

    Raises:
        KeyError: the run has no such version.
    """
    ensure_original(folder)
    versions = list_versions(folder)
    chosen = next((v for v in versions if v.get("number") == number), None)
    if chosen is None:
        raise KeyError(number)
    for name in SCENE_FILES:
        shutil.copyfile(folder / chosen[name.removeprefix("scene.")], folder / name)
    label = f"Back to version {number}"
    entry = record(
        folder, "restore", label, screenshot=chosen.get("screenshot"), always=True, restored=number
    )
    assert entry is not None
    append_history(
        folder.parent.parent,
        folder.name,
        {
            "id": uuid.uuid4().hex,
            "command": f"Go back to version {number}",
            "status": "applied",
            "message": f"Restored version {number} ({chosen.get('label')}) as version {entry['number']}.",
            "snapshot": f"{prefix}{snapshot}",
            "screenshot": chosen.get("screenshot"),
            "restored_version": number,
            "version": entry["number"],
            "tool_calls": [],
            "attempts": 0,
            "duration_s": 0.0,
        },
    )
    return entry
