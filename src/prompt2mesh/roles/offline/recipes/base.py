"""What a recipe is: a parametric builder of one kind of thing, as Blender tool calls.

A recipe never touches Blender: it returns :class:`ToolCall` lists that run through MCP.
Convention every recipe follows (the layout solver and the critic rely on it):

- The object is a root **empty** named ``ctx.name`` (``Table``, ``Chair_2``, ``Ornament_07``)
  at ``ctx.location`` with rotation ``[0, 0, ctx.rotation_z]``; its origin is the object's
  **bottom centre**, so ``location.z`` is where the object stands.
- Every part is created with ``parent=ctx.name`` and a location *local* to the root, named
  ``f"{ctx.name}_{Part}"`` (``Table_Top``, ``Table_Leg_1``).
- Sizes scale with ``ctx.scale`` (1.0 = the recipe's real-world default in metres).
- Colour: parts playing the "primary" role take ``ctx.color`` when the prompt gave one;
  materials are created with ``create_material`` and named ``f"{ctx.name}_{Role}"``.
- ``build`` makes detail level 0 (the base build); ``detail(ctx, level)`` returns the calls
  that raise an already built object from ``level - 1`` to ``level`` (bevels, subdivision,
  smooth shading, more segments, extra parts): enhance, never rebuild.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from prompt2mesh.roles.interface import ToolCall

Vec3 = tuple[float, float, float]


@dataclass(frozen=True)
class BuildContext:
    name: str
    location: Vec3 = (0.0, 0.0, 0.0)
    rotation_z: float = 0.0
    scale: float = 1.0
    color: str | None = None
    """sRGB hex of the primary colour the prompt asked for, or None for the recipe's default."""
    material: str | None = None
    """Material word from the prompt (wooden, metal, gold, glass, ...) or None."""
    options: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class Surface:
    """Where things can go on an object (for the layout solver), in the root's local frame."""

    top_z: float
    """Height of the supporting top surface (things placed *on* it stand here)."""
    top_half_extent: tuple[float, float]
    """Half sizes in x, y of the usable top surface."""
    top_center: tuple[float, float] = (0.0, 0.0)
    """Centre (x, y) of the usable top surface: a sofa's seat sits forward of its back."""
    inner_floor_z: float | None = None
    """For containers (vase, pot, mug, basket): the floor height inside."""
    opening_radius: float | None = None
    anchors: dict[str, Vec3] = field(default_factory=dict)
    """Named local points where other things attach or align (a snowman's ``neck``, a scarf's
    ``neck``, an ornament's or a star's ``centre``), in metres at ``ctx.scale``."""


@dataclass(frozen=True)
class Recipe:
    kind: str
    """Canonical kind (singular, snake_case): ``christmas_tree``, ``flower_pot``."""
    synonyms: tuple[str, ...]
    category: str
    size: Vec3
    """Bounding size (width x, depth y, height z) in metres at scale 1."""
    build: Callable[[BuildContext], list[ToolCall]]
    detail: Callable[[BuildContext, int], list[ToolCall]]
    max_detail: int
    surface: Callable[[BuildContext], Surface]
    default_color: str
    """sRGB hex of the primary colour when the prompt gives none."""
    flies: bool = False
    decorations: Callable[[BuildContext, int], list[tuple[Vec3, Vec3]]] | None = None
    """For decoration hosts (trees): ``n`` local (point, outward normal) pairs on the surface."""
    apex: Callable[[BuildContext], Vec3] | None = None
    """Local top point where a topper (star) goes."""
    publishes_support: bool = False
    """True when ``surface`` names the part that supports things (a seat, a mattress, a desk
    top) rather than the default top of the bounding box: 'on' then means on that part."""


RECIPES: dict[str, Recipe] = {}


def register(recipe: Recipe) -> Recipe:
    if recipe.kind in RECIPES:
        raise RuntimeError(f"recipe {recipe.kind!r} registered twice")
    RECIPES[recipe.kind] = recipe
    return recipe
