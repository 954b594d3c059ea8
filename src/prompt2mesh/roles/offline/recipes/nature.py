"""Nature: trees (with decoration points for ornaments), plants, rocks, clouds and terrain."""

from __future__ import annotations

import math
from collections.abc import Sequence

from prompt2mesh.roles.offline.recipes._parts import Builder, make_recipe
from prompt2mesh.roles.offline.recipes.base import BuildContext, Surface, Vec3

CAT = "nature"
LEAF = "#2f6b2f"
BARK = "#5b3a1e"
_GOLDEN_ANGLE = 137.50776
_OUTSET = 0.01
"""Decoration points sit this far (m, at scale 1) outside the surface: touching, not sunk."""

Tier = tuple[float, float, float]
"""A cone tier: (base z, base radius, height)."""

_XMAS_TIERS: tuple[Tier, ...] = ((0.35, 0.95, 0.95), (0.9, 0.75, 0.9), (1.4, 0.52, 0.8), (1.85, 0.3, 0.55))
_PINE_TIERS: tuple[Tier, ...] = (
    (0.8, 1.3, 1.6),
    (1.7, 1.1, 1.5),
    (2.6, 0.9, 1.3),
    (3.4, 0.65, 1.1),
    (4.1, 0.4, 0.9),
)


def _cone_points(tiers: Sequence[Tier], n: int, scale: float) -> list[tuple[Vec3, Vec3]]:
    """``n`` (point, outward normal) pairs spread over the *visible* band of each cone tier.

    A tier is visible from its base up to the base of the tier above; points stay a little
    below that so an ornament does not touch the rim above it.
    """
    bands: list[tuple[Tier, float, float]] = []
    for i, tier in enumerate(tiers):
        base, _radius, height = tier
        top = tiers[i + 1][0] - 0.08 if i + 1 < len(tiers) else base + 0.6 * height
        bands.append((tier, base + 0.06, max(base + 0.1, top)))
    weights = [t[1] * (hi - lo) for t, lo, hi in bands]
    total = sum(weights)
    counts = [int(n * w / total) for w in weights]
    by_remainder = sorted(range(len(bands)), key=lambda i: -(n * weights[i] / total - counts[i]))
    for i in by_remainder[: n - sum(counts)]:
        counts[i] += 1
    out: list[tuple[Vec3, Vec3]] = []
    k = 0
    for ((base, radius, height), lo, hi), m in zip(bands, counts, strict=True):
        slant = math.hypot(height, radius)
        for j in range(m):
            frac = (j * 0.618034 + 0.3) % 1.0
            z = lo + (hi - lo) * frac
            r = radius * (1 - (z - base) / height)
            a = math.radians(k * _GOLDEN_ANGLE)
            k += 1
            normal = (math.cos(a) * height / slant, math.sin(a) * height / slant, radius / slant)
            p = (r * math.cos(a), r * math.sin(a), z)
            point = tuple(round((p[i] + normal[i] * _OUTSET) * scale, 4) for i in range(3))
            out.append((point, tuple(round(c, 4) for c in normal)))  # type: ignore[arg-type]
    return out


def _sphere_points(
    centre: Vec3, radius: float, n: int, scale: float, min_z: float
) -> list[tuple[Vec3, Vec3]]:
    """``n`` (point, normal) pairs on a sphere above ``min_z`` (relative height -1..1)."""
    out: list[tuple[Vec3, Vec3]] = []
    for k in range(n):
        nz = 1.0 - (1.0 - min_z) * (k + 0.5) / n
        ring_r = math.sqrt(max(0.0, 1 - nz * nz))
        a = math.radians(k * _GOLDEN_ANGLE)
        normal = (ring_r * math.cos(a), ring_r * math.sin(a), nz)
        point = tuple(round((centre[i] + normal[i] * (radius + _OUTSET)) * scale, 4) for i in range(3))
        out.append((point, tuple(round(c, 4) for c in normal)))  # type: ignore[arg-type]
    return out


