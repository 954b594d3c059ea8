"""Helpers that turn a recipe's parts into tool calls, and a recipe's body into a :class:`Recipe`.

A recipe module writes one *body* function per kind: ``def _table(b: Builder) -> None`` that
adds parts in metres at scale 1 (``b.box("Top", (1.4, 0.8, 0.04), (0, 0, 0.73), mat=wood)``).
The builder scales everything by ``ctx.scale``, names parts ``f"{ctx.name}_{Part}"``, parents
them to the root empty, remembers each part's local bounding box (so sizes can be checked
without Blender) and knows how to finish each part at higher detail levels:

- ``"bevel"`` parts (boxes, cylinders, cones) get a bevel modifier at level 1 (boxes have
  their scale applied first so the bevel is even) and more bevel segments at level 2;
- ``"subsurf"`` parts (spheres, tori, organic shapes) get a subdivision modifier at level 1
  and a second subdivision level at level 2;
- parts created with ``level=k`` only appear in ``detail(ctx, k)`` (extra parts).

Level 1 also smooth-shades the whole object with an auto-smooth angle, so hard edges stay hard.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, Literal

from prompt2mesh.roles.interface import ToolCall
from prompt2mesh.roles.offline.recipes.base import BuildContext, Recipe, Surface, Vec3, register
from prompt2mesh.roles.offline.recipes.materials import material_args

Finish = Literal["bevel", "subsurf", "none"]
Body = Callable[["Builder"], None]

MAX_DETAIL = 2
_AUTO_SMOOTH_DEG = 35.0


class DetailLevelError(ValueError):
    """``detail(ctx, level)`` was asked for a level the recipe does not have."""


@dataclass
class PartInfo:
    """A part as the builder saw it: its full name, how to finish it and its local box."""

    name: str
    kind: str
    finish: Finish
    bevel: float
    level: int
    scaled: bool
    lo: Vec3
    hi: Vec3


def _rotate(v: Vec3, rot_deg: Vec3) -> Vec3:
    """Rotate ``v`` by Blender's XYZ Euler angles (degrees): R = Rz @ Ry @ Rx."""
    x, y, z = v
    ax, ay, az = (math.radians(a) for a in rot_deg)
    y, z = y * math.cos(ax) - z * math.sin(ax), y * math.sin(ax) + z * math.cos(ax)
    x, z = x * math.cos(ay) + z * math.sin(ay), -x * math.sin(ay) + z * math.cos(ay)
    x, y = x * math.cos(az) - y * math.sin(az), x * math.sin(az) + y * math.cos(az)
    return (x, y, z)


def _r(value: float) -> float:
    return round(value, 5)


