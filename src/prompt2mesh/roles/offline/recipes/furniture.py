"""Furniture: tables, seats, beds, storage and lamps, at real heights (table top 0.75 m,
seat 0.45 m). The front of every piece faces -Y, its back is at +Y."""

from __future__ import annotations

from prompt2mesh.roles.offline.recipes._parts import Builder, make_recipe
from prompt2mesh.roles.offline.recipes.base import BuildContext, Surface

WOOD = "#8b5a2b"
CAT = "furniture"


def _legs(b: Builder, mat: str, xs: float, ys: float, height: float, thick: float, z0: float = 0.0) -> None:
    """Four square legs at (+-xs, +-ys) standing on z0."""
    for i, (sx, sy) in enumerate(((-1, -1), (1, -1), (1, 1), (-1, 1)), start=1):
        b.box(f"Leg_{i}", (thick, thick, height), (sx * xs, sy * ys, z0 + height / 2), mat=mat)


def _table(b: Builder) -> None:
    wood = b.mat("Wood", WOOD, primary=True, roughness=0.6)
    if b.ctx.options.get("round"):
        b.cyl("Top", 0.55, 0.04, (0, 0, 0.73), mat=wood, segments=48)
        _legs(b, wood, 0.28, 0.28, 0.71, 0.06)
        return
    b.box("Top", (1.4, 0.8, 0.04), (0, 0, 0.73), mat=wood)
    _legs(b, wood, 0.62, 0.32, 0.71, 0.06)
    b.box("Apron_Front", (1.2, 0.02, 0.08), (0, -0.34, 0.67), mat=wood, level=1)
    b.box("Apron_Back", (1.2, 0.02, 0.08), (0, 0.34, 0.67), mat=wood, level=1)


def _table_surface(ctx: BuildContext) -> Surface:
    s = ctx.scale
    if ctx.options.get("round"):
        return Surface(top_z=0.75 * s, top_half_extent=(0.39 * s, 0.39 * s))
    return Surface(top_z=0.75 * s, top_half_extent=(0.7 * s, 0.4 * s))


def _chair(b: Builder) -> None:
    wood = b.mat("Wood", WOOD, primary=True, roughness=0.6)
    b.box("Seat", (0.45, 0.45, 0.05), (0, 0, 0.425), mat=wood)
    _legs(b, wood, 0.19, 0.19, 0.40, 0.04)
    for i, x in enumerate((-0.19, 0.19), start=1):
        b.box(f"Back_Post_{i}", (0.04, 0.04, 0.47), (x, 0.19, 0.685), mat=wood)
    b.box("Backrest", (0.42, 0.03, 0.22), (0, 0.19, 0.78), mat=wood)
    b.box("Back_Rail", (0.34, 0.025, 0.04), (0, 0.19, 0.58), mat=wood, level=2)


def _stool(b: Builder) -> None:
    wood = b.mat("Wood", WOOD, primary=True, roughness=0.6)
    b.cyl("Top", 0.18, 0.04, (0, 0, 0.63), mat=wood, segments=32)
    for i in range(4):
        x, y = ((0.12, 0), (0, 0.12), (-0.12, 0), (0, -0.12))[i]
        b.cyl(f"Leg_{i + 1}", 0.018, 0.61, (x, y, 0.305), mat=wood, segments=12)
    b.torus("Footrest", 0.12, 0.01, (0, 0, 0.22), mat=wood, segments=32, rings=8)


def _bench(b: Builder) -> None:
    wood = b.mat("Wood", WOOD, primary=True, roughness=0.7)
    iron = b.mat("Iron", "#2f2f2f", metallic=1.0, roughness=0.5)
    for i, y in enumerate((-0.15, -0.05, 0.05, 0.15), start=1):
        b.box(f"Slat_{i}", (1.5, 0.085, 0.035), (0, y, 0.445), mat=wood)
    for i, z in enumerate((0.62, 0.76), start=1):
        b.box(f"Back_Slat_{i}", (1.5, 0.03, 0.1), (0, 0.205, z), mat=wood)
    for i, x in enumerate((-0.62, 0.62), start=1):
        b.box(f"Side_Frame_{i}", (0.05, 0.4, 0.43), (x, 0, 0.215), mat=iron)
        b.box(f"Back_Support_{i}", (0.05, 0.03, 0.42), (x, 0.205, 0.64), mat=iron)