def _tiers(b: Builder, tiers: Sequence[Tier], mat: str, prefix: str = "Tier") -> None:
    for i, (base, radius, height) in enumerate(tiers, start=1):
        b.cone(f"{prefix}_{i}", radius, height, (0, 0, base + height / 2), mat=mat, segments=32)


def _christmas_tree(b: Builder) -> None:
    green = b.mat("Needles", "#1f6b32", primary=True, roughness=0.8)
    bark = b.mat("Bark", BARK, roughness=0.9)
    b.cyl("Trunk", 0.12, 0.45, (0, 0, 0.225), mat=bark, segments=16)
    _tiers(b, _XMAS_TIERS, green)


def _pine(b: Builder) -> None:
    green = b.mat("Needles", "#24502c", primary=True, roughness=0.85)
    bark = b.mat("Bark", BARK, roughness=0.9)
    b.cyl("Trunk", 0.18, 1.0, (0, 0, 0.5), mat=bark, segments=16)
    _tiers(b, _PINE_TIERS, green)


_CROWN: tuple[Vec3, float] = ((0.0, 0.0, 3.2), 1.3)


def _tree(b: Builder) -> None:
    leaves = b.mat("Leaves", "#3f8f3a", primary=True, roughness=0.8)
    bark = b.mat("Bark", BARK, roughness=0.9)
    b.cyl("Trunk", 0.18, 2.3, (0, 0, 1.15), mat=bark, segments=16)
    for i, (x, rz) in enumerate(((0.35, -35), (-0.3, 35)), start=1):
        b.cyl(f"Branch_{i}", 0.06, 0.8, (x, 0, 2.2), mat=bark, rot=(0, rz, 0), segments=10)
    b.sphere("Canopy", _CROWN[1], _CROWN[0], mat=leaves, segments=24, rings=12)
    for i, (x, y, z) in enumerate(((0.8, 0.3, 2.7), (-0.75, -0.35, 2.8), (0.1, -0.8, 2.6)), start=1):
        b.sphere(f"Canopy_Lobe_{i}", 0.6, (x, y, z), mat=leaves, segments=16, rings=8, level=1)


def _bush(b: Builder) -> None:
    leaves = b.mat("Leaves", "#3d7a34", primary=True, roughness=0.85)
    b.sphere("Main", 0.5, (0, 0, 0.425), mat=leaves, scale=(1, 1, 0.85), segments=20, rings=10)
    b.sphere("Lobe_1", 0.38, (0.42, 0.1, 0.33), mat=leaves, scale=(1, 1, 0.87), segments=16, rings=8)
    b.sphere("Lobe_2", 0.35, (-0.4, -0.05, 0.3), mat=leaves, scale=(1, 1, 0.86), segments=16, rings=8)
    b.sphere(
        "Lobe_3", 0.3, (0.05, -0.35, 0.26), mat=leaves, scale=(1, 1, 0.87), segments=16, rings=8, level=1
    )


def _rock(b: Builder) -> None:
    stone = b.mat("Stone", "#7d7d78", primary=True, roughness=0.95)
    b.ico("Boulder", 0.4, (-0.1, 0, 0.24), mat=stone, scale=(1.0, 0.8, 0.6), rot=(0, 0, 20))
    b.ico("Pebble", 0.15, (0.32, -0.18, 0.09), mat=stone, scale=(1.0, 0.8, 0.6), rot=(0, 0, 70))


def _stem_and_leaves(b: Builder, height: float, radius: float, mat: str, leaf: float = 0.05) -> None:
    """A stem from the ground up to ``height`` with two leaves of length ``2 * leaf``."""
    b.cyl("Stem", radius, height, (0, 0, height / 2), mat=mat, segments=8, smooth=True)
    for i, (sx, z) in enumerate(((1, 0.35), (-1, 0.55)), start=1):
        b.sphere(f"Leaf_{i}", leaf, (sx * 0.9 * leaf, 0, z * height), mat=mat,
                 scale=(1.0, 0.35, 0.12), rot=(0, -sx * 25, 0), segments=12, rings=6)  # fmt: skip


