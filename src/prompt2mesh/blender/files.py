"""The workspace's files as MCP resources, so a client on another machine can read them.

A worker in a container or a pod writes ``scene.glb``, ``scene.blend`` and exports into its
own volume; the service reads them through these two resource templates instead of a folder
it would have to share:

- ``p2m://files/{folder}``: a JSON list of ``{name, bytes, mtime_ns}`` for the files under a
  workspace folder (``.`` for the whole workspace), dot-folders left out, at most
  :data:`MAX_LISTED` entries.
- ``p2m://file/{name}/{offset}``: up to :data:`CHUNK_BYTES` bytes of one file from
  ``offset``; a chunk shorter than that is the last one.

``folder`` and ``name`` are percent-encoded workspace-relative paths (``runs%2Fr1%2Fscene.glb``:
a template parameter holds no ``/``). Resources, not tools: the agent's model never sees them.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

from prompt2mesh.blender.errors import InvalidArgument, NotFound
from prompt2mesh.blender.workspace import Workspace

CHUNK_BYTES = 4 * 1024 * 1024
"""One resource read: 4 MiB (about 5.6 MB once base64 encoded), well under the transport's bounds."""
MAX_LISTED = 2_000
MAX_DEPTH = 6

LIST_TEMPLATE = "p2m://files/{folder}"
READ_TEMPLATE = "p2m://file/{name}/{offset}"


def list_uri(folder: str) -> str:
    """The resource URI that lists ``folder`` (workspace-relative; ``""`` for the root)."""
    return f"p2m://files/{quote(folder or '.', safe='')}"


def read_uri(name: str, offset: int) -> str:
    """The resource URI of the chunk of ``name`` that starts at ``offset``."""
    return f"p2m://file/{quote(name, safe='')}/{int(offset)}"


def list_files(workspace: Workspace, folder: str) -> list[dict[str, Any]]:
    """Files under ``folder`` (recursively, dot-folders and links skipped), sorted by name.

    Raises:
        InvalidArgument / PathOutsideWorkspace: ``folder`` is not a path inside the workspace.
    """
    folder = unquote(folder)
    base = workspace.root if folder in ("", ".") else workspace.resolve(folder)
    if not base.is_dir():
        return []
    found: list[dict[str, Any]] = []
    base_depth = len(base.parts)
    for dirpath, dirnames, filenames in os.walk(base):
        here = Path(dirpath)
        # Dot-folders hold the undo history and resume anchors: the worker's own business.
        dirnames[:] = sorted(
            d for d in dirnames if not d.startswith(".") and len(here.parts) - base_depth < MAX_DEPTH
        )
        for name in sorted(filenames):
            path = here / name
            if name.startswith(".") or path.is_symlink():
                continue
            stat = path.stat()
            found.append(
                {"name": workspace.relative(path), "bytes": stat.st_size, "mtime_ns": stat.st_mtime_ns}
            )
            if len(found) >= MAX_LISTED:
                return found
    return found


def read_chunk(workspace: Workspace, name: str, offset: str | int) -> bytes:
    """Up to :data:`CHUNK_BYTES` bytes of the file ``name`` from ``offset``.

    Raises:
        InvalidArgument: a negative or non-numeric offset, or a path that is not a file name.
        NotFound: no such file.
        PathOutsideWorkspace: the name escapes the workspace.
    """
    try:
        start = int(offset)
    except ValueError:
        raise InvalidArgument(f"offset must be a whole number of bytes, not {str(offset)[:20]!r}") from None
    if start < 0:
        raise InvalidArgument("offset must be 0 or more")
    path = workspace.resolve(unquote(name))
    if not path.is_file():
        raise NotFound(f"no file {workspace.relative(path)!r} in the workspace")
    with path.open("rb") as handle:
        handle.seek(start)
        return handle.read(CHUNK_BYTES)


def register_file_resources(server: Any, workspace: Workspace) -> None:
    """Publish :data:`LIST_TEMPLATE` and :data:`READ_TEMPLATE` on a FastMCP ``server``."""

    def listing(folder: str) -> str:
        return json.dumps(list_files(workspace, folder), separators=(",", ":"))

    def chunk(name: str, offset: str) -> bytes:
        return read_chunk(workspace, name, offset)

    server.resource(
        LIST_TEMPLATE,
        name="workspace_files",
        description="Files under a workspace folder (percent-encoded path; '.' for all)",
        mime_type="application/json",
    )(listing)
    server.resource(
        READ_TEMPLATE,
        name="workspace_file",
        description=f"Up to {CHUNK_BYTES} bytes of a workspace file from a byte offset",
        mime_type="application/octet-stream",
    )(chunk)
