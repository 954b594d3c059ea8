"""TaskSpec + geometric state -> Blender tool calls (modifiers over destructive edits).

Every call is a worker tool from docs/CONTRACT.md; nothing here imports Blender. Sizes and
placements are computed from the world bounding boxes the worker reported, so "taller"
keeps the object standing where it stood and "put it on the table" lands on the table top.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from prompt2mesh.agent.editing.scene_state import SceneObject, SceneState
from prompt2mesh.agent.editing.taskspec import Operation, TaskSpec
from prompt2mesh.roles.interface import ToolCall
from prompt2mesh.roles.offline.recipes import BuildContext, Recipe, lookup
from prompt2mesh.roles.offline.recipes.materials import material_args

_GAP = 0.1


@dataclass
class GeneratedEdit:
    calls: list[ToolCall] = field(default_factory=list)
    created_roots: list[str] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)


def _call(tool: str, **args: Any) -> ToolCall:
    return ToolCall(tool=tool, args=args)


def _unique_name(base: str, scene: SceneState, taken: set[str]) -> str:
    if base not in scene.objects and base not in taken:
        return base
    i = 2
    while f"{base}_{i}" in scene.objects or f"{base}_{i}" in taken:
        i += 1
    return f"{base}_{i}"


def _root_name(kind: str) -> str:
    return "_".join(part.capitalize() for part in kind.split("_"))


class CodeGenerator:
    """Turns each operation into tool calls against the current scene state."""

    def generate(self, spec: TaskSpec, scene: SceneState) -> GeneratedEdit:
        out = GeneratedEdit()
        taken: set[str] = set()
        for op in sorted(spec.operations, key=lambda o: -o.priority):
            obj = scene.objects.get(op.target) if op.target else None
            if op.target and obj is None and op.action not in {"add_object"}:
                out.notes.append(f"{op.target} is not in the scene; skipped {op.action}")
                continue
            handler = getattr(self, f"_{op.action}")
            handler(op, obj, scene, out, taken)
        return out

    # --- shape and size ------------------------------------------------------------------

    def _scale(
        self, op: Operation, obj: SceneObject, scene: SceneState, out: GeneratedEdit, taken: set[str]
    ) -> None:
        factor = [float(f) for f in op.parameters.get("factor", [1, 1, 1])]
        out.calls.append(_call("set_transform", name=obj.name, scale=factor, relative=True))
        if obj.bbox_min is not None:
            # Scaling pivots on the origin; keep the bottom where it was so nothing sinks or floats.
            below = obj.location[2] - obj.bbox_min[2]
            new_z = obj.bbox_min[2] + below * factor[2]
            if abs(new_z - obj.location[2]) > 1e-6:
                out.calls.append(
                    _call(
                        "set_transform",
                        name=obj.name,
                        location=[obj.location[0], obj.location[1], round(new_z, 5)],
                    )
                )

    def _rotate(
        self, op: Operation, obj: SceneObject, scene: SceneState, out: GeneratedEdit, taken: set[str]
    ) -> None:
        out.calls.append(
            _call("set_transform", name=obj.name, rotation=op.parameters["rotation"], relative=True)
        )

    def _move(
        self, op: Operation, obj: SceneObject, scene: SceneState, out: GeneratedEdit, taken: set[str]
    ) -> None:
        offset = [float(v) for v in op.parameters["offset"]]
        if obj.bbox_min is not None and obj.bbox_min[2] + offset[2] < 0:
            offset[2] = -obj.bbox_min[2]  # never push a grounded object below the ground
            out.notes.append(f"{obj.name} stopped at the ground")
        out.calls.append(_call("set_transform", name=obj.name, location=offset, relative=True))

    def _place_on(
        self, op: Operation, obj: SceneObject, scene: SceneState, out: GeneratedEdit, taken: set[str]
    ) -> None:
        anchor = scene.objects[op.parameters["anchor"]]
        if obj.bbox_min is None or anchor.bbox_max is None:
            out.notes.append(f"cannot place {obj.name}: no geometry")
            return
        cx, cy, _ = anchor.center
        dz = anchor.bbox_max[2] - obj.bbox_min[2]
        ox, oy, _ = obj.center
        out.calls.append(
            _call(
                "set_transform",
                name=obj.name,
                location=[round(cx - ox, 5), round(cy - oy, 5), round(dz, 5)],
                relative=True,
            )
        )

    def _place_next_to(
        self, op: Operation, obj: SceneObject, scene: SceneState, out: GeneratedEdit, taken: set[str]
    ) -> None:
        anchor = scene.objects[op.parameters["anchor"]]
        if obj.bbox_min is None or obj.bbox_max is None or anchor.bbox_max is None or anchor.bbox_min is None:
            out.notes.append(f"cannot place {obj.name}: no geometry")
            return
        half = obj.size[0] / 2
        target_x = anchor.bbox_max[0] + _GAP + half
        ox, oy, _ = obj.center
        dz = anchor.bbox_min[2] - obj.bbox_min[2]
        out.calls.append(
            _call(
                "set_transform",
                name=obj.name,
                location=[round(target_x - ox, 5), round(anchor.center[1] - oy, 5), round(dz, 5)],
                relative=True,
            )
        )

    # --- surface ---------------------------------------------------------------------------

    def _meshes(self, obj: SceneObject, scene: SceneState) -> list[SceneObject]:
        return scene.meshes_of(obj.name)

    def _smooth(
        self, op: Operation, obj: SceneObject, scene: SceneState, out: GeneratedEdit, taken: set[str]
    ) -> None:
        levels = int(op.parameters.get("levels", 2))
        for mesh in self._meshes(obj, scene):
            if mesh.type != "mesh":
                continue
            existing = next(
                (m["name"] for m in mesh.modifiers if m.get("type") in {"subsurf", "subdivision"}), None
            )
            if existing:
                out.calls.append(
                    _call(
                        "configure_modifier",
                        object=mesh.name,
                        modifier=existing,
                        params={"levels": min(levels + 1, 4), "render_levels": min(levels + 1, 4)},
                    )
                )
            else:
                out.calls.append(
                    _call(
                        "add_modifier",
                        object=mesh.name,
                        type="subdivision",
                        params={"levels": levels, "render_levels": levels},
                    )
                )
        out.calls.append(_call("set_shading", name=obj.name, smooth=True, recursive=True))

    def _sharpen(
        self, op: Operation, obj: SceneObject, scene: SceneState, out: GeneratedEdit, taken: set[str]
    ) -> None:
        for mesh in self._meshes(obj, scene):
            out.calls.extend(
                _call("remove_modifier", object=mesh.name, modifier=m["name"])
                for m in mesh.modifiers
                if m.get("type") in {"subsurf", "subdivision"}
            )
        out.calls.append(_call("set_shading", name=obj.name, smooth=False, recursive=True))

    def _round_edges(
        self, op: Operation, obj: SceneObject, scene: SceneState, out: GeneratedEdit, taken: set[str]
    ) -> None:
        for mesh in self._meshes(obj, scene):
            if mesh.type != "mesh" or any(m.get("type") == "bevel" for m in mesh.modifiers):
                continue
            width = max(
                0.002,
                round(
                    0.08 * min(d for d in mesh.size if d > 1e-4)
                    if any(d > 1e-4 for d in mesh.size)
                    else 0.01,
                    4,
                ),
            )
            out.calls.append(
                _call(
                    "add_modifier",
                    object=mesh.name,
                    type="bevel",
                    params={"width": width, "segments": int(op.parameters.get("segments", 4))},
                )
            )
        out.calls.append(_call("set_shading", name=obj.name, smooth=True, recursive=True))

    # --- colour and material -----------------------------------------------------------------

    def _primary_meshes(self, obj: SceneObject, scene: SceneState) -> list[str]:
        """The parts wearing the object's most used material (a chair's wood, not its cushion)."""
        meshes = self._meshes(obj, scene)
        counts: dict[str, int] = {}
        for m in meshes:
            for mat in m.materials[:1]:
                counts[mat] = counts.get(mat, 0) + 1
        if not counts:
            return [m.name for m in meshes]
        primary = max(counts, key=lambda k: counts[k])
        return [m.name for m in meshes if primary in m.materials[:1] or not m.materials]

    def _set_color(
        self, op: Operation, obj: SceneObject, scene: SceneState, out: GeneratedEdit, taken: set[str]
    ) -> None:
        name = f"{obj.name}_{op.parameters.get('color_name', 'Colour').capitalize()}"
        out.calls.append(_call("create_material", name=name, color=op.parameters["color"], roughness=0.5))
        out.calls.append(
            _call("assign_material", objects=self._primary_meshes(obj, scene), material=name, recursive=False)
        )

    def _set_material(
        self, op: Operation, obj: SceneObject, scene: SceneState, out: GeneratedEdit, taken: set[str]
    ) -> None:
        material = str(op.parameters["material"])
        name = f"{obj.name}_{material.capitalize()}"
        out.calls.append(_call("create_material", name=name, **material_args(material)))
        out.calls.append(
            _call("assign_material", objects=self._primary_meshes(obj, scene), material=name, recursive=False)
        )

    # --- scene structure ---------------------------------------------------------------------

    def _delete(
        self, op: Operation, obj: SceneObject, scene: SceneState, out: GeneratedEdit, taken: set[str]
    ) -> None:
        out.calls.append(_call("delete_objects", names=[obj.name], with_children=True))
        out.deleted.append(obj.name)

    def _duplicate(
        self, op: Operation, obj: SceneObject, scene: SceneState, out: GeneratedEdit, taken: set[str]
    ) -> None:
        step = round(max(obj.size[0], 0.1) + _GAP, 4)
        out.calls.append(
            _call(
                "duplicate_object",
                name=obj.name,
                count=int(op.parameters.get("count", 1)),
                offset=[step, 0.0, 0.0],
            )
        )

    def _recipe(self, kind: str) -> Recipe:
        recipe = lookup(kind)
        if recipe is None:
            raise KeyError(kind)
        return recipe

    def _add_object(
        self, op: Operation, obj: SceneObject | None, scene: SceneState, out: GeneratedEdit, taken: set[str]
    ) -> None:
        params = op.parameters
        recipe = self._recipe(str(params["kind"]))
        anchor = scene.objects.get(params.get("anchor") or "")
        count = int(params.get("count", 1))
        width = recipe.size[0]
        for i in range(count):
            name = _unique_name(_root_name(recipe.kind), scene, taken)
            taken.add(name)
            x, y, z = self._placement(
                recipe, anchor, params.get("relation", "next_to"), scene, i, count, width
            )
            ctx = BuildContext(
                name=name, location=(x, y, z), color=params.get("color"), material=params.get("material")
            )
            out.calls.extend(recipe.build(ctx))
            out.created_roots.append(name)

    def _placement(
        self,
        recipe: Recipe,
        anchor: SceneObject | None,
        relation: str,
        scene: SceneState,
        i: int,
        count: int,
        width: float,
    ) -> tuple[float, float, float]:
        spread = (i - (count - 1) / 2) * (width + _GAP)
        if anchor is not None and anchor.bbox_max is not None and anchor.bbox_min is not None:
            cx, cy, _ = anchor.center
            if relation == "on":
                return (round(cx + spread, 4), round(cy, 4), round(anchor.bbox_max[2], 4))
            return (
                round(anchor.bbox_max[0] + _GAP + width / 2 + i * (width + _GAP), 4),
                round(cy, 4),
                round(anchor.bbox_min[2], 4),
            )
        # Nothing named: stand beside everything that exists, on the ground.
        right = max(
            (o.bbox_max[0] for o in scene.subjects if o.bbox_max is not None), default=-width / 2 - _GAP
        )
        return (round(right + _GAP + width / 2 + i * (width + _GAP), 4), 0.0, 0.0)

    def _replace_with(
        self, op: Operation, obj: SceneObject, scene: SceneState, out: GeneratedEdit, taken: set[str]
    ) -> None:
        recipe = self._recipe(str(op.parameters["kind"]))
        height = obj.size[2] if obj.size[2] > 1e-4 else recipe.size[2]
        scale = round(max(0.05, min(20.0, height / recipe.size[2])), 4)
        base = obj.bbox_min[2] if obj.bbox_min is not None else 0.0
        cx, cy, _ = obj.center
        name = _unique_name(_root_name(recipe.kind), scene, taken - {obj.name})
        taken.add(name)
        out.calls.append(_call("delete_objects", names=[obj.name], with_children=True))
        out.deleted.append(obj.name)
        colors = scene.material_colors(obj.name)
        ctx = BuildContext(
            name=name,
            location=(round(cx, 4), round(cy, 4), round(base, 4)),
            scale=scale,
            color=colors[0] if colors else None,
        )
        out.calls.extend(recipe.build(ctx))
        out.created_roots.append(name)

    # --- scene-level -----------------------------------------------------------------------

    def _focus_camera(
        self, op: Operation, obj: SceneObject | None, scene: SceneState, out: GeneratedEdit, taken: set[str]
    ) -> None:
        objects = [n for n in op.parameters.get("objects", []) if n in scene.objects]
        out.calls.append(_call("frame_camera", objects=objects or None))

    def _describe(
        self, op: Operation, obj: SceneObject | None, scene: SceneState, out: GeneratedEdit, taken: set[str]
    ) -> None:
        if obj is None:
            names = ", ".join(o.name for o in scene.roots) or "nothing"
            out.notes.append(f"The scene holds: {names}.")
            return
        w, d, h = (round(v, 2) for v in obj.size)
        colors = ", ".join(sorted(set(scene.material_colors(obj.name)))) or "no material"
        out.notes.append(
            f"{obj.name}: {w} x {d} x {h} m (w x d x h), centre at {[round(c, 2) for c in obj.center]}, colours {colors}."
        )