class Builder:
    """Collects the tool calls (and part facts) for one object; lengths are metres at scale 1."""

    def __init__(self, ctx: BuildContext, *, level: int = 0) -> None:
        self.ctx = ctx
        self.s = ctx.scale
        self.level = level
        self.calls: list[ToolCall] = []
        self.parts: list[PartInfo] = []
        self._materials: set[str] = set()

    # -- naming, root and materials -------------------------------------------------------
    def name(self, part: str) -> str:
        """The full object name of ``part`` (``Table_Top``)."""
        return f"{self.ctx.name}_{part}"

    def root(self) -> None:
        """The root empty at the object's bottom centre (see the conventions in ``base``)."""
        self._emit(
            "create_empty",
            name=self.ctx.name,
            location=[_r(c) for c in self.ctx.location],
            rotation=[0.0, 0.0, _r(self.ctx.rotation_z)],
            display="plain_axes",
            size=_r(0.25 * self.s),
        )

    def mat(self, role: str, color: str, *, primary: bool = False, **props: Any) -> str:
        """Create (once) the material ``f"{name}_{role}"`` and return its name.

        Primary materials follow the prompt: ``ctx.material`` picks the preset and
        ``ctx.color`` overrides the colour.
        """
        name = self.name(role)
        # The body runs in full at every level, so every material exists after the build.
        if name not in self._materials and self.level == 0:
            self._materials.add(name)
            if primary:
                args = material_args(self.ctx.material, self.ctx.color, {"color": color, **props})
            else:
                args = material_args(None, None, {"color": color, **props})
            self._emit("create_material", name=name, **args)
        return name

    # -- primitives ------------------------------------------------------------------------
    def box(
        self,
        part: str,
        size: Vec3,
        at: Vec3,
        *,
        mat: str,
        rot: Vec3 = (0.0, 0.0, 0.0),
        bevel: float | None = None,
        finish: Finish = "bevel",
        level: int = 0,
    ) -> str:
        """A box of ``size`` (x, y, z) centred at ``at``."""
        width = bevel if bevel is not None else min(0.02, 0.2 * min(size))
        half = (size[0] / 2, size[1] / 2, size[2] / 2)
        return self._prim(
            "cube", part, at, rot, half, mat, finish, width, level, scaled=True, size=1.0, scale=list(size)
        )

    def cyl(
        self,
        part: str,
        radius: float,
        depth: float,
        at: Vec3,
        *,
        mat: str,
        rot: Vec3 = (0.0, 0.0, 0.0),
        scale: Vec3 = (1.0, 1.0, 1.0),
        segments: int = 24,
        bevel: float | None = None,
        finish: Finish = "bevel",
        smooth: bool = False,
        fill: bool = True,
        level: int = 0,
    ) -> str:
        """A cylinder of ``radius`` and ``depth`` (along its local z) centred at ``at``.

        ``fill=False`` leaves the caps open (cups, bowls and baskets show their inside).
        """
        width = bevel if bevel is not None else min(0.02, 0.15 * min(radius, depth))
        half = (radius * scale[0], radius * scale[1], depth / 2 * scale[2])
        return self._prim(
            "cylinder", part, at, rot, half, mat, finish, width, level, radius=radius, depth=depth,
            segments=segments, smooth=smooth, scale=list(scale), lengths=("radius", "depth"), fill=fill,
        )  # fmt: skip

    def tube(
        self,
        part: str,
        start: Vec3,
        end: Vec3,
        radius: float,
        *,
        mat: str,
        segments: int = 12,
        finish: Finish = "bevel",
        level: int = 0,
    ) -> str:
        """A cylinder of ``radius`` from ``start`` to ``end`` (frames, struts, arms, rungs)."""
        d = (end[0] - start[0], end[1] - start[1], end[2] - start[2])
        length = math.sqrt(d[0] ** 2 + d[1] ** 2 + d[2] ** 2)
        # The cylinder's axis is local z; Rx(a) then Ry(b) turns it to (cos a sin b, -sin a, cos a cos b).
        a = -math.degrees(math.asin(max(-1.0, min(1.0, d[1] / length))))
        b_ = math.degrees(math.atan2(d[0], d[2]))
        mid = ((start[0] + end[0]) / 2, (start[1] + end[1]) / 2, (start[2] + end[2]) / 2)
        return self.cyl(part, radius, length, mid, mat=mat, rot=(a, b_, 0.0), segments=segments, finish=finish,
                        smooth=True, level=level)  # fmt: skip

    def prism(
        self,
        part: str,
        width: float,
        height: float,
        length: float,
        z_base: float,
        *,
        mat: str,
        x: float = 0.0,
        y: float = 0.0,
        along_y: bool = False,
        bevel: float | None = None,
        level: int = 0,
    ) -> str:
        """A triangular prism (gable roof, tent): ridge along x (or y), base at ``z_base``.

        A 3-sided cylinder has a corner on local +y; turning it (90, 0, 90) points that corner up
        and the axis along x, so local x scales the span (``width``) and local y the ``height``.
        """
        sx = width / math.sqrt(3.0)
        sy = height / 1.5
        rot = (90.0, 0.0, 0.0) if along_y else (90.0, 0.0, 90.0)
        return self.cyl(part, 1.0, length, (x, y, z_base + 0.5 * sy), mat=mat, rot=rot, scale=(sx, sy, 1.0),
                        segments=3, bevel=bevel if bevel is not None else min(0.03, 0.05 * height), level=level)  # fmt: skip

    def cone(
        self,
        part: str,
        radius: float,
        depth: float,
        at: Vec3,
        *,
        mat: str,
        radius_top: float = 0.0,
        rot: Vec3 = (0.0, 0.0, 0.0),
        scale: Vec3 = (1.0, 1.0, 1.0),
        segments: int = 24,
        bevel: float | None = None,
        finish: Finish = "bevel",
        smooth: bool = False,
        fill: bool = True,
        level: int = 0,
    ) -> str:
        """A cone (or frustum with ``radius_top``) of ``depth`` along local z, centred at ``at``."""
        width = bevel if bevel is not None else min(0.02, 0.1 * min(max(radius, radius_top), depth))
        r = max(radius, radius_top)
        half = (r * scale[0], r * scale[1], depth / 2 * scale[2])
        return self._prim(
            "cone", part, at, rot, half, mat, finish, width, level, radius=radius, radius_top=radius_top,
            depth=depth, segments=segments, smooth=smooth, scale=list(scale), fill=fill,
            lengths=("radius", "radius_top", "depth"),
        )  # fmt: skip

    def sphere(
        self,
        part: str,
        radius: float,
        at: Vec3,
        *,
        mat: str,
        scale: Vec3 = (1.0, 1.0, 1.0),
        rot: Vec3 = (0.0, 0.0, 0.0),
        segments: int = 24,
        rings: int = 12,
        finish: Finish = "subsurf",
        level: int = 0,
    ) -> str:
        """A smooth UV sphere (an ellipsoid with ``scale``) centred at ``at``."""
        half = (radius * scale[0], radius * scale[1], radius * scale[2])
        return self._prim(
            "uv_sphere", part, at, rot, half, mat, finish, 0.0, level, radius=radius, segments=segments,
            rings=rings, smooth=True, scale=list(scale), lengths=("radius",),
        )  # fmt: skip

    def ico(
        self,
        part: str,
        radius: float,
        at: Vec3,
        *,
        mat: str,
        scale: Vec3 = (1.0, 1.0, 1.0),
        rot: Vec3 = (0.0, 0.0, 0.0),
        subdivisions: int = 1,
        smooth: bool = False,
        finish: Finish = "subsurf",
        level: int = 0,
    ) -> str:
        """A faceted ico sphere (rocks, crowns of low-poly trees) centred at ``at``."""
        half = (radius * scale[0], radius * scale[1], radius * scale[2])
        return self._prim(
            "ico_sphere", part, at, rot, half, mat, finish, 0.0, level, radius=radius,
            subdivisions=subdivisions, smooth=smooth, scale=list(scale), lengths=("radius",),
        )  # fmt: skip

    def torus(
        self,
        part: str,
        radius: float,
        minor: float,
        at: Vec3,
        *,
        mat: str,
        rot: Vec3 = (0.0, 0.0, 0.0),
        scale: Vec3 = (1.0, 1.0, 1.0),
        segments: int = 32,
        rings: int = 10,
        finish: Finish = "subsurf",
        level: int = 0,
    ) -> str:
        """A torus (ring of major ``radius``, tube ``minor``) lying in local xy, centred at ``at``."""
        half = ((radius + minor) * scale[0], (radius + minor) * scale[1], minor * scale[2])
        return self._prim(
            "torus", part, at, rot, half, mat, finish, 0.0, level, radius=radius, minor_radius=minor,
            segments=segments, rings=rings, smooth=True, scale=list(scale), lengths=("radius", "minor_radius"),
        )  # fmt: skip

    def plane(
        self,
        part: str,
        size: tuple[float, float],
        at: Vec3,
        *,
        mat: str,
        rot: Vec3 = (0.0, 0.0, 0.0),
        finish: Finish = "subsurf",
        level: int = 0,
    ) -> str:
        """A flat rectangle ``size`` (x, y) centred at ``at``."""
        half = (size[0] / 2, size[1] / 2, 0.0)
        return self._prim(
            "grid", part, at, rot, half, mat, finish, 0.0, level, scaled=True, size=1.0, subdivisions=16,
            scale=[size[0], size[1], 1.0],
        )  # fmt: skip

    # -- internals -------------------------------------------------------------------------
    def _emit(self, tool: str, **args: Any) -> None:
        self.calls.append(ToolCall(tool=tool, args=args))

    def _prim(
        self,
        kind: str,
        part: str,
        at: Vec3,
        rot: Vec3,
        half: Vec3,
        mat: str,
        finish: Finish,
        bevel: float,
        level: int,
        *,
        scaled: bool = False,
        lengths: tuple[str, ...] = (),
        **args: Any,
    ) -> str:
        s = self.s
        name = self.name(part)
        corners = [
            _rotate((sx * half[0], sy * half[1], sz * half[2]), rot)
            for sx in (-1, 1)
            for sy in (-1, 1)
            for sz in (-1, 1)
        ]
        lo = tuple(_r((at[i] + min(c[i] for c in corners)) * s) for i in range(3))
        hi = tuple(_r((at[i] + max(c[i] for c in corners)) * s) for i in range(3))
        self.parts.append(PartInfo(name, kind, finish, bevel * s, level, scaled, lo, hi))  # type: ignore[arg-type]
        if level != self.level:
            return name
        for key in lengths:
            args[key] = _r(args[key] * s)
        # Boxes and grids are unit primitives stretched by their scale; the rest carry their
        # lengths in their own parameters, so the scale stays a pure shape factor.
        args["scale"] = [_r(v * s) if scaled else _r(v) for v in args["scale"]]
        call: dict[str, Any] = {
            "kind": kind,
            "name": name,
            "location": [_r(v * s) for v in at],
            "rotation": [_r(v) for v in rot],
            "parent": self.ctx.name,
            "material": mat,
        }
        call.update(args)
        if call.get("scale") == [1.0, 1.0, 1.0]:
            del call["scale"]
        if call.get("rotation") == [0.0, 0.0, 0.0]:
            del call["rotation"]
        for default in (("fill", True), ("smooth", False)):
            if call.get(default[0]) == default[1]:
                del call[default[0]]
        self._emit("create_primitive", **call)
        return name

    # -- detail ----------------------------------------------------------------------------
    def detail_calls(self, level: int) -> list[ToolCall]:
        """The calls that raise the built object from ``level - 1`` to ``level``."""
        out: list[ToolCall] = list(self.calls)  # parts introduced at this level
        for p in self.parts:
            steps = level - p.level  # how many detail levels this part has been through
            if steps < 1:
                continue
            if p.finish == "bevel" and p.bevel > 0:
                if steps == 1:
                    if p.scaled:
                        out.append(
                            ToolCall(
                                tool="apply_transform",
                                args={"name": p.name, "location": False, "rotation": False, "scale": True},
                            )
                        )
                    params: dict[str, Any] = {
                        "width": _r(p.bevel),
                        "segments": 1,
                        "limit_method": "angle",
                        "angle": 30.0,
                    }
                    out.append(_modifier(p.name, "bevel", "Bevel", params))
                else:
                    out.append(_configure(p.name, "Bevel", {"segments": 2 * steps - 1}))
            elif p.finish == "subsurf":
                if steps == 1:
                    out.append(
                        _modifier(p.name, "subdivision", "Subdivision", {"levels": 1, "render_levels": 1})
                    )
                else:
                    out.append(_configure(p.name, "Subdivision", {"levels": steps, "render_levels": steps}))
        if level == 1:
            out.append(
                ToolCall(
                    tool="set_shading",
                    args={
                        "name": self.ctx.name,
                        "smooth": True,
                        "auto_smooth_angle": _AUTO_SMOOTH_DEG,
                        "recursive": True,
                    },
                )
            )
        return out

    def bounds(self, level: int = 0) -> tuple[Vec3, Vec3]:
        """Local (unrotated root) bounding box of the parts present at ``level``, in metres."""
        parts = [p for p in self.parts if p.level <= level]
        lo = tuple(min(p.lo[i] for p in parts) for i in range(3))
        hi = tuple(max(p.hi[i] for p in parts) for i in range(3))
        return lo, hi  # type: ignore[return-value]


