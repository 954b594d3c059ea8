"""Small things and props: balls, balloons, kites, umbrellas, hats, stars, lanterns, signs,
ladders, dice, coins, rings, ornaments, scarves, launch pads, teapots, pencils."""

from __future__ import annotations

import math
from collections.abc import Callable

from prompt2mesh.roles.offline.recipes._parts import Builder, make_recipe
from prompt2mesh.roles.offline.recipes.base import BuildContext, Surface, Vec3

CAT = "misc"
GOLD = "#d4af37"


def _anchored(top: float, half: float, **anchors: Vec3) -> Callable[[BuildContext], Surface]:
    """A surface with named anchor points (scaled with the object)."""

    def surface(ctx: BuildContext) -> Surface:
        s = ctx.scale
        scaled = {k: (v[0] * s, v[1] * s, v[2] * s) for k, v in anchors.items()}
        return Surface(top_z=top * s, top_half_extent=(half * s, half * s), anchors=scaled)

    return surface


def _ball(b: Builder) -> None:
    skin = b.mat("Skin", "#e53935", primary=True, roughness=0.4)
    stripe = b.mat("Stripe", "#fafafa", roughness=0.4)
    b.sphere("Shell", 0.11, (0, 0, 0.11), mat=skin, segments=24, rings=12)
    b.torus("Stripe", 0.109, 0.006, (0, 0, 0.11), mat=stripe, rot=(90, 0, 0), segments=32, rings=6, level=1)


def _balloon(b: Builder) -> None:
    rubber = b.mat("Rubber", "#e53935", primary=True, roughness=0.25)
    string = b.mat("String", "#eeeeee", roughness=0.9)
    b.sphere("Envelope", 0.15, (0, 0, 1.25), mat=rubber, scale=(1, 1, 1.2), segments=24, rings=12)
    b.cone("Knot", 0.02, 0.04, (0, 0, 1.05), radius_top=0.006, mat=rubber, segments=10)
    b.tube("Cord", (0, 0, 0.0), (0, 0, 1.04), 0.002, mat=string, segments=6, finish="none")


def _kite(b: Builder) -> None:
    sail = b.mat("Sail", "#e53935", primary=True, roughness=0.6)
    stick = b.mat("Stick", "#8b5a2b", roughness=0.7)
    bow = b.mat("Tail_Bow", "#fdd835", roughness=0.6)
    # A 4-sided cylinder turned (90, 0, 0) is a diamond with corners on +-x and +-z.
    b.cyl(
        "Sail",
        1.0,
        0.01,
        (0, 0, 1.6),
        mat=sail,
        rot=(90, 0, 0),
        scale=(0.4, 0.55, 1.0),
        segments=4,
        bevel=0.004,
    )
    b.tube("Upright", (0, -0.01, 1.05), (0, -0.01, 2.15), 0.008, mat=stick, segments=6)
    b.tube("Spar", (-0.4, -0.01, 1.6), (0.4, -0.01, 1.6), 0.008, mat=stick, segments=6)
    b.tube("Tail", (0, 0, 0.0), (0, 0, 1.05), 0.004, mat=stick, segments=6, finish="none")
    for i, z in enumerate((0.25, 0.55, 0.85), start=1):
        b.box(f"Tail_Bow_{i}", (0.1, 0.01, 0.04), (0, 0, z), mat=bow, rot=(0, 30, 0))


def _umbrella(b: Builder) -> None:
    canopy = b.mat("Canopy", "#283593", primary=True, roughness=0.5)
    dark = b.mat("Shaft", "#2b2b2b", metallic=0.8, roughness=0.4)
    b.cone("Canopy", 0.55, 0.3, (0, 0, 1.0), mat=canopy, segments=8)
    b.tube("Shaft", (0, 0, 0.08), (0, 0, 1.22), 0.01, mat=dark, segments=8)
    b.torus("Handle", 0.05, 0.012, (0.05, 0, 0.062), mat=dark, rot=(90, 0, 0), segments=16, rings=6)
    b.sphere("Tip", 0.015, (0, 0, 1.22), mat=dark, segments=8, rings=4, finish="none")
    for i in range(4):
        a = math.radians(45 + 90 * i)
        b.tube(f"Rib_{i + 1}", (0, 0, 0.9), (0.5 * math.cos(a), 0.5 * math.sin(a), 0.86), 0.006, mat=dark,
               segments=6, level=1)  # fmt: skip


def _hat(b: Builder) -> None:
    felt = b.mat("Felt", "#222222", primary=True, roughness=0.8)
    band = b.mat("Band", "#8b1e2d", roughness=0.6)
    b.cyl("Brim", 0.17, 0.012, (0, 0, 0.006), mat=felt, segments=32)
    b.cyl("Body", 0.1, 0.15, (0, 0, 0.087), mat=felt, segments=32)
    b.cyl("Band", 0.102, 0.03, (0, 0, 0.03), mat=band, segments=32)


