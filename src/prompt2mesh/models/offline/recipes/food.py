"""Food: apple, orange, pumpkin, cake, donut, at their real sizes."""

from __future__ import annotations

import math

from prompt2mesh.models.offline.recipes._parts import Builder, make_recipe
from prompt2mesh.models.offline.recipes.base import Surface

CAT = "food"
STALK = "#5b3a1e"
LEAF = "#4caf50"


def _apple(b: Builder) -> None:
    skin = b.mat("Skin", "#c62828", primary=True, roughness=0.35)
    stalk = b.mat("Stalk", STALK, roughness=0.8)
    leaf = b.mat("Leaf", LEAF, roughness=0.6)
    b.sphere("Fruit", 0.04, (0, 0, 0.036), mat=skin, scale=(1, 1, 0.9), segments=20, rings=10)
    b.tube("Stalk", (0, 0, 0.066), (0.004, 0, 0.086), 0.0025, mat=stalk, segments=6)
    b.sphere(
        "Leaf",
        0.014,
        (0.013, 0, 0.08),
        mat=leaf,
        scale=(1, 0.45, 0.12),
        rot=(0, -25, 0),
        segments=10,
        rings=5,
    )


def _orange(b: Builder) -> None:
    peel = b.mat("Peel", "#fb8c00", primary=True, roughness=0.6)
    stalk = b.mat("Stalk", "#558b2f", roughness=0.8)
    b.sphere("Fruit", 0.04, (0, 0, 0.04), mat=peel, segments=20, rings=10)
    b.cyl("Stalk", 0.005, 0.006, (0, 0, 0.081), mat=stalk, segments=8, finish="none")


def _pumpkin(b: Builder) -> None:
    rind = b.mat("Rind", "#ef6c00", primary=True, roughness=0.6)
    stalk = b.mat("Stalk", "#5d4a1f", roughness=0.8)
    b.sphere("Core", 0.14, (0, 0, 0.12), mat=rind, scale=(1, 1, 0.85), segments=20, rings=10)
    for i in range(6):
        a = 60.0 * i
        x, y = 0.06 * math.cos(math.radians(a)), 0.06 * math.sin(math.radians(a))
        b.sphere(f"Lobe_{i + 1}", 0.12, (x, y, 0.12), mat=rind, scale=(1.0, 0.7, 1.0), rot=(0, 0, a), segments=16,
                 rings=8)  # fmt: skip
    b.cyl("Stalk", 0.02, 0.07, (0, 0, 0.255), mat=stalk, segments=8)


def _cake(b: Builder) -> None:
    sponge = b.mat("Icing", "#f8bbd0", primary=True, roughness=0.5)
    cream = b.mat("Cream", "#fffaf0", roughness=0.6)
    cherry = b.mat("Cherry", "#b71c1c", roughness=0.3)
    plate = b.mat("Plate", "#fafafa", roughness=0.2)
    b.cyl("Stand", 0.17, 0.01, (0, 0, 0.005), mat=plate, segments=32)
    b.cyl("Lower_Tier", 0.14, 0.1, (0, 0, 0.06), mat=sponge, segments=32)
    b.torus("Lower_Frosting", 0.14, 0.008, (0, 0, 0.11), mat=cream, segments=48, rings=6)
    b.cyl("Upper_Tier", 0.09, 0.08, (0, 0, 0.15), mat=sponge, segments=32)
    b.torus("Upper_Frosting", 0.09, 0.007, (0, 0, 0.19), mat=cream, segments=48, rings=6)
    b.sphere("Cherry", 0.015, (0, 0, 0.205), mat=cherry, segments=12, rings=6)
    for i in range(3):
        a = math.radians(120 * i + 30)
        b.cyl(f"Candle_{i + 1}", 0.004, 0.05, (0.05 * math.cos(a), 0.05 * math.sin(a), 0.215), mat=cream,
              segments=8, level=1)  # fmt: skip


def _donut(b: Builder) -> None:
    dough = b.mat("Dough", "#d9a066", primary=True, roughness=0.7)
    glaze = b.mat("Glaze", "#f06292", roughness=0.3)
    b.torus("Dough", 0.045, 0.022, (0, 0, 0.022), mat=dough, segments=32, rings=12)
    b.torus("Glaze", 0.045, 0.019, (0, 0, 0.029), mat=glaze, scale=(1.02, 1.02, 0.8), segments=32, rings=12)


make_recipe("apple", _apple, synonyms=("red_apple", "green_apple"), category=CAT, size=(0.08, 0.08, 0.088),
            default_color="#c62828")  # fmt: skip
make_recipe("orange", _orange, synonyms=("tangerine", "mandarin", "citrus"), category=CAT,
            size=(0.08, 0.08, 0.084), default_color="#fb8c00")  # fmt: skip
make_recipe("pumpkin", _pumpkin, synonyms=("jack_o_lantern", "squash", "gourd"), category=CAT,
            size=(0.3, 0.3, 0.29), default_color="#ef6c00")  # fmt: skip
make_recipe("cake", _cake, synonyms=("birthday_cake", "wedding_cake", "gateau"), category=CAT,
            size=(0.34, 0.34, 0.22), default_color="#f8bbd0",
            surface=lambda ctx: Surface(top_z=0.19 * ctx.scale, top_half_extent=(0.08 * ctx.scale, 0.08 * ctx.scale)))  # fmt: skip
make_recipe("donut", _donut, synonyms=("doughnut",), category=CAT, size=(0.136, 0.136, 0.05),
            default_color="#d9a066")  # fmt: skip