def _bed(b: Builder) -> None:
    wood = b.mat("Frame", WOOD, primary=True, roughness=0.6)
    sheet = b.mat("Sheet", "#f4f1ea", roughness=0.9)
    blanket = b.mat("Blanket", "#4a6fa5", roughness=0.95)
    b.box("Frame", (1.6, 2.1, 0.3), (0, 0, 0.25), mat=wood)
    _legs(b, wood, 0.75, 1.0, 0.1, 0.08)
    b.box("Mattress", (1.5, 2.0, 0.2), (0, 0, 0.5), mat=sheet)
    b.box("Headboard", (1.6, 0.06, 1.0), (0, 1.08, 0.5), mat=wood)
    b.box("Blanket", (1.54, 1.4, 0.04), (0, -0.32, 0.61), mat=blanket)
    for i, x in enumerate((-0.38, 0.38), start=1):
        b.sphere(f"Pillow_{i}", 0.3, (x, 0.75, 0.66), mat=sheet, scale=(1.0, 0.6, 0.22), segments=16, rings=8)


def _sofa(b: Builder) -> None:
    cloth = b.mat("Upholstery", "#5b6f8f", primary=True, roughness=1.0)
    feet = b.mat("Feet", "#3b2a1a", roughness=0.6)
    b.box("Base", (2.0, 0.9, 0.3), (0, 0, 0.23), mat=cloth)
    for i, x in enumerate((-0.45, 0.45), start=1):
        b.box(f"Seat_Cushion_{i}", (0.88, 0.7, 0.14), (x, -0.08, 0.45), mat=cloth, bevel=0.04)
        b.box(f"Back_Cushion_{i}", (0.88, 0.18, 0.42), (x, 0.34, 0.6), mat=cloth, bevel=0.05)
    for i, x in enumerate((-0.95, 0.95), start=1):
        b.box(f"Arm_{i}", (0.2, 0.9, 0.55), (x, 0, 0.355), mat=cloth, bevel=0.05)
    for i, (x, y) in enumerate(((-0.9, -0.38), (0.9, -0.38), (0.9, 0.38), (-0.9, 0.38)), start=1):
        b.cyl(f"Foot_{i}", 0.03, 0.08, (x, y, 0.04), mat=feet, segments=12, finish="none")


def _shelf(b: Builder) -> None:
    wood = b.mat("Wood", WOOD, primary=True, roughness=0.6)
    for i, x in enumerate((-0.435, 0.435), start=1):
        b.box(f"Side_{i}", (0.03, 0.3, 1.8), (x, 0, 0.9), mat=wood)
    for i, z in enumerate((0.05, 0.48, 0.91, 1.34, 1.785), start=1):
        b.box(f"Board_{i}", (0.84, 0.28, 0.03), (0, -0.01, z), mat=wood)
    b.box("Back_Panel", (0.9, 0.01, 1.8), (0, 0.145, 0.9), mat=wood)


def _shelf_surface(ctx: BuildContext) -> Surface:
    s = ctx.scale
    return Surface(top_z=1.8 * s, top_half_extent=(0.45 * s, 0.15 * s), inner_floor_z=0.065 * s)


def _desk(b: Builder) -> None:
    wood = b.mat("Wood", WOOD, primary=True, roughness=0.6)
    metal = b.mat("Handle", "#c0c0c0", metallic=1.0, roughness=0.3)
    b.box("Top", (1.2, 0.6, 0.04), (0, 0, 0.73), mat=wood)
    for i, x in enumerate((-0.57, 0.57), start=1):
        b.box(f"Leg_{i}", (0.05, 0.05, 0.71), (x, -0.26, 0.355), mat=wood)
    b.box("Leg_3", (0.05, 0.05, 0.71), (-0.57, 0.26, 0.355), mat=wood)
    b.box("Drawer_Unit", (0.4, 0.55, 0.55), (0.38, 0.0, 0.435), mat=wood)
    b.box("Drawer_Front", (0.36, 0.02, 0.22), (0.38, -0.285, 0.56), mat=wood)
    b.cyl("Drawer_Handle", 0.008, 0.12, (0.38, -0.3, 0.56), mat=metal, rot=(0, 90, 0), segments=12)
    b.box("Modesty_Panel", (0.7, 0.02, 0.3), (-0.18, 0.27, 0.55), mat=wood, level=1)


def _desk_surface(ctx: BuildContext) -> Surface:
    s = ctx.scale
    return Surface(top_z=0.75 * s, top_half_extent=(0.6 * s, 0.3 * s))


