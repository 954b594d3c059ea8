"""Tableware and household things: mugs, bowls, vases, pots, books, boxes, barrels.

Containers report their inner floor and opening in :class:`Surface` so the layout solver can
put an apple *in* a bowl or a flower *in* a vase.
"""

from __future__ import annotations

from collections.abc import Callable

from prompt2mesh.roles.offline.recipes._parts import Builder, make_recipe, ring
from prompt2mesh.roles.offline.recipes.base import BuildContext, Surface

CAT = "household"
WOOD = "#8b5a2b"


def _container(top: float, floor: float, opening: float, half: float) -> Callable[[BuildContext], Surface]:
    """A container's surface: its rim, inner floor and opening (for things put *in* it)."""

    def surface(ctx: BuildContext) -> Surface:
        s = ctx.scale
        return Surface(top_z=top * s, top_half_extent=(half * s, half * s), inner_floor_z=floor * s,
                       opening_radius=opening * s)  # fmt: skip

    return surface


def _mug(b: Builder) -> None:
    body = b.mat("Ceramic", "#f2f0ea", primary=True, roughness=0.25)
    coffee = b.mat("Coffee", "#3b2314", roughness=0.1)
    b.cyl("Body", 0.04, 0.1, (0, 0, 0.05), mat=body, segments=32)
    b.cyl("Coffee", 0.035, 0.004, (0, 0, 0.094), mat=coffee, segments=32, finish="none")
    b.torus("Handle", 0.027, 0.007, (0.045, 0, 0.052), mat=body, rot=(90, 0, 0), segments=24, rings=8)


def _cup(b: Builder) -> None:
    body = b.mat("Porcelain", "#f7f5f0", primary=True, roughness=0.2)
    tea = b.mat("Tea", "#8a4b1c", roughness=0.1)
    b.cyl("Saucer", 0.07, 0.01, (0, 0, 0.005), mat=body, segments=32)
    b.cone("Body", 0.03, 0.065, (0, 0, 0.0425), radius_top=0.045, mat=body, segments=32)
    b.cyl("Tea", 0.041, 0.003, (0, 0, 0.069), mat=tea, segments=32, finish="none")
    b.torus("Handle", 0.018, 0.005, (0.048, 0, 0.045), mat=body, rot=(90, 0, 0), segments=20, rings=8)


def _bowl(b: Builder) -> None:
    body = b.mat("Ceramic", "#f0ece2", primary=True, roughness=0.3)
    b.cyl("Base", 0.05, 0.012, (0, 0, 0.006), mat=body, segments=32)
    b.cone("Side", 0.05, 0.068, (0, 0, 0.046), radius_top=0.09, mat=body, segments=32, fill=False)
    b.torus("Rim", 0.09, 0.004, (0, 0, 0.08), mat=body, segments=48, rings=8)


def _plate(b: Builder) -> None:
    body = b.mat("Ceramic", "#fbfbf8", primary=True, roughness=0.2)
    b.cone("Base", 0.09, 0.018, (0, 0, 0.009), radius_top=0.125, mat=body, segments=48)
    b.torus("Rim", 0.125, 0.004, (0, 0, 0.018), mat=body, segments=48, rings=8)


def _vase(b: Builder) -> None:
    body = b.mat("Glaze", "#3e6fb0", primary=True, roughness=0.2)
    b.cyl("Foot", 0.05, 0.015, (0, 0, 0.0075), mat=body, segments=32)
    b.sphere("Body", 0.09, (0, 0, 0.115), mat=body, scale=(1, 1, 1.2), segments=32, rings=16)
    b.cyl("Neck", 0.035, 0.1, (0, 0, 0.25), mat=body, segments=32, smooth=True)
    b.torus("Lip", 0.038, 0.008, (0, 0, 0.3), mat=body, segments=32, rings=8)


def _flower_pot(b: Builder) -> None:
    clay = b.mat("Clay", "#c2673a", primary=True, roughness=0.85)
    soil = b.mat("Soil", "#3d2817", roughness=1.0)
    b.cone("Body", 0.085, 0.17, (0, 0, 0.085), radius_top=0.115, mat=clay, segments=32)
    b.cyl("Rim", 0.13, 0.035, (0, 0, 0.1825), mat=clay, segments=32)
    b.cyl("Soil", 0.112, 0.01, (0, 0, 0.175), mat=soil, segments=32, finish="none")


