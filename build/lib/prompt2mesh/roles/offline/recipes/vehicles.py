"""Vehicles: car, bus, bicycle, boat, rocket, airplane. Length runs along x, the front at +x.

Window parts are called ``Windscreen`` / ``Side_Pane`` (never "window" or "glass": those are
kinds of their own that a prompt may ask to count).
"""

from __future__ import annotations

import math

from prompt2mesh.roles.offline.recipes._parts import Builder, make_recipe

CAT = "vehicle"
TYRE = "#1c1c1c"
GLAZING = "#22313f"


def _wheels(
    b: Builder, xs: tuple[float, ...], y: float, radius: float, width: float, tyre: str, hub: str
) -> None:
    n = 0
    for x in xs:
        for sy in (-1, 1):
            n += 1
            b.cyl(f"Wheel_{n}", radius, width, (x, sy * y, radius), mat=tyre, rot=(90, 0, 0), segments=24)
            b.cyl(f"Hubcap_{n}", radius * 0.55, 0.02, (x, sy * (y + width / 2), radius), mat=hub, rot=(90, 0, 0),
                  segments=16, level=1)  # fmt: skip


def _car(b: Builder) -> None:
    paint = b.mat("Paint", "#c62828", primary=True, metallic=0.4, roughness=0.35)
    tyre = b.mat("Tyre", TYRE, roughness=0.9)
    glazing = b.mat("Glazing", GLAZING, roughness=0.1)
    chrome = b.mat("Chrome", "#d0d0d0", metallic=1.0, roughness=0.2)
    lamp = b.mat("Headlight", "#fff8d0", emission_color="#fff2b0", emission_strength=2.0)
    b.box("Body", (4.2, 1.8, 0.7), (0, 0, 0.65), mat=paint, bevel=0.06)
    b.box("Top", (2.2, 1.6, 0.6), (-0.25, 0, 1.3), mat=paint, bevel=0.06)
    b.box("Windscreen", (0.05, 1.45, 0.48), (0.86, 0, 1.3), mat=glazing, rot=(0, -20, 0))
    b.box("Rear_Screen", (0.05, 1.45, 0.45), (-1.36, 0, 1.3), mat=glazing)
    for i, y in enumerate((-0.81, 0.81), start=1):
        b.box(f"Side_Pane_{i}", (1.8, 0.02, 0.42), (-0.25, y, 1.32), mat=glazing)
    _wheels(b, (-1.35, 1.35), 0.8, 0.35, 0.26, tyre, chrome)
    for i, y in enumerate((-0.6, 0.6), start=1):
        b.sphere(f"Head_Lens_{i}", 0.1, (2.08, y, 0.75), mat=lamp, scale=(0.4, 1, 1), segments=12, rings=6)


def _bus(b: Builder) -> None:
    paint = b.mat("Paint", "#f2b705", primary=True, roughness=0.4)
    tyre = b.mat("Tyre", TYRE, roughness=0.9)
    glazing = b.mat("Glazing", GLAZING, roughness=0.1)
    chrome = b.mat("Chrome", "#d0d0d0", metallic=1.0, roughness=0.2)
    b.box("Body", (10.0, 2.5, 2.7), (0, 0, 1.75), mat=paint, bevel=0.1)
    b.box("Windscreen", (0.04, 2.2, 1.1), (5.0, 0, 2.3), mat=glazing)
    for i, y in enumerate((-1.25, 1.25), start=1):
        b.box(f"Side_Pane_{i}", (8.0, 0.03, 0.9), (-0.6, y, 2.35), mat=glazing)
    b.box("Bumper", (0.15, 2.5, 0.25), (5.05, 0, 0.55), mat=chrome)
    _wheels(b, (-3.2, 3.2), 1.15, 0.5, 0.35, tyre, chrome)


def _bicycle(b: Builder) -> None:
    frame = b.mat("Frame", "#1565c0", primary=True, metallic=0.5, roughness=0.35)
    tyre = b.mat("Tyre", TYRE, roughness=0.9)
    dark = b.mat("Saddle", "#222222", roughness=0.6)
    rear, front = (-0.52, 0.0, 0.35), (0.52, 0.0, 0.35)
    bb, seat, head, head_low = (-0.05, 0.0, 0.3), (-0.2, 0.0, 0.85), (0.38, 0.0, 0.85), (0.42, 0.0, 0.65)
    for i, hub in enumerate((rear, front), start=1):
        b.torus(f"Wheel_{i}", 0.33, 0.02, hub, mat=tyre, rot=(90, 0, 0), segments=36, rings=8)
    for part, p1, p2 in (
        ("Seat_Tube", bb, seat),
        ("Top_Tube", seat, head),
        ("Down_Tube", bb, head_low),
        ("Chain_Stay", rear, bb),
        ("Seat_Stay", rear, seat),
        ("Fork", head_low, front),
        ("Head_Tube", head_low, (0.37, 0.0, 0.9)),
    ):
        b.tube(part, p1, p2, 0.018, mat=frame)
    b.tube("Handlebar", (0.36, -0.25, 0.92), (0.36, 0.25, 0.92), 0.015, mat=dark)
    b.box("Saddle", (0.24, 0.1, 0.05), (-0.22, 0, 0.88), mat=dark, bevel=0.015)
    b.cyl("Crank", 0.08, 0.02, bb, mat=dark, rot=(90, 0, 0), segments=16, level=1)


