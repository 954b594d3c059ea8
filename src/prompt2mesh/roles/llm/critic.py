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


MAX_MEASURED_LINES = 20


def measured_text(problems: dict[str, Any], focus: str = "") -> str:
    """The worker's measured scene problems in words, to ground what the model sees.

    Lines about objects ``focus`` (the step's text) names come first, the rest by size; a
    list cut at :data:`MAX_MEASURED_LINES` says how many were left out.
    """
    if problems.get("empty_scene"):
        return "Measured: the scene is empty."
    rows: list[tuple[float, list[str], str]] = []
    rows += [
        (p["gap"], [p["name"]], f"{p['name']} floats {p['gap']:.2f} m above the ground")
        for p in problems.get("floating", [])
    ]
    rows += [
        (p["depth"], [p["name"]], f"{p['name']} sinks {p['depth']:.2f} m into the ground")
        for p in problems.get("sunk", [])
    ]
    rows += [
        (
            p["depth"],
            [p["a"], p["b"]],
            f"{p['a']} and {p['b']}: surfaces interpenetrate up to {p['depth']:.2f} m (fine if intended)",
        )
        for p in problems.get("intersecting", [])
    ]
    rows += [
        (0.0, [name], f"{name} is partly outside the camera frame") for name in problems.get("off_frame", [])
    ]
    if not rows:
        return "Measured: nothing floats, sinks, intersects or leaves the frame."
    text = focus.lower()
    rows.sort(key=lambda r: (not any(n.lower() in text for n in r[1]), -r[0]))
    lines = [r[2] for r in rows[:MAX_MEASURED_LINES]]
    if len(rows) > MAX_MEASURED_LINES:
        lines.append(f"... and {len(rows) - MAX_MEASURED_LINES} more")
    return "Measured in the scene:\n- " + "\n- ".join(lines)


CAP_NO_SUBJECT = 3
CAP_EMPTY = 1


@dataclass
class Grounding:
    """What the prompt asks, measured against the scene: the words no object accounts for, and
    the cap a hard failure puts on the score of a whole-scene judgement."""

    text: str = ""
    cap: int = 10
    reason: str = ""


async def grounding(ctx: RoleContext, whole_scene: bool) -> Grounding:
    """The prompt's words against the scene's object names (as the suite checker finds objects)."""
    from prompt2mesh.roles.offline.accounting import account_names
    from prompt2mesh.roles.offline.errors import SceneReadError
    from prompt2mesh.roles.offline.scene_facts import scene_objects

    if ctx.requirement is None:
        return Grounding()
    try:
        objects = await scene_objects(ctx.runner)
    except SceneReadError:
        return Grounding()
    names = [str(o["name"]) for o in objects if o.get("type") not in ("light", "camera")]
    acc = account_names(ctx.requirement.original, names)
    lines = [f"The person's words: {ctx.requirement.original!r}."]
    if acc.subject:
        shown = (
            f"shown by {acc.subject_kind}" if acc.subject_kind else "NO object in the scene is named after it"
        )
        lines.append(f"The prompt's subject: '{acc.subject}' ({shown}).")
    if acc.not_understood:
        lines.append(
            "Prompt words no object, colour, material, size or relation accounts for: "
            + ", ".join(acc.not_understood)
        )
    g = Grounding(text="\n".join(lines))
    if whole_scene and not names:
        g.cap, g.reason = CAP_EMPTY, "the scene is empty"
    elif whole_scene and acc.subject and not acc.subject_kind:
        g.cap, g.reason = CAP_NO_SUBJECT, f"the prompt's subject '{acc.subject}' is not in the scene"
    return g


@dataclass
class LLMCritic(LLMRole):
    """Sends the step and its screenshot (an image content block); parses score, issues, suggestions.

    With ``measure`` on, the worker's ``analyze_scene_problems`` facts (floating, sunk,
    intersecting, off-frame objects) go with the image: a 512 px screenshot hides a 5 cm gap.
    """

    role: str = "critic"
    measure: bool = True
    judges_renders: bool = True
    """A vision model sees light, world and materials only in a render."""
    second_view: bool = True
    """Also show the scene from behind at eye level: one view from the front and above hides
    what is behind or under a part (a trunk under the bottom tier of a tree)."""

    async def _measured(self, ctx: RoleContext, focus: str = "") -> str:
        if not self.measure:
            return ""
        result = await ctx.runner.call("analyze_scene_problems", {})
        if not result.ok or not isinstance(result.result, dict):
            return ""
        try:
            return measured_text(result.result, focus)
        except (KeyError, TypeError, ValueError):
            # A newer worker may shape this differently; the screenshot alone still works.
            return ""

    async def _view_from_behind(self, ctx: RoleContext) -> bytes | None:
        """A small solid-shaded picture from the back; None when off or the worker cannot."""
        if not self.second_view:
            return None
        result = await ctx.runner.call("get_multi_view", {"views": ["back"], "size": 256})
        return result.images[0] if result.ok and result.images else None

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
        measured = await self._measured(ctx, f"{step.action} {step.description} {' '.join(step.objects)}")
        whole = not step.objects and any(c.tool == "analyze_scene_problems" for c in step.calls)
        ground = await grounding(ctx, whole)
        task = step_text(step, ctx) + (f"\n\n{measured}" if measured else "")
        if ground.text:
            task += f"\n\n{ground.text}"
        if ground.reason:
            task += f"\nHard measured failure (your score cannot exceed {ground.cap}): {ground.reason}."
        content: list[str | dict[str, Any]] = [
            {"type": "text", "text": task + "\n\nThe screenshot after this step:"},
            image_block(screenshot_png),
        ]
        behind = await self._view_from_behind(ctx) if step.objects or whole else None
        if behind is not None:
            content += [
                {"type": "text", "text": "The same scene from behind, at eye level (smaller):"},
                image_block(behind),
            ]
        messages = [prompts.system_message(prompts.CRITIC, cache=self.cache), HumanMessage(content=content)]
        reply = await self.ask_json(messages, ctx, _Reply.model_validate)
        if reply.score > ground.cap:
            # A missing subject is not a 7 because the picture looks nice.
            return Critique(
                score=ground.cap,
                analysis=f"{reply.analysis} (Capped at {ground.cap}: {ground.reason}.)",
                issues=[ground.reason, *reply.issues],
                suggestions=reply.suggestions,
            )
        return Critique(
            score=reply.score, analysis=reply.analysis, issues=reply.issues, suggestions=reply.suggestions
        )