def _bottle(b: Builder) -> None:
    glass = b.mat("Glass", "#2e7d32", primary=True, roughness=0.05, transmission=0.8, alpha=0.7)
    cap = b.mat("Cap", "#c0c0c0", metallic=1.0, roughness=0.3)
    b.cyl("Body", 0.036, 0.2, (0, 0, 0.1), mat=glass, segments=32, smooth=True)
    b.cone("Shoulder", 0.036, 0.04, (0, 0, 0.22), radius_top=0.014, mat=glass, segments=32, smooth=True)
    b.cyl("Neck", 0.014, 0.06, (0, 0, 0.27), mat=glass, segments=24, smooth=True)
    b.cyl("Cap", 0.016, 0.02, (0, 0, 0.31), mat=cap, segments=24)


def _glass(b: Builder) -> None:
    glass = b.mat("Glass", "#dff3fa", primary=True, roughness=0.05, transmission=1.0, alpha=0.35)
    water = b.mat("Water", "#9fd3ea", roughness=0.05, transmission=0.8, alpha=0.6)
    b.cyl("Base", 0.03, 0.012, (0, 0, 0.006), mat=glass, segments=32)
    b.cone("Side", 0.03, 0.108, (0, 0, 0.066), radius_top=0.037, mat=glass, segments=32, fill=False)
    b.cyl("Water", 0.032, 0.06, (0, 0, 0.042), mat=water, segments=32, level=1)


def _jar(b: Builder) -> None:
    glass = b.mat("Glass", "#e3f2f7", primary=True, roughness=0.05, transmission=1.0, alpha=0.4)
    lid = b.mat("Lid", "#b8860b", metallic=1.0, roughness=0.35)
    jam = b.mat("Contents", "#b22234", roughness=0.3)
    b.cyl("Body", 0.05, 0.12, (0, 0, 0.06), mat=glass, segments=32, smooth=True)
    b.cyl("Jam", 0.046, 0.08, (0, 0, 0.042), mat=jam, segments=32, finish="none")
    b.cyl("Lid", 0.053, 0.022, (0, 0, 0.131), mat=lid, segments=32)


def _book(b: Builder) -> None:
    cover = b.mat("Cover", "#8b1e2d", primary=True, roughness=0.6)
    pages = b.mat("Pages", "#f5f1e6", roughness=0.9)
    b.box("Back_Cover", (0.16, 0.23, 0.004), (0, 0, 0.002), mat=cover)
    b.box("Front_Cover", (0.16, 0.23, 0.004), (0, 0, 0.033), mat=cover)
    b.box("Binding", (0.006, 0.23, 0.035), (-0.077, 0, 0.0175), mat=cover)
    b.box("Pages", (0.15, 0.22, 0.027), (0.002, 0, 0.0175), mat=pages)


def _candle(b: Builder) -> None:
    wax = b.mat("Wax", "#f5efe0", primary=True, roughness=0.6)
    wick = b.mat("Wick", "#222222", roughness=0.9)
    flame = b.mat("Flame", "#ffb030", emission_color="#ffa020", emission_strength=6.0)
    b.cyl("Wax", 0.025, 0.15, (0, 0, 0.075), mat=wax, segments=24, smooth=True)
    b.cyl("Wick", 0.002, 0.012, (0, 0, 0.156), mat=wick, segments=8, finish="none")
    b.sphere("Flame", 0.008, (0, 0, 0.172), mat=flame, scale=(1, 1, 2.0), segments=12, rings=8)


