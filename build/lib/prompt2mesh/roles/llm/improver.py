"""refine_step with a model: tool calls that enhance a step's work from the critic's feedback."""

from __future__ import annotations

from dataclasses import dataclass

from langchain_core.messages import BaseMessage, HumanMessage

from prompt2mesh.roles import prompts
from prompt2mesh.roles.interface import Critique, PlanStep, RoleContext, ToolResult
from prompt2mesh.roles.llm._base import LLMRole
from prompt2mesh.roles.llm._toolloop import run_tool_loop, scene_summary
from prompt2mesh.roles.llm.executor import step_text


def critique_text(critique: Critique) -> str:
    """The critique as the improver reads it."""
    lines = [f"The critic scored this step {critique.score}/10."]
    if critique.analysis:
        lines.append(critique.analysis)
    if critique.issues:
        lines.append("Issues:\n- " + "\n- ".join(critique.issues))
    if critique.suggestions:
        lines.append("Suggestions:\n- " + "\n- ".join(critique.suggestions))
    return "\n".join(lines)


@dataclass
class LLMImprover(LLMRole):
    """Like the executor, with the critique in the task and 'enhance, don't replace' rules."""

    role: str = "improver"
    max_rounds: int = 8
    scene_context: bool = True

    async def improve(self, step: PlanStep, critique: Critique, ctx: RoleContext) -> list[ToolResult]:
        """Improve the work of ``step`` according to ``critique``.

        Args:
            step: The step whose result was judged.
            critique: The critic's score, analysis, issues and suggestions.
            ctx: The tools offered, the runner, usage, events.

        Returns:
            Every tool call made, failed ones included.

        Raises:
            RetriesExhaustedError: A model call outlasted the backoff.
            WorkerUnavailable: The worker died.
        """
        scene = await scene_summary(ctx) if self.scene_context else ""
        parts = [step_text(step, ctx), critique_text(critique), scene]
        messages: list[BaseMessage] = [
            prompts.system_message(prompts.IMPROVER, cache=self.cache),
            HumanMessage(
                content="\n\n".join(p for p in parts if p)
                + "\n\nImprove this step's result now (enhance, do not replace)."
            ),
        ]
        return await run_tool_loop(self, messages, ctx.tools, ctx, max_rounds=self.max_rounds)
