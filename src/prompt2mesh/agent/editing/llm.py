"""The LLM-backed translator: text + scene + focus -> TaskSpec as validated JSON.

The reply is validated against the TaskSpec schema and asked for once more with the errors
(``LLMRole.ask_json``); object names the scene does not hold are reported as ambiguities and
cap the confidence, so a hallucinated target is never acted on silently.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from langchain_core.messages import HumanMessage, SystemMessage
from pydantic import BaseModel, Field

from prompt2mesh.agent.editing.codegen import primitive_for
from prompt2mesh.agent.editing.evaluator import Check, Evaluation, OfflineEvaluator
from prompt2mesh.agent.editing.focus import FocusStack, is_plural_reference
from prompt2mesh.agent.editing.parameters import PARAMETER_DOCS, PRIMITIVES, validated_spec
from prompt2mesh.agent.editing.scene_state import SceneObject, SceneState
from prompt2mesh.agent.editing.taskspec import TaskSpec
from prompt2mesh.roles.interface import RoleContext, ToolRunner
from prompt2mesh.roles.llm import LLMRole
from prompt2mesh.roles.llm.critic import image_block
from prompt2mesh.roles.offline.recipes import RECIPES, lookup

SYSTEM = """You translate a person's follow-up command about an existing Blender scene into a
TaskSpec. Answer with one JSON object matching this JSON schema, and nothing else:
{schema}
{parameters}
Rules: use only object names listed in the scene (an add_object target is the new object's
name); resolve pronouns with the given focus resolution; actions are exactly the enum values
of Operation.action and each action's parameters are exactly the keys listed above; scale
factors are per-axis multipliers [x, y, z]; move offsets are metres [x, y, z] (x right, y back,
z up); colours are sRGB hex; a colour change keeps the object's material (metal stays metal)
unless the person names a new material; set confidence below 0.5 and list ambiguities when
you are unsure which object or what change is meant."""


def parse_spec(data: Any) -> TaskSpec:
    """The model's JSON as a TaskSpec whose operations' parameters fit their actions.

    Raises:
        ValueError: What is wrong, worded for the model's second try (``ask_json`` shows it).
        ValidationError: The TaskSpec itself does not fit its schema.
    """
    spec = validated_spec(TaskSpec.model_validate(data))
    for i, op in enumerate(spec.operations):
        kind = str(op.parameters.get("kind", ""))
        unknown = lookup(kind) is None and (op.action == "replace_with" or primitive_for(kind) is None)
        if op.action in {"add_object", "replace_with"} and unknown:
            raise ValueError(
                f"operations[{i}] ({op.action}): no recipe knows {kind!r}; use a known thing "
                f"(e.g. {', '.join(sorted(RECIPES)[:15])}) or a shape word: {', '.join(PRIMITIVES)}"
            )
    return spec


def _describe_object(obj: SceneObject, scene: SceneState) -> dict[str, Any]:
    """One object as the translator sees it: where, how big, its parent and what it wears."""
    row: dict[str, Any] = {
        "name": obj.name,
        "type": obj.type,
        "size": [round(v, 3) for v in obj.size],
        "center": [round(v, 3) for v in obj.center],
    }
    if obj.parent:
        row["parent"] = obj.parent
    wears = []
    for name in obj.materials[:2]:
        mat = scene.materials.get(name, {})
        looks = {k: mat[k] for k in ("color", "metallic", "emission_color", "transmission") if mat.get(k)}
        if mat.get("alpha") is not None and mat["alpha"] < 1:
            # Glass keeps its material's name: without these a model cannot tell it is glass now.
            looks["alpha"] = mat["alpha"]
        wears.append({"material": name, **looks})
    if wears:
        row["materials"] = wears
    return row


@dataclass
class LLMTranslator:
    role: LLMRole
    runner: ToolRunner

    async def translate(self, text: str, scene: SceneState, focus: FocusStack) -> TaskSpec:
        """Ask the model for the TaskSpec; re-asked once when the JSON does not validate."""
        resolution = focus.resolve(scene.objects.keys(), plural=is_plural_reference(text))
        context: dict[str, Any] = {
            "command": text,
            "scene": [_describe_object(o, scene) for o in scene.objects.values() if o.type not in {"camera"}],
            "focus_resolution": {
                "objects": resolution.objects,
                "source": resolution.source,
                "confidence": resolution.confidence,
            },
            "recent_commands": list(focus.commands)[-5:],
        }
        messages = [
            SystemMessage(
                content=SYSTEM.format(
                    schema=json.dumps(TaskSpec.model_json_schema()), parameters=PARAMETER_DOCS
                )
            ),
            HumanMessage(content=json.dumps(context)),
        ]
        ctx = RoleContext(runner=self.runner)
        spec = await self.role.ask_json(messages, ctx, parse_spec)
        unknown = sorted(
            {
                n
                for n in [*spec.target_objects, *(op.target for op in spec.operations)]
                if n and n not in scene.objects
            }
            - {op.target for op in spec.operations if op.action == "add_object"}
        )
        if unknown:
            spec = spec.model_copy(
                update={
                    "ambiguities": [*spec.ambiguities, f"unknown objects: {', '.join(unknown)}"],
                    "confidence": min(spec.confidence, 0.4),
                }
            )
        return spec


EVALUATOR_SYSTEM = """You judge whether an edit of a 3D scene did what the person asked. You get
the command, the target properties, questions about the result, what was measured in the
scene, and a screenshot of the result. Answer with one JSON object and nothing else:
{"match_score": number 0..1, "issues": [strings], "suggested_refinements": [strings],
"retry": boolean}. Trust the measurements for sizes and positions; judge the look (shape,
surface, colour, proportions) from the image."""


class _Verdict(BaseModel):
    match_score: float = Field(ge=0.0, le=1.0)
    issues: list[str] = Field(default_factory=list)
    suggested_refinements: list[str] = Field(default_factory=list)
    retry: bool = False


@dataclass
class LLMEvaluator:
    """Screenshot + questions from the target properties -> a vision model's match score.

    The measured checks still run and still supply the corrective operations (a model can
    say "not tall enough" but the factor comes from the bounding boxes); the final score is
    the lower of the two, so neither a blurry image nor a lucky measurement passes alone.
    """

    role: LLMRole
    runner: ToolRunner
    measure: OfflineEvaluator = field(default_factory=OfflineEvaluator)
    needs_screenshot = True

    async def judge(
        self,
        spec: TaskSpec,
        before: SceneState,
        after: SceneState,
        created: list[str],
        screenshot: bytes | None,
    ) -> Evaluation:
        measured = self.measure.evaluate(spec, before, after, created)
        asked = spec.command or spec.intent
        questions = [c.question for c in measured.checks] or [f"Does the scene now show: {asked}?"]
        brief = {
            # The person's own words: a paraphrase could hide what was really asked.
            "command": asked,
            "target_properties": spec.target_properties.model_dump(exclude_none=True),
            "questions": questions,
            "measured": [
                {"question": c.question, "passed": c.passed, "detail": c.detail} for c in measured.checks
            ],
        }
        content: list[str | dict[str, Any]] = [{"type": "text", "text": json.dumps(brief)}]
        if screenshot:
            content.append(image_block(screenshot))
        messages = [SystemMessage(content=EVALUATOR_SYSTEM), HumanMessage(content=content)]
        verdict = await self.role.ask_json(messages, RoleContext(runner=self.runner), _Verdict.model_validate)
        looks = Check(
            "Does the result look like what was asked?", verdict.match_score >= 0.7, "; ".join(verdict.issues)
        )
        score = min(measured.score, verdict.match_score) if measured.checks else verdict.match_score
        # The judge's verdict counts: its retry and suggestions drive the next attempt.
        return Evaluation(
            score=score,
            checks=[*measured.checks, looks],
            refinements=measured.refinements,
            judge_retry=verdict.retry,
            suggestions=list(verdict.suggested_refinements),
            judge_issues=list(verdict.issues),
        )