def _boat(b: Builder) -> None:
    hull = b.mat("Hull", "#8b5a2b", primary=True, roughness=0.6)
    sail = b.mat("Sail", "#f4f1e6", roughness=0.9)
    mast = b.mat("Mast", "#5c3a1e", roughness=0.7)
    # An 8-sided frustum has corners on +-x: stretched along x it is a hull pointed at both ends.
    b.cone(
        "Hull", 1.0, 0.6, (0, 0, 0.3), radius_top=1.3, mat=hull, segments=8, scale=(1.6, 0.7, 1.0), bevel=0.04
    )
    b.cyl("Mast", 0.05, 4.0, (0.2, 0, 2.6), mat=mast, segments=12)
    b.cyl(
        "Sail",
        1.0,
        0.02,
        (-0.45, 0, 2.1),
        mat=sail,
        rot=(90, 0, 0),
        scale=(0.75, 1.6, 1.0),
        segments=3,
        bevel=0.005,
    )
    b.box("Bench", (0.3, 1.2, 0.06), (-0.9, 0, 0.5), mat=mast, level=1)


def _rocket(b: Builder) -> None:
    body = b.mat("Body", "#e8e8e8", primary=True, metallic=0.3, roughness=0.35)
    red = b.mat("Trim", "#c62828", roughness=0.4)
    dark = b.mat("Nozzle", "#3a3a3a", metallic=1.0, roughness=0.4)
    porthole = b.mat("Porthole", "#4fc3f7", roughness=0.1)
    b.cone("Nozzle", 0.42, 0.4, (0, 0, 0.2), radius_top=0.3, mat=dark, segments=24)
    b.cyl("Hull", 0.5, 4.0, (0, 0, 2.4), mat=body, segments=32)
    b.cone("Nose", 0.5, 1.4, (0, 0, 5.1), mat=red, segments=32)
    for i, a in enumerate((0, 90, 180, 270), start=1):
        x, y = 0.7 * math.cos(math.radians(a)), 0.7 * math.sin(math.radians(a))
        b.box(f"Fin_{i}", (0.5, 0.06, 1.1), (x, y, 0.75), mat=red, rot=(0, 0, a))
    b.cyl("Porthole", 0.18, 0.04, (0, -0.5, 3.6), mat=porthole, rot=(90, 0, 0), segments=24)
    b.torus(
        "Porthole_Rim", 0.19, 0.025, (0, -0.51, 3.6), mat=dark, rot=(90, 0, 0), segments=24, rings=6, level=1
    )


def _airplane(b: Builder) -> None:
    paint = b.mat("Paint", "#eef1f5", primary=True, metallic=0.3, roughness=0.35)
    accent = b.mat("Accent", "#1565c0", roughness=0.4)
    dark = b.mat("Gear", "#2b2b2b", roughness=0.7)
    glazing = b.mat("Cockpit", GLAZING, roughness=0.1)
    z = 1.6
    b.cyl("Fuselage", 0.6, 7.0, (0.5, 0, z), mat=paint, rot=(0, 90, 0), segments=32)
    b.sphere("Nose", 0.6, (4.0, 0, z), mat=paint, scale=(1.4, 1, 1), segments=24, rings=12)
    b.cone(
        "Tail_Section", 0.6, 2.0, (-4.0, 0, z + 0.15), radius_top=0.2, mat=paint, rot=(0, -90, 0), segments=32
    )
    b.box("Wings", (1.6, 10.0, 0.14), (0.6, 0, z - 0.2), mat=paint)
    b.box("Tail_Fin", (1.2, 0.1, 1.6), (-4.5, 0, z + 1.0), mat=accent)
    b.box("Stabilizer", (0.9, 3.4, 0.1), (-4.5, 0, z + 0.25), mat=paint)
    b.box("Cockpit", (0.6, 0.9, 0.3), (3.7, 0, z + 0.45), mat=glazing, rot=(0, 20, 0))
    for i, y in enumerate((-2.2, 2.2), start=1):
        b.cyl(f"Engine_{i}", 0.32, 1.4, (0.9, y, z - 0.55), mat=accent, rot=(0, 90, 0), segments=24)
    for i, (x, y) in enumerate(((3.0, 0.0), (0.2, -1.0), (0.2, 1.0)), start=1):
        b.tube(f"Gear_Strut_{i}", (x, y, 0.3), (x, y, z - 0.5), 0.05, mat=dark)
        b.cyl(f"Gear_Tyre_{i}", 0.2, 0.14, (x, y, 0.2), mat=dark, rot=(90, 0, 0), segments=16)


