"""System prompts of the LLM roles, and how they are sent.

The prompts are static text so that Anthropic can cache them: :func:`system_message` marks
the last static block with ``cache_control`` when caching is on (the Anthropic provider), and
:func:`tool_schemas` marks the last tool schema the same way, so one breakpoint covers the
whole tool list. Other providers get plain strings and OpenAI-style tool schemas.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from langchain_core.messages import SystemMessage

from prompt2mesh.roles.interface import ToolInfo

CACHE_CONTROL: dict[str, str] = {"type": "ephemeral"}

_CONVENTIONS = """\
Blender conventions of this workspace: metres, Z is up, the ground is z = 0, rotations are in
degrees, colours are sRGB hex strings like "#cc2222". Objects are addressed by name; tools
return the names Blender actually gave. Primitives are centred on their location, so a cube of
size 1 standing on the ground has location z = 0.5. Creation tools accept `parent` (location is
then local to the parent) and `material` (the name of an existing material)."""

REFINER = f"""\
You turn a short, possibly vague request for a 3D model into a specific modelling brief.
Keep everything the person asked for; add what a skilled 3D artist would decide: overall size
in metres, proportions, parts, counts, colours and materials, and the composition.
Do not invent a different subject. Keep it buildable from primitives, curves, text and
modifiers in a few minutes.

{_CONVENTIONS}

Reply with one JSON object and nothing else:
{{"refined": "<the brief, 1-4 sentences>",
  "details": {{"size_m": ..., "parts": [...], "colors": {{...}}, ...}},
  "warnings": ["<anything you could not honour, e.g. animation or photographs>"]}}"""

PLANNER = f"""\
You plan how to build a 3D model in Blender with the tools listed below. Split the work into
ordered, concrete steps. Each step is carried out later by a modeller who sees only that
step's description and the tools it names, and is judged from a viewport screenshot, so:
- a step produces something visible (the first steps build the main shapes, later steps add
  detail, materials, then lighting and camera last);
- the description says exactly what to create: names, sizes in metres, positions, colours;
- `tools` lists every tool name the step needs (only names from the catalogue): the modeller
  is offered exactly these plus inspection tools, e.g. a gold part needs create_material too;
- group the model under its subject: step 1 creates an empty named after what the model is
  ("Christmas_Tree", "Chair") and every part is created with `parent` set to it (children of
  parts are fine), so the exported file has one node that says what it is;
- do not plan clearing, opening, saving or exporting the scene: the system does that.

{_CONVENTIONS}

Reply with one JSON object and nothing else:
{{"steps": [{{"number": 1, "action": "<short imperative title>",
  "description": "<what to build, with names, sizes, positions, colours>",
  "tools": ["<tool name>", ...], "rationale": "<why this step, why here>",
  "expected_outcome": "<what the screenshot should show afterwards>"}}, ...]}}"""

RESUME = """\
A modelling run was interrupted. Given its plan and the objects now in the Blender scene, say
which steps are already done (their objects exist as described). Be conservative: a step is
done only if its work is clearly present.

Reply with one JSON object and nothing else: {"completed": [<step numbers>]}"""

EXECUTOR = f"""\
You are a careful 3D modeller working in Blender through tools. Carry out exactly the step you
are given by calling tools; several independent calls may go in one turn. Read each result:
if a call failed, correct the arguments and try again. Build on what already exists - do not
delete or rebuild earlier work unless the step says so. Use the inspection tools when you need
the current names, sizes or positions. When the step is done, answer with one short sentence
and no tool calls.

{_CONVENTIONS}"""

IMPROVER = f"""\
You are a careful 3D modeller improving the result of one modelling step in Blender through
tools. A critic looked at a screenshot and found problems. Enhance, do not replace: keep the
objects that exist and fix what the critique names - wrong sizes or positions, floating or
sunken parts, missing parts, too little detail (add bevels, subdivision, smooth shading, more
parts), weak or wrong materials. Make focused tool calls; read each result and correct failed
calls. When done, answer with one short sentence and no tool calls.

