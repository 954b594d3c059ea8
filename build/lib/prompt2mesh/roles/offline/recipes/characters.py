"""Characters and animals: snowman, robot, bird, fish. They face -Y (animals: +x)."""

from __future__ import annotations

from prompt2mesh.roles.offline.recipes._parts import Builder, make_recipe
from prompt2mesh.roles.offline.recipes.base import BuildContext, Surface

CAT = "character"
COAL = "#151515"

# (centre z, radius) of the snowman's three balls; they overlap so they read as stacked snow.
_SNOW_BALLS = ((0.4, 0.4), (0.98, 0.3), (1.4, 0.2))


def _snowman(b: Builder) -> None:
    snow = b.mat("Snow", "#f8f8ff", primary=True, roughness=0.8)
    coal = b.mat("Coal", COAL, roughness=0.9)
    carrot = b.mat("Carrot", "#ef7d1a", roughness=0.6)
    twig = b.mat("Twig", "#5b3a1e", roughness=0.9)
    for part, (z, r) in zip(("Base", "Middle", "Head"), _SNOW_BALLS, strict=True):
        b.sphere(f"Body_{part}" if part != "Head" else "Head", r, (0, 0, z), mat=snow, segments=24, rings=12)
    hz, hr = _SNOW_BALLS[2]
    b.cone("Nose", 0.03, 0.16, (0, -hr - 0.07, hz), mat=carrot, rot=(90, 0, 0), segments=12)
    for i, x in enumerate((-0.07, 0.07), start=1):
        b.sphere(f"Eye_{i}", 0.022, (x, -hr * 0.88, hz + 0.06), mat=coal, segments=10, rings=6, finish="none")
    for i, z in enumerate((0.88, 1.0, 1.12), start=1):
        y = -((0.3**2 - (z - 0.98) ** 2) ** 0.5) - 0.005
        b.sphere(f"Button_{i}", 0.025, (0, y, z), mat=coal, segments=10, rings=6, finish="none")
    for i, sx in enumerate((-1, 1), start=1):
        b.tube(f"Arm_{i}", (sx * 0.26, 0, 1.05), (sx * 0.65, 0, 1.3), 0.018, mat=twig, segments=8)
    # Its own scarf and hat: "a snowman wearing a blue scarf" recolours these (the layout finds
    # a host's parts by word).
    wool = b.mat("Scarf", "#c62828", roughness=1.0)
    felt = b.mat("Hat", "#1b1b1b", roughness=0.8)
    b.torus("Scarf_Wrap", 0.18, 0.05, (0, 0, 1.21), mat=wool, scale=(1, 1, 0.8), segments=32, rings=8)
    b.box("Scarf_Tail", (0.08, 0.03, 0.22), (0.08, -0.25, 1.08), mat=wool, rot=(-30, 0, 8), bevel=0.008)
    b.cyl("Hat_Brim", 0.2, 0.02, (0, 0, 1.575), mat=felt, segments=32)
    b.cyl("Hat_Top", 0.12, 0.22, (0, 0, 1.695), mat=felt, segments=32)
    for i, sx in enumerate((-1, 1), start=1):
        b.tube(
            f"Arm_Twig_{i}", (sx * 0.55, 0, 1.24), (sx * 0.62, 0, 1.4), 0.01, mat=twig, segments=6, level=1
        )


def _snowman_surface(ctx: BuildContext) -> Surface:
    # The neck (between middle ball and head) is where a scarf goes; its radius there is ~0.19 m.
    s = ctx.scale
    return Surface(
        top_z=1.805 * s, top_half_extent=(0.1 * s, 0.1 * s), anchors={"neck": (0.0, 0.0, 1.21 * s)}
    )


def _robot(b: Builder) -> None:
    metal = b.mat("Metal", "#c0c0c0", primary=True, metallic=1.0, roughness=0.3)
    dark = b.mat("Joint", "#3a3a3a", metallic=1.0, roughness=0.5)
    glow = b.mat("Eye", "#40e0ff", emission_color="#40e0ff", emission_strength=4.0)
    for i, x in enumerate((-0.14, 0.14), start=1):
        b.box(f"Leg_{i}", (0.16, 0.18, 0.6), (x, 0, 0.36), mat=metal)
        b.box(f"Foot_{i}", (0.2, 0.28, 0.06), (x, -0.04, 0.03), mat=dark)
        b.tube(f"Arm_{i}", (x * 2.75, 0, 1.28), (x * 2.75, 0, 0.8), 0.06, mat=metal)
        b.sphere(f"Hand_{i}", 0.08, (x * 2.75, 0, 0.74), mat=dark, segments=16, rings=8)
        b.sphere(f"Shoulder_{i}", 0.08, (x * 2.5, 0, 1.28), mat=dark, segments=16, rings=8, level=1)
    b.box("Torso", (0.6, 0.4, 0.7), (0, 0, 1.01), mat=metal, bevel=0.04)
    b.cyl("Neck", 0.06, 0.08, (0, 0, 1.4), mat=dark, segments=16)
    b.box("Head", (0.4, 0.34, 0.32), (0, 0, 1.6), mat=metal, bevel=0.04)
    for i, x in enumerate((-0.09, 0.09), start=1):
        b.cyl(f"Eye_{i}", 0.045, 0.02, (x, -0.17, 1.63), mat=glow, rot=(90, 0, 0), segments=16)
    b.tube("Antenna", (0, 0, 1.76), (0, 0, 1.9), 0.012, mat=dark)
    b.sphere("Antenna_Tip", 0.03, (0, 0, 1.92), mat=glow, segments=12, rings=6)
    b.box("Chest_Panel", (0.3, 0.02, 0.22), (0, -0.205, 1.1), mat=dark, level=1)