make_recipe("car", _car, synonyms=("automobile", "sedan", "sports_car", "taxi", "vehicle"), category=CAT,
            size=(4.2, 1.86, 1.6), default_color="#c62828")  # fmt: skip
make_recipe("bus", _bus, synonyms=("school_bus", "coach", "minibus"), category=CAT, size=(10.2, 2.66, 3.1),
            default_color="#f2b705")  # fmt: skip
make_recipe("bicycle", _bicycle, synonyms=("bike", "cycle", "push_bike"), category=CAT, size=(1.74, 0.5, 0.94),
            default_color="#1565c0")  # fmt: skip
make_recipe("boat", _boat, synonyms=("sailboat", "sailing_boat", "rowboat", "ship", "yacht", "dinghy"),
            category=CAT, size=(4.2, 1.82, 4.6), default_color="#8b5a2b")  # fmt: skip
make_recipe("rocket", _rocket, synonyms=("spaceship", "space_rocket", "rocket_ship", "missile"), category=CAT,
            size=(1.9, 1.9, 5.8), default_color="#e8e8e8")  # fmt: skip
make_recipe("airplane", _airplane, synonyms=("aeroplane", "plane", "jet", "aircraft", "airliner"), category=CAT,
            size=(10.2, 10.0, 3.4), default_color="#eef1f5", flies=True)  # fmt: skip


def _truck(b: Builder) -> None:
    paint = b.mat("Paint", "#1565c0", primary=True, metallic=0.3, roughness=0.4)
    tyre = b.mat("Tyre", TYRE, roughness=0.9)
    glazing = b.mat("Glazing", GLAZING, roughness=0.1)
    chrome = b.mat("Chrome", "#d0d0d0", metallic=1.0, roughness=0.2)
    b.box("Chassis", (6.5, 2.2, 0.3), (0, 0, 0.75), mat=tyre)
    b.box("Cab", (1.8, 2.3, 2.1), (2.3, 0, 1.95), mat=paint, bevel=0.08)
    b.box("Windscreen", (0.04, 2.0, 0.8), (3.21, 0, 2.45), mat=glazing)
    b.box("Cargo_Body", (4.4, 2.4, 2.6), (-0.9, 0, 2.2), mat=paint, bevel=0.05)
    b.box("Grille", (0.05, 1.6, 0.5), (3.21, 0, 1.3), mat=chrome)
    _wheels(b, (-2.3, -1.3, 2.2), 1.0, 0.5, 0.35, tyre, chrome)


def _train(b: Builder) -> None:
    paint = b.mat("Paint", "#2e7d32", primary=True, metallic=0.3, roughness=0.4)
    dark = b.mat("Iron", "#263238", metallic=1.0, roughness=0.5)
    red = b.mat("Trim", "#c62828", roughness=0.5)
    b.box("Frame", (6.0, 2.0, 0.3), (0, 0, 0.95), mat=dark)
    b.cyl("Boiler", 0.8, 3.6, (1.0, 0, 1.9), mat=paint, rot=(0, 90, 0), segments=24)
    b.box("Cab", (2.0, 2.2, 2.4), (-1.9, 0, 2.3), mat=paint, bevel=0.05)
    b.box("Cab_Roof", (2.3, 2.4, 0.12), (-1.9, 0, 3.56), mat=dark)
    b.cone("Smokestack", 0.22, 0.8, (2.2, 0, 3.0), radius_top=0.35, mat=dark, segments=16)
    b.sphere("Dome", 0.3, (0.8, 0, 2.7), mat=red, segments=16, rings=8)
    b.cone("Cowcatcher", 0.45, 0.6, (3.2, 0, 0.5), mat=red, rot=(0, 90, 0), scale=(0.7, 1.0, 1.0), segments=4)
    n = 0
    for x in (-2.0, -0.4, 1.2):
        for sy in (-1, 1):
            n += 1
            b.cyl(f"Wheel_{n}", 0.55, 0.2, (x, sy * 0.9, 0.55), mat=red, rot=(90, 0, 0), segments=24)


make_recipe("truck", _truck, synonyms=("lorry", "delivery_truck", "van", "pickup_truck"), category=CAT,
            size=(6.5, 2.55, 3.5), default_color="#1565c0")  # fmt: skip
make_recipe("train", _train, synonyms=("locomotive", "steam_engine", "steam_train"), category=CAT,
            size=(6.5, 2.4, 3.62), default_color="#2e7d32")  # fmt: skip
