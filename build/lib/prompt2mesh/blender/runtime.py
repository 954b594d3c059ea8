"""The worker's state: its configuration, workspace and undo history.

One process holds one :class:`Worker`; every tool function receives it as first argument.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

from prompt2mesh.blender.workspace import Workspace


@dataclass(frozen=True)
class WorkerConfig:
    """Plain configuration of one Blender worker (from `prompt2mesh mcp` flags)."""

    workspace: Path
    allow_code: bool = False
    code_timeout_s: float = 10.0
    transport: Literal["stdio", "http"] = "stdio"
    host: str = "127.0.0.1"
    port: int = 8765
    # Limits that protect the worker's memory and time (documented in the README).
    max_vertices: int = 2_000_000
    max_objects: int = 5_000
    max_render_size: int = 2048
    max_render_samples: int = 1024
    max_array_count: int = 1_000
    history_size: int = 20
    extra: dict[str, str] = field(default_factory=dict)


class Worker:
    """What every tool needs: the config, the confined workspace and the undo history."""

    def __init__(self, config: WorkerConfig) -> None:
        from prompt2mesh.blender.history import History

        self.config = config
        self.workspace = Workspace(config.workspace)
        self.history = History(self)

    def before_mutation(self, tool_name: str) -> None:
        """Called by the server before every tool that changes the scene."""
        self.history.snapshot(tool_name)

    def discard_snapshot(self, tool_name: str) -> None:
        """Called when a mutating tool refused its input (nothing changed): forget its snapshot."""
        discard = getattr(self.history, "discard_last", None)
        if discard is not None:
            discard(tool_name)