def _flower(b: Builder) -> None:
    petal = b.mat("Petals", "#e53935", primary=True, roughness=0.6)
    heart = b.mat("Center", "#f9c80e", roughness=0.7)
    stem = b.mat("Stem", "#3b7d2a", roughness=0.7)
    _stem_and_leaves(b, 0.4, 0.006, stem)
    b.sphere("Center", 0.022, (0, 0, 0.41), mat=heart, scale=(1, 1, 0.6), segments=16, rings=8)
    for i in range(6):
        a = 60.0 * i
        x, y = 0.045 * math.cos(math.radians(a)), 0.045 * math.sin(math.radians(a))
        b.sphere(f"Petal_{i + 1}", 0.035, (x, y, 0.41), mat=petal, scale=(1.0, 0.55, 0.15), rot=(0, -12, a),
                 segments=12, rings=6)  # fmt: skip


def _rose(b: Builder) -> None:
    petal = b.mat("Petals", "#c8102e", primary=True, roughness=0.5)
    stem = b.mat("Stem", "#2e6b22", roughness=0.7)
    _stem_and_leaves(b, 0.42, 0.005, stem)
    b.sphere("Bud", 0.026, (0, 0, 0.445), mat=petal, scale=(1, 1, 1.2), segments=16, rings=8)
    for i in range(5):
        a = 72.0 * i
        x, y = 0.022 * math.cos(math.radians(a)), 0.022 * math.sin(math.radians(a))
        b.sphere(f"Petal_{i + 1}", 0.028, (x, y, 0.44), mat=petal, scale=(0.5, 1.0, 1.0), rot=(0, 0, a),
                 segments=12, rings=6)  # fmt: skip


def _sunflower(b: Builder) -> None:
    petal = b.mat("Petals", "#f6c700", primary=True, roughness=0.6)
    seeds = b.mat("Seeds", "#4a2c12", roughness=0.9)
    stem = b.mat("Stem", "#3b7d2a", roughness=0.7)
    _stem_and_leaves(b, 1.5, 0.01, stem, leaf=0.09)
    b.cyl("Disc", 0.1, 0.04, (0, -0.02, 1.6), mat=seeds, rot=(90, 0, 0), segments=32)
    for i in range(12):
        a = 30.0 * i
        x, z = 0.17 * math.cos(math.radians(a)), 1.6 + 0.17 * math.sin(math.radians(a))
        b.sphere(f"Petal_{i + 1}", 0.08, (x, -0.01, z), mat=petal, scale=(1.0, 0.12, 0.35), rot=(0, -a, 0),
                 segments=12, rings=6)  # fmt: skip


def _cactus(b: Builder) -> None:
    green = b.mat("Skin", "#3a7d44", primary=True, roughness=0.7)
    b.cyl("Body", 0.12, 0.55, (0, 0, 0.275), mat=green, segments=16, smooth=True)
    b.sphere("Body_Top", 0.12, (0, 0, 0.55), mat=green, segments=16, rings=8)
    for i, (sx, z, h) in enumerate(((1, 0.25, 0.22), (-1, 0.35, 0.16)), start=1):
        b.cyl(
            f"Arm_Joint_{i}",
            0.055,
            0.16,
            (sx * 0.17, 0, z),
            mat=green,
            rot=(0, 90, 0),
            segments=12,
            smooth=True,
        )
        b.cyl(f"Arm_{i}", 0.055, h, (sx * 0.25, 0, z + h / 2), mat=green, segments=12, smooth=True)
        b.sphere(f"Arm_Tip_{i}", 0.055, (sx * 0.25, 0, z + h), mat=green, segments=12, rings=6)


