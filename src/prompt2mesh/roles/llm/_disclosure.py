"""Progressive tool disclosure: a step starts with a small tool set and loads more on demand.

The executor and the improver are bound to the step's tools plus ``find_tools``. A call to
``find_tools`` (answered here, never sent to the worker) lists the matching tools of the
catalogue and binds them from the model's next turn, so a request carries the schemas a step
uses instead of the whole catalogue, however many tools the worker publishes.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from typing import Any

from prompt2mesh.roles.interface import ToolInfo

FIND_TOOLS = "find_tools"
MAX_FOUND = 10
"""The most tools one ``find_tools`` call loads (their schemas join every later request)."""


def summary(info: ToolInfo) -> str:
    """The first sentence of a tool's description."""
    first = (info.description or info.name).strip().split("\n\n")[0].replace("\n", " ")
    return first.split(". ")[0].rstrip(".")


def find_tools_info(loadable: Sequence[ToolInfo]) -> ToolInfo:
    """The ``find_tools`` meta tool, its description naming the categories there are to load."""
    counts = Counter(t.category for t in loadable)
    listing = ", ".join(f"{c} ({n})" for c, n in sorted(counts.items()))
    return ToolInfo(
        name=FIND_TOOLS,
        category="inspection",
        description=(
            "Load more Blender tools when the offered ones cannot do what the step needs. "
            f"Categories: {listing}. Returns the matching tools, callable from your next turn."
        ),
        input_schema={
            "type": "object",
            "properties": {
                "category": {"type": "string", "enum": sorted(counts)},
                "query": {"type": "string", "description": "Words, e.g. 'bevel', 'constraint', 'keyframe'"},
            },
        },
    )


def find_tools(
    args: dict[str, Any], loadable: Sequence[ToolInfo], offered: set[str]
) -> tuple[list[ToolInfo], str]:
    """Tools matching ``args`` (category and/or query words), best first, and the model's answer.

    Returns:
        The newly loaded tools (not already offered) and the text the model reads back.
    """
    category = str(args.get("category") or "").strip().lower()
    words = [w for w in re.split(r"\W+", str(args.get("query") or "").lower()) if len(w) > 1]
    scored: list[tuple[int, ToolInfo]] = []
    for info in loadable:
        if category and info.category != category:
            continue
        text = f"{info.name.replace('_', ' ')} {info.description}".lower()
        score = sum(3 if w in info.name else 1 for w in words if w in text)
        if words and not score:
            continue
        scored.append((score, info))
    scored.sort(key=lambda pair: (-pair[0], pair[1].name))
    found = [info for _, info in scored[:MAX_FOUND]]
    if not found:
        known = ", ".join(sorted({t.category for t in loadable}))
        return [], f"No tool matches {args}. Categories: {known}."
    new = [t for t in found if t.name not in offered]
    lines = [f"- {t.name} [{t.category}]: {summary(t)}" for t in found]
    head = "Loaded (callable now):" if new else "Already available:"
    return new, head + "\n" + "\n".join(lines)
