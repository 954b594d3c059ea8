"""The geometric state editing works from, read through the worker's deterministic tools."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from prompt2mesh.agent.editing.errors import EditToolFailed
from prompt2mesh.roles.interface import ToolRunner

_SPLIT = re.compile(r"[_\-.0-9\s]+")


def name_words(name: str) -> list[str]:
    """``Flower_Pot.001`` -> ``["flower", "pot"]`` (how people say object names)."""
    return [w for w in _SPLIT.split(name.lower()) if w]


@dataclass
class SceneObject:
    name: str
    type: str
    parent: str | None
    children: list[str]
    bbox_min: list[float] | None
    bbox_max: list[float] | None
    location: list[float]
    materials: list[str]
    modifiers: list[dict[str, Any]]

    @property
    def words(self) -> list[str]:
        return name_words(self.name)

    @property
    def size(self) -> list[float]:
        if self.bbox_min is None or self.bbox_max is None:
            return [0.0, 0.0, 0.0]
        return [hi - lo for lo, hi in zip(self.bbox_min, self.bbox_max, strict=True)]

    @property
    def center(self) -> list[float]:
        if self.bbox_min is None or self.bbox_max is None:
            return list(self.location)
        return [(lo + hi) / 2 for lo, hi in zip(self.bbox_min, self.bbox_max, strict=True)]


@dataclass
class SceneState:
    objects: dict[str, SceneObject] = field(default_factory=dict)
    materials: dict[str, dict[str, Any]] = field(default_factory=dict)
    selected: list[str] = field(default_factory=list)
    active: str | None = None

    @property
    def roots(self) -> list[SceneObject]:
        """Top-level things people talk about (a chair, not its legs); lights/cameras left out."""
        return [o for o in self.objects.values() if o.parent is None and o.type not in {"light", "camera"}]

    @property
    def subjects(self) -> list[SceneObject]:
        """The roots a pronoun can mean: a flat plane under everything else (the ground a
        scene stands on) is scenery, not "it"; naming it ("the ground") still works."""
        roots = self.roots
        return [o for o in roots if not _is_ground(o, roots)]

    def descendants(self, name: str) -> list[SceneObject]:
        out: list[SceneObject] = []
        stack = list(self.objects[name].children) if name in self.objects else []
        while stack:
            child = self.objects.get(stack.pop())
            if child is not None:
                out.append(child)
                stack.extend(child.children)
        return out

    def meshes_of(self, name: str) -> list[SceneObject]:
        group = [self.objects[name], *self.descendants(name)] if name in self.objects else []
        return [o for o in group if o.type in {"mesh", "curve", "font", "surface"}]

    def material_users(self, material: str) -> set[str]:
        """Names of the objects wearing ``material`` (any slot)."""
        return {o.name for o in self.objects.values() if material in o.materials}

    def material_colors(self, name: str) -> list[str]:
        """Hex colours of the materials on an object and its parts."""
        colors: list[str] = []
        for obj in self.meshes_of(name):
            for mat in obj.materials:
                color = self.materials.get(mat, {}).get("color")
                if isinstance(color, str):
                    colors.append(color)
        return colors


def _is_ground(obj: SceneObject, roots: list[SceneObject]) -> bool:
    if obj.bbox_min is None or obj.bbox_max is None or obj.size[2] > 0.01:
        return False
    others = [o for o in roots if o is not obj and o.bbox_min is not None and o.bbox_max is not None]
    return bool(others) and all(
        obj.bbox_min[0] <= o.center[0] <= obj.bbox_max[0]
        and obj.bbox_min[1] <= o.center[1] <= obj.bbox_max[1]
        and o.bbox_min[2] >= obj.bbox_max[2] - 0.01  # type: ignore[index]
        for o in others
    )


async def _call(runner: ToolRunner, tool: str, args: dict[str, Any] | None = None) -> Any:
    result = await runner.call(tool, args or {})
    if not result.ok:
        raise EditToolFailed(f"{tool} failed: {result.error}")
    return result.result


async def read_scene(runner: ToolRunner) -> SceneState:
    """Every object (all pages of get_scene_info) and every material's colour."""
    state = SceneState()
    offset: int | None = 0
    while offset is not None:
        page = await _call(runner, "get_scene_info", {"offset": offset, "limit": 200})
        for o in page.get("objects", []):
            state.objects[o["name"]] = SceneObject(
                name=o["name"],
                type=o.get("type", "mesh"),
                parent=o.get("parent"),
                children=list(o.get("children", [])),
                bbox_min=o.get("bbox_min"),
                bbox_max=o.get("bbox_max"),
                location=list(o.get("location", [0, 0, 0])),
                materials=list(o.get("materials", [])),
                modifiers=list(o.get("modifiers", [])),
            )
        state.selected = list(page.get("selected", []))
        state.active = page.get("active")
        offset = page.get("next_offset")
    listed = await _call(runner, "list_materials")
    for m in listed.get("materials", []):
        state.materials[m["name"]] = m
    return state
