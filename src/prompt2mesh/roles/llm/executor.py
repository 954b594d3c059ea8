"""Carrying out one plan step with a model that calls the step's tools."""

from __future__ import annotations

from dataclasses import dataclass

from langchain_core.messages import BaseMessage, HumanMessage

from prompt2mesh.roles import prompts
from prompt2mesh.roles.interface import PlanStep, RoleContext, ToolResult
from prompt2mesh.roles.llm._base import LLMRole, brief_text
from prompt2mesh.roles.llm._toolloop import run_tool_loop, scene_summary


def step_text(step: PlanStep, ctx: RoleContext, *, details: bool = True) -> str:
    """The step as the modeller reads it (with its place in the plan and the brief)."""
    if ctx.total_steps and step.number > ctx.total_steps:
        # The final judgement follows the plan; "Step 5 of 4" reads like an off-by-one.
        lines = [f"After all {ctx.total_steps} steps: {step.action}"]
    else:
        of = f" of {ctx.total_steps}" if ctx.total_steps else ""
        lines = [f"Step {step.number}{of}: {step.action}"]
    if step.description:
        lines.append(step.description)
    if step.expected_outcome:
        lines.append(f"Expected outcome: {step.expected_outcome}")
    brief = brief_text(ctx, details=details)
    if brief:
        lines.append(brief)
    return "\n".join(lines)


@dataclass
class LLMExecutor(LLMRole):
    """Binds only ``ctx.tools`` and loops model -> tool calls -> results until the step is done.

    With ``scene_context`` on, the task message lists the objects already in the scene (one
    read-only ``get_scene_info``), so the model builds on real names and positions.
    """

    role: str = "executor"
    max_rounds: int = 8
    scene_context: bool = True

    async def execute(self, step: PlanStep, ctx: RoleContext) -> list[ToolResult]:
        """Carry out ``step`` through ``ctx.runner``.

        Args:
            step: The step to do.
            ctx: The tools offered (already filtered by the agent), the runner, usage, events.

        Returns:
            Every tool call made, failed ones included.

        Raises:
            RetriesExhaustedError: A model call outlasted the backoff.
            WorkerUnavailable: The worker died.
        """
        scene = await scene_summary(ctx) if self.scene_context else ""
        task = step_text(step, ctx, details=False) + (f"\n\n{scene}" if scene else "")
        messages: list[BaseMessage] = [
            prompts.system_message(prompts.EXECUTOR, cache=self.cache),
            HumanMessage(content=task + "\n\nCarry out this step now."),
        ]
        return await run_tool_loop(self, messages, ctx.tools, ctx, max_rounds=self.max_rounds)
