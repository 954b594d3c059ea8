"""Festive decorations: candy cane, bow, snowflake, light bulb, wreath (tree and door trim)."""

from __future__ import annotations

import math

from prompt2mesh.roles.offline.recipes._parts import Builder, make_recipe

CAT = "festive"
RED = "#d32f2f"


def _candy_cane(b: Builder) -> None:
    red = b.mat("Stripe", RED, primary=True, roughness=0.3)
    white = b.mat("Sugar", "#fafafa", roughness=0.3)
    r = 0.006
    for i in range(4):
        z0 = 0.03 * i
        b.tube(f"Shaft_{i + 1}", (0, 0, z0), (0, 0, z0 + 0.03), r, mat=red if i % 2 else white, segments=10)
    hook = [
        (0.0, 0.0, 0.12),
        (0.008, 0.0, 0.138),
        (0.024, 0.0, 0.145),
        (0.038, 0.0, 0.136),
        (0.042, 0.0, 0.12),
    ]
    for i, (p, q) in enumerate(zip(hook, hook[1:], strict=False), start=1):
        b.tube(f"Hook_{i}", p, q, r, mat=red if i % 2 else white, segments=10)


def _bow(b: Builder) -> None:
    ribbon = b.mat("Ribbon", RED, primary=True, roughness=0.4)
    for i, sx in enumerate((-1, 1), start=1):
        b.torus(f"Loop_{i}", 0.03, 0.008, (sx * 0.032, 0, 0.07), mat=ribbon, rot=(90, 0, 0), scale=(1, 0.6, 1),
                segments=20, rings=6)  # fmt: skip
        b.box(f"Tail_{i}", (0.016, 0.004, 0.06), (sx * 0.015, 0, 0.03), mat=ribbon, rot=(0, sx * 20, 0))
    b.sphere("Knot", 0.012, (0, 0, 0.07), mat=ribbon, segments=10, rings=5)


def _snowflake(b: Builder) -> None:
    ice = b.mat(
        "Ice", "#e3f2fd", primary=True, roughness=0.2, emission_color="#bbdefb", emission_strength=0.3
    )
    z = 0.075
    for i, a in enumerate((0, 60, 120), start=1):
        b.box(f"Arm_{i}", (0.012, 0.006, 0.15), (0, 0, z), mat=ice, rot=(0, a, 0))
    for i in range(6):
        ang = math.radians(60 * i)
        at = (0.05 * math.sin(ang), 0.0, z + 0.05 * math.cos(ang))
        b.box(f"Branch_{i + 1}", (0.04, 0.005, 0.008), at, mat=ice, rot=(0, 60 * i, 0), level=1)


def _light(b: Builder) -> None:
    glow = b.mat("Glow", "#ffd54f", primary=True, emission_color="#ffca28", emission_strength=4.0)
    cap = b.mat("Socket", "#2e7d32", roughness=0.6)
    b.sphere("Bulb", 0.012, (0, 0, 0.017), mat=glow, scale=(1, 1, 1.4), segments=12, rings=6)
    b.cyl("Socket", 0.007, 0.012, (0, 0, 0.04), mat=cap, segments=10)


def _wreath(b: Builder) -> None:
    leaves = b.mat("Leaves", "#2e7d32", primary=True, roughness=0.8)
    berry = b.mat("Berry", "#c62828", roughness=0.3)
    # Standing upright, facing -y (hung on a door).
    b.torus("Foliage", 0.2, 0.06, (0, 0, 0.26), mat=leaves, rot=(90, 0, 0), segments=32, rings=10)
    for i in range(6):
        a = math.radians(30 + 60 * i)
        b.sphere(f"Berry_{i + 1}", 0.015, (0.2 * math.cos(a), -0.06, 0.26 + 0.2 * math.sin(a)), mat=berry,
                 segments=8, rings=4, finish="none")  # fmt: skip
    b.sphere("Bow_Knot", 0.03, (0, -0.06, 0.07), mat=berry, segments=10, rings=5)


make_recipe("candy_cane", _candy_cane, synonyms=("candycane",), category=CAT, size=(0.054, 0.012, 0.151),
            default_color=RED, flies=True)  # fmt: skip
make_recipe("bow", _bow, synonyms=("ribbon_bow",), category=CAT, size=(0.14, 0.023, 0.094), default_color=RED,
            flies=True)  # fmt: skip
make_recipe("snowflake", _snowflake, synonyms=("snow_flake",), category=CAT, size=(0.136, 0.006, 0.15),
            default_color="#e3f2fd", flies=True)  # fmt: skip
make_recipe("light", _light, synonyms=("fairy_light", "christmas_light", "light_bulb", "string_light"),
            category=CAT, size=(0.024, 0.024, 0.046), default_color="#ffd54f", flies=True)  # fmt: skip
make_recipe("wreath", _wreath, synonyms=("christmas_wreath", "garland"), category=CAT, size=(0.52, 0.146, 0.52),
            default_color="#2e7d32")  # fmt: skip
