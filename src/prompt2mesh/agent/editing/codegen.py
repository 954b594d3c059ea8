"""TaskSpec + geometric state -> Blender tool calls (modifiers over destructive edits).

Every call is a worker tool from docs/CONTRACT.md; nothing here imports Blender. Sizes and
placements are computed from the world bounding boxes the worker reported, so "taller"
keeps the object standing where it stood and "put it on the table" lands on the table top.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from prompt2mesh.agent.editing.parameters import PRIMITIVES, validate_parameters
from prompt2mesh.agent.editing.scene_state import SceneObject, SceneState
from prompt2mesh.agent.editing.taskspec import Operation, TaskSpec
from prompt2mesh.roles.interface import ToolCall
from prompt2mesh.roles.offline.recipes import BuildContext, Recipe, lookup
from prompt2mesh.roles.offline.recipes.materials import material_args

_GAP = 0.1
_RESTING_TOLERANCE = 0.02
"""Metres between a thing's bottom and a support's top that still count as standing on it."""
_SCENE_LEVEL = frozenset({"add_object", "describe", "focus_camera", "undo"})
_PRIMITIVE_KIND = {
    "cube": "cube",
    "box": "cube",
    "sphere": "uv_sphere",
    "ball": "uv_sphere",
    "cylinder": "cylinder",
    "cone": "cone",
    "torus": "torus",
    "plane": "plane",
}
_DEFAULT_PRIMITIVE_SIZE = 0.3
_MATERIAL_KEYS = (
    "color",
    "metallic",
    "roughness",
    "emission_color",
    "emission_strength",
    "alpha",
    "transmission",
)


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


def primitive_for(kind: str) -> str | None:
    """The primitive a kind word names ("gift box" -> cube), or None."""
    words = kind.lower().replace("_", " ").split()
    return next((_PRIMITIVE_KIND[w] for w in reversed(words) if w in _PRIMITIVE_KIND), None)


def _size_of(value: Any, recipe: Recipe | None) -> tuple[float, float, float]:
    """[w, d, h] in metres: as given, a height (others in the recipe's proportions), or the default."""
    if isinstance(value, list | tuple) and len(value) == 3:
        w, d, h = (max(0.001, float(v)) for v in value)
        return (w, d, h)
    if recipe is not None:
        rw, rd, rh = recipe.size
        k = float(value) / rh if isinstance(value, int | float) and value > 0 else 1.0
        return (rw * k, rd * k, rh * k)
    side = float(value) if isinstance(value, int | float) and value > 0 else _DEFAULT_PRIMITIVE_SIZE
    return (side, side, side)


def _root_name(kind: str) -> str:
    return "_".join(part.capitalize() for part in kind.split("_"))


class CodeGenerator:
    """Turns each operation into tool calls against the current scene state."""

    def generate(self, spec: TaskSpec, scene: SceneState) -> GeneratedEdit:
        out = GeneratedEdit()
        taken: set[str] = set()
        # One restyle named for several parts (a star and its points) changes their shared
        # material once, in place, instead of copying it per part.
        self._together: dict[str, set[str]] = {}
        for op in spec.operations:
            if op.action in {"set_color", "set_material"} and op.target in scene.objects:
                try:
                    key = f"{op.action}:{sorted(validate_parameters(op).items())}"
                except ValueError:
                    continue
                group = {op.target, *(d.name for d in scene.descendants(op.target))}
                self._together[key] = self._together.get(key, set()) | group
        self._restyled: set[str] = set()
        for op in sorted(spec.operations, key=lambda o: -o.priority):
            obj = scene.objects.get(op.target) if op.target else None
            if op.target and obj is None and op.action not in {"add_object"}:
                out.notes.append(f"{op.target} is not in the scene; skipped {op.action}")
                continue
            if obj is None and op.action not in _SCENE_LEVEL:
                out.notes.append(f"{op.action} needs a target object; skipped")
                continue
            handler = getattr(self, f"_{op.action}", None)
            if handler is None:
                out.notes.append(f"{op.action} is not something the editor can do here; skipped")
                continue
            try:
                # Offline grammar and model replies alike: a malformed operation is reported,
                # never a KeyError that takes the whole command down.
                op = op.model_copy(update={"parameters": validate_parameters(op)})
                handler(op, obj, scene, out, taken)
            except (ValueError, KeyError) as exc:
                out.notes.append(f"skipped {op.action}: {exc}")
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
            self._carry_resting(obj, scene, factor, out)

    def _carry_resting(
        self, obj: SceneObject, scene: SceneState, factor: list[float], out: GeneratedEdit
    ) -> None:
        """What stands on a scaled object (a vase on a table) rides with its top: the same spot
        on the surface at the new height. A real model saw the vase sunk into a bigger table."""
        if obj.bbox_min is None or obj.bbox_max is None:
            return
        rise = (obj.bbox_max[2] - obj.bbox_min[2]) * (factor[2] - 1)
        ox, oy = obj.location[0], obj.location[1]
        family = {obj.name, *(d.name for d in scene.descendants(obj.name))}
        for other in scene.roots:
            if other.name in family or other.bbox_min is None:
                continue
            cx, cy, _ = other.center
            on_top = abs(other.bbox_min[2] - obj.bbox_max[2]) <= _RESTING_TOLERANCE
            inside = obj.bbox_min[0] <= cx <= obj.bbox_max[0] and obj.bbox_min[1] <= cy <= obj.bbox_max[1]
            if on_top and inside:
                offset = [(cx - ox) * (factor[0] - 1), (cy - oy) * (factor[1] - 1), rise]
                out.calls.append(
                    _call(
                        "set_transform",
                        name=other.name,
                        location=[round(v, 5) for v in offset],
                        relative=True,
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

    def _restyle(
        self,
        obj: SceneObject,
        scene: SceneState,
        out: GeneratedEdit,
        taken: set[str],
        change: dict[str, Any],
        label: str,
        together: set[str] = frozenset(),  # type: ignore[assignment]
    ) -> None:
        """Change the primary material's values in place, keeping everything else it has.

        Copy-on-write: a material other objects wear too is copied first (named after the
        target), so recolouring the star never repaints the baubles. Parts without a material
        get a new one.
        """
        meshes = self._primary_meshes(obj, scene)
        group = {obj.name, *(d.name for d in scene.descendants(obj.name))} | set(together)
        primary = next(
            (m for o in self._meshes(obj, scene) if o.name in meshes for m in o.materials[:1]), None
        )
        if primary is None:
            name = _unique_name(f"{obj.name}_{label}", scene, taken)
            taken.add(name)
            base: dict[str, Any] = {"color": "#cccccc", "metallic": 0.0, "roughness": 0.5}
            out.calls.append(_call("create_material", name=name, **{**base, **change}))
            out.calls.append(_call("assign_material", objects=meshes, material=name, recursive=False))
            return
        current = scene.materials.get(primary, {})
        values = {k: current[k] for k in _MATERIAL_KEYS if current.get(k) is not None}
        values.update(change)
        users = scene.material_users(primary)
        if users - group:
            name = _unique_name(f"{primary}_{obj.name}", scene, taken)
            taken.add(name)
            out.calls.append(_call("create_material", name=name, **values))
            out.calls.append(_call("assign_material", objects=meshes, material=name, recursive=False))
            out.notes.append(
                f"{primary} is shared with {', '.join(sorted(users - group))}; {obj.name} got its own copy {name}"
            )
        elif primary not in self._restyled:
            self._restyled.add(primary)
            out.calls.append(_call("create_material", name=primary, **values))

    def _set_color(
        self, op: Operation, obj: SceneObject, scene: SceneState, out: GeneratedEdit, taken: set[str]
    ) -> None:
        label = str(op.parameters.get("color_name") or "Colour").capitalize()
        together = self._together.get(f"{op.action}:{sorted(op.parameters.items())}", set())
        self._restyle(obj, scene, out, taken, {"color": op.parameters["color"]}, label, together)

    def _set_material(
        self, op: Operation, obj: SceneObject, scene: SceneState, out: GeneratedEdit, taken: set[str]
    ) -> None:
        material = str(op.parameters["material"])
        preset = material_args(material, op.parameters.get("color"))
        together = self._together.get(f"{op.action}:{sorted(op.parameters.items())}", set())
        self._restyle(obj, scene, out, taken, preset, material.capitalize(), together)

    # --- scene structure ---------------------------------------------------------------------

    def _delete(
        self, op: Operation, obj: SceneObject, scene: SceneState, out: GeneratedEdit, taken: set[str]
    ) -> None:
        out.calls.append(_call("delete_objects", names=[obj.name], with_children=True))
        out.deleted.append(obj.name)

    def _duplicate(
        self, op: Operation, obj: SceneObject, scene: SceneState, out: GeneratedEdit, taken: set[str]
    ) -> None:
        count = int(op.parameters.get("count", 1))
        out.calls.append(
            _call("duplicate_object", name=obj.name, count=count, offset=self._free_offset(obj, scene, count))
        )

    def _free_offset(self, obj: SceneObject, scene: SceneState, count: int) -> list[float]:
        """A step to the right, left, back or front whose copies stand clear of everything else
        (a real model saw a chair's copy put through a floor lamp); to the right when none is."""
        w, d = (round(max(v, 0.1) + _GAP, 4) for v in obj.size[:2])
        steps = [[w, 0.0, 0.0], [-w, 0.0, 0.0], [0.0, d, 0.0], [0.0, -d, 0.0]]
        if obj.bbox_min is None or obj.bbox_max is None:
            return steps[0]
        family = {obj.name, *(o.name for o in scene.descendants(obj.name))}
        others = [
            o
            for o in scene.subjects
            if o.name not in family and o.bbox_min is not None and o.bbox_max is not None
        ]
        lo, hi = obj.bbox_min, obj.bbox_max

        def clear(step: list[float]) -> bool:
            for k in range(1, count + 1):
                a = [lo[i] + k * step[i] for i in range(3)]
                b = [hi[i] + k * step[i] for i in range(3)]
                for o in others:
                    assert o.bbox_min is not None and o.bbox_max is not None
                    if all(a[i] < o.bbox_max[i] and o.bbox_min[i] < b[i] for i in range(3)):
                        return False
            return True

        return next((step for step in steps if clear(step)), steps[0])

    def _recipe(self, kind: str) -> Recipe:
        recipe = lookup(kind)
        if recipe is None:
            raise ValueError(f"no recipe for {kind!r}")
        return recipe

    def _add_object(
        self, op: Operation, obj: SceneObject | None, scene: SceneState, out: GeneratedEdit, taken: set[str]
    ) -> None:
        params = op.parameters
        kind = str(params["kind"])
        recipe = lookup(kind)
        primitive = None if recipe is not None else primitive_for(kind)
        if recipe is None and primitive is None:
            raise ValueError(
                f"no recipe or shape for {kind!r}; name a thing or one of {', '.join(PRIMITIVES)}"
            )
        anchor = scene.objects.get(params.get("anchor") or "")
        if params.get("anchor") and anchor is None:
            out.notes.append(f"{params['anchor']} is not in the scene; placed without it")
        count = int(params.get("count", 1))
        size = _size_of(params.get("size"), recipe)
        base = params.get("name") or (
            _root_name(recipe.kind) if recipe else _root_name(kind.replace(" ", "_"))
        )
        for i in range(count):
            name = _unique_name(str(base), scene, taken)
            taken.add(name)
            if params.get("location") is not None:
                lx, ly, lz = (float(v) for v in params["location"])
                location = (round(lx + (i - (count - 1) / 2) * (size[0] + _GAP), 4), ly, lz)
            else:
                location = self._placement(
                    size, anchor, str(params.get("relation", "next_to")), scene, i, count
                )
            if recipe is not None:
                scale = round(max(0.05, min(20.0, size[2] / recipe.size[2])), 4)
                ctx = BuildContext(
                    name=name,
                    location=location,
                    scale=scale,
                    color=params.get("color"),
                    material=params.get("material"),
                )
                out.calls.extend(recipe.build(ctx))
                stretch = [size[0] / (recipe.size[0] * scale), size[1] / (recipe.size[1] * scale)]
                if any(abs(k - 1) > 0.02 for k in stretch):
                    # Recipes scale uniformly; a footprint that was asked for is honoured on the root.
                    out.calls.append(
                        _call("set_transform", name=name, scale=[round(k, 4) for k in stretch] + [1.0])
                    )
            else:
                assert primitive is not None
                out.calls.extend(self._primitive(name, primitive, location, size, params))
            out.created_roots.append(name)

    def _primitive(
        self,
        name: str,
        kind: str,
        bottom: tuple[float, float, float],
        size: tuple[float, float, float],
        params: dict[str, Any],
    ) -> list[ToolCall]:
        """A plain shape of ``size`` standing on ``bottom`` (its bottom centre), with a material."""
        x, y, z = bottom
        w, d, h = size
        material = f"{name}_Material"
        calls = [
            _call(
                "create_material", name=material, **material_args(params.get("material"), params.get("color"))
            ),
        ]
        unit = {
            "cube": {"size": 1.0},
            "plane": {"size": 1.0},
            "torus": {"radius": 0.375, "minor_radius": 0.125},
        }
        dims = unit.get(
            kind, {"radius": 0.5, "depth": 1.0} if kind in {"cylinder", "cone"} else {"radius": 0.5}
        )
        height = 0.0 if kind == "plane" else h
        calls.append(
            _call(
                "create_primitive",
                kind=kind,
                name=name,
                location=[x, y, round(z + height / 2, 5)],
                scale=[w, d, 1.0 if kind == "plane" else (h * 4 if kind == "torus" else h)],
                material=material,
                smooth=kind in {"uv_sphere", "cylinder", "cone", "torus"},
                **dims,
            )
        )
        return calls

    def _placement(
        self,
        size: tuple[float, float, float],
        anchor: SceneObject | None,
        relation: str,
        scene: SceneState,
        i: int,
        count: int,
    ) -> tuple[float, float, float]:
        """Bottom centre of the ``i``-th of ``count`` new objects of ``size`` placed ``relation`` ``anchor``."""
        width, depth, _ = size
        spread = (i - (count - 1) / 2) * (width + _GAP)
        if anchor is not None and anchor.bbox_max is not None and anchor.bbox_min is not None:
            lo, hi = anchor.bbox_min, anchor.bbox_max
            cx, cy, _ = anchor.center
            ground = round(lo[2], 4)
            if relation in {"on", "inside"}:
                return (round(cx + spread, 4), round(cy, 4), round(hi[2] if relation == "on" else lo[2], 4))
            if relation == "under":
                # On the floor beneath it, in front of what it stands on (a present under a tree
                # clears the pot and trunk), spread sideways when several.
                base = [
                    p.bbox_min[1]
                    for p in scene.meshes_of(anchor.name)
                    if p.bbox_min is not None and p.bbox_min[2] <= lo[2] + 0.05
                ]
                front = min(base) if base else cy
                return (round(cx + spread, 4), round(front - _GAP / 2 - depth / 2, 4), ground)
            if relation == "in_front_of":
                return (round(cx + spread, 4), round(lo[1] - _GAP - depth / 2, 4), ground)
            if relation == "behind":
                return (round(cx + spread, 4), round(hi[1] + _GAP + depth / 2, 4), ground)
            if relation == "left_of":
                return (round(lo[0] - _GAP - width / 2 - i * (width + _GAP), 4), round(cy, 4), ground)
            return (round(hi[0] + _GAP + width / 2 + i * (width + _GAP), 4), round(cy, 4), ground)
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
