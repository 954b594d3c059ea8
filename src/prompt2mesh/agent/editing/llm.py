"""The LLM-backed translator: text + scene + focus -> TaskSpec as validated JSON.

The reply is validated against the TaskSpec schema and asked for once more with the errors
(``LLMRole.ask_json``); object names the scene does not hold are reported as ambiguities and
cap the confidence, so a hallucinated target is never acted on silently.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from langchain_core.messages import HumanMessage, SystemMessage

from prompt2mesh.agent.editing.focus import FocusStack, is_plural_reference
from prompt2mesh.agent.editing.scene_state import SceneState
from prompt2mesh.agent.editing.taskspec import TaskSpec
from prompt2mesh.models.llm import LLMRole
from prompt2mesh.models.roles import RoleContext, ToolRunner

SYSTEM = """You translate a person's follow-up command about an existing Blender scene into a
TaskSpec. Answer with one JSON object matching this JSON schema, and nothing else:
{schema}
Rules: use only object names listed in the scene; resolve pronouns with the given focus
resolution; actions are exactly the enum values of Operation.action; scale factors are
per-axis multipliers [x, y, z]; move offsets are metres [x, y, z] (x right, y back, z up);
colours are sRGB hex; set confidence below 0.5 and list ambiguities when you are unsure
which object or what change is meant."""


@dataclass
class LLMTranslator:
    role: LLMRole
    runner: ToolRunner

    async def translate(self, text: str, scene: SceneState, focus: FocusStack) -> TaskSpec:
        """Ask the model for the TaskSpec; re-asked once when the JSON does not validate."""
        resolution = focus.resolve(scene.objects.keys(), plural=is_plural_reference(text))
        context: dict[str, Any] = {
            "command": text,
            "scene": [
                {
                    "name": o.name,
                    "size": [round(v, 3) for v in o.size],
                    "center": [round(v, 3) for v in o.center],
                }
                for o in scene.roots
            ],
            "focus_resolution": {
                "objects": resolution.objects,
                "source": resolution.source,
                "confidence": resolution.confidence,
            },
            "recent_commands": list(focus.commands)[-5:],
        }
        messages = [
            SystemMessage(content=SYSTEM.format(schema=json.dumps(TaskSpec.model_json_schema()))),
            HumanMessage(content=json.dumps(context)),
        ]
        ctx = RoleContext(runner=self.runner)
        spec = await self.role.ask_json(messages, ctx, TaskSpec.model_validate)
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
