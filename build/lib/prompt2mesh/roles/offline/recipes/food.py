"""Food: apple, orange, pumpkin, cake, donut, at their real sizes."""

from __future__ import annotations

import math

from prompt2mesh.roles.offline.recipes._parts import Builder, make_recipe, ring
from prompt2mesh.roles.offline.recipes.base import Surface

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


def _cupcake(b: Builder) -> None:
    frosting = b.mat("Frosting", "#f48fb1", primary=True, roughness=0.5)
    wrapper = b.mat("Wrapper", "#90caf9", roughness=0.6)
    cherry = b.mat("Cherry", "#b71c1c", roughness=0.3)
    b.cone("Wrapper", 0.025, 0.04, (0, 0, 0.02), radius_top=0.032, mat=wrapper, segments=16)
    b.sphere("Frosting", 0.034, (0, 0, 0.047), mat=frosting, scale=(1, 1, 0.7), segments=16, rings=8)
    b.cone("Swirl", 0.022, 0.025, (0, 0, 0.075), mat=frosting, segments=12)
    b.sphere("Cherry", 0.008, (0, 0, 0.092), mat=cherry, segments=10, rings=5)


def _ice_cream(b: Builder) -> None:
    scoop = b.mat("Scoop", "#fce4ec", primary=True, roughness=0.6)
    wafer = b.mat("Wafer", "#d7a35b", roughness=0.8)
    second = b.mat("Second_Scoop", "#6d4c41", roughness=0.6)
    b.cone("Wafer", 0.005, 0.12, (0, 0, 0.06), radius_top=0.03, mat=wafer, segments=16)
    b.sphere("Scoop", 0.033, (0, 0, 0.135), mat=scoop, segments=16, rings=8)
    b.sphere("Second_Scoop", 0.03, (0, 0, 0.185), mat=second, segments=16, rings=8)


def _egg(b: Builder) -> None:
    shell = b.mat("Shell", "#f3e5d0", primary=True, roughness=0.5)
    b.sphere("Shell", 0.022, (0, 0, 0.029), mat=shell, scale=(1, 1, 1.3), segments=16, rings=8)


def _carrot(b: Builder) -> None:
    root = b.mat("Root", "#ef6c00", primary=True, roughness=0.6)
    leaf = b.mat("Leaf", LEAF, roughness=0.7)
    # Lying on the ground, tip towards +x.
    b.cone("Root", 0.018, 0.16, (0, 0, 0.018), mat=root, rot=(0, 90, 0), segments=12, smooth=True)
    for i, a in enumerate((-25, 0, 25), start=1):
        b.tube(f"Leaf_{i}", (-0.08, 0, 0.018), (-0.14, 0.03 * math.sin(math.radians(a)), 0.03), 0.004,
               mat=leaf, segments=6)  # fmt: skip


def _banana(b: Builder) -> None:
    peel = b.mat("Peel", "#fdd835", primary=True, roughness=0.5)
    tip = b.mat("Tip", "#4e342e", roughness=0.7)
    pts = [(-0.09, 0.0, 0.06), (-0.05, 0.0, 0.03), (0.0, 0.0, 0.018), (0.05, 0.0, 0.03), (0.09, 0.0, 0.06)]
    for i, (p, q) in enumerate(zip(pts, pts[1:], strict=False), start=1):
        b.tube(f"Segment_{i}", p, q, 0.018, mat=peel, segments=10)
    for i, p in enumerate(pts[1:-1], start=1):
        b.sphere(f"Joint_{i}", 0.018, p, mat=peel, segments=10, rings=5)
    b.sphere("Tip", 0.01, pts[-1], mat=tip, segments=8, rings=4, finish="none")


def _pizza(b: Builder) -> None:
    cheese = b.mat("Cheese", "#f6c453", primary=True, roughness=0.6)
    crust = b.mat("Crust", "#c68642", roughness=0.8)
    pepperoni = b.mat("Pepperoni", "#b23a2e", roughness=0.6)
    b.cyl("Crust", 0.16, 0.015, (0, 0, 0.0075), mat=crust, segments=32)
    b.cyl("Cheese", 0.145, 0.004, (0, 0, 0.017), mat=cheese, segments=32, finish="none")
    for i, (x, y, _z, _a) in enumerate(ring(6, 0.09, 0.0, 15), start=1):
        b.cyl(f"Pepperoni_{i}", 0.02, 0.004, (x, y, 0.02), mat=pepperoni, segments=12, finish="none")


def _bread(b: Builder) -> None:
    crust = b.mat("Crust", "#c68642", primary=True, roughness=0.8)
    b.box("Loaf", (0.28, 0.12, 0.08), (0, 0, 0.04), mat=crust, bevel=0.02)
    b.sphere("Top", 0.07, (0, 0, 0.08), mat=crust, scale=(2.0, 0.85, 0.6), segments=16, rings=8)


