"""More of a room: rug, picture, wardrobe, fireplace, piano, guitar, potted plant, statue."""

from __future__ import annotations

from prompt2mesh.roles.offline.recipes._parts import Builder, make_recipe, ring
from prompt2mesh.roles.offline.recipes.base import Surface

CAT = "interior"
WOOD = "#8b5a2b"


def _rug(b: Builder) -> None:
    wool = b.mat("Wool", "#a83a3a", primary=True, roughness=1.0)
    border = b.mat("Border", "#e0c68a", roughness=1.0)
    b.box("Border", (2.0, 1.4, 0.008), (0, 0, 0.004), mat=border, bevel=0.002)
    b.box("Centre", (1.8, 1.2, 0.004), (0, 0, 0.01), mat=wool, bevel=0.001)


def _picture(b: Builder) -> None:
    frame = b.mat("Frame", "#c9a227", primary=True, metallic=0.6, roughness=0.35)
    sky = b.mat("Canvas_Sky", "#7fb3e0", roughness=0.8)
    land = b.mat("Canvas_Land", "#6a9a4a", roughness=0.8)
    # Upright, facing -y: hung on a wall or stood on a shelf.
    b.box("Frame", (0.7, 0.04, 0.55), (0, 0, 0.275), mat=frame, bevel=0.01)
    b.box("Canvas_Sky", (0.6, 0.005, 0.25), (0, -0.021, 0.35), mat=sky, finish="none")
    b.box("Canvas_Land", (0.6, 0.005, 0.2), (0, -0.021, 0.15), mat=land, finish="none")
    b.sphere(
        "Canvas_Sun", 0.04, (0.18, -0.024, 0.4), mat=frame, scale=(1, 0.1, 1), segments=12, rings=6, level=1
    )


def _wardrobe(b: Builder) -> None:
    wood = b.mat("Wood", WOOD, primary=True, roughness=0.6)
    metal = b.mat("Handle", "#c0c0c0", metallic=1.0, roughness=0.3)
    b.box("Body", (1.2, 0.6, 1.9), (0, 0, 1.0), mat=wood)
    b.box("Plinth", (1.16, 0.56, 0.05), (0, 0, 0.025), mat=wood)
    b.box("Cornice", (1.26, 0.64, 0.05), (0, 0, 1.975), mat=wood)
    for i, x in enumerate((-0.3, 0.3), start=1):
        b.box(f"Front_Panel_{i}", (0.56, 0.02, 1.8), (x, -0.305, 1.0), mat=wood)
        b.cyl(f"Handle_{i}", 0.01, 0.18, (x * 0.15, -0.33, 1.05), mat=metal, segments=10)


def _fireplace(b: Builder) -> None:
    brick = b.mat("Brick", "#a0472d", primary=True, roughness=0.9)
    dark = b.mat("Soot", "#1e1a16", roughness=1.0)
    wood = b.mat("Mantel", "#5c3a1e", roughness=0.6)
    fire = b.mat("Flame", "#ff7b00", emission_color="#ff6a00", emission_strength=6.0)
    b.box("Chimney_Breast", (1.6, 0.5, 1.2), (0, 0.22, 0.6), mat=brick)
    b.box("Firebox", (0.9, 0.1, 0.7), (0, 0.01, 0.4), mat=dark)
    b.box("Mantel", (1.8, 0.6, 0.08), (0, 0.18, 1.24), mat=wood)
    b.box("Base_Slab", (1.8, 0.5, 0.05), (0, -0.23, 0.025), mat=brick)
    b.cone("Flame", 0.15, 0.35, (0, -0.02, 0.25), mat=fire, segments=10)
    for i, x in enumerate((-0.12, 0.12), start=1):
        b.tube(f"Firewood_{i}", (x - 0.15, -0.02, 0.1), (x + 0.15, -0.02, 0.1), 0.04, mat=wood, level=1)


def _piano(b: Builder) -> None:
    case = b.mat("Lacquer", "#111111", primary=True, roughness=0.2)
    ivory = b.mat("Keys", "#f8f5ec", roughness=0.3)
    b.box("Case", (1.5, 0.6, 1.25), (0, 0.1, 0.625), mat=case)
    b.box("Key_Bed", (1.5, 0.3, 0.08), (0, -0.34, 0.72), mat=case)
    b.box("Keys", (1.36, 0.16, 0.02), (0, -0.4, 0.77), mat=ivory, bevel=0.003)
    for i, x in enumerate((-0.7, 0.7), start=1):
        b.box(f"Leg_{i}", (0.08, 0.08, 0.68), (x, -0.42, 0.34), mat=case)
    b.box("Music_Rest", (0.8, 0.02, 0.25), (0, -0.19, 0.95), mat=case, rot=(-10, 0, 0), level=1)