def _mushroom(b: Builder) -> None:
    cap = b.mat("Cap", "#c62828", primary=True, roughness=0.5)
    stem = b.mat("Stem", "#f1e9d2", roughness=0.8)
    b.cyl("Stem", 0.035, 0.13, (0, 0, 0.065), mat=stem, segments=16, smooth=True)
    b.sphere("Cap", 0.1, (0, 0, 0.13), mat=cap, scale=(1, 1, 0.6), segments=24, rings=12)
    for i, (phi, theta) in enumerate(((20, 0), (45, 60), (45, 180), (50, 290), (30, 130)), start=1):
        p, t = math.radians(phi), math.radians(theta)
        at = (0.1 * math.sin(p) * math.cos(t), 0.1 * math.sin(p) * math.sin(t), 0.13 + 0.06 * math.cos(p))
        b.sphere(f"Dot_{i}", 0.014, at, mat=stem, scale=(1, 1, 0.5), segments=10, rings=6, finish="none")


def _cloud(b: Builder) -> None:
    white = b.mat("Vapor", "#f7f9fc", primary=True, roughness=1.0)
    for i, (x, y, r) in enumerate(
        ((0, 0, 0.6), (0.75, 0.05, 0.45), (-0.75, -0.05, 0.48), (0.3, 0.2, 0.5)), start=1
    ):
        b.sphere(f"Puff_{i}", r, (x, y, r * 0.8), mat=white, scale=(1, 0.9, 0.8), segments=20, rings=10)
    b.sphere(
        "Puff_5", 0.35, (-0.35, -0.25, 0.3), mat=white, scale=(1, 0.9, 0.8), segments=16, rings=8, level=1
    )


def _hill(b: Builder) -> None:
    grass = b.mat("Grass", "#5a9a3a", primary=True, roughness=0.9)
    b.sphere("Mound", 1.0, (0, 0, 1.5), mat=grass, scale=(5.0, 5.0, 1.5), segments=32, rings=16)
    b.sphere("Knoll", 1.0, (2.4, 1.5, 0.8), mat=grass, scale=(2.4, 2.2, 0.8), segments=24, rings=12)


def _pond(b: Builder) -> None:
    water = b.mat("Water", "#3f7fbf", primary=True, roughness=0.05)
    stone = b.mat("Rim", "#8c8c84", roughness=0.9)
    pad = b.mat("Lily_Pad", "#4f8f3a", roughness=0.7)
    b.cyl("Water", 1.5, 0.04, (0, 0, 0.02), mat=water, segments=48)
    b.torus("Rim", 1.55, 0.1, (0, 0, 0.06), mat=stone, scale=(1, 1, 0.6), segments=48, rings=8)
    for i, (x, y) in enumerate(((0.5, 0.3), (-0.4, -0.5)), start=1):
        b.cyl(f"Lily_Pad_{i}", 0.15, 0.01, (x, y, 0.045), mat=pad, segments=16, level=1)


def _ground(b: Builder) -> None:
    grass = b.mat("Grass", "#4f8a3a", primary=True, roughness=0.95)
    b.plane("Surface", (20.0, 20.0), (0, 0, 0), mat=grass)


def _decor_xmas(ctx: BuildContext, n: int) -> list[tuple[Vec3, Vec3]]:
    return _cone_points(_XMAS_TIERS, n, ctx.scale)


def _decor_pine(ctx: BuildContext, n: int) -> list[tuple[Vec3, Vec3]]:
    return _cone_points(_PINE_TIERS, n, ctx.scale)


def _decor_tree(ctx: BuildContext, n: int) -> list[tuple[Vec3, Vec3]]:
    return _sphere_points(_CROWN[0], _CROWN[1], n, ctx.scale, -0.35)


def _apex(tiers: Sequence[Tier]) -> float:
    return tiers[-1][0] + tiers[-1][2]


