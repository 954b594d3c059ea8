"""The vision critic: a screenshot and the step go to the model, a 1-10 score comes back."""

from __future__ import annotations

import base64
import re
from dataclasses import dataclass
from typing import Any

from langchain_core.messages import HumanMessage
from pydantic import BaseModel, Field, field_validator

from prompt2mesh.roles import prompts
from prompt2mesh.roles.interface import Critique, PlanStep, RoleContext
from prompt2mesh.roles.llm._base import LLMRole
from prompt2mesh.roles.llm.executor import step_text

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


def measured_text(problems: dict[str, Any]) -> str:
    """The worker's measured scene problems in words, to ground what the model sees."""
    if problems.get("empty_scene"):
        return "Measured: the scene is empty."
    lines = [f"{p['name']} floats {p['gap']:.2f} m above the ground" for p in problems.get("floating", [])]
    lines += [f"{p['name']} sinks {p['depth']:.2f} m into the ground" for p in problems.get("sunk", [])]
    lines += [
        f"{p['a']} and {p['b']} intersect by {p['depth']:.2f} m (fine if intended)"
        for p in problems.get("intersecting", [])
    ]
    lines += [f"{name} is partly outside the camera frame" for name in problems.get("off_frame", [])]
    if not lines:
        return "Measured: nothing floats, sinks, intersects or leaves the frame."
    return "Measured in the scene:\n- " + "\n- ".join(lines[:20])


@dataclass
class LLMCritic(LLMRole):
    """Sends the step and its screenshot (an image content block); parses score, issues, suggestions.

    With ``measure`` on, the worker's ``analyze_scene_problems`` facts (floating, sunk,
    intersecting, off-frame objects) go with the image: a 512 px screenshot hides a 5 cm gap.
    """

    role: str = "critic"
    measure: bool = True

    async def _measured(self, ctx: RoleContext) -> str:
        if not self.measure:
            return ""
        result = await ctx.runner.call("analyze_scene_problems", {})
        if not result.ok or not isinstance(result.result, dict):
            return ""
        try:
            return measured_text(result.result)
        except (KeyError, TypeError, ValueError):
            # A newer worker may shape this differently; the screenshot alone still works.
            return ""

    async def critique(self, step: PlanStep, screenshot_png: bytes, ctx: RoleContext) -> Critique:
        """Judge ``step`` from ``screenshot_png``.

        Args:
            step: The step that was just carried out (or refined).
            screenshot_png: The viewport screenshot, PNG bytes.
            ctx: The runner (for the measured problems), usage counter and event sink.

        Returns:
            The critique, score clamped to 1..10.

        Raises:
            ModelOutputError: The model did not answer with the JSON verdict, twice.
            RetriesExhaustedError: Rate limits or transient errors outlasted the backoff.
            WorkerUnavailable: The worker died while measuring.
        """
        measured = await self._measured(ctx)
        task = step_text(step, ctx) + (f"\n\n{measured}" if measured else "")
        messages = [
            prompts.system_message(prompts.CRITIC, cache=self.cache),
            HumanMessage(
                content=[
                    {"type": "text", "text": task + "\n\nThe screenshot after this step:"},
                    image_block(screenshot_png),
                ]
            ),
        ]
        reply = await self.ask_json(messages, ctx, _Reply.model_validate)
        return Critique(
            score=reply.score, analysis=reply.analysis, issues=reply.issues, suggestions=reply.suggestions
        )