def _guitar(b: Builder) -> None:
    wood = b.mat("Wood", "#c27c3a", primary=True, roughness=0.4)
    dark = b.mat("Neck", "#3e2723", roughness=0.5)
    # Upright on its tail, facing -y.
    b.sphere("Lower_Bout", 0.2, (0, 0, 0.2), mat=wood, scale=(1, 0.25, 1), segments=24, rings=12)
    b.sphere("Upper_Bout", 0.15, (0, 0, 0.46), mat=wood, scale=(1, 0.33, 1), segments=24, rings=12)
    b.cyl("Sound_Hole", 0.05, 0.01, (0, -0.047, 0.38), mat=dark, rot=(90, 0, 0), segments=20, finish="none")
    b.box("Fretboard", (0.05, 0.03, 0.45), (0, -0.02, 0.78), mat=dark)
    b.box("Headstock", (0.08, 0.03, 0.16), (0, -0.02, 1.08), mat=dark)
    b.box("Bridge", (0.1, 0.01, 0.02), (0, -0.05, 0.22), mat=dark, level=1)


def _plant(b: Builder) -> None:
    leaves = b.mat("Leaves", "#3b8a3a", primary=True, roughness=0.7)
    clay = b.mat("Vessel", "#c2673a", roughness=0.85)
    soil = b.mat("Soil", "#3d2817", roughness=1.0)
    b.cone("Vessel", 0.1, 0.22, (0, 0, 0.11), radius_top=0.13, mat=clay, segments=24)
    b.cyl("Soil", 0.12, 0.01, (0, 0, 0.215), mat=soil, segments=24, finish="none")
    b.cyl("Stem", 0.012, 0.3, (0, 0, 0.36), mat=leaves, segments=8, smooth=True)
    for i, (x, y, _z, a) in enumerate(ring(6, 0.13, 0.0), start=1):
        z = 0.4 + 0.08 * (i % 3)
        b.sphere(f"Leaf_{i}", 0.12, (x, y, z), mat=leaves, scale=(1.0, 0.4, 0.1), rot=(0, -25, a), segments=12,
                 rings=6)  # fmt: skip
    b.sphere("Top_Leaf_Cluster", 0.07, (0, 0, 0.53), mat=leaves, segments=12, rings=6)


def _statue(b: Builder) -> None:
    marble = b.mat("Marble", "#eeeeee", primary=True, roughness=0.25)
    b.box("Pedestal", (0.6, 0.6, 0.9), (0, 0, 0.45), mat=marble)
    b.box("Pedestal_Cap", (0.7, 0.7, 0.06), (0, 0, 0.93), mat=marble)
    b.cone("Robe", 0.2, 0.8, (0, 0, 1.36), radius_top=0.12, mat=marble, segments=20, smooth=True)
    b.sphere("Shoulders", 0.15, (0, 0, 1.76), mat=marble, scale=(1.3, 0.8, 0.6), segments=16, rings=8)
    b.sphere("Head", 0.1, (0, 0, 1.95), mat=marble, scale=(0.9, 1, 1.1), segments=16, rings=8)
    for i, sx in enumerate((-1, 1), start=1):
        b.tube(f"Arm_{i}", (sx * 0.18, 0, 1.75), (sx * 0.2, -0.05, 1.4), 0.04, mat=marble)


make_recipe("rug", _rug, synonyms=("carpet", "mat", "doormat"), category=CAT, size=(2.0, 1.4, 0.012),
            default_color="#a83a3a",
            surface=lambda ctx: Surface(top_z=0.012 * ctx.scale, top_half_extent=(1.0 * ctx.scale, 0.7 * ctx.scale)))  # fmt: skip
make_recipe("picture", _picture, synonyms=("painting", "picture_frame", "portrait", "photo", "artwork"),
            category=CAT, size=(0.7, 0.05, 0.55), default_color="#c9a227")  # fmt: skip
make_recipe("wardrobe", _wardrobe, synonyms=("cabinet", "cupboard", "closet", "armoire", "dresser"), category=CAT,
            size=(1.26, 0.66, 2.0), default_color=WOOD)  # fmt: skip
make_recipe("fireplace", _fireplace, synonyms=("hearth", "fire_place"), category=CAT, size=(1.8, 0.96, 1.28),
            default_color="#a0472d")  # fmt: skip
make_recipe("piano", _piano, synonyms=("upright_piano", "keyboard_instrument"), category=CAT,
            size=(1.5, 0.9, 1.25), default_color="#111111")  # fmt: skip
make_recipe("guitar", _guitar, synonyms=("acoustic_guitar",), category=CAT, size=(0.4, 0.1, 1.16),
            default_color="#c27c3a")  # fmt: skip
make_recipe("plant", _plant, synonyms=("potted_plant", "houseplant", "house_plant", "fern"), category=CAT,
            size=(0.49, 0.47, 0.6), default_color="#3b8a3a")  # fmt: skip
make_recipe("statue", _statue, synonyms=("sculpture", "bust", "monument"), category=CAT, size=(0.7, 0.7, 2.06),
            default_color="#eeeeee")  # fmt: skip