_STAR_CENTRE = 0.213


def _star(b: Builder) -> None:
    gold = b.mat("Gold", GOLD, primary=True, metallic=1.0, roughness=0.25, emission_color="#ffd54f",
                 emission_strength=0.5)  # fmt: skip
    z = _STAR_CENTRE
    b.cyl("Core", 0.085, 0.05, (0, 0, z), mat=gold, rot=(90, 0, 0), segments=10)
    for i in range(5):
        a = 72.0 * i
        d = (math.sin(math.radians(a)), math.cos(math.radians(a)))
        b.cone(f"Point_{i + 1}", 0.06, 0.16, (d[0] * 0.14, 0, z + d[1] * 0.14), mat=gold, rot=(0, a, 0),
               scale=(1.0, 0.4, 1.0), segments=8)  # fmt: skip


def _lantern(b: Builder) -> None:
    metal = b.mat("Metal", "#2f2f2f", primary=True, metallic=1.0, roughness=0.4)
    light = b.mat("Light", "#ffe082", emission_color="#ffc107", emission_strength=4.0, alpha=0.8)
    b.box("Base", (0.18, 0.18, 0.03), (0, 0, 0.015), mat=metal)
    b.cyl("Chimney_Glow", 0.07, 0.2, (0, 0, 0.13), mat=light, segments=16, smooth=True)
    for i, (x, y) in enumerate(((-0.08, -0.08), (0.08, -0.08), (0.08, 0.08), (-0.08, 0.08)), start=1):
        b.box(f"Post_{i}", (0.015, 0.015, 0.2), (x, y, 0.13), mat=metal)
    b.cone("Top", 0.13, 0.08, (0, 0, 0.27), mat=metal, segments=16)
    b.torus("Handle", 0.05, 0.007, (0, 0, 0.32), mat=metal, rot=(90, 0, 0), segments=20, rings=6)


def _sign(b: Builder) -> None:
    board = b.mat("Board", "#f5f5f0", primary=True, roughness=0.6)
    wood = b.mat("Post", "#8b5a2b", roughness=0.8)
    b.box("Post", (0.08, 0.08, 1.8), (0, 0.015, 0.9), mat=wood)
    b.box("Board", (0.8, 0.04, 0.5), (0, -0.035, 1.45), mat=board)
    b.box("Board_Frame", (0.84, 0.03, 0.54), (0, -0.015, 1.45), mat=wood, level=1)


def _ladder(b: Builder) -> None:
    wood = b.mat("Wood", "#a0703c", primary=True, roughness=0.7)
    for i, x in enumerate((-0.22, 0.22), start=1):
        b.box(f"Rail_{i}", (0.05, 0.06, 2.5), (x, 0, 1.25), mat=wood)
    for i in range(8):
        z = 0.28 + 0.28 * i
        b.tube(f"Rung_{i + 1}", (-0.2, 0, z), (0.2, 0, z), 0.017, mat=wood, segments=10)


def _dice(b: Builder) -> None:
    body = b.mat("Body", "#fafafa", primary=True, roughness=0.3)
    pip = b.mat("Pip", "#151515", roughness=0.5)
    e = 0.02
    b.box("Body", (e, e, e), (0, 0, e / 2), mat=body, bevel=0.002)
    pips: list[Vec3] = [(0.0, 0.0, e)]  # one on top
    pips += [(-0.005, -e / 2, e / 2 + 0.005), (0.005, -e / 2, e / 2 - 0.005)]  # two in front
    pips += [
        (e / 2, -0.005, e / 2 + 0.005),
        (e / 2, 0, e / 2),
        (e / 2, 0.005, e / 2 - 0.005),
    ]  # three on the right
    for i, at in enumerate(pips, start=1):
        b.sphere(f"Pip_{i}", 0.0018, at, mat=pip, segments=8, rings=4, finish="none")


def _coin(b: Builder) -> None:
    gold = b.mat("Gold", GOLD, primary=True, metallic=1.0, roughness=0.25)
    b.cyl("Disc", 0.012, 0.002, (0, 0, 0.001), mat=gold, segments=32)
    b.torus("Rim", 0.0115, 0.0006, (0, 0, 0.0016), mat=gold, segments=32, rings=6, level=1)


