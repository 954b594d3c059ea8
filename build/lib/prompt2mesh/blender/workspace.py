"""Confines every path a tool reads or writes to the worker's workspace directory."""

from __future__ import annotations

import os
from pathlib import Path

from prompt2mesh.blender.errors import InvalidArgument, NotFound, PathOutsideWorkspace


def _has_drive(path: str) -> bool:
    """A Windows drive ('C:...'), absolute wherever the worker runs."""
    return len(path) >= 2 and path[1] == ":" and path[0].isalpha()


class Workspace:
    """A directory that tools may use; nothing outside it is reachable through a tool."""

    def __init__(self, root: Path) -> None:
        root = Path(root).expanduser()
        root.mkdir(parents=True, exist_ok=True)
        self.root = root.resolve()

    def resolve(self, relative: str, *, must_exist: bool = False, suffixes: tuple[str, ...] = ()) -> Path:
        """Return the absolute path for ``relative`` inside the workspace.

        Raises:
            InvalidArgument: empty name or a suffix not in ``suffixes``.
            PathOutsideWorkspace: absolute paths, ``..`` escapes, symlinks pointing outside.
            NotFound: ``must_exist`` and the file is missing.
        """
        if not isinstance(relative, str) or not relative.strip():
            raise InvalidArgument("path must be a non-empty file name relative to the workspace")
        if "\x00" in relative:
            raise InvalidArgument("path contains a NUL byte")
        candidate = Path(relative)
        if candidate.is_absolute() or relative.startswith(("~", "/", "\\")) or _has_drive(relative):
            raise PathOutsideWorkspace(
                f"{relative!r} is absolute; give a path relative to the workspace (e.g. 'scene.glb')"
            )
        # realpath follows every symlink, so a link that points out of the workspace is caught.
        resolved = Path(os.path.realpath(self.root / candidate))
        if resolved != self.root and self.root not in resolved.parents:
            raise PathOutsideWorkspace(
                f"{relative!r} resolves outside the workspace (via '..' or a symlink); "
                "use a plain relative path such as 'out/scene.glb'"
            )
        if resolved == self.root:
            raise InvalidArgument(
                f"{relative!r} names the workspace itself; give a file name such as 'scene.glb'"
            )
        if suffixes and resolved.suffix.lower() not in suffixes:
            raise InvalidArgument(f"{relative!r} must end with one of {', '.join(suffixes)}")
        if must_exist and not resolved.exists():
            raise NotFound(f"no file {relative!r} in the workspace")
        return resolved

    def relative(self, path: Path) -> str:
        """The workspace-relative name of ``path`` (for results shown to callers)."""
        return path.resolve().relative_to(self.root).as_posix()
