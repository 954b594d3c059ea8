"""Planning with a model: the brief becomes ordered, validated steps; resume finds done steps."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from langchain_core.messages import HumanMessage
from pydantic import BaseModel, Field

from prompt2mesh.roles import prompts
from prompt2mesh.roles.interface import Plan, PlanStep, RefinedPrompt, RoleContext, ToolInfo
from prompt2mesh.roles.llm._base import LLMRole, scene_text


class _PlanReply(BaseModel):
    steps: list[PlanStep] = Field(min_length=1)


class _CompletedReply(BaseModel):
    completed: list[int] = Field(default_factory=list)


def _parse_plan(data: Any) -> _PlanReply:
    # Some models answer with the bare list of steps.
    if isinstance(data, list):
        data = {"steps": data}
    reply = _PlanReply.model_validate(data)
    # The agent addresses steps by number; numbering them 1..n avoids gaps and duplicates.
    for i, step in enumerate(reply.steps, start=1):
        step.number = i
    return reply


def _parse_completed(data: Any) -> _CompletedReply:
    if isinstance(data, list):
        data = {"completed": data}
    return _CompletedReply.model_validate(data)


@dataclass
class LLMPlanner(LLMRole):
    """Asks for a JSON plan of steps and validates its shape with pydantic.

    Whether the tool names exist and the step count fits is the agent's plan validation;
    it calls :meth:`plan` again with ``errors`` when a plan is rejected.
    """

    role: str = "planner"
    min_steps: int = 5
    max_steps: int = 15

    async def _tools(self, ctx: RoleContext) -> Sequence[ToolInfo]:
        return ctx.tools or await ctx.runner.list_tools()

    async def plan(
        self, requirement: RefinedPrompt, scene: dict[str, Any], ctx: RoleContext, errors: Sequence[str] = ()
    ) -> Plan:
        """Plan the build of ``requirement`` on top of ``scene``.

        Args:
            requirement: The refined brief.
            scene: The scene as read by ``get_scene_info`` (objects may already exist).
            ctx: Tools (the catalogue), usage counter and event sink.
            errors: What was wrong with the previous plan, if this is a second attempt.

        Returns:
            The plan, steps numbered 1..n.

        Raises:
            ModelOutputError: The model did not produce a plan of the right shape, twice.
            RetriesExhaustedError: Rate limits or transient errors outlasted the backoff.
        """
        tools = await self._tools(ctx)
        task = [
            f"Brief: {requirement.refined or requirement.original}",
            f"Original request: {requirement.original}",
        ]
        if requirement.details:
            task.append(f"Details: {json.dumps(requirement.details, ensure_ascii=False, default=str)}")
        task.append(scene_text(scene))
        typical = " (typically 5-12)" if self.min_steps <= 5 and self.max_steps >= 12 else ""
        task.append(f"Plan {self.min_steps} to {self.max_steps} steps{typical}.")
        if errors:
            task.append(
                "Your previous plan was rejected:\n- " + "\n- ".join(errors) + "\nFix these problems."
            )
        messages = [
            prompts.system_message(prompts.PLANNER, prompts.tool_catalogue(tools), cache=self.cache),
            HumanMessage(content="\n\n".join(task)),
        ]
        reply = await self.ask_json(messages, ctx, _parse_plan)
        return Plan(steps=reply.steps)

    async def completed_steps(self, plan: Plan, scene: dict[str, Any], ctx: RoleContext) -> list[int]:
        """Which steps of an interrupted run's ``plan`` the ``scene`` already holds.

        Args:
            plan: The plan of the interrupted run.
            scene: The scene as read by ``get_scene_info``.
            ctx: Usage counter and event sink.

        Returns:
            Step numbers that exist in the plan, ascending.

        Raises:
            ModelOutputError: The model did not answer with the list, twice.
            RetriesExhaustedError: Rate limits or transient errors outlasted the backoff.
        """
        steps = [
            {
                "number": s.number,
                "action": s.action,
                "expected_outcome": s.expected_outcome,
                "objects": s.objects,
            }
            for s in plan.steps
        ]
        messages = [
            prompts.system_message(prompts.RESUME, cache=self.cache),
            HumanMessage(
                content=f"Plan:\n{json.dumps(steps, ensure_ascii=False)}\n\n{scene_text(scene, limit=200)}"
            ),
        ]
        reply = await self.ask_json(messages, ctx, _parse_completed)
        known = {s.number for s in plan.steps}
        return sorted({n for n in reply.completed if n in known})