def _clock(b: Builder) -> None:
    frame = b.mat("Frame", "#8b5a2b", primary=True, roughness=0.5)
    face = b.mat("Face", "#fbfaf5", roughness=0.4)
    ink = b.mat("Hands", "#111111", roughness=0.5)
    b.box("Stand", (0.2, 0.08, 0.02), (0, 0, 0.01), mat=frame)
    b.torus("Rim", 0.15, 0.015, (0, 0, 0.175), mat=frame, rot=(90, 0, 0), segments=48, rings=8)
    b.cyl("Face", 0.15, 0.02, (0, 0, 0.175), mat=face, rot=(90, 0, 0), segments=48)
    b.box("Hour_Hand", (0.012, 0.004, 0.07), (0.0175, -0.013, 0.2), mat=ink, rot=(0, 60, 0))
    b.box("Minute_Hand", (0.008, 0.004, 0.11), (0, -0.013, 0.225), mat=ink)
    for x, _y, z, _a in ring(4, 0.12, 0.0):
        b.box(f"Mark_{int(_a)}", (0.012, 0.004, 0.012), (x, -0.012, 0.175 + z + _y), mat=ink, level=1)


def _basket(b: Builder) -> None:
    wicker = b.mat("Wicker", "#b8894d", primary=True, roughness=0.85)
    b.cyl("Base", 0.15, 0.02, (0, 0, 0.01), mat=wicker, segments=32)
    b.cone("Side", 0.15, 0.16, (0, 0, 0.1), radius_top=0.18, mat=wicker, segments=32, fill=False)
    b.torus("Rim", 0.18, 0.01, (0, 0, 0.18), mat=wicker, segments=48, rings=8)
    b.torus("Handle", 0.16, 0.012, (0, 0, 0.18), mat=wicker, rot=(90, 0, 0), segments=48, rings=8)


def _box(b: Builder) -> None:
    wood = b.mat("Wood", WOOD, primary=True, roughness=0.75)
    b.box("Body", (0.46, 0.46, 0.46), (0, 0, 0.25), mat=wood, bevel=0.01)
    for i, (x, y) in enumerate(((-0.23, -0.23), (0.23, -0.23), (0.23, 0.23), (-0.23, 0.23)), start=1):
        b.box(f"Post_{i}", (0.05, 0.05, 0.5), (x, y, 0.25), mat=wood)
    for i, z in enumerate((0.08, 0.42), start=1):
        b.box(f"Plank_Front_{i}", (0.46, 0.03, 0.08), (0, -0.24, z), mat=wood)
        b.box(f"Plank_Back_{i}", (0.46, 0.03, 0.08), (0, 0.24, z), mat=wood)
    b.box("Brace_Front", (0.5, 0.02, 0.06), (0, -0.25, 0.25), mat=wood, rot=(0, -38, 0), level=2)


def _barrel(b: Builder) -> None:
    wood = b.mat("Wood", "#7a4a22", primary=True, roughness=0.75)
    iron = b.mat("Hoop", "#3a3a3a", metallic=1.0, roughness=0.5)
    b.cyl("Staves", 0.28, 0.86, (0, 0, 0.43), mat=wood, segments=24)
    b.cyl("Belly", 0.31, 0.5, (0, 0, 0.43), mat=wood, segments=24, smooth=True)
    for i, z in enumerate((0.1, 0.28, 0.58, 0.76), start=1):
        r = 0.3 if i in (2, 3) else 0.285
        b.torus(f"Hoop_{i}", r, 0.012, (0, 0, z), mat=iron, segments=32, rings=6)


def _gift_box(b: Builder) -> None:
    paper = b.mat("Wrapping", "#c62828", primary=True, roughness=0.5)
    ribbon = b.mat("Ribbon", "#d4af37", metallic=0.6, roughness=0.3)
    b.box("Body", (0.3, 0.3, 0.25), (0, 0, 0.125), mat=paper)
    b.box("Lid", (0.32, 0.32, 0.06), (0, 0, 0.26), mat=paper)
    b.box("Ribbon_X", (0.33, 0.04, 0.302), (0, 0, 0.151), mat=ribbon, bevel=0.002)
    b.box("Ribbon_Y", (0.04, 0.33, 0.302), (0, 0, 0.151), mat=ribbon, bevel=0.002)
    for i, rz in enumerate((45, -45), start=1):
        b.torus(f"Bow_{i}", 0.04, 0.01, (0, 0, 0.325), mat=ribbon, rot=(90, 0, rz), scale=(1.0, 0.6, 1.0),
                segments=24, rings=8)  # fmt: skip


def _surface_box(ctx: BuildContext) -> Surface:
    s = ctx.scale
    return Surface(top_z=0.5 * s, top_half_extent=(0.25 * s, 0.25 * s))