def _nightstand(b: Builder) -> None:
    wood = b.mat("Wood", WOOD, primary=True, roughness=0.6)
    metal = b.mat("Knob", "#c9a227", metallic=1.0, roughness=0.3)
    b.box("Body", (0.45, 0.4, 0.45), (0, 0, 0.305), mat=wood)
    b.box("Top", (0.48, 0.42, 0.02), (0, 0, 0.54), mat=wood)
    _legs(b, wood, 0.19, 0.16, 0.08, 0.04)
    b.box("Drawer_Front", (0.4, 0.02, 0.16), (0, -0.205, 0.42), mat=wood)
    b.sphere("Knob", 0.018, (0, -0.225, 0.42), mat=metal, segments=12, rings=6)


def _lamp(b: Builder) -> None:
    shade = b.mat("Shade", "#f3e6c4", primary=True, roughness=0.9)
    metal = b.mat("Metal", "#b08d57", metallic=1.0, roughness=0.35)
    bulb = b.mat("Bulb", "#fff6d5", emission_color="#fff2c0", emission_strength=3.0)
    b.cyl("Base", 0.09, 0.03, (0, 0, 0.015), mat=metal, segments=32)
    b.cyl("Stem", 0.012, 0.34, (0, 0, 0.2), mat=metal, segments=12)
    b.sphere("Bulb", 0.035, (0, 0, 0.34), mat=bulb, segments=16, rings=8)
    b.cone("Shade", 0.16, 0.2, (0, 0, 0.4), radius_top=0.1, mat=shade, segments=32)


make_recipe(
    "table",
    _table,
    synonyms=("dining_table", "kitchen_table", "coffee_table", "round_table", "tables"),
    category=CAT,
    size=(1.4, 0.8, 0.75),
    default_color=WOOD,
    surface=_table_surface,
)
make_recipe(
    "chair",
    _chair,
    synonyms=("dining_chair", "armchair"),
    category=CAT,
    size=(0.45, 0.45, 0.92),
    default_color=WOOD,
    surface=lambda ctx: Surface(
        top_z=0.45 * ctx.scale,
        top_half_extent=(0.22 * ctx.scale, 0.17 * ctx.scale),
        top_center=(0.0, -0.02 * ctx.scale),
    ),
)
make_recipe(
    "stool",
    _stool,
    synonyms=("bar_stool", "footstool"),
    category=CAT,
    size=(0.36, 0.36, 0.65),
    default_color=WOOD,
)
make_recipe(
    "bench",
    _bench,
    synonyms=("park_bench",),
    category=CAT,
    size=(1.5, 0.44, 0.81),
    default_color=WOOD,
    surface=lambda ctx: Surface(
        top_z=0.4625 * ctx.scale,
        top_half_extent=(0.75 * ctx.scale, 0.18 * ctx.scale),
        top_center=(0.0, -0.02 * ctx.scale),
    ),
)
make_recipe(
    "bed",
    _bed,
    synonyms=("double_bed", "single_bed", "cot"),
    category=CAT,
    size=(1.6, 2.22, 1.0),
    default_color=WOOD,
    # The mattress under the blanket, short of the pillows and the headboard.
    surface=lambda ctx: Surface(
        top_z=0.63 * ctx.scale,
        top_half_extent=(0.74 * ctx.scale, 0.75 * ctx.scale),
        top_center=(0.0, -0.2 * ctx.scale),
    ),
)
make_recipe(
    "sofa",
    _sofa,
    synonyms=("couch", "settee", "loveseat"),
    category=CAT,
    size=(2.1, 0.9, 0.81),
    default_color="#5b6f8f",
    # The seat cushions (not the back): x within the arms, y from the front edge to the back cushions.
    surface=lambda ctx: Surface(
        top_z=0.52 * ctx.scale,
        top_half_extent=(0.84 * ctx.scale, 0.3 * ctx.scale),
        top_center=(0.0, -0.1 * ctx.scale),
    ),
)
make_recipe(
    "shelf",
    _shelf,
    synonyms=("bookshelf", "bookcase", "shelves", "shelving"),
    category=CAT,
    size=(0.9, 0.3, 1.8),
    default_color=WOOD,
    surface=_shelf_surface,
)
make_recipe(
    "desk",
    _desk,
    synonyms=("writing_desk", "office_desk", "work_desk"),
    category=CAT,
    size=(1.2, 0.62, 0.75),
    default_color=WOOD,
    surface=_desk_surface,
)
make_recipe(
    "nightstand",
    _nightstand,
    synonyms=("bedside_table", "night_table", "nightstand_table", "side_table", "end_table"),
    category=CAT,
    size=(0.48, 0.45, 0.55),
    default_color=WOOD,
)
make_recipe(
    "lamp",
    _lamp,
    synonyms=("table_lamp", "desk_lamp", "reading_lamp", "bedside_lamp"),
    category=CAT,
    size=(0.32, 0.32, 0.5),
    default_color="#f3e6c4",
)
