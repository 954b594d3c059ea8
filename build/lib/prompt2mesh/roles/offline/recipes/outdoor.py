"""Outdoor props: street lamp, tent, campfire, log, stump, palm tree, igloo, mailbox, traffic
light, windmill, well, fountain, bucket."""

from __future__ import annotations

import math

from prompt2mesh.roles.offline.recipes._parts import Builder, make_recipe, ring

CAT = "outdoor"
BARK = "#6d4c2f"
STONE = "#8a8a8a"


def _street_lamp(b: Builder) -> None:
    iron = b.mat("Iron", "#2b2b2b", primary=True, metallic=1.0, roughness=0.45)
    light = b.mat("Light", "#fff3c4", emission_color="#ffe082", emission_strength=5.0)
    b.cyl("Foot", 0.16, 0.3, (0, 0, 0.15), mat=iron, segments=16)
    b.cyl("Pole", 0.06, 3.4, (0, 0, 1.95), mat=iron, segments=16)
    b.cone("Hood", 0.28, 0.22, (0, 0, 3.83), radius_top=0.05, mat=iron, segments=16)
    b.cyl("Diffuser", 0.18, 0.3, (0, 0, 3.57), mat=light, segments=16)
    b.torus("Collar", 0.08, 0.02, (0, 0, 3.4), mat=iron, segments=16, rings=6, level=1)


def _tent(b: Builder) -> None:
    canvas = b.mat("Canvas", "#ef6c00", primary=True, roughness=0.9)
    dark = b.mat("Opening", "#3e2723", roughness=0.9)
    b.prism("Canvas", 2.0, 1.4, 2.2, 0.0, mat=canvas, along_y=True)
    b.prism("Flap", 0.9, 0.9, 0.02, 0.0, mat=dark, along_y=True, y=-1.11)
    b.cyl("Pole", 0.02, 1.5, (0, -1.15, 0.75), mat=dark, segments=8, level=1)


def _campfire(b: Builder) -> None:
    wood = b.mat("Wood", BARK, roughness=0.9)
    fire = b.mat("Flame", "#ff7b00", primary=True, emission_color="#ff6a00", emission_strength=6.0)
    stone = b.mat("Stone", STONE, roughness=0.95)
    for i, a in enumerate((0, 60, 120), start=1):
        d = (0.35 * math.cos(math.radians(a)), 0.35 * math.sin(math.radians(a)))
        b.tube(f"Log_{i}", (-d[0], -d[1], 0.05), (d[0], d[1], 0.05), 0.05, mat=wood, segments=10)
    b.cone("Flame", 0.2, 0.55, (0, 0, 0.35), mat=fire, segments=12)
    b.cone("Flame_Tip", 0.1, 0.35, (0.08, 0.05, 0.3), mat=fire, segments=10)
    for i, (x, y, _z, _a) in enumerate(ring(8, 0.5, 0.0), start=1):
        b.ico(f"Cobble_{i}", 0.08, (x, y, 0.05), mat=stone, scale=(1, 1, 0.6))


def _log(b: Builder) -> None:
    bark = b.mat("Bark", BARK, primary=True, roughness=0.95)
    wood = b.mat("Heartwood", "#d7b48a", roughness=0.8)
    b.cyl("Trunk_Section", 0.15, 1.2, (0, 0, 0.15), mat=bark, rot=(0, 90, 0), segments=16)
    for i, x in enumerate((-0.601, 0.601), start=1):
        b.cyl(f"End_{i}", 0.13, 0.004, (x, 0, 0.15), mat=wood, rot=(0, 90, 0), segments=16, finish="none")


def _stump(b: Builder) -> None:
    bark = b.mat("Bark", BARK, primary=True, roughness=0.95)
    wood = b.mat("Heartwood", "#d7b48a", roughness=0.8)
    b.cyl("Trunk_Section", 0.3, 0.45, (0, 0, 0.225), mat=bark, segments=20)
    b.cyl("Cut", 0.27, 0.01, (0, 0, 0.452), mat=wood, segments=20, finish="none")
    for i, (x, y, _z, _a) in enumerate(ring(4, 0.3, 0.0, 20), start=1):
        b.cone(f"Root_{i}", 0.1, 0.2, (x, y, 0.1), mat=bark, segments=8)