def _modifier(obj: str, kind: str, name: str, params: dict[str, Any]) -> ToolCall:
    return ToolCall(tool="add_modifier", args={"object": obj, "type": kind, "name": name, "params": params})


def _configure(obj: str, modifier: str, params: dict[str, Any]) -> ToolCall:
    return ToolCall(tool="configure_modifier", args={"object": obj, "modifier": modifier, "params": params})


def record(body: Body, ctx: BuildContext, level: int = 0) -> Builder:
    """Run ``body`` in a builder (without the root call); for detail and for size checks."""
    b = Builder(ctx, level=level)
    body(b)
    return b


def make_recipe(
    kind: str,
    body: Body,
    *,
    synonyms: tuple[str, ...] = (),
    category: str,
    size: Vec3,
    default_color: str,
    surface: Callable[[BuildContext], Surface] | None = None,
    flies: bool = False,
    decorations: Callable[[BuildContext, int], list[tuple[Vec3, Vec3]]] | None = None,
    apex: Callable[[BuildContext], Vec3] | None = None,
) -> Recipe:
    """Wrap a body function as a registered :class:`Recipe` (build, detail, surface).

    Raises:
        RuntimeError: when ``kind`` is registered twice.
    """

    def build(ctx: BuildContext) -> list[ToolCall]:
        b = Builder(ctx, level=0)
        b.root()
        body(b)
        return b.calls

    def detail(ctx: BuildContext, level: int) -> list[ToolCall]:
        if not 1 <= level <= MAX_DETAIL:
            raise DetailLevelError(f"{kind}: detail level must be 1..{MAX_DETAIL}, got {level}")
        return record(body, ctx, level).detail_calls(level)

    def default_surface(ctx: BuildContext) -> Surface:
        s = ctx.scale
        return Surface(top_z=size[2] * s, top_half_extent=(size[0] / 2 * s, size[1] / 2 * s))

    return register(
        Recipe(
            kind=kind,
            synonyms=synonyms,
            category=category,
            size=size,
            build=build,
            detail=detail,
            max_detail=MAX_DETAIL,
            surface=surface or default_surface,
            default_color=default_color,
            flies=flies,
            decorations=decorations,
            apex=apex,
            publishes_support=surface is not None,
        )
    )


def ring(n: int, radius: float, z: float, start_deg: float = 0.0) -> list[tuple[float, float, float, float]]:
    """``n`` points (x, y, z, angle_deg) evenly spaced on a horizontal circle."""
    out = []
    for i in range(n):
        a = start_deg + 360.0 * i / n
        out.append((radius * math.cos(math.radians(a)), radius * math.sin(math.radians(a)), z, a))
    return out
