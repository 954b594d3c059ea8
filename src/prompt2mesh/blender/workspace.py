"""Confines every path a tool reads or writes to the worker's workspace directory."""

from __future__ import annotations

import os
from pathlib import Path

from prompt2mesh.blender.errors import InvalidArgument, LimitExceeded, NotFound, PathOutsideWorkspace

MAX_PATH_BYTES = 1024
"""A workspace path's length in UTF-8 bytes (Linux allows 4096 for a whole absolute path, and the
workspace root takes part of that); checked before anything is resolved, so a path of millions
of ``../`` parts is refused at once instead of being resolved for minutes."""
MAX_NAME_BYTES = 255
"""One path part (a folder or file name) in UTF-8 bytes: the limit of Linux file systems."""
MAX_PARTS = 32
"""Folders deep; nothing a tool writes needs more."""


def _has_drive(path: str) -> bool:
    """A Windows drive ('C:...'), absolute wherever the worker runs."""
    return len(path) >= 2 and path[1] == ":" and path[0].isalpha()


def check_path_shape(relative: str) -> None:
    """Refuse paths that are too long, too deep, or hold control characters, before resolving.

    Raises:
        InvalidArgument: a control character, more than MAX_PATH_BYTES bytes, a part longer
            than MAX_NAME_BYTES bytes, or more than MAX_PARTS parts.
    """
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in relative[: MAX_PATH_BYTES + 1]):
        raise InvalidArgument("a path may not contain control characters (NUL, newline, tab, ...)")
    try:
        size = len(relative.encode("utf-8"))
    except UnicodeEncodeError:
        raise InvalidArgument("a path must be valid Unicode (it holds an unpaired surrogate)") from None
    if size > MAX_PATH_BYTES:
        raise InvalidArgument(
            f"the path is {size:,} bytes long; a workspace path may be at most {MAX_PATH_BYTES} bytes"
        )
    parts = relative.replace("\\", "/").split("/")
    if len(parts) > MAX_PARTS:
        raise InvalidArgument(f"the path has {len(parts)} parts; at most {MAX_PARTS} folders deep")
    for part in parts:
        if len(part.encode("utf-8")) > MAX_NAME_BYTES:
            raise InvalidArgument(
                f"the path part {part[:40]!r}... is {len(part.encode('utf-8'))} bytes long; "
                f"a file or folder name may be at most {MAX_NAME_BYTES} bytes"
            )


class Workspace:
    """A directory that tools may use; nothing outside it is reachable through a tool."""

    def __init__(self, root: Path, *, max_file_bytes: int | None = None) -> None:
        root = Path(root).expanduser()
        root.mkdir(parents=True, exist_ok=True)
        self.root = root.resolve()
        self.max_file_bytes = max_file_bytes

    def usage_bytes(self, *, stop_after: int | None = None) -> int:
        """Bytes of the files in the workspace, the worker's own ``.p2m`` folder excepted.

        Counting stops once past ``stop_after`` (the caller only needs to know "over").
        """
        total = 0
        folders = [self.root]
        while folders:
            try:
                entries = list(os.scandir(folders.pop()))
            except OSError:
                continue
            for entry in entries:
                if entry.is_dir(follow_symlinks=False):
                    if entry.name != ".p2m":
                        folders.append(Path(entry.path))
                elif entry.is_file(follow_symlinks=False):
                    try:
                        total += entry.stat(follow_symlinks=False).st_size
                    except OSError:
                        continue
            if stop_after is not None and total > stop_after:
                break
        return total

    def resolve(self, relative: str, *, must_exist: bool = False, suffixes: tuple[str, ...] = ()) -> Path:
        """Return the absolute path for ``relative`` inside the workspace.

        Raises:
            InvalidArgument: empty name, a suffix not in ``suffixes``, control characters, or a
                path too long or too deep (see :func:`check_path_shape`).
            PathOutsideWorkspace: absolute paths, ``..`` escapes, symlinks pointing outside.
            NotFound: ``must_exist`` and the file is missing.
            LimitExceeded: ``must_exist`` and the file is larger than ``max_file_bytes``.
        """
        if not isinstance(relative, str) or not relative.strip():
            raise InvalidArgument("path must be a non-empty file name relative to the workspace")
        check_path_shape(relative)
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
        if must_exist and self.max_file_bytes is not None and resolved.is_file():
            size = resolved.stat().st_size
            if size > self.max_file_bytes:
                raise LimitExceeded(
                    f"{relative!r} is {size / 2**20:,.0f} MiB; the worker reads files of at most "
                    f"{self.max_file_bytes / 2**20:,.0f} MiB"
                )
        return resolved

    def relative(self, path: Path) -> str:
        """The workspace-relative name of ``path`` (for results shown to callers)."""
        return path.resolve().relative_to(self.root).as_posix()
