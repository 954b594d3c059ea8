"""Phase 0 with a model: turn the person's words into a specific modelling brief."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from langchain_core.messages import HumanMessage
from pydantic import BaseModel, Field

from prompt2mesh.roles import prompts
from prompt2mesh.roles.errors import ModelOutputError
from prompt2mesh.roles.interface import RefinedPrompt, RoleContext
from prompt2mesh.roles.llm._base import LLMRole
from prompt2mesh.roles.llm._variation import variation_note


class _Reply(BaseModel):
    refined: str = Field(min_length=1)
    details: dict[str, Any] = Field(default_factory=dict)
    warnings: list[str] = Field(default_factory=list)


@dataclass
class LLMRefiner(LLMRole):
    """Makes a vague prompt specific (sizes, parts, colours), keeping the person's intent."""

    role: str = "refiner"

    async def refine(self, prompt: str, ctx: RoleContext) -> RefinedPrompt:
        """Ask the model for the brief; an unusable answer keeps the prompt as it is.

        Args:
            prompt: The person's words.
            ctx: Usage counter and event sink.

        Returns:
            The refined prompt; on an unusable reply the original with a warning, because a
            run can go on without refinement.

        Raises:
            RetriesExhaustedError: Rate limits or transient errors outlasted the backoff.
        """
        messages = [
            prompts.system_message(prompts.REFINER, cache=self.cache),
            HumanMessage(content=f"Request: {prompt}{variation_note(ctx.variation)}"),
        ]
        try:
            reply = await self.ask_json(messages, ctx, _Reply.model_validate)
        except ModelOutputError as exc:
            return RefinedPrompt(
                original=prompt, refined=prompt, warnings=[f"prompt not refined: {exc.message}"]
            )
        return RefinedPrompt(
            original=prompt, refined=reply.refined, details=reply.details, warnings=reply.warnings
        )
