"""The catalogue of Blender tools: each tool is a plain function registered with a category.

Tool functions take the :class:`~prompt2mesh.blender.runtime.Worker` as their first argument
and typed keyword parameters after it (their JSON schema comes from the type hints and the
``Annotated[..., Field(description=...)]`` metadata). The server hides the first argument and
publishes the category in the tool's ``meta`` so clients can filter tools per step.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal, get_args

Category = Literal[
    "inspection",
    "creation",
    "modification",
    "materials",
    "camera",
    "lighting",
    "rendering",
    "advanced",
    "constraints",
    "shading",
    "studio",
    "organisation",
    "editing",
    "animation",
]
CATEGORIES: tuple[Category, ...] = get_args(Category)


@dataclass(frozen=True)
class ToolSpec:
    name: str
    category: Category
    func: Callable[..., Any]
    mutates: bool
    """True when the call changes the scene (an undo snapshot is taken first)."""


_TOOLS: dict[str, ToolSpec] = {}


def tool(
    category: Category, *, mutates: bool = False, name: str | None = None
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Register a tool function under ``category``."""

    def register(func: Callable[..., Any]) -> Callable[..., Any]:
        tool_name = name or func.__name__
        if tool_name in _TOOLS and _TOOLS[tool_name].func is not func:
            raise RuntimeError(f"tool {tool_name!r} registered twice")
        _TOOLS[tool_name] = ToolSpec(tool_name, category, func, mutates)
        return func

    return register


def all_tools() -> dict[str, ToolSpec]:
    """Every registered tool (importing the tool modules first)."""
    from prompt2mesh.blender.tools import MODULES

    for module in MODULES:
        importlib.import_module(f"prompt2mesh.blender.tools.{module}")
    return dict(_TOOLS)


def tools_of(module: str) -> dict[str, ToolSpec]:
    """The tools registered so far, after importing the tool module ``module`` (a name from
    ``prompt2mesh.blender.tools.MODULES``) and whatever it imports."""
    importlib.import_module(f"prompt2mesh.blender.tools.{module}")
    return dict(_TOOLS)