def _palm_tree(b: Builder) -> None:
    leaves = b.mat("Fronds", "#3c9a3c", primary=True, roughness=0.8)
    bark = b.mat("Bark", "#9c7a4c", roughness=0.9)
    nut = b.mat("Coconut", "#5d4037", roughness=0.8)
    pts = [(-0.4, 0.0, 0.012), (-0.3, 0.0, 1.2), (-0.18, 0.0, 2.4), (-0.08, 0.0, 3.5), (0.0, 0.0, 4.5)]
    for i, (p, q) in enumerate(zip(pts, pts[1:], strict=False), start=1):
        b.tube(f"Trunk_{i}", p, q, 0.16 - 0.02 * i, mat=bark, segments=12)
    top = pts[-1]
    for i in range(7):
        a = math.radians(360.0 * i / 7)
        at = (top[0] + 0.9 * math.cos(a), top[1] + 0.9 * math.sin(a), top[2] - 0.2)
        b.sphere(f"Frond_{i + 1}", 1.0, at, mat=leaves, scale=(1.0, 0.25, 0.06),
                 rot=(0, 20, math.degrees(a)), segments=12, rings=6)  # fmt: skip
    for i, (dx, dy) in enumerate(((0.12, 0.0), (-0.06, 0.1), (-0.06, -0.1)), start=1):
        b.sphere(
            f"Coconut_{i}", 0.09, (top[0] + dx, top[1] + dy, top[2] - 0.15), mat=nut, segments=12, rings=6
        )


def _igloo(b: Builder) -> None:
    snow = b.mat("Snow", "#eef6fb", primary=True, roughness=0.7)
    dark = b.mat("Entrance", "#30404d", roughness=0.9)
    b.cone("Dome_Lower", 1.5, 0.7, (0, 0, 0.35), radius_top=1.35, mat=snow, segments=24, smooth=True)
    b.cone("Dome_Middle", 1.35, 0.5, (0, 0, 0.95), radius_top=1.0, mat=snow, segments=24, smooth=True)
    b.cone("Dome_Upper", 1.0, 0.45, (0, 0, 1.425), radius_top=0.0, mat=snow, segments=24, smooth=True)
    b.cyl("Tunnel", 0.5, 0.8, (0, -1.45, 0.5), mat=snow, rot=(90, 0, 0), segments=16, smooth=True)
    b.cyl("Entrance", 0.38, 0.02, (0, -1.86, 0.45), mat=dark, rot=(90, 0, 0), segments=16)


def _mailbox(b: Builder) -> None:
    paint = b.mat("Paint", "#1565c0", primary=True, metallic=0.4, roughness=0.4)
    post = b.mat("Post", "#6d4c2f", roughness=0.8)
    flag = b.mat("Flag", "#d32f2f", roughness=0.5)
    b.box("Post", (0.1, 0.1, 1.0), (0, 0, 0.5), mat=post)
    b.box("Body", (0.25, 0.5, 0.2), (0, 0, 1.1), mat=paint)
    b.cyl("Top", 0.125, 0.5, (0, 0, 1.2), mat=paint, rot=(90, 0, 0), segments=16)
    b.box("Flag", (0.02, 0.04, 0.2), (0.135, 0.1, 1.2), mat=flag)


def _traffic_light(b: Builder) -> None:
    housing = b.mat("Housing", "#263238", primary=True, metallic=0.5, roughness=0.5)
    colors = (("Red", "#ff1744"), ("Amber", "#ffc400"), ("Green", "#00e676"))
    b.cyl("Pole", 0.06, 2.4, (0, 0, 1.2), mat=housing, segments=12)
    b.box("Housing", (0.3, 0.25, 0.8), (0, 0, 2.75), mat=housing)
    for i, (name, hexc) in enumerate(colors):
        glow = b.mat(f"{name}_Light", hexc, emission_color=hexc, emission_strength=3.0 if i == 0 else 0.5)
        b.cyl(f"{name}_Light", 0.08, 0.03, (0, -0.13, 3.0 - 0.25 * i), mat=glow, rot=(90, 0, 0), segments=16)


def _windmill(b: Builder) -> None:
    wall = b.mat("Walls", "#efe6d2", primary=True, roughness=0.8)
    roof = b.mat("Cap", "#6d4c41", roughness=0.7)
    sail = b.mat("Sail", "#f5f5f5", roughness=0.9)
    b.cone("Body", 1.8, 7.0, (0, 0, 3.5), radius_top=1.1, mat=wall, segments=16)
    b.cone("Cap", 1.3, 1.6, (0, 0, 7.8), mat=roof, segments=16)
    b.cyl("Hub", 0.25, 0.4, (0, -1.35, 6.8), mat=roof, rot=(90, 0, 0), segments=12)
    for i in range(4):
        a = 45.0 + 90.0 * i
        d = (math.sin(math.radians(a)), math.cos(math.radians(a)))
        b.box(
            f"Blade_{i + 1}",
            (0.6, 0.05, 3.2),
            (1.75 * d[0], -1.45, 6.8 + 1.75 * d[1]),
            mat=sail,
            rot=(0, a, 0),
        )
    b.box("Entrance", (0.9, 0.1, 1.8), (0, -1.78, 0.9), mat=roof, rot=(-4, 0, 0))


