"""The offline prompt refiner and planner: words -> a specific requirement -> 5-12 steps whose
tool calls are computed in advance from the layout."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from prompt2mesh.roles.interface import Plan, PlanStep, RefinedPrompt, RoleContext, ToolCall
from prompt2mesh.roles.offline.build import (
    build_calls,
    detail_calls,
    max_detail,
    override_calls,
    rename_calls,
    root_names,
)
from prompt2mesh.roles.offline.layout import Layout, Placement
from prompt2mesh.roles.offline.scene_facts import scene_objects
from prompt2mesh.roles.offline.understanding import Understanding, relation_words, understand

MAX_OBJECT_STEPS = 8
GROUND_NAME = "Ground"
GROUND_COLOR = "#b9b7ae"
FRAME_MARGIN = 1.35
"""frame_camera fits bounding-box corners tightly; a wider margin keeps every corner in view."""


class OfflineRefiner:
    """Phase 0 without a model: parse, lay out, and say back what will be built."""

    async def refine(self, prompt: str, ctx: RoleContext) -> RefinedPrompt:
        u = understand(prompt)
        details: dict[str, Any] = {"spec": u.spec.to_dict(), "objects": u.summary()}
        return RefinedPrompt(
            original=prompt, refined=u.describe(), details=details, warnings=list(u.warnings)
        )


def _word(p: Placement) -> str:
    return p.name.split("_")[0].lower() if p.kind == "ornament" else p.kind.replace("_", " ")


def _group_steps(u: Understanding) -> list[tuple[str, list[Placement]]]:
    """One step per object group, in build order (supports first, decorations last)."""
    groups: dict[int, list[Placement]] = {}
    for p in u.layout.placements:
        groups.setdefault(p.spec_id, []).append(p)
    out: list[tuple[str, list[Placement]]] = []
    for members in groups.values():
        first = members[0]
        what = u.phrase(first.spec_id)
        if first.relation == "decoration":
            title = f"Hang {what} on the {first.target}"
        elif first.relation == "top_of":
            title = f"Put {what} on top of the {first.target}"
        elif first.relation in (
            "on",
            "in",
            "under",
            "above",
            "next_to",
            "around",
            "hanging_on",
            "leaning_against",
        ):
            title = f"Place {what} {relation_words(first.relation)} the {first.target}"
        else:
            title = f"Build {what}{u.overrides_of(first.name)}"
        out.append((title.replace("_", " "), members))
    if len(out) > MAX_OBJECT_STEPS:
        head, tail = out[: MAX_OBJECT_STEPS - 1], out[MAX_OBJECT_STEPS - 1 :]
        merged = [p for _, members in tail for p in members]
        out = [*head, ("Build the remaining objects", merged)]
    return out


def _ground_step(layout: Layout) -> list[ToolCall]:
    lo, hi = layout.extent()
    span = max(hi[0] - lo[0], hi[1] - lo[1])
    size = round(min(400.0, max(0.8, span * 1.8 + 0.4)), 2)
    cx, cy = round((lo[0] + hi[0]) / 2, 3), round((lo[1] + hi[1]) / 2, 3)
    return [
        ToolCall(tool="set_world", args={"color": "#2b2d33", "strength": 1.0}),
        ToolCall(
            tool="create_material", args={"name": "Ground_Material", "color": GROUND_COLOR, "roughness": 0.95}
        ),
        ToolCall(
            tool="create_primitive",
            args={
                "kind": "plane",
                "name": GROUND_NAME,
                "size": size,
                "location": [cx, cy, 0.0],
                "material": "Ground_Material",
            },
        ),
    ]


def _detail(p: Placement, u: Understanding) -> list[ToolCall]:
    """Bevels, subdivision and smooth shading up to the level the prompt asks for, in the first
    build (decorations are small and round enough as they are)."""
    if p.relation == "decoration":
        return []
    return [
        c for level in range(1, min(u.target_detail(), max_detail(p)) + 1) for c in detail_calls(p, level)
    ]


def make_plan(u: Understanding) -> Plan:
    """The whole build as steps; deterministic for a given understanding."""
    steps: list[PlanStep] = []

    def add(action: str, calls: list[ToolCall], objects: list[str], description: str, outcome: str) -> None:
        steps.append(
            PlanStep(
                number=len(steps) + 1,
                action=action,
                description=description,
                tools=sorted({c.tool for c in calls}),
                rationale="computed by the offline layout solver from the prompt's objects and relations",
                expected_outcome=outcome,
                calls=calls,
                objects=objects,
            )
        )

    if any(p.kind == "ground" or p.name == GROUND_NAME for p in u.layout.placements):
        # The prompt names its own ground ('on the grass'): it is built as an object instead.
        add(
            "Prepare the world",
            _ground_step(u.layout)[:1],
            [],
            "A dark studio background; the ground the prompt asks for is built as an object.",
            "The world background set.",
        )
    else:
        add(
            "Prepare the ground and the world",
            _ground_step(u.layout),
            [GROUND_NAME],
            "A neutral ground plane under the whole layout and a dark studio background.",
            "A flat ground at z = 0 large enough for every object.",
        )
    for title, members in _group_steps(u):
        calls: list[ToolCall] = []
        for p in members:
            calls.extend(build_calls(p, u.layout.get(p.parent) if p.parent else None))
            calls.extend(rename_calls(p))
            for o in u.layout.overrides:
                if o.host == p.name:
                    calls.extend(override_calls(o))
            # after the overrides: detail calls address parts by the prompt's names ('House_Door')
            calls.extend(_detail(p, u))
        names = [p.name for p in members]
        add(
            title,
            calls,
            names,
            u.describe_group(members),
            f"{', '.join(names[:4])}{' ...' if len(names) > 4 else ''} built and placed as described.",
        )
    roots = root_names(u.layout)
    light = [ToolCall(tool="setup_lighting", args={"preset": "three_point", "strength": 1.0})]
    camera = [
        ToolCall(tool="set_camera", args={"lens": 50.0}),
        ToolCall(
            tool="frame_camera",
            args={"objects": roots, "margin": FRAME_MARGIN} if roots else {"margin": FRAME_MARGIN},
        ),
    ]
    light_text = "Automatic three-point lighting around the scene bounds"
    camera_text = "a camera that frames every object from the front-right, slightly above"
    if len(steps) >= 3:
        # Enough steps already: one step for both keeps the run short (one screenshot less).
        add(
            "Light the scene and frame the camera",
            light + camera,
            [],
            f"{light_text}, and {camera_text}.",
            "Key, fill and rim lights; all objects inside the frame.",
        )
    else:
        add("Light the scene", light, [], f"{light_text}.", "Key, fill and rim lights; every object lit.")
        add(
            "Frame the camera",
            camera,
            [],
            f"{camera_text[0].upper()}{camera_text[1:]}.",
            "All objects inside the frame.",
        )
    add(
        "Review the whole scene",
        [ToolCall(tool="analyze_scene_problems", args={"ground_z": 0.0, "tolerance": 0.02})],
        [],
        "Check the finished scene for floating, sunk, intersecting or off-frame objects and wrong colours.",
        "No measurable faults left.",
    )
    return Plan(steps=steps, warnings=list(u.warnings))


class OfflinePlanner:
    """Plans from the refined requirement (the parsed spec travels in ``details``)."""

    async def plan(
        self, requirement: RefinedPrompt, scene: dict[str, Any], ctx: RoleContext, errors: Sequence[str] = ()
    ) -> Plan:
        return make_plan(understand(requirement.original, requirement.details.get("spec")))

    async def completed_steps(self, plan: Plan, scene: dict[str, Any], ctx: RoleContext) -> list[int]:
        """Steps whose planned objects all exist already (lights and camera count too)."""
        objects = await scene_objects(ctx.runner)
        names = {o["name"] for o in objects}
        types = {o.get("type") for o in objects}
        done: list[int] = []
        for step in plan.steps:
            if step.objects:
                ok = all(n in names for n in step.objects)
            elif any(c.tool in ("setup_lighting", "frame_camera") for c in step.calls):
                tools = {c.tool for c in step.calls}
                ok = ("light" in types or "setup_lighting" not in tools) and (
                    "camera" in types or "frame_camera" not in tools
                )
            else:
                ok = False
            if not ok:
                break
            done.append(step.number)
        return done
