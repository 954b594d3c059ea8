"""The runtime context of one run: what nodes use but the checkpoint must not hold.

Passed to the graph as LangGraph's ``context`` (``Runtime[ArtisanContext]``), never as globals,
so one process can run many graphs side by side (the service does).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from prompt2mesh.agent.plan_cache import PlanCache
from prompt2mesh.agent.trace import TraceWriter, compact
from prompt2mesh.config import Settings
from prompt2mesh.roles.interface import (
    RefinedPrompt,
    RoleContext,
    Roles,
    ToolInfo,
    ToolResult,
    ToolRunner,
    Usage,
)


@dataclass
class ArtisanContext:
    """Roles, tools, settings and sinks for one run."""

    roles: Roles
    runner: ToolRunner
    settings: Settings
    trace: TraceWriter
    out_dir: Path
    artifact_prefix: str = ""
    clock: Callable[[], float] = time.perf_counter
    plan_cache: PlanCache | None = None
    """Where passing plans are kept and looked up (None: no cache for this run)."""
    _tools: list[ToolInfo] | None = field(default=None, repr=False)

    async def tools(self) -> list[ToolInfo]:
        """The worker's published tools (asked once per run)."""
        if self._tools is None:
            self._tools = list(await self.runner.list_tools())
        return self._tools

    async def call(
        self, tool: str, args: dict[str, Any] | None = None, *, step: int | None = None
    ) -> ToolResult:
        """A tool call the agent itself makes (scene reads, screenshots, saves), traced like any other."""
        return await TracingRunner(self.runner, self.trace, step=step, attempt="agent").call(tool, args)

    def artifact(self, name: str) -> str:
        """Worker-side path (relative to the worker workspace) of a run artifact.

        The prefix is a folder: ``"runs/abc"`` and ``"runs/abc/"`` both give ``runs/abc/<name>``.
        """
        prefix = self.artifact_prefix
        if prefix and not prefix.endswith("/"):
            prefix += "/"
        return f"{prefix}{name}"

    def role_context(
        self,
        *,
        step: int = 0,
        total_steps: int = 0,
        tools: Sequence[ToolInfo] = (),
        loadable: Sequence[ToolInfo] = (),
        requirement: dict[str, Any] | None = None,
        attempt: str = "execute",
    ) -> RoleContext:
        """A :class:`RoleContext` whose runner traces every call as a ``tool_call`` event."""

        runner = TracingRunner(self.runner, self.trace, step=step, attempt=attempt)

        def emit(kind: str, data: dict[str, Any]) -> None:
            # The runner already traced calls that reached the worker; keep only the others
            # (e.g. a call to a tool the step was not offered, refused by the role itself).
            if kind == "tool_call" and runner.claim(str(data.get("tool")), data.get("args")):
                return
            self.trace.event(kind, **{"step": step, "attempt": attempt, **data})

        return RoleContext(
            runner=runner,
            tools=tools,
            loadable=loadable,
            emit=emit,
            usage=Usage(),
            step_index=step,
            total_steps=total_steps,
            requirement=RefinedPrompt.model_validate(requirement) if requirement else None,
        )


class TracingRunner:
    """A :class:`ToolRunner` that records every call (arguments, result, duration, error)."""

    def __init__(self, inner: ToolRunner, trace: TraceWriter, *, step: int | None, attempt: str) -> None:
        self.inner = inner
        self.trace = trace
        self.step = step
        self.attempt = attempt
        self.results: list[ToolResult] = []
        self._unclaimed: list[tuple[str, str]] = []

    def claim(self, tool: str, args: Any) -> bool:
        """Whether a role's report of a call matches one this runner traced (then drop it)."""
        key = (tool, _args_key(args))
        if key in self._unclaimed:
            self._unclaimed.remove(key)
            return True
        return False

    async def call(self, tool: str, args: dict[str, Any] | None = None) -> ToolResult:
        result = await self.inner.call(tool, args)
        self.results.append(result)
        self._unclaimed.append((tool, _args_key(result.args)))
        self.trace.event(
            "tool_call",
            step=self.step,
            attempt=self.attempt,
            tool=tool,
            args=compact(result.args),
            ok=result.ok,
            result=compact(result.result) if result.ok else None,
            error=result.error,
            duration_s=round(result.duration_s, 4),
        )
        return result

    async def list_tools(self) -> list[ToolInfo]:
        return await self.inner.list_tools()


def _args_key(args: Any) -> str:
    try:
        return json.dumps(args or {}, sort_keys=True, default=str)
    except (TypeError, ValueError):
        return repr(args)


def call_record(result: ToolResult) -> dict[str, Any]:
    """A tool call as the report keeps it."""
    return {
        "tool": result.tool,
        "args": compact(result.args, 500),
        "ok": result.ok,
        "error": result.error,
        "duration_s": round(result.duration_s, 4),
    }
