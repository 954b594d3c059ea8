"""Things in the sky: sun, moon, planet. They fly: built with their bottom at the
origin, the layout solver lifts them."""

from __future__ import annotations

import math

from prompt2mesh.roles.offline.recipes._parts import Builder, make_recipe

CAT = "sky"


def _sun(b: Builder) -> None:
    glow = b.mat("Glow", "#ffca28", primary=True, emission_color="#ffb300", emission_strength=4.0)
    b.sphere("Disc", 0.8, (0, 0, 1.25), mat=glow, segments=24, rings=12)
    for i in range(8):
        a = 45.0 * i
        d = (math.sin(math.radians(a)), math.cos(math.radians(a)))
        b.cone(f"Ray_{i + 1}", 0.18, 0.4, (1.05 * d[0], 0, 1.25 + 1.05 * d[1]), mat=glow, rot=(0, a, 0),
               segments=8)  # fmt: skip


def _moon(b: Builder) -> None:
    rock = b.mat("Regolith", "#d6d6d0", primary=True, roughness=0.95)
    dark = b.mat("Crater", "#9e9e98", roughness=0.95)
    b.sphere("Body", 0.6, (0, 0, 0.6), mat=rock, segments=24, rings=12)
    for i, (x, z, r) in enumerate(((0.2, 0.8, 0.12), (-0.25, 0.45, 0.09), (0.05, 0.3, 0.07)), start=1):
        y = -math.sqrt(max(0.0, 0.36 - x * x - (z - 0.6) ** 2)) + 0.02
        b.sphere(f"Mare_{i}", r, (x, y, z), mat=dark, scale=(1, 0.3, 1), segments=12, rings=6)


def _planet(b: Builder) -> None:
    surface = b.mat("Surface", "#e0b070", primary=True, roughness=0.7)
    rings = b.mat("Rings", "#c8b08a", roughness=0.8)
    b.sphere("Body", 0.5, (0, 0, 0.5), mat=surface, segments=24, rings=12)
    b.torus("Belt", 0.8, 0.12, (0, 0, 0.5), mat=rings, rot=(20, 0, 0), scale=(1, 1, 0.08), segments=48,
            rings=6)  # fmt: skip


make_recipe("sun", _sun, synonyms=("sunshine",), category=CAT, size=(2.5, 1.6, 2.5), default_color="#ffca28",
            flies=True)  # fmt: skip
make_recipe("moon", _moon, synonyms=("full_moon",), category=CAT, size=(1.2, 1.2, 1.2), default_color="#d6d6d0",
            flies=True)  # fmt: skip
make_recipe("planet", _planet, synonyms=("saturn", "jupiter", "world"), category=CAT, size=(1.84, 1.74, 1.0),
            default_color="#e0b070", flies=True)  # fmt: skip