{_CONVENTIONS}"""

CRITIC = """\
You are a demanding art director judging one step of a 3D modelling job from a viewport
screenshot (solid shading with material colours; the camera frames the whole scene).
Judge only what the step was meant to achieve, in the context of the whole brief:
presence and shape of the parts, proportions, placement (nothing floating, sunken or
intersecting by accident), colours, level of detail, composition.

Measurements from the scene, when given, are exact (a small screenshot can hide a 5 cm gap);
weigh them with what you see. Intersections are often intended (legs into a table top).

Judge against the person's own words, not against the plan: the prompt's subject must be
there and recognisable, every noun of the prompt built, every colour and relation honoured.
Words the scene does not account for, when listed, are things the person asked for that no
object shows: each one is a real fault. A hard measured failure (the subject missing, an empty
scene) caps the score as stated, however good the picture looks.

Score from 1 to 10: 1-3 the step's result is missing or wrong; 4-5 recognisable but with clear
problems; 6-7 good with small issues; 8-9 very good; 10 flawless. Name objects and say in
metres or colours what to change.

Reply with one JSON object and nothing else:
{"score": <1-10>, "analysis": "<2-4 sentences>", "issues": ["..."], "suggestions": ["..."]}"""


def system_message(*blocks: str, cache: bool) -> SystemMessage:
    """The system message of a role: static blocks, cached as one prefix when ``cache``.

    Args:
        blocks: Text blocks in order; put the most stable ones first.
        cache: Mark the last block with Anthropic's ``cache_control`` (Anthropic only).

    Returns:
        A plain-string system message, or content blocks with a cache breakpoint.
    """
    if not cache:
        return SystemMessage(content="\n\n".join(blocks))
    content: list[str | dict[str, Any]] = [{"type": "text", "text": b} for b in blocks]
    last = content[-1]
    assert isinstance(last, dict)
    last["cache_control"] = dict(CACHE_CONTROL)
    return SystemMessage(content=content)


def _param_hint(name: str, schema: dict[str, Any]) -> str:
    schema = compact_schema(schema)
    if "enum" in schema:
        return f"{name}: {'|'.join(str(v) for v in schema['enum'])}"
    kind = schema.get("type")
    if kind == "array" and isinstance(schema.get("items"), dict) and schema["items"].get("type") == "number":
        return f"{name}: [x,y,z]" if schema.get("minItems") == 3 else f"{name}: [numbers]"
    return name


def tool_signature(info: ToolInfo) -> str:
    """``create_primitive(kind: cube|uv_sphere|..., name, location: [x,y,z], ...)``: what to pass."""
    props = (info.input_schema or {}).get("properties") or {}
    required = set((info.input_schema or {}).get("required") or [])
    params = [_param_hint(n, p) + ("" if n in required else "?") for n, p in props.items()]
    return f"{info.name}({', '.join(params)})"


def tool_catalogue(tools: Sequence[ToolInfo]) -> str:
    """The tool list for the planner: each tool's signature (parameters, enum values) and
    the first sentence of its description, by category."""
    lines = ["Tool catalogue (by category; ? = optional parameter):"]
    category = None
    for info in sorted(tools, key=lambda t: (t.category, t.name)):
        if info.category != category:
            category = info.category
            lines.append(f"[{category}]")
        first = tool_description(info).split("\n")[0].split(". ")[0].rstrip(".")
        lines.append(f"- {tool_signature(info)}: {first}")
    return "\n".join(lines)


def gemini_schema(node: Any) -> Any:
    """A tool's JSON schema in the subset langchain-google-genai converts for Gemini.

    The worker's pydantic schemas nest ``anyOf`` (an optional colour that is a hex string or
    a list) and set ``additionalProperties``; the Gemini converter crashes on the first and
    logs a complaint for the second. Nested ``anyOf`` alternatives are inlined, the key dropped.
    """
    if isinstance(node, list):
        return [gemini_schema(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {k: gemini_schema(v) for k, v in node.items() if k != "additionalProperties"}
    if isinstance(out.get("anyOf"), list):
        flat: list[Any] = []
        for alt in out["anyOf"]:
            if isinstance(alt, dict) and "anyOf" in alt and set(alt) <= {"anyOf", "description", "title"}:
                flat.extend(alt["anyOf"])
            else:
                flat.append(alt)
        out["anyOf"] = flat
    return out


def _noise(key: str, value: Any) -> bool:
    """Schema keys a model gains nothing from: titles, name-length limits, "no extra keys",
    and far-away numeric bounds (the worker enforces them and says so when one is hit)."""
    if key == "title":
        return isinstance(value, str)
    if key in {"maxLength", "minLength"}:
        return True
    if key == "additionalProperties":
        return value is False
    if key in {"maximum", "minimum", "exclusiveMinimum", "exclusiveMaximum"}:
        return isinstance(value, int | float) and abs(value) >= 1000
    return False


def compact_schema(node: Any) -> Any:
    """A tool's JSON schema without what only repeats or never matters to a model: pydantic's
    ``title`` on every field (the key already names it), the ``null`` branch of optional values
    (leaving a key out means the default), and the limits :func:`_noise` lists. The worker
    validates every call against its full schema anyway."""
    if isinstance(node, list):
        return [compact_schema(n) for n in node]
    if not isinstance(node, dict):
        return node
    out = {k: compact_schema(v) for k, v in node.items() if not _noise(k, v)}
    if "properties" in node:
        out["properties"] = {k: compact_schema(v) for k, v in node["properties"].items()}
    alternatives = out.get("anyOf")
    if isinstance(alternatives, list):
        kept = [a for a in alternatives if a != {"type": "null"}]
        if len(kept) == 1 and isinstance(kept[0], dict):
            merged = {**kept[0], **{k: v for k, v in out.items() if k != "anyOf"}}
            if merged.get("default", 0) is None:
                del merged["default"]
            return merged
        out["anyOf"] = kept
    return out


_FOR_PEOPLE = ("Raises:", "Returns", "Args:", "Example")


def tool_description(info: ToolInfo) -> str:
    """What the model reads about a tool: its docstring without the parts written for people.

    ``Raises:`` / ``Returns`` / ``Args:`` paragraphs go (errors come back as readable text,
    results are JSON the model reads anyway, arguments are in the schema); the rest stays,
    since it says how to use the tool (e.g. each modifier type's ``params``).
    """
    text = (info.description or info.name).strip()
    paragraphs = [p.strip() for p in text.split("\n\n")]
    kept = [paragraphs[0], *(p for p in paragraphs[1:] if p and not p.startswith(_FOR_PEOPLE))]
    return "\n".join(" ".join(line.strip() for line in p.splitlines()) for p in kept)


def tool_schemas(tools: Sequence[ToolInfo], *, cache: bool, gemini: bool = False) -> list[dict[str, Any]]:
    """Tool definitions for ``bind_tools``.

    With ``cache`` they are Anthropic-format dicts (passed through unchanged by
    langchain-anthropic) and the last one carries ``cache_control``; otherwise OpenAI-format
    function dicts, which every langchain chat model accepts.

    Args:
        tools: The tools to offer, as published by the worker.
        cache: Produce Anthropic-format schemas with a cache breakpoint.
        gemini: Simplify the schemas for the Gemini converter (see :func:`gemini_schema`).

    Returns:
        One dict per tool, in the given order.
    """
    schemas: list[dict[str, Any]] = []
    for info in tools:
        parameters = compact_schema(info.input_schema or {"type": "object", "properties": {}})
        if gemini:
            parameters = gemini_schema(parameters)
        description = tool_description(info)
        if cache:
            schemas.append({"name": info.name, "description": description, "input_schema": parameters})
        else:
            schemas.append(
                {
                    "type": "function",
                    "function": {"name": info.name, "description": description, "parameters": parameters},
                }
            )
    if cache and schemas:
        schemas[-1]["cache_control"] = dict(CACHE_CONTROL)
    return schemas
