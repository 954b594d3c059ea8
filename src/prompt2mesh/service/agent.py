"""The service's view of the Artisan agent: two calls, so the job manager does not care
which implementation runs (the real LangGraph agent, or a tiny one in tests of the plumbing).
"""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from pathlib import Path
from typing import Any, Protocol

from prompt2mesh.agent.plan_cache import PlanCache, PlanCacheStore, planner_of
from prompt2mesh.config import Settings
from prompt2mesh.roles.interface import ToolRunner

Emit = Callable[[dict[str, Any]], None]


class RunNotResumableError(Exception):
    """The agent has no checkpoint for this run; it must start over."""


class Reviews(Protocol):
    """The person's answers to a run paused for its plan's review (no worker needed).

    Each raises ``prompt2mesh.agent.errors`` ``RunNotFound``, ``ReviewNotPending`` or
    ``PlanEditRejected`` (with ``errors``) for a missing run, a run not waiting, a bad plan.
    """

    async def edit_plan(self, run_id: str, steps: list[Any]) -> dict[str, Any]:
        """Validate and store the edited steps; returns the run's new ``awaiting_review`` report."""
        ...

    async def request_replan(self, run_id: str, refined_prompt: str) -> dict[str, Any]:
        """Record a new refined prompt; the resumed run plans again from it and waits again."""
        ...

    async def approve_plan(self, run_id: str) -> dict[str, Any]:
        """Approve the plan as it stands; the resumed run builds it."""
        ...


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
        user_id: str = "",
    ) -> dict[str, Any]:
        """Run the agent from the start; returns the report (CONTRACT section 5)."""
        ...

    async def resume(
        self, *, run_id: str, out_dir: Path, runner: ToolRunner, emit: Emit, user_id: str = ""
    ) -> dict[str, Any]:
        """Continue from the last checkpoint.

        Raises:
            RunNotResumableError: no checkpoint exists for ``run_id``.
        """
        ...


class ArtisanAgent:
    """:class:`Agent` and :class:`Reviews` backed by ``prompt2mesh.agent`` (imported on first use)."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self._stack = contextlib.AsyncExitStack()
        self._saver: Any = None
        self._plan_cache_store: PlanCacheStore | None = None

    def _plan_cache(self, user_id: str) -> PlanCache | None:
        """The user's view of the plan cache (shared only when the operator says so)."""
        if self._plan_cache_store is None or not self.settings.plan_cache or not user_id:
            return None
        return PlanCache(
            self._plan_cache_store,
            owner=user_id,
            shared=self.settings.plan_cache_shared,
            pass_score=self.settings.pass_score,
            planner=planner_of(self.settings),
        )

    async def open(self, *, plan_cache: PlanCacheStore | None = None) -> None:
        """Open one checkpoint store for every run of this process when it is SQLite: its
        single connection (and lock) is the one writer path, so concurrent runs never meet
        "database is locked". PostgreSQL keeps a connection per run."""
        from prompt2mesh.agent.checkpoint import open_checkpointer, resolve_checkpoint_url

        self._plan_cache_store = plan_cache
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
        user_id: str = "",
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
            review=bool(options.get("review", False)),
            # A variation is a new design: never the plain prompt's cached plan.
            fresh_plan=bool(options.get("fresh_plan", False)) or bool(options.get("variation")),
        )
        return await run_make(
            request,
            self.settings,
            runner,
            emit=emit,
            checkpointer=self._saver,
            plan_cache=self._plan_cache(user_id),
        )

    async def resume(
        self, *, run_id: str, out_dir: Path, runner: ToolRunner, emit: Emit, user_id: str = ""
    ) -> dict[str, Any]:
        from prompt2mesh.agent.errors import RunNotFound
        from prompt2mesh.agent.runner import resume_run

        try:
            return await resume_run(
                run_id,
                self.settings,
                runner,
                out_dir=out_dir,
                emit=emit,
                checkpointer=self._saver,
                plan_cache=self._plan_cache(user_id),
            )
        except RunNotFound as exc:
            raise RunNotResumableError(str(exc)) from exc

    async def edit_plan(self, run_id: str, steps: list[Any]) -> dict[str, Any]:
        from prompt2mesh.agent.review_run import edit_plan

        return await edit_plan(
            run_id, steps, self.settings, provider=self.settings.provider, checkpointer=self._saver
        )

    async def request_replan(self, run_id: str, refined_prompt: str) -> dict[str, Any]:
        from prompt2mesh.agent.review_run import request_replan

        return await request_replan(
            run_id, refined_prompt, self.settings, provider=self.settings.provider, checkpointer=self._saver
        )

    async def approve_plan(self, run_id: str) -> dict[str, Any]:
        from prompt2mesh.agent.review_run import approve_plan

        return await approve_plan(
            run_id, self.settings, provider=self.settings.provider, checkpointer=self._saver
        )