make_recipe("christmas_tree", _christmas_tree, synonyms=("xmas_tree", "fir", "fir_tree", "holiday_tree"),
            category=CAT, size=(1.9, 1.9, 2.4), default_color="#1f6b32", decorations=_decor_xmas,
            apex=lambda ctx: (0.0, 0.0, _apex(_XMAS_TIERS) * ctx.scale))  # fmt: skip
make_recipe("pine", _pine, synonyms=("pine_tree", "spruce", "conifer", "evergreen"), category=CAT,
            size=(2.6, 2.6, 5.0), default_color="#24502c", decorations=_decor_pine,
            apex=lambda ctx: (0.0, 0.0, _apex(_PINE_TIERS) * ctx.scale))  # fmt: skip
make_recipe("tree", _tree, synonyms=("oak", "oak_tree", "apple_tree", "maple", "deciduous_tree"), category=CAT,
            size=(2.6, 2.6, 4.5), default_color="#3f8f3a", decorations=_decor_tree,
            apex=lambda ctx: (0.0, 0.0, 4.5 * ctx.scale))  # fmt: skip
make_recipe("bush", _bush, synonyms=("shrub", "hedge", "shrubbery"), category=CAT, size=(1.6, 1.0, 0.85),
            default_color="#3d7a34")  # fmt: skip
make_recipe("rock", _rock, synonyms=("stone", "boulder", "pebble"), category=CAT, size=(1.0, 0.76, 0.48),
            default_color="#7d7d78",
            # The boulder's crown once smoothing has rounded its top vertex down (0.48 -> ~0.43).
            surface=lambda ctx: Surface(top_z=0.43 * ctx.scale, top_half_extent=(0.2 * ctx.scale, 0.15 * ctx.scale),
                                        top_center=(-0.1 * ctx.scale, 0.0)))  # fmt: skip
make_recipe("flower", _flower, synonyms=("daisy", "tulip", "blossom", "bloom"), category=CAT,
            size=(0.19, 0.16, 0.42), default_color="#e53935")  # fmt: skip
make_recipe(
    "rose", _rose, synonyms=("red_rose",), category=CAT, size=(0.2, 0.09, 0.48), default_color="#c8102e"
)
make_recipe("sunflower", _sunflower, synonyms=("sun_flower",), category=CAT, size=(0.5, 0.071, 1.85),
            default_color="#f6c700")  # fmt: skip
make_recipe("cactus", _cactus, synonyms=("cacti", "succulent", "saguaro"), category=CAT, size=(0.61, 0.24, 0.67),
            default_color="#3a7d44")  # fmt: skip
make_recipe("mushroom", _mushroom, synonyms=("toadstool", "fungus"), category=CAT, size=(0.2, 0.2, 0.19),
            default_color="#c62828")  # fmt: skip
make_recipe("cloud", _cloud, synonyms=("clouds",), category=CAT, size=(2.45, 1.2, 0.96), default_color="#f7f9fc",
            flies=True)  # fmt: skip
make_recipe("hill", _hill, synonyms=("mound", "knoll", "mountain"), category=CAT, size=(10.0, 10.0, 3.0),
            default_color="#5a9a3a",
            surface=lambda ctx: Surface(top_z=3.0 * ctx.scale, top_half_extent=(1.0 * ctx.scale, 1.0 * ctx.scale)))  # fmt: skip
make_recipe("pond", _pond, synonyms=("pool", "lake", "puddle"), category=CAT, size=(3.3, 3.3, 0.12),
            default_color="#3f7fbf")  # fmt: skip
make_recipe("ground", _ground, synonyms=("terrain", "grass", "lawn", "field", "meadow", "landscape", "floor"),
            category=CAT, size=(20.0, 20.0, 0.0), default_color="#4f8a3a",
            surface=lambda ctx: Surface(top_z=0.0, top_half_extent=(10.0 * ctx.scale, 10.0 * ctx.scale)))  # fmt: skip