def _bird(b: Builder) -> None:
    feathers = b.mat("Feathers", "#1e88e5", primary=True, roughness=0.7)
    beak = b.mat("Beak", "#f5a623", roughness=0.5)
    dark = b.mat("Eye", COAL, roughness=0.3)
    b.sphere("Body", 0.06, (0, 0, 0.1), mat=feathers, scale=(1.35, 0.9, 0.9), segments=16, rings=8)
    b.sphere("Head", 0.04, (0.07, 0, 0.155), mat=feathers, segments=16, rings=8)
    b.cone("Beak", 0.014, 0.04, (0.125, 0, 0.155), mat=beak, rot=(0, 90, 0), segments=10)
    b.box("Tail", (0.08, 0.05, 0.012), (-0.1, 0, 0.12), mat=feathers, rot=(0, -20, 0))
    for i, sy in enumerate((-1, 1), start=1):
        b.sphere(f"Wing_{i}", 0.05, (-0.01, sy * 0.05, 0.11), mat=feathers, scale=(1.2, 0.25, 0.55), segments=12,
                 rings=6)  # fmt: skip
        b.sphere(f"Eye_{i}", 0.007, (0.095, sy * 0.027, 0.165), mat=dark, segments=8, rings=4, finish="none")
        b.tube(f"Leg_{i}", (0.0, sy * 0.02, 0.0), (0.0, sy * 0.02, 0.05), 0.004, mat=beak, segments=6)


def _fish(b: Builder) -> None:
    scales = b.mat("Scales", "#ff8f00", primary=True, roughness=0.4)
    fin = b.mat("Fin", "#ffb74d", roughness=0.5)
    dark = b.mat("Eye", COAL, roughness=0.2)
    b.sphere("Body", 0.15, (0, 0, 0.09), mat=scales, scale=(1.0, 0.35, 0.6), segments=24, rings=12)
    b.cyl("Tail", 0.08, 0.02, (-0.19, 0, 0.09), mat=fin, rot=(90, 0, 0), scale=(0.8, 1.0, 1.0), segments=3)
    b.sphere("Dorsal_Fin", 0.06, (0, 0, 0.17), mat=fin, scale=(1.0, 0.1, 0.45), segments=12, rings=6)
    for i, sy in enumerate((-1, 1), start=1):
        b.sphere(f"Eye_{i}", 0.012, (0.1, sy * 0.038, 0.11), mat=dark, segments=8, rings=4, finish="none")
        b.sphere(f"Side_Fin_{i}", 0.035, (0.02, sy * 0.05, 0.06), mat=fin, scale=(1.0, 0.15, 0.5), segments=10,
                 rings=5, level=1)  # fmt: skip


make_recipe("snowman", _snowman, synonyms=("snow_man", "frosty"), category=CAT, size=(1.3, 0.8, 1.81),
            default_color="#f8f8ff", surface=_snowman_surface)  # fmt: skip
make_recipe("robot", _robot, synonyms=("android", "droid", "automaton", "mech"), category=CAT,
            size=(0.92, 0.4, 1.95), default_color="#c0c0c0")  # fmt: skip
make_recipe("bird", _bird, synonyms=("sparrow", "robin", "bluebird", "songbird"), category=CAT,
            size=(0.26, 0.13, 0.2), default_color="#1e88e5", flies=True)  # fmt: skip
make_recipe("fish", _fish, synonyms=("goldfish", "fishes"), category=CAT, size=(0.34, 0.11, 0.18),
            default_color="#ff8f00", flies=True)  # fmt: skip


def _person(b: Builder) -> None:
    shirt = b.mat("Shirt", "#c62828", primary=True, roughness=0.8)
    trousers = b.mat("Trousers", "#283593", roughness=0.8)
    skin = b.mat("Skin", "#e0ac69", roughness=0.6)
    hair = b.mat("Hair", "#3e2723", roughness=0.9)
    shoe = b.mat("Shoe", "#212121", roughness=0.6)
    for i, x in enumerate((-0.1, 0.1), start=1):
        b.box(f"Shoe_{i}", (0.1, 0.24, 0.07), (x, -0.04, 0.035), mat=shoe, bevel=0.02)
        b.cyl(f"Leg_{i}", 0.07, 0.82, (x, 0, 0.48), mat=trousers, segments=12, smooth=True)
        b.tube(f"Arm_{i}", (x * 2.4, 0, 1.4), (x * 2.9, 0, 0.88), 0.045, mat=shirt, segments=10)
        b.sphere(f"Hand_{i}", 0.05, (x * 2.95, 0, 0.84), mat=skin, segments=12, rings=6)
    b.box("Torso", (0.42, 0.22, 0.58), (0, 0, 1.17), mat=shirt, bevel=0.06)
    b.cyl("Neck", 0.05, 0.08, (0, 0, 1.49), mat=skin, segments=12, smooth=True)
    b.sphere("Head", 0.11, (0, 0, 1.62), mat=skin, scale=(0.9, 1.0, 1.1), segments=20, rings=10)
    b.sphere("Hair", 0.105, (0, 0.015, 1.66), mat=hair, scale=(0.95, 1.05, 1.05), segments=20, rings=10)


make_recipe("person", _person, synonyms=("man", "woman", "human", "figure", "boy", "girl", "child", "kid",
            "character", "villager", "people"), category=CAT, size=(0.69, 0.285, 1.77),
            default_color="#c62828")  # fmt: skip
