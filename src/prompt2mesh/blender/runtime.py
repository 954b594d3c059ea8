"""The worker's state: its configuration, workspace and undo history.

One process holds one :class:`Worker`; every tool function receives it as first argument.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from prompt2mesh.blender.arguments import ArgumentLimits
from prompt2mesh.blender.errors import InvalidArgument, LimitExceeded
from prompt2mesh.blender.workspace import Workspace

MIB = 1024 * 1024


@dataclass(frozen=True)
class WorkerConfig:
    """Plain configuration of one Blender worker (from `prompt2mesh mcp` flags)."""

    workspace: Path
    allow_code: bool = False
    code_timeout_s: float = 10.0
    transport: Literal["stdio", "http"] = "stdio"
    host: str = "127.0.0.1"
    port: int = 8765
    # Limits that protect the worker's memory, time and disk (documented in the README).
    max_vertices: int = 2_000_000
    """Vertices of the whole scene after modifiers, checked before a call adds any."""
    max_objects: int = 5_000
    max_render_size: int = 2048
    max_render_samples: int = 1024
    max_render_pixel_samples: int = 1024 * 1024 * 128
    """Width x height x samples of one render (1024x1024 at 128 samples; ~1 min on 2 cores)."""
    max_array_count: int = 1_000
    history_size: int = 20
    history_max_bytes: int = 512 * MIB
    """Undo snapshots together; the oldest are dropped first."""
    max_workspace_bytes: int = 2048 * MIB
    """Disk quota of the workspace's files (undo history not counted: it has its own bound)."""
    max_file_bytes: int = 512 * MIB
    """Largest file a tool reads (open_blend and the like)."""
    max_string_chars: int = 100_000
    """Longest string in any argument."""
    allow_software_eevee: bool = False
    """Render with EEVEE although no GPU is present (software OpenGL: 20-60 s per small frame)."""
    restore: bool = False
    """Reopen the scene a previous worker in this workspace held when its last call started
    (the manager restarts a worker this way after stopping a call that ran too long)."""
    spare_root: Path | None = None
    """A spare worker, started before anyone needs it: ``workspace`` is a placeholder and the
    parent assigns the real one, a folder directly under ``spare_root``, once (see
    :meth:`Worker.assign_workspace`); no tool runs before that."""
    hold_blender: Path | None = None
    """Tests only: a FIFO the worker reads to its end before it loads Blender (see
    :class:`prompt2mesh.blender.loader.BlenderLoader`)."""
    token: str | None = field(default=None, repr=False)
    """The bearer token HTTP clients must send (see :mod:`prompt2mesh.blender.http`)."""
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def argument_limits(self) -> ArgumentLimits:
        return ArgumentLimits(max_string_chars=self.max_string_chars)


class Worker:
    """What every tool needs: the config, the confined workspace and the undo history."""

    def __init__(self, config: WorkerConfig) -> None:
        from prompt2mesh.blender.history import History

        self.config = config
        self.workspace = Workspace(config.workspace, max_file_bytes=config.max_file_bytes)
        self.history = History(self)
        self.assigned = config.spare_root is None
        """False for a spare until :meth:`assign_workspace`."""

    def assign_workspace(self, path: Path) -> None:
        """Make ``path`` this spare worker's workspace (once, before any tool ran).

        Raises:
            InvalidArgument: the worker is not a spare, already has its workspace, or ``path``
                is not an existing folder directly under its ``spare_root``.
        """
        from dataclasses import replace

        from prompt2mesh.blender.history import History

        root = self.config.spare_root
        if root is None or self.assigned:
            raise InvalidArgument("this worker is not an unassigned spare")
        if not path.is_absolute() or path.is_symlink() or not path.is_dir():
            raise InvalidArgument(f"{path} is not an existing folder")
        if path.resolve().parent != root.resolve():
            raise InvalidArgument(f"{path} is not a workspace under {root}")
        self.config = replace(self.config, workspace=path.resolve(), spare_root=None)
        self.workspace = Workspace(self.config.workspace, max_file_bytes=self.config.max_file_bytes)
        self.history = History(self)
        self.assigned = True

    def before_call(self, tool_name: str, arguments: Mapping[str, Any]) -> None:
        """Called by the server before every tool: keeps the recovery file current, and refuses
        calls that name a file once the workspace is over its disk quota.

        Raises:
            LimitExceeded: the workspace holds more than ``max_workspace_bytes``.
        """
        if any(_names_a_file(key, value) for key, value in arguments.items()):
            used = self.workspace.usage_bytes(stop_after=self.config.max_workspace_bytes)
            if used > self.config.max_workspace_bytes:
                raise LimitExceeded(
                    f"the workspace holds more than its quota of {self.config.max_workspace_bytes // MIB:,} MiB; "
                    "no more files can be written or read until older ones are removed"
                )
        self.history.checkpoint()

    def before_mutation(self, tool_name: str) -> None:
        """Called by the server before every tool that changes the scene."""
        self.history.snapshot(tool_name)

    def measure(self) -> tuple[int, int]:
        """(estimated vertices after modifiers, objects) of the whole scene."""
        from prompt2mesh.blender.tools._common import scene_object_count, scene_vertex_estimate

        return scene_vertex_estimate(), scene_object_count()

    def after_mutation(self, tool_name: str, before: tuple[int, int]) -> None:
        """Called after a scene-changing tool succeeded: a scene it made larger than the budget
        is put back as it was (a backstop for tools that cannot estimate their cost up front).

        Raises:
            LimitExceeded: the call grew the scene past ``max_vertices`` or ``max_objects``.
        """
        vertices, objects = self.measure()
        over_vertices = vertices > self.config.max_vertices and vertices > before[0]
        over_objects = objects > self.config.max_objects and objects > before[1]
        if over_vertices or over_objects:
            self.history.restore_last(tool_name)
            what = (
                f"about {vertices:,} vertices (the worker allows {self.config.max_vertices:,})"
                if over_vertices
                else f"{objects:,} objects (the worker allows {self.config.max_objects:,})"
            )
            raise LimitExceeded(f"{tool_name} made the scene hold {what}; the scene was put back as it was")

    def discard_snapshot(self, tool_name: str) -> None:
        """Called when a mutating tool refused its input (nothing changed): forget its snapshot."""
        discard = getattr(self.history, "discard_last", None)
        if discard is not None:
            discard(tool_name)


def _names_a_file(key: str, value: Any) -> bool:
    return isinstance(value, str) and key.lower() in ("filename", "path", "file", "filepath")