def _cookie(b: Builder) -> None:
    dough = b.mat("Dough", "#d2a068", primary=True, roughness=0.8)
    chip = b.mat("Chip", "#4e342e", roughness=0.6)
    b.cyl("Dough", 0.04, 0.01, (0, 0, 0.005), mat=dough, segments=24)
    for i, (x, y, _z, _a) in enumerate(ring(5, 0.022, 0.0, 10), start=1):
        b.sphere(f"Chip_{i}", 0.005, (x, y, 0.01), mat=chip, segments=8, rings=4, finish="none")


def _watermelon(b: Builder) -> None:
    rind = b.mat("Rind", "#2e7d32", primary=True, roughness=0.5)
    b.sphere("Rind", 0.15, (0, 0, 0.12), mat=rind, scale=(1.3, 1.0, 0.8), segments=24, rings=12)


def _strawberry(b: Builder) -> None:
    berry = b.mat("Berry", "#d50000", primary=True, roughness=0.4)
    leaf = b.mat("Leaf", LEAF, roughness=0.7)
    # Point down, shoulders rounded by a flattened sphere.
    b.cone("Berry", 0.02, 0.032, (0, 0, 0.016), mat=berry, rot=(180, 0, 0), segments=12, smooth=True)
    b.sphere("Shoulder", 0.02, (0, 0, 0.032), mat=berry, scale=(1, 1, 0.5), segments=12, rings=6)
    b.cyl("Calyx", 0.016, 0.004, (0, 0, 0.043), mat=leaf, segments=8, finish="none")


def _pear(b: Builder) -> None:
    skin = b.mat("Skin", "#c0ca33", primary=True, roughness=0.5)
    stalk = b.mat("Stalk", STALK, roughness=0.8)
    b.sphere("Bottom", 0.038, (0, 0, 0.036), mat=skin, segments=16, rings=8)
    b.sphere("Top", 0.024, (0, 0, 0.08), mat=skin, scale=(1, 1, 1.3), segments=16, rings=8)
    b.tube("Stalk", (0, 0, 0.108), (0.004, 0, 0.125), 0.0025, mat=stalk, segments=6)


def _lemon(b: Builder) -> None:
    peel = b.mat("Peel", "#fff176", primary=True, roughness=0.5)
    b.sphere("Fruit", 0.03, (0, 0, 0.03), mat=peel, scale=(1.4, 1, 1), segments=16, rings=8)
    b.cone("Tip", 0.008, 0.012, (0.046, 0, 0.03), mat=peel, rot=(0, 90, 0), segments=8)


make_recipe("cupcake", _cupcake, synonyms=("muffin", "fairy_cake"), category=CAT, size=(0.068, 0.068, 0.1),
            default_color="#f48fb1")  # fmt: skip
make_recipe("ice_cream", _ice_cream, synonyms=("ice_cream_cone", "gelato", "cone_of_ice_cream"), category=CAT,
            size=(0.066, 0.066, 0.215), default_color="#fce4ec")  # fmt: skip
make_recipe(
    "egg", _egg, synonyms=("easter_egg",), category=CAT, size=(0.044, 0.044, 0.058), default_color="#f3e5d0"
)
make_recipe("carrot", _carrot, synonyms=(), category=CAT, size=(0.24, 0.04, 0.036), default_color="#ef6c00")
make_recipe("banana", _banana, synonyms=(), category=CAT, size=(0.2, 0.036, 0.078), default_color="#fdd835")
make_recipe(
    "pizza", _pizza, synonyms=("pizza_pie",), category=CAT, size=(0.32, 0.32, 0.022), default_color="#f6c453"
)
make_recipe("bread", _bread, synonyms=("loaf", "bread_loaf"), category=CAT, size=(0.28, 0.12, 0.122),
            default_color="#c68642")  # fmt: skip
make_recipe(
    "cookie", _cookie, synonyms=("biscuit",), category=CAT, size=(0.08, 0.08, 0.015), default_color="#d2a068"
)
make_recipe("watermelon", _watermelon, synonyms=("melon",), category=CAT, size=(0.39, 0.3, 0.24),
            default_color="#2e7d32")  # fmt: skip
make_recipe(
    "strawberry", _strawberry, synonyms=(), category=CAT, size=(0.04, 0.04, 0.045), default_color="#d50000"
)
make_recipe("pear", _pear, synonyms=(), category=CAT, size=(0.076, 0.076, 0.125), default_color="#c0ca33")
make_recipe(
    "lemon", _lemon, synonyms=("lime",), category=CAT, size=(0.1, 0.06, 0.06), default_color="#fff176"
)
