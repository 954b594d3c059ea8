"""Which tools a step is offered: its category set, from the tools it names and its words.

Offering only the relevant categories cuts prompt tokens and wrong picks (SPEC section 1).
Categories come from the worker's tool ``meta["category"]`` (``ToolInfo.category``), so a new
tool is filtered correctly the moment the worker publishes it.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

from prompt2mesh.roles.interface import PlanStep, ToolInfo

ALWAYS = frozenset({"inspection"})
"""Every step may look at the scene."""

RESERVED = frozenset({"new_scene", "open_blend", "save_blend", "export_scene"})
"""Scene lifecycle is the agent's job (resume anchors, final export): never offered to a model,
which could otherwise wipe or replace the accepted work."""

_KEYWORDS: dict[str, tuple[str, ...]] = {
    "creation": (
        "create",
        "add",
        "build",
        "make",
        "model",
        "place",
        "insert",
        "generate",
        "cube",
        "sphere",
        "cylinder",
        "cone",
        "torus",
        "plane",
        "text",
        "curve",
        "primitive",
        "base",
        "trunk",
        "leg",
    ),
    "modification": (
        "modif",
        "move",
        "rotate",
        "scale",
        "resize",
        "position",
        "align",
        "arrange",
        "duplicate",
        "copy",
        "array",
        "mirror",
        "bevel",
        "subdiv",
        "smooth",
        "join",
        "parent",
        "delete",
        "remove",
        "detail",
        "refine",
        "shape",
        "deform",
        "displace",
        "solidify",
        "boolean",
    ),
    "materials": (
        "material",
        "colour",
        "color",
        "paint",
        "texture",
        "metal",
        "gold",
        "silver",
        "glass",
        "wood",
        "shader",
        "emission",
        "glow",
        "red",
        "green",
        "blue",
        "finish",
        "decorat",
    ),
    "lighting": ("light", "lamp", "sun", "illuminat", "shadow", "world", "environment"),
    "camera": ("camera", "frame", "view", "shot", "angle", "composition"),
    "rendering": ("render", "screenshot", "export", "save", "preview", "image", "import"),
    "advanced": ("python", "script", "custom code"),
    "constraints": (
        "constrain",
        "track to",
        "tracking",
        "follow path",
        "follow the path",
        "along the path",
        "point at",
        "points at",
        "aim at",
        "child of",
    ),
    # Node materials: only when a step asks for textures or a look, so plain colour steps stay small.
    "shading": (
        "texture",
        "node",
        "procedural",
        "pattern",
        "wood",
        "marble",
        "concrete",
        "brushed",
        "glass",
        "bump",
        "normal map",
        "noise",
    ),
    # Fine control of lens, lights and surroundings; "light the scene" steps keep the small kit.
    "studio": (
        "hdri",
        "sky",
        "depth of field",
        "focus",
        "orthographic",
        "focal",
        "lens",
        "area light",
        "spot",
        "soft shadow",
        "softbox",
        "point at",
        "points at",
        "exposure",
    ),
    "organisation": ("collection", "organi", "hide", "hidden", "visib", "custom propert", "vertex parent"),
    "editing": (
        "extrude",
        "inset",
        "bevel",
        "edge",
        "face",
        "uv",
        "unwrap",
        "remesh",
        "decimat",
        "lathe",
        "revolve",
        "profile",
        "spin",
        "auto smooth",
        "smooth by angle",
        "font",
        "cyclic",
        "convert",
    ),
    "animation": ("anim", "keyframe", "frame range", "rigid", "physic", "fall", "bounce", "fps", "timeline"),
}


CORE: dict[str, tuple[str, ...]] = {
    "inspection": ("get_object_info", "get_bounding_boxes"),
    "creation": ("create_primitive", "create_empty"),
    "modification": (
        "set_transform",
        "duplicate_object",
        "set_parent",
        "add_modifier",
        "configure_modifier",
        "set_shading",
        "delete_objects",
        "rename_object",
    ),
    "materials": ("create_material", "assign_material"),
    "lighting": ("setup_lighting", "add_light", "set_world"),
    "camera": ("frame_camera", "set_camera"),
    "constraints": ("add_constraint", "list_constraints"),
    "shading": ("apply_material_preset", "edit_material_nodes"),
    "studio": ("configure_camera", "configure_light", "set_environment"),
    "organisation": ("set_collection", "set_visibility"),
    "animation": ("insert_keyframe", "set_timeline", "set_rigid_body"),
    "editing": ("edit_mesh",),
}
"""The small default surface of each category: what a step of that category is offered without
naming it. Every other tool (and every tool of a category not listed here, such as the ones new
tool rooms add) is reached by naming it in the plan or loading it with ``find_tools``, so the
schema bytes of a request do not grow with the catalogue."""

_NOUN_CATEGORIES = ("materials", "constraints", "shading", "organisation", "animation")
"""Once a step names its tools, only these words still add a category: creation tools take a
`material`, so "a gold star" needs create_material even when the planner listed only the
primitive, and a "keyframe", "collection", "texture" or "track to" names work the step does.
Light, camera and studio words ("catches the light", "from the front view", "white spots")
describe looks."""


def _words(step: PlanStep) -> str:
    return " ".join([step.action, step.description, step.expected_outcome]).lower()


def categories_for_step(step: PlanStep, tools: Sequence[ToolInfo]) -> set[str]:
    """The categories a step needs: those of the tools it names, plus keyword matches.

    When the step names known tools, only the noun keywords (_NOUN_CATEGORIES) add a
    category; otherwise every keyword group does.

    The ``advanced`` category (arbitrary code) is offered only when the step names such a tool
    or asks for a script explicitly.
    """
    by_name = {t.name: t.category for t in tools}
    named = {t for t in [*step.tools, *(c.tool for c in step.calls)] if t in by_name}
    categories = set(ALWAYS) | {by_name[t] for t in named}
    text = _words(step)
    # Verbs ("add", "make") say little once the step names its tools; nouns still do.
    keyword_categories = _NOUN_CATEGORIES if named else _KEYWORDS.keys()
    for category in keyword_categories:
        if any(re.search(rf"\b{re.escape(w)}", text) for w in _KEYWORDS[category]):
            categories.add(category)
    if categories <= ALWAYS:
        # Nothing recognisable: the general modelling kit rather than inspection alone.
        categories |= {"creation", "modification", "materials"}
    return categories


def _core(categories: Iterable[str]) -> set[str]:
    return {name for c in categories for name in CORE.get(c, ())}


def tools_for_step(step: PlanStep | dict[str, Any], tools: Iterable[ToolInfo]) -> list[ToolInfo]:
    """The tools offered for ``step``: every tool it names plus the inspection core; a step
    that names none gets the core of the categories its words ask for.

    A named tool's category is not offered whole (the planner chose its tools; a material word
    still adds the material core). The rest of the catalogue stays loadable on demand
    (:func:`loadable_tools`).
    """
    plan_step = step if isinstance(step, PlanStep) else PlanStep.model_validate(step)
    catalogue = list(tools)
    named = set(plan_step.tools) | {c.tool for c in plan_step.calls}
    categories = categories_for_step(plan_step, catalogue)
    if named & {t.name for t in catalogue}:
        by_name = {t.name: t.category for t in catalogue}
        # Categories that only the named tools brought in add nothing more.
        categories -= {by_name[n] for n in named if n in by_name} - set(_NOUN_CATEGORIES)
        categories |= set(ALWAYS)
    wanted = _core(categories)
    return [t for t in catalogue if (t.name in wanted or t.name in named) and t.name not in RESERVED]


REFINEMENT = frozenset({"modification", "materials"})
"""A refinement enhances what the step built: smoother surfaces, detail, fixes, materials."""


def tools_for_refinement(step: PlanStep | dict[str, Any], tools: Iterable[ToolInfo]) -> list[ToolInfo]:
    """The tools offered to refine ``step``: the step's own plus the modification and materials core."""
    catalogue = list(tools)
    own = {t.name for t in tools_for_step(step, catalogue)} | _core(REFINEMENT)
    return [t for t in catalogue if t.name in own and t.name not in RESERVED]


def loadable_tools(tools: Iterable[ToolInfo]) -> list[ToolInfo]:
    """What a model may load on demand (``find_tools``): everything but the scene lifecycle and
    arbitrary code, which stay with the agent and with steps that name them."""
    return [t for t in tools if t.name not in RESERVED and t.category != "advanced"]


LIT = frozenset({"lighting", "materials"})


def judged_rendered(step: PlanStep | dict[str, Any], tools: Iterable[ToolInfo]) -> bool:
    """Whether ``step`` is about lights, world or materials rather than shapes: its named tools
    are lighting or material tools and none creates geometry. A solid-shaded screenshot shows
    neither lights nor metal or glow, so such a step is judged from a quick render."""
    plan_step = step if isinstance(step, PlanStep) else PlanStep.model_validate(step)
    by_name = {t.name: t.category for t in tools}
    named = {by_name[t] for t in [*plan_step.tools, *(c.tool for c in plan_step.calls)] if t in by_name}
    return bool(named & LIT) and "creation" not in named