make_recipe(
    "mug",
    _mug,
    synonyms=("coffee_mug", "tea_mug"),
    category=CAT,
    size=(0.112, 0.08, 0.1),
    default_color="#f2f0ea",
    surface=_container(0.1, 0.01, 0.035, 0.04),
)
make_recipe(
    "cup",
    _cup,
    synonyms=("teacup", "tea_cup", "coffee_cup"),
    category=CAT,
    size=(0.14, 0.14, 0.075),
    default_color="#f7f5f0",
    surface=_container(0.075, 0.015, 0.04, 0.045),
)
make_recipe(
    "bowl",
    _bowl,
    synonyms=("fruit_bowl", "salad_bowl"),
    category=CAT,
    size=(0.19, 0.19, 0.084),
    default_color="#f0ece2",
    surface=_container(0.084, 0.012, 0.088, 0.09),
)
make_recipe(
    "plate",
    _plate,
    synonyms=("dinner_plate", "platter"),
    category=CAT,
    size=(0.258, 0.258, 0.022),
    default_color="#fbfbf8",
    surface=lambda ctx: Surface(
        top_z=0.018 * ctx.scale, top_half_extent=(0.09 * ctx.scale, 0.09 * ctx.scale)
    ),
)
make_recipe(
    "vase",
    _vase,
    synonyms=("flower_vase", "urn"),
    category=CAT,
    size=(0.18, 0.18, 0.308),
    default_color="#3e6fb0",
    surface=_container(0.308, 0.2, 0.035, 0.04),
)
make_recipe(
    "flower_pot",
    _flower_pot,
    synonyms=("pot", "plant_pot", "planter", "flowerpot", "clay_pot"),
    category=CAT,
    size=(0.26, 0.26, 0.2),
    default_color="#c2673a",
    surface=_container(0.2, 0.18, 0.112, 0.11),
)
make_recipe(
    "bottle",
    _bottle,
    synonyms=("wine_bottle", "beer_bottle", "water_bottle"),
    category=CAT,
    size=(0.072, 0.072, 0.32),
    default_color="#2e7d32",
)
make_recipe(
    "glass",
    _glass,
    synonyms=("drinking_glass", "tumbler", "water_glass", "wine_glass"),
    category=CAT,
    size=(0.074, 0.074, 0.12),
    default_color="#dff3fa",
    surface=_container(0.12, 0.012, 0.035, 0.035),
)
make_recipe(
    "jar",
    _jar,
    synonyms=("jam_jar", "mason_jar", "cookie_jar"),
    category=CAT,
    size=(0.106, 0.106, 0.142),
    default_color="#e3f2f7",
)
make_recipe(
    "book",
    _book,
    synonyms=("novel", "notebook", "textbook"),
    category=CAT,
    size=(0.16, 0.23, 0.035),
    default_color="#8b1e2d",
)
make_recipe(
    "candle",
    _candle,
    synonyms=("candlestick", "taper"),
    category=CAT,
    size=(0.05, 0.05, 0.188),
    default_color="#f5efe0",
)
make_recipe(
    "clock",
    _clock,
    synonyms=("wall_clock", "alarm_clock", "table_clock"),
    category=CAT,
    size=(0.33, 0.08, 0.34),
    default_color="#8b5a2b",
)
make_recipe(
    "basket",
    _basket,
    synonyms=("wicker_basket", "picnic_basket", "hamper"),
    category=CAT,
    size=(0.38, 0.38, 0.352),
    default_color="#b8894d",
    surface=_container(0.19, 0.02, 0.17, 0.17),
)
make_recipe(
    "box",
    _box,
    synonyms=("crate", "wooden_box", "wooden_crate", "carton"),
    category=CAT,
    size=(0.51, 0.51, 0.5),
    default_color=WOOD,
    surface=_surface_box,
)
make_recipe(
    "barrel",
    _barrel,
    synonyms=("cask", "keg"),
    category=CAT,
    size=(0.62, 0.62, 0.86),
    default_color="#7a4a22",
)
make_recipe(
    "gift_box",
    _gift_box,
    synonyms=("gift", "present", "gift_package", "package"),
    category=CAT,
    size=(0.33, 0.33, 0.355),
    default_color="#c62828",
)