def _ring(b: Builder) -> None:
    gold = b.mat("Gold", GOLD, primary=True, metallic=1.0, roughness=0.2)
    gem = b.mat("Gem", "#e3f2fd", roughness=0.0, transmission=1.0, alpha=0.6)
    b.torus("Band", 0.009, 0.0015, (0, 0, 0.0105), mat=gold, rot=(90, 0, 0), segments=32, rings=8)
    b.ico("Gem", 0.003, (0, 0, 0.0222), mat=gem, subdivisions=1, finish="none")
    b.cyl("Setting", 0.002, 0.002, (0, 0, 0.0198), mat=gold, segments=8, level=1)


_ORNAMENT_R = 0.04


def _ornament(b: Builder) -> None:
    glass = b.mat("Bauble", "#d32f2f", primary=True, metallic=0.6, roughness=0.2)
    gold = b.mat("Cap", GOLD, metallic=1.0, roughness=0.3)
    r = _ORNAMENT_R
    b.sphere("Bauble", r, (0, 0, r), mat=glass, segments=16, rings=8)
    b.cyl("Cap", 0.011, 0.012, (0, 0, 2 * r + 0.003), mat=gold, segments=12)
    b.torus("Hook", 0.006, 0.0015, (0, 0, 2 * r + 0.014), mat=gold, rot=(90, 0, 0), segments=12, rings=4)


def _scarf_neck(ctx: BuildContext) -> float:
    return float(ctx.options.get("neck_radius", 0.19))


def _scarf(b: Builder) -> None:
    wool = b.mat("Wool", "#c62828", primary=True, roughness=1.0)
    neck = _scarf_neck(b.ctx)
    b.torus("Wrap", neck, 0.045, (0, 0, 0.38), mat=wool, scale=(1, 1, 0.8), segments=32, rings=8)
    b.box("Tail_1", (0.09, 0.025, 0.36), (0.05, -neck - 0.03, 0.2), mat=wool, rot=(0, 8, 0), bevel=0.008)
    b.box("Tail_2", (0.09, 0.025, 0.3), (-0.04, -neck - 0.05, 0.23), mat=wool, rot=(0, -6, 0), bevel=0.008)
    b.box("Fringe", (0.1, 0.02, 0.03), (0.07, -neck - 0.03, 0.018), mat=wool, level=1)


def _scarf_surface(ctx: BuildContext) -> Surface:
    s = ctx.scale
    return Surface(
        top_z=0.416 * s, top_half_extent=(0.2 * s, 0.2 * s), anchors={"neck": (0.0, 0.0, 0.38 * s)}
    )


def _launch_pad(b: Builder) -> None:
    concrete = b.mat("Concrete", "#9a9a9a", primary=True, roughness=0.95)
    steel = b.mat("Steel", "#5a5a5a", metallic=1.0, roughness=0.5)
    mark = b.mat("Marking", "#fdd835", roughness=0.6)
    b.cyl("Base", 2.2, 0.3, (0, 0, 0.15), mat=concrete, segments=8)
    b.cyl("Surface", 1.8, 0.1, (0, 0, 0.35), mat=steel, segments=32)
    b.torus("Marking", 1.2, 0.03, (0, 0, 0.4), mat=mark, scale=(1, 1, 0.3), segments=48, rings=4)
    for i in range(4):
        a = math.radians(45 + 90 * i)
        b.box(f"Bracket_{i + 1}", (0.2, 0.2, 0.15), (1.5 * math.cos(a), 1.5 * math.sin(a), 0.475), mat=steel)
    for i, a in enumerate((0, 180), start=1):
        x = 2.0 * math.cos(math.radians(a))
        b.box(f"Ramp_{i}", (0.6, 1.2, 0.1), (x, 0, 0.05), mat=concrete, level=1)


def _teapot(b: Builder) -> None:
    glaze = b.mat("Glaze", "#f2f0ea", primary=True, roughness=0.2)
    b.sphere("Body", 0.1, (0, 0, 0.08), mat=glaze, scale=(1.0, 1.0, 0.8), segments=24, rings=12)
    b.cyl("Foot", 0.06, 0.01, (0, 0, 0.005), mat=glaze, segments=24)
    b.sphere("Lid", 0.055, (0, 0, 0.155), mat=glaze, scale=(1, 1, 0.45), segments=16, rings=8)
    b.sphere("Knob", 0.015, (0, 0, 0.185), mat=glaze, segments=12, rings=6)
    b.tube("Spout", (0.08, 0, 0.06), (0.16, 0, 0.14), 0.015, mat=glaze, segments=12)
    b.torus("Handle", 0.05, 0.011, (-0.1, 0, 0.09), mat=glaze, rot=(90, 0, 0), segments=20, rings=8)


