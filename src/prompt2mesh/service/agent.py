"""The service's view of the Artisan agent: two calls, so the job manager does not care
which implementation runs (the real LangGraph agent, or a tiny one in tests of the plumbing).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from prompt2mesh.config import Settings
from prompt2mesh.roles.interface import ToolRunner

Emit = Callable[[dict[str, Any]], None]


class RunNotResumableError(Exception):
    """The agent has no checkpoint for this run; it must start over."""


class Agent(Protocol):
    async def make(
        self,
        *,
        run_id: str,
        prompt: str,
        options: dict[str, Any],
        out_dir: Path,
        artifact_prefix: str,
        runner: ToolRunner,
        emit: Emit,
    ) -> dict[str, Any]:
        """Run the agent from the start; returns the report (CONTRACT section 5)."""
        ...

    async def resume(self, *, run_id: str, out_dir: Path, runner: ToolRunner, emit: Emit) -> dict[str, Any]:
        """Continue from the last checkpoint.

        Raises:
            RunNotResumableError: no checkpoint exists for ``run_id``.
        """
        ...


class ArtisanAgent:
    """:class:`Agent` backed by ``prompt2mesh.agent.runner`` (imported on first use)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._stack = contextlib.AsyncExitStack()
        self._saver: Any = None

    async def open(self) -> None:
        """Open one checkpoint store for every run of this process when it is SQLite: its
        single connection (and lock) is the one writer path, so concurrent runs never meet
        "database is locked". PostgreSQL keeps a connection per run."""
        from prompt2mesh.agent.checkpoint import open_checkpointer, resolve_checkpoint_url

        if not resolve_checkpoint_url(self.settings).startswith("postgresql://"):
            self._saver = await self._stack.enter_async_context(open_checkpointer(self.settings))

    async def close(self) -> None:
        self._saver = None
        await self._stack.aclose()

    def preload(self) -> None:
        """Import the agent and its roles now: the first import takes seconds and, done inside
        a run, would stall the event loop (and every live stream) while it lasts."""
        import prompt2mesh.agent.runner  # noqa: F401
        from prompt2mesh.roles.factory import make_roles

        make_roles(self.settings)

    async def make(
        self,
        *,
        run_id: str,
        prompt: str,
        options: dict[str, Any],
        out_dir: Path,
        artifact_prefix: str,
        runner: ToolRunner,
        emit: Emit,
    ) -> dict[str, Any]:
        from prompt2mesh.agent.runner import RunRequest, run_make

        # Every run is a new model: the user's worker may still hold the previous one.
        cleared = await runner.call("new_scene", {})
        if not cleared.ok:
            raise RuntimeError(f"could not start from an empty scene: {cleared.error}")
        request = RunRequest(
            prompt=prompt,
            out_dir=out_dir,
            artifact_prefix=artifact_prefix,
            run_id=run_id,
            max_refinements=options.get("max_refinements"),
            refine=options.get("refine", True),
            variation=int(options.get("variation") or 0),
        )
        return await run_make(request, self.settings, runner, emit=emit, checkpointer=self._saver)

    async def resume(self, *, run_id: str, out_dir: Path, runner: ToolRunner, emit: Emit) -> dict[str, Any]:
        from prompt2mesh.agent.errors import RunNotFound
        from prompt2mesh.agent.runner import resume_run

        try:
            return await resume_run(
                run_id, self.settings, runner, out_dir=out_dir, emit=emit, checkpointer=self._saver
            )
        except RunNotFound as exc:
            raise RunNotResumableError(str(exc)) from exc
