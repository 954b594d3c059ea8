"""Copying a remote worker's files into the service's copy of the workspace, over MCP.

A tool that writes a file answers with its workspace-relative ``path`` (``save_blend``,
``export_scene``, ``render_image``). After such a call, :class:`MirroringRunner` lists that
file's folder on the worker (the ``p2m://files`` resource) and reads every file that is new or
changed (``p2m://file`` chunks) into the same place under the service-side workspace. The
service then finds ``scene.glb`` exactly where a local worker would have written it.

A file is "changed" when its size or modification time differs: the copy gets the worker's
modification time, so the comparison needs no state of its own.
"""

from __future__ import annotations

import base64
import json
import logging
import os
from collections.abc import Awaitable, Callable
from pathlib import Path, PurePosixPath
from typing import Any

from mcp.types import BlobResourceContents, TextResourceContents
from pydantic import AnyUrl

from prompt2mesh.blender.files import CHUNK_BYTES, list_uri, read_uri
from prompt2mesh.roles.interface import ToolInfo, ToolResult, ToolRunner
from prompt2mesh.workers.session import WorkerSession

log = logging.getLogger(__name__)

DEFAULT_MAX_FILE_BYTES = 512 * 1024 * 1024
"""The largest file copied (the worker's own limit on a file it reads)."""


class FileTooLarge(ValueError):
    """A worker's file is larger than the service copies."""


async def _read(session: WorkerSession, uri: str) -> TextResourceContents | BlobResourceContents:
    result = await session._request("read_resource", lambda: session.session.read_resource(AnyUrl(uri)))
    return result.contents[0]  # type: ignore[no-any-return]


async def list_remote(session: WorkerSession, folder: str) -> list[dict[str, Any]]:
    """The files under ``folder`` on the worker: ``[{name, bytes, mtime_ns}]``."""
    content = await _read(session, list_uri(folder))
    text = (
        content.text if isinstance(content, TextResourceContents) else base64.b64decode(content.blob).decode()
    )
    listed: list[dict[str, Any]] = json.loads(text)
    return listed


async def fetch_file(
    session: WorkerSession, name: str, target: Path, *, max_bytes: int = DEFAULT_MAX_FILE_BYTES
) -> int:
    """Copy the worker's file ``name`` to ``target`` (atomically) chunk by chunk; return its size.

    Raises:
        FileTooLarge: the file grew past ``max_bytes`` while it was read.
        McpError: the worker refused the read (no such file, a path outside its workspace).
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.part")
    offset = 0
    try:
        with partial.open("wb") as out:
            while True:
                content = await _read(session, read_uri(name, offset))
                if isinstance(content, BlobResourceContents):
                    chunk = base64.b64decode(content.blob)
                else:
                    chunk = content.text.encode()
                out.write(chunk)
                offset += len(chunk)
                if offset > max_bytes:
                    raise FileTooLarge(f"{name} is larger than {max_bytes} bytes; not copied")
                if len(chunk) < CHUNK_BYTES:
                    break
        partial.replace(target)
    finally:
        partial.unlink(missing_ok=True)
    return offset


async def pull_folder(
    session: WorkerSession, folder: str, local_root: Path, *, max_file_bytes: int = DEFAULT_MAX_FILE_BYTES
) -> list[str]:
    """Bring every new or changed file under the worker's ``folder`` to ``local_root``.

    Returns the names copied. Files larger than ``max_file_bytes`` are skipped (logged).
    """
    copied = []
    root = local_root.resolve()
    for entry in await list_remote(session, folder):
        name = str(entry["name"])
        target = (root / name).resolve()
        if not target.is_relative_to(root):  # a worker never answers this; the service checks anyway
            continue
        size, mtime_ns = int(entry["bytes"]), int(entry["mtime_ns"])
        if size > max_file_bytes:
            log.warning("not copying %s from the worker: %d bytes is over the limit", name, size)
            continue
        try:
            stat = target.stat()
            if stat.st_size == size and stat.st_mtime_ns == mtime_ns:
                continue
        except FileNotFoundError:
            pass
        await fetch_file(session, name, target, max_bytes=max_file_bytes)
        os.utime(target, ns=(mtime_ns, mtime_ns))
        copied.append(name)
    return copied


def written_path(result: ToolResult) -> str | None:
    """The workspace file a successful call says it wrote, if any (dot-folders excepted:
    resume anchors and undo history stay on the worker)."""
    if not result.ok or not isinstance(result.result, dict):
        return None
    path = result.result.get("path")
    if not isinstance(path, str) or not path:
        return None
    if any(part.startswith(".") for part in PurePosixPath(path).parts):
        return None
    return path


class MirroringRunner:
    """A :class:`ToolRunner` that copies what each call wrote on the worker to ``local_root``.

    ``session`` returns the worker's current session (it may have been restarted).
    """

    def __init__(
        self,
        inner: ToolRunner,
        session: Callable[[], Awaitable[WorkerSession]],
        local_root: Path,
        *,
        max_file_bytes: int = DEFAULT_MAX_FILE_BYTES,
    ) -> None:
        self.inner = inner
        self._session = session
        self.local_root = local_root
        self.max_file_bytes = max_file_bytes

    async def call(self, tool: str, args: dict[str, Any] | None = None) -> ToolResult:
        result = await self.inner.call(tool, args)
        path = written_path(result)
        if path is not None:
            folder = PurePosixPath(path).parent.as_posix()
            try:
                await pull_folder(
                    await self._session(), folder, self.local_root, max_file_bytes=self.max_file_bytes
                )
            except Exception as exc:
                # The call did what it was asked; only the copy failed, and the caller must know
                # (a run that "completed" without its glb would be a lie).
                return ToolResult(
                    tool=tool,
                    args=result.args,
                    ok=False,
                    error=f"[transfer_failed] {tool} wrote {path} on the worker, but copying it failed: {exc}",
                    duration_s=result.duration_s,
                )
        return result

    async def list_tools(self) -> list[ToolInfo]:
        return await self.inner.list_tools()
