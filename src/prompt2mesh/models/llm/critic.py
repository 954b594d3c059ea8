"""The vision critic: a screenshot and the step go to the model, a 1-10 score comes back."""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from typing import Any

from langchain_core.messages import HumanMessage
from pydantic import BaseModel, Field, field_validator

from prompt2mesh.models import prompts
from prompt2mesh.models.llm._base import LLMRole
from prompt2mesh.models.llm.executor import step_text
from prompt2mesh.models.roles import Critique, PlanStep, RoleContext

_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")


class _Reply(BaseModel):
    score: int
    analysis: str = ""
    issues: list[str] = Field(default_factory=list)
    suggestions: list[str] = Field(default_factory=list)

    @field_validator("score", mode="before")
    @classmethod
    def _score(cls, value: Any) -> int:
        # Models write 7, 7.5, "7" or "7/10"; anything outside 1..10 is clamped.
        if isinstance(value, str):
            match = _NUMBER.search(value)
            if match is None:
                raise ValueError(f"score {value!r} is not a number")
            value = float(match.group())
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ValueError(f"score {value!r} is not a number")
        return max(1, min(10, round(value)))

    @field_validator("issues", "suggestions", mode="before")
    @classmethod
    def _listify(cls, value: Any) -> Any:
        if isinstance(value, str):
            return [value] if value.strip() else []
        return value


def image_block(png: bytes) -> dict[str, Any]:
    """A LangChain standard image content block (every provider integration converts it)."""
    return {"type": "image", "base64": base64.b64encode(png).decode("ascii"), "mime_type": "image/png"}


@dataclass
class LLMCritic(LLMRole):
    """Sends the step and its screenshot (an image content block); parses score, issues, suggestions."""

    role: str = "critic"

    async def critique(self, step: PlanStep, screenshot_png: bytes, ctx: RoleContext) -> Critique:
        """Judge ``step`` from ``screenshot_png``.

        Args:
            step: The step that was just carried out (or refined).
            screenshot_png: The viewport screenshot, PNG bytes.
            ctx: Usage counter and event sink.

        Returns:
            The critique, score clamped to 1..10.

        Raises:
            ModelOutputError: The model did not answer with the JSON verdict, twice.
            RetriesExhaustedError: Rate limits or transient errors outlasted the backoff.
        """
        messages = [
            prompts.system_message(prompts.CRITIC, cache=self.cache),
            HumanMessage(
                content=[
                    {"type": "text", "text": step_text(step, ctx) + "\n\nThe screenshot after this step:"},
                    image_block(screenshot_png),
                ]
            ),
        ]
        reply = await self.ask_json(messages, ctx, _Reply.model_validate)
        return Critique(
            score=reply.score, analysis=reply.analysis, issues=reply.issues, suggestions=reply.suggestions
        )
