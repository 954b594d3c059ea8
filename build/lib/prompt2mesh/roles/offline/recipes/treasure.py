"""Treasure and fantasy props: trophy, crown, sword, shield, key, treasure chest."""

from __future__ import annotations

from prompt2mesh.roles.offline.recipes._parts import Builder, make_recipe, ring

CAT = "treasure"
GOLD = "#d4af37"
STEEL = "#c0c0c0"


def _trophy(b: Builder) -> None:
    gold = b.mat("Gold", GOLD, primary=True, metallic=1.0, roughness=0.2)
    base = b.mat("Plinth", "#3e2723", roughness=0.5)
    b.box("Plinth", (0.14, 0.14, 0.06), (0, 0, 0.03), mat=base)
    b.cyl("Foot", 0.045, 0.015, (0, 0, 0.0675), mat=gold, segments=24)
    b.cyl("Stem", 0.012, 0.07, (0, 0, 0.11), mat=gold, segments=12, smooth=True)
    b.cone("Cup", 0.025, 0.12, (0, 0, 0.205), radius_top=0.07, mat=gold, segments=32)
    for i, sx in enumerate((-1, 1), start=1):
        b.torus(
            f"Handle_{i}", 0.03, 0.006, (sx * 0.07, 0, 0.215), mat=gold, rot=(90, 0, 0), segments=16, rings=6
        )


def _crown(b: Builder) -> None:
    gold = b.mat("Gold", GOLD, primary=True, metallic=1.0, roughness=0.2)
    gem = b.mat("Gem", "#c62828", roughness=0.05)
    b.cyl("Band", 0.1, 0.06, (0, 0, 0.03), mat=gold, segments=32, fill=False)
    for i, (x, y, _z, _a) in enumerate(ring(8, 0.095, 0.0), start=1):
        b.cone(f"Point_{i}", 0.025, 0.06, (x, y, 0.09), mat=gold, segments=6)
        b.sphere(f"Pearl_{i}", 0.008, (x, y, 0.123), mat=gold, segments=8, rings=4, finish="none", level=1)
    for i, (x, y, _z, _a) in enumerate(ring(4, 0.101, 0.0, 22.5), start=1):
        b.sphere(f"Gem_{i}", 0.012, (x, y, 0.03), mat=gem, segments=10, rings=5, finish="none")


def _sword(b: Builder) -> None:
    steel = b.mat("Steel", STEEL, primary=True, metallic=1.0, roughness=0.2)
    grip = b.mat("Grip", "#5d4037", roughness=0.7)
    gold = b.mat("Guard", GOLD, metallic=1.0, roughness=0.3)
    # Lying flat on the ground, point towards +x.
    b.box("Blade", (0.8, 0.045, 0.008), (0.07, 0, 0.018), mat=steel, bevel=0.002)
    b.cone(
        "Point", 0.032, 0.08, (0.51, 0, 0.018), mat=steel, rot=(0, 90, 0), scale=(0.25, 1.0, 1.0), segments=4
    )
    b.box("Guard", (0.03, 0.2, 0.03), (-0.345, 0, 0.018), mat=gold)
    b.cyl("Grip", 0.015, 0.16, (-0.44, 0, 0.018), mat=grip, rot=(0, 90, 0), segments=12)
    b.sphere("Pommel", 0.018, (-0.53, 0, 0.018), mat=gold, segments=12, rings=6)


def _shield(b: Builder) -> None:
    paint = b.mat("Paint", "#1565c0", primary=True, roughness=0.5)
    metal = b.mat("Rim", STEEL, metallic=1.0, roughness=0.3)
    # Standing on its rim, facing -y.
    b.cyl("Face", 0.38, 0.04, (0, 0, 0.4), mat=paint, rot=(90, 0, 0), segments=32)
    b.torus("Rim", 0.38, 0.02, (0, 0, 0.4), mat=metal, rot=(90, 0, 0), segments=48, rings=6)
    b.sphere("Boss", 0.08, (0, -0.02, 0.4), mat=metal, scale=(1, 0.6, 1), segments=16, rings=8)


def _key(b: Builder) -> None:
    brass = b.mat("Brass", "#b5a642", primary=True, metallic=1.0, roughness=0.3)
    b.torus("Bow", 0.02, 0.005, (-0.045, 0, 0.005), mat=brass, segments=24, rings=6)
    b.cyl("Shaft", 0.004, 0.08, (0.015, 0, 0.005), mat=brass, rot=(0, 90, 0), segments=10)
    for i, x in enumerate((0.04, 0.05), start=1):
        b.box(f"Bit_{i}", (0.006, 0.014, 0.006), (x, 0.008, 0.005), mat=brass, bevel=0.001)


def _treasure_chest(b: Builder) -> None:
    wood = b.mat("Wood", "#7a4a22", primary=True, roughness=0.7)
    gold = b.mat("Band", GOLD, metallic=1.0, roughness=0.3)
    b.box("Body", (0.8, 0.5, 0.4), (0, 0, 0.2), mat=wood)
    b.cyl("Lid", 0.25, 0.8, (0, 0, 0.4), mat=wood, rot=(0, 90, 0), scale=(0.6, 1.0, 1.0), segments=24)
    for i, x in enumerate((-0.3, 0.3), start=1):
        b.box(f"Band_{i}", (0.05, 0.52, 0.41), (x, 0, 0.205), mat=gold)
    b.box("Lock", (0.08, 0.03, 0.1), (0, -0.26, 0.38), mat=gold)


make_recipe("trophy", _trophy, synonyms=("cup_trophy", "award", "prize"), category=CAT, size=(0.2, 0.14, 0.265),
            default_color=GOLD)  # fmt: skip
make_recipe(
    "crown", _crown, synonyms=("tiara", "diadem"), category=CAT, size=(0.22, 0.22, 0.12), default_color=GOLD
)
make_recipe("sword", _sword, synonyms=("sabre", "saber", "katana"), category=CAT, size=(1.1, 0.2, 0.036),
            default_color=STEEL)  # fmt: skip
make_recipe(
    "shield", _shield, synonyms=("buckler",), category=CAT, size=(0.8, 0.1, 0.8), default_color="#1565c0"
)
make_recipe("key", _key, synonyms=("door_key", "skeleton_key"), category=CAT, size=(0.125, 0.05, 0.01),
            default_color="#b5a642")  # fmt: skip
make_recipe("treasure_chest", _treasure_chest, synonyms=("chest", "treasure"), category=CAT,
            size=(0.8, 0.52, 0.55), default_color="#7a4a22")  # fmt: skip
