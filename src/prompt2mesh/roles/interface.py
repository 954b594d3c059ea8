"""The interface the agent sees: roles (prompt refiner, planner, step executor, critic, refiner)
and the data they exchange. Both the LLM-backed roles and the offline roles implement it.

Nothing here imports a provider SDK or Blender.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from pydantic import BaseModel, Field


class ToolCall(BaseModel):
    """One call of a Blender tool, as planned or as asked for by a model."""

    tool: str
    args: dict[str, Any] = Field(default_factory=dict)
    id: str | None = None


class ToolResult(BaseModel):
    """What came back from one tool call (kept for the trace and the report)."""

    tool: str
    args: dict[str, Any] = Field(default_factory=dict)
    ok: bool
    result: Any = None
    error: str | None = None
    duration_s: float = 0.0
    images: list[bytes] = Field(default_factory=list, exclude=True)


class RefinedPrompt(BaseModel):
    """Phase 0: the user's words made specific (shown to the user and stored)."""

    original: str
    refined: str
    details: dict[str, Any] = Field(default_factory=dict)
    warnings: list[str] = Field(default_factory=list)


class PlanStep(BaseModel):
    number: int = Field(ge=1)
    action: str = Field(min_length=1, description="Short imperative title, e.g. 'Build the trunk'.")
    description: str = ""
    tools: list[str] = Field(default_factory=list, description="Tool names the step needs.")
    rationale: str = ""
    expected_outcome: str = ""
    calls: list[ToolCall] = Field(
        default_factory=list, description="Pre-computed calls (offline planner); empty for LLM plans."
    )
    objects: list[str] = Field(default_factory=list, description="Object names the step creates or changes.")


class Plan(BaseModel):
    steps: list[PlanStep]
    warnings: list[str] = Field(default_factory=list)


class Critique(BaseModel):
    score: int = Field(ge=1, le=10)
    analysis: str = ""
    issues: list[str] = Field(default_factory=list)
    suggestions: list[str] = Field(default_factory=list)
    fix_calls: list[ToolCall] = Field(default_factory=list, description="Concrete repairs (offline critic).")


class ToolInfo(BaseModel):
    """A tool as published by the worker (name, description, JSON schema, category)."""

    name: str
    description: str = ""
    input_schema: dict[str, Any] = Field(default_factory=dict)
    category: str = "advanced"


class ToolRunner(Protocol):
    """Runs Blender tools (over MCP); never raises for a tool's own error, returns ok=False."""

    async def call(self, tool: str, args: dict[str, Any] | None = None) -> ToolResult: ...

    async def list_tools(self) -> list[ToolInfo]: ...


@dataclass
class Usage:
    """Tokens counted per model call; the offline roles count none."""

    calls: int = 0
    input_tokens: int = 0
    output_tokens: int = 0

    def add(self, input_tokens: int, output_tokens: int) -> None:
        self.calls += 1
        self.input_tokens += input_tokens
        self.output_tokens += output_tokens


@dataclass
class RoleContext:
    """What a role may use while it works: the tools, a trace sink and the usage counter."""

    runner: ToolRunner
    tools: Sequence[ToolInfo] = ()
    loadable: Sequence[ToolInfo] = ()
    """Tools a role may load on demand (``find_tools``) beyond ``tools``; empty = none."""
    emit: Callable[[str, dict[str, Any]], None] = lambda kind, data: None
    usage: Usage = field(default_factory=Usage)
    step_index: int = 0
    total_steps: int = 0
    requirement: RefinedPrompt | None = None


class PromptRefinerRole(Protocol):
    async def refine(self, prompt: str, ctx: RoleContext) -> RefinedPrompt: ...


class PlannerRole(Protocol):
    async def plan(
        self, requirement: RefinedPrompt, scene: dict[str, Any], ctx: RoleContext, errors: Sequence[str] = ()
    ) -> Plan:
        """Make a plan; ``errors`` lists what was wrong with the previous attempt."""
        ...

    async def completed_steps(self, plan: Plan, scene: dict[str, Any], ctx: RoleContext) -> list[int]:
        """Step numbers whose work is already in ``scene`` (resume)."""
        ...


class ExecutorRole(Protocol):
    async def execute(self, step: PlanStep, ctx: RoleContext) -> list[ToolResult]:
        """Carry out one step with tool calls through ``ctx.runner``; return every call made."""
        ...


class CriticRole(Protocol):
    judges_renders: bool
    """True when the critic looks at pictures as a person would, so a step about lights,
    world or materials is worth a path-traced render; False when it reads the screenshot's
    flat colours, which the solid-shaded viewport shows best and fastest."""

    async def critique(self, step: PlanStep, screenshot_png: bytes, ctx: RoleContext) -> Critique: ...


class ImproverRole(Protocol):
    async def improve(self, step: PlanStep, critique: Critique, ctx: RoleContext) -> list[ToolResult]:
        """refine_step: enhance (not replace) the step's work from the critique; return the calls."""
        ...


@dataclass
class Roles:
    """The four roles plus the improver, and who provides them (for the report)."""

    provider: str
    refiner: PromptRefinerRole
    planner: PlannerRole
    executor: ExecutorRole
    critic: CriticRole
    improver: ImproverRole
    model_names: dict[str, str] = field(default_factory=dict)


RunTool = Callable[[str, dict[str, Any]], Awaitable[ToolResult]]