def _pencil(b: Builder) -> None:
    paint = b.mat("Paint", "#fbc02d", primary=True, roughness=0.5)
    wood = b.mat("Wood", "#e8c39e", roughness=0.8)
    lead = b.mat("Lead", "#333333", roughness=0.5)
    pink = b.mat("Eraser", "#f48fb1", roughness=0.8)
    r = 0.0035
    b.cyl("Body", r, 0.15, (0, 0, r), mat=paint, rot=(0, 90, 0), segments=6)
    b.cone("Tip", r, 0.02, (0.085, 0, r), mat=wood, rot=(0, 90, 0), segments=6)
    b.cone("Lead", 0.0012, 0.007, (0.0915, 0, r), mat=lead, rot=(0, 90, 0), segments=6, finish="none")
    b.cyl("Ferrule", r * 1.05, 0.008, (-0.079, 0, r), mat=lead, rot=(0, 90, 0), segments=12)
    b.cyl("Eraser", r, 0.008, (-0.087, 0, r), mat=pink, rot=(0, 90, 0), segments=12)


make_recipe("ball", _ball, synonyms=("football", "soccer_ball", "beach_ball", "basketball", "bouncy_ball"),
            category=CAT, size=(0.22, 0.22, 0.22), default_color="#e53935")  # fmt: skip
make_recipe("balloon", _balloon, synonyms=("party_balloon", "helium_balloon"), category=CAT,
            size=(0.3, 0.3, 1.43), default_color="#e53935", flies=True)  # fmt: skip
make_recipe(
    "kite", _kite, synonyms=(), category=CAT, size=(0.81, 0.03, 2.16), default_color="#e53935", flies=True
)
make_recipe("umbrella", _umbrella, synonyms=("parasol", "brolly"), category=CAT, size=(1.1, 1.1, 1.24),
            default_color="#283593")  # fmt: skip
make_recipe("hat", _hat, synonyms=("top_hat", "fedora", "bowler_hat", "baseball_cap"), category=CAT,
            size=(0.34, 0.34, 0.162), default_color="#222222")  # fmt: skip
make_recipe("star", _star, synonyms=("tree_topper", "star_topper"), category=CAT, size=(0.46, 0.05, 0.43),
            default_color=GOLD,
            surface=_anchored(0.43, 0.02, centre=(0.0, 0.0, _STAR_CENTRE)))  # fmt: skip
make_recipe("lantern", _lantern, synonyms=("lamp_post_lantern", "oil_lamp", "paper_lantern"), category=CAT,
            size=(0.26, 0.26, 0.38), default_color="#2f2f2f")  # fmt: skip
make_recipe("sign", _sign, synonyms=("signpost", "sign_post", "signboard", "billboard"), category=CAT,
            size=(0.8, 0.13, 1.8), default_color="#f5f5f0")  # fmt: skip
make_recipe("ladder", _ladder, synonyms=("step_ladder", "stepladder"), category=CAT, size=(0.49, 0.06, 2.5),
            default_color="#a0703c")  # fmt: skip
make_recipe("dice", _dice, synonyms=("die",), category=CAT, size=(0.02, 0.02, 0.02), default_color="#fafafa")
make_recipe("coin", _coin, synonyms=("gold_coin", "penny"), category=CAT, size=(0.024, 0.024, 0.002),
            default_color=GOLD)  # fmt: skip
make_recipe("ring", _ring, synonyms=("wedding_ring", "engagement_ring", "gold_ring"), category=CAT,
            size=(0.021, 0.006, 0.025), default_color=GOLD)  # fmt: skip
make_recipe("ornament", _ornament, synonyms=("bauble", "christmas_ball", "christmas_ornament", "decoration"),
            category=CAT, size=(0.08, 0.08, 0.1), default_color="#d32f2f", flies=True,
            surface=_anchored(0.1, 0.01, centre=(0.0, 0.0, _ORNAMENT_R)))  # fmt: skip
make_recipe("scarf", _scarf, synonyms=("muffler", "shawl"), category=CAT, size=(0.47, 0.48, 0.42),
            default_color="#c62828", surface=_scarf_surface)  # fmt: skip
make_recipe("launch_pad", _launch_pad, synonyms=("launchpad", "platform", "launch_platform", "pad", "podium"),
            category=CAT, size=(4.4, 4.4, 0.55), default_color="#9a9a9a",
            surface=lambda ctx: Surface(top_z=0.4 * ctx.scale, top_half_extent=(1.5 * ctx.scale, 1.5 * ctx.scale)))  # fmt: skip
make_recipe("teapot", _teapot, synonyms=("kettle", "tea_pot"), category=CAT, size=(0.32, 0.2, 0.2),
            default_color="#f2f0ea")  # fmt: skip
make_recipe("pencil", _pencil, synonyms=("crayon", "pen"), category=CAT, size=(0.19, 0.007, 0.007),
            default_color="#fbc02d")  # fmt: skip