def _well(b: Builder) -> None:
    stone = b.mat("Stone", STONE, primary=True, roughness=0.95)
    wood = b.mat("Wood", "#8b5a2b", roughness=0.8)
    water = b.mat("Water", "#1f4e79", roughness=0.05)
    b.cyl("Shaft", 0.8, 0.8, (0, 0, 0.4), mat=stone, segments=24)
    b.cyl("Water", 0.65, 0.01, (0, 0, 0.805), mat=water, segments=24, finish="none")
    for i, x in enumerate((-0.75, 0.75), start=1):
        b.box(f"Post_{i}", (0.1, 0.1, 1.4), (x, 0, 1.4), mat=wood)
    b.tube("Crank", (-0.8, 0, 1.6), (0.8, 0, 1.6), 0.04, mat=wood)
    b.prism("Roof", 1.4, 0.6, 2.0, 2.1, mat=wood)


def _fountain(b: Builder) -> None:
    stone = b.mat("Stone", "#bdbdbd", primary=True, roughness=0.8)
    water = b.mat("Water", "#4fc3f7", roughness=0.05, transmission=0.6, alpha=0.7)
    b.cyl("Basin", 1.5, 0.5, (0, 0, 0.25), mat=stone, segments=32)
    b.cyl("Water", 1.35, 0.02, (0, 0, 0.5), mat=water, segments=32, finish="none")
    b.cyl("Stem", 0.18, 1.0, (0, 0, 0.9), mat=stone, segments=16)
    b.cone("Upper_Basin", 0.2, 0.25, (0, 0, 1.5), radius_top=0.6, mat=stone, segments=24)
    b.cone("Spray", 0.1, 0.5, (0, 0, 1.87), radius_top=0.02, mat=water, segments=12)


def _bucket(b: Builder) -> None:
    metal = b.mat("Metal", "#9e9e9e", primary=True, metallic=1.0, roughness=0.4)
    b.cyl("Bottom", 0.12, 0.01, (0, 0, 0.005), mat=metal, segments=24)
    b.cone("Side", 0.12, 0.28, (0, 0, 0.14), radius_top=0.15, mat=metal, segments=24, fill=False)
    b.torus("Rim", 0.15, 0.006, (0, 0, 0.28), mat=metal, segments=32, rings=6)
    b.torus("Handle", 0.145, 0.005, (0, 0, 0.28), mat=metal, rot=(90, 0, 0), segments=32, rings=6)


make_recipe("street_lamp", _street_lamp, synonyms=("lamp_post", "lamppost", "streetlight", "street_light",
            "lantern_post"), category=CAT, size=(0.56, 0.56, 3.94), default_color="#2b2b2b")  # fmt: skip
make_recipe(
    "tent", _tent, synonyms=("camping_tent",), category=CAT, size=(2.0, 2.24, 1.4), default_color="#ef6c00"
)
make_recipe("campfire", _campfire, synonyms=("bonfire", "fire", "camp_fire", "fire_pit"), category=CAT,
            size=(1.16, 1.16, 0.62), default_color="#ff7b00")  # fmt: skip
make_recipe("log", _log, synonyms=("firewood", "timber_log"), category=CAT, size=(1.21, 0.3, 0.3),
            default_color=BARK)  # fmt: skip
make_recipe(
    "stump", _stump, synonyms=("tree_stump",), category=CAT, size=(0.8, 0.8, 0.46), default_color=BARK
)
make_recipe("palm_tree", _palm_tree, synonyms=("palm", "coconut_tree"), category=CAT, size=(3.6, 3.7, 4.7),
            default_color="#3c9a3c")  # fmt: skip
make_recipe(
    "igloo", _igloo, synonyms=("snow_house",), category=CAT, size=(3.0, 3.4, 1.65), default_color="#eef6fb"
)
make_recipe("mailbox", _mailbox, synonyms=("letterbox", "postbox", "mail_box"), category=CAT,
            size=(0.29, 0.5, 1.33), default_color="#1565c0")  # fmt: skip
make_recipe("traffic_light", _traffic_light, synonyms=("stoplight", "traffic_signal"), category=CAT,
            size=(0.3, 0.28, 3.15), default_color="#263238")  # fmt: skip
make_recipe("windmill", _windmill, synonyms=("wind_mill", "wind_turbine"), category=CAT, size=(5.16, 3.7, 9.4),
            default_color="#efe6d2")  # fmt: skip
make_recipe("well", _well, synonyms=("wishing_well", "water_well"), category=CAT, size=(2.0, 1.6, 2.7),
            default_color=STONE)  # fmt: skip
make_recipe("fountain", _fountain, synonyms=("water_fountain",), category=CAT, size=(3.0, 3.0, 2.12),
            default_color="#bdbdbd")  # fmt: skip
make_recipe(
    "bucket", _bucket, synonyms=("pail",), category=CAT, size=(0.31, 0.31, 0.43), default_color="#9e9e9e"
)
