"""Buildings and structures: house, wall, fence, tower, lighthouse, door, window, porch, bridge.

Fronts face -Y. Parts of a house that are also kinds of their own (its door, its windows) are
named ``Entrance`` and ``Pane_N`` so a search for "door" or "window" finds only real doors.
"""

from __future__ import annotations

from prompt2mesh.roles.offline.recipes._parts import Builder, make_recipe, ring

CAT = "structure"
STONE = "#8a8a8a"


def _house(b: Builder) -> None:
    walls = b.mat("Walls", "#e8dcc0", primary=True, roughness=0.8)
    roof = b.mat("Roof", "#8b3a2e", roughness=0.7)
    door = b.mat("Entrance", "#5c3a1e", roughness=0.6)
    glass = b.mat("Pane", "#9fc9e8", roughness=0.1)
    trim = b.mat("Trim", "#f5f5f5", roughness=0.6)
    b.box("Body", (6.0, 5.0, 3.0), (0, 0, 1.5), mat=walls, bevel=0.03)
    b.prism("Roof", 5.6, 2.0, 6.6, 3.0, mat=roof)
    b.box("Chimney", (0.6, 0.6, 1.3), (1.8, 0.8, 4.65), mat=roof)  # rises from the roof's upper part
    b.box("Entrance", (1.0, 0.08, 2.1), (0, -2.52, 1.05), mat=door)
    b.box("Front_Step", (1.4, 0.5, 0.15), (0, -2.75, 0.075), mat=trim)
    for i, x in enumerate((-1.8, 1.8), start=1):
        b.box(f"Pane_{i}", (1.0, 0.08, 1.0), (x, -2.52, 1.7), mat=glass)
        b.box(f"Pane_Frame_{i}", (1.2, 0.06, 0.1), (x, -2.55, 1.15), mat=trim, level=1)
    for i, y in enumerate((-1.2, 1.2), start=3):
        b.box(f"Pane_{i}", (0.08, 1.0, 1.0), (3.02, y, 1.7), mat=glass, level=1)
    b.sphere("Entrance_Knob", 0.05, (0.35, -2.58, 1.0), mat=trim, segments=12, rings=6, level=2)


def _cabin(b: Builder) -> None:
    logs = b.mat("Logs", "#8b5a2b", primary=True, roughness=0.85)
    roof = b.mat("Roof", "#4e342e", roughness=0.8)
    door = b.mat("Entrance", "#3e2723", roughness=0.7)
    glass = b.mat("Pane", "#9fc9e8", roughness=0.1)
    stone = b.mat("Stone", STONE, roughness=0.9)
    b.box("Body", (5.0, 4.0, 2.6), (0, 0, 1.3), mat=logs, bevel=0.03)
    b.prism("Roof", 4.8, 1.8, 5.8, 2.6, mat=roof)
    b.box("Chimney", (0.6, 0.6, 2.2), (2.2, 0.9, 3.0), mat=stone)
    b.box("Entrance", (0.9, 0.08, 1.9), (0, -2.02, 0.95), mat=door)
    for i, x in enumerate((-1.5, 1.5), start=1):
        b.box(f"Pane_{i}", (0.8, 0.08, 0.7), (x, -2.02, 1.5), mat=glass)
    # Log courses on the side walls (the front keeps its entrance and panes clear).
    for i in range(4):
        z = 0.3 + 0.65 * i
        for j, x in enumerate((-2.5, 2.5), start=1):
            b.cyl(f"Log_{j}_{i + 1}", 0.13, 4.1, (x, 0, z), mat=logs, rot=(90, 0, 0), segments=12, level=1)


def _wall(b: Builder) -> None:
    stone = b.mat("Stone", STONE, primary=True, roughness=0.9)
    b.box("Body", (4.0, 0.4, 1.4), (0, 0, 0.7), mat=stone)
    b.box("Cap", (4.1, 0.5, 0.12), (0, 0, 1.46), mat=stone)
    for i, x in enumerate((-1.9, 1.9), start=1):
        b.box(f"End_Post_{i}", (0.5, 0.5, 1.6), (x, 0, 0.8), mat=stone)
    for i, (x, z) in enumerate(((-1.0, 0.35), (0.4, 0.9), (1.1, 0.3)), start=1):
        b.box(f"Stone_Block_{i}", (0.5, 0.42, 0.25), (x, 0, z), mat=stone, level=1)


def _fence(b: Builder) -> None:
    wood = b.mat("Wood", "#a0703c", primary=True, roughness=0.8)
    for i in range(7):
        x = -1.5 + 0.5 * i
        b.box(f"Picket_{i + 1}", (0.09, 0.03, 0.9), (x, 0, 0.45), mat=wood)
        b.cone(f"Picket_Tip_{i + 1}", 0.064, 0.1, (x, 0, 0.95), mat=wood, segments=4, rot=(0, 0, 45),
               scale=(1.0, 0.33, 1.0), level=1)  # fmt: skip
    for i, z in enumerate((0.25, 0.7), start=1):
        b.box(f"Rail_{i}", (3.1, 0.03, 0.08), (0, 0.03, z), mat=wood)


def _tower(b: Builder) -> None:
    stone = b.mat("Stone", STONE, primary=True, roughness=0.9)
    roof = b.mat("Roof", "#44546a", roughness=0.6)
    dark = b.mat("Opening", "#1e1a16", roughness=0.9)
    b.cyl("Body", 1.5, 8.0, (0, 0, 4.0), mat=stone, segments=32)
    b.cyl("Parapet", 1.75, 0.6, (0, 0, 8.3), mat=stone, segments=32)
    for i, (x, y, _z, a) in enumerate(ring(8, 1.6, 0.0, 22.5), start=1):
        b.box(f"Merlon_{i}", (0.3, 0.55, 0.5), (x, y, 8.85), mat=stone, rot=(0, 0, a))
    b.cone("Roof", 1.45, 2.6, (0, 0, 9.9), mat=roof, segments=32)
    b.box("Entrance", (0.9, 0.1, 1.8), (0, -1.47, 0.9), mat=dark)
    for i, z in enumerate((3.5, 6.0), start=1):
        b.box(f"Arrow_Slit_{i}", (0.18, 0.1, 0.8), (0, -1.47, z), mat=dark, level=1)


def _lighthouse(b: Builder) -> None:
    white = b.mat("Paint", "#f4f4f4", primary=True, roughness=0.6)
    red = b.mat("Stripe", "#c62828", roughness=0.6)
    light = b.mat("Beacon", "#fff3b0", emission_color="#ffe680", emission_strength=5.0)
    dark = b.mat("Metal", "#2b2b2b", metallic=1.0, roughness=0.4)
    b.cyl("Base", 1.6, 0.5, (0, 0, 0.25), mat=white, segments=32)
    b.cone("Shaft", 1.3, 9.0, (0, 0, 5.0), radius_top=0.85, mat=white, segments=32)
    for i, z in enumerate((2.5, 6.0), start=1):
        r_lo = 1.3 - 0.45 * (z - 0.5 - 0.6) / 9.0 + 0.02
        r_hi = 1.3 - 0.45 * (z - 0.5 + 0.6) / 9.0 + 0.02
        b.cone(f"Stripe_{i}", r_lo, 1.2, (0, 0, z), radius_top=r_hi, mat=red, segments=32)
    b.cyl("Gallery", 1.2, 0.2, (0, 0, 9.6), mat=dark, segments=32)
    b.cyl("Beacon", 0.7, 1.2, (0, 0, 10.3), mat=light, segments=24)
    b.cone("Dome", 0.85, 0.8, (0, 0, 11.3), mat=red, segments=32)
    b.torus("Railing", 1.15, 0.03, (0, 0, 10.2), mat=dark, segments=48, rings=6, level=1)


def _door(b: Builder) -> None:
    wood = b.mat("Wood", "#6b4226", primary=True, roughness=0.6)
    frame = b.mat("Frame", "#efefef", roughness=0.6)
    brass = b.mat("Knob", "#d4af37", metallic=1.0, roughness=0.3)
    b.box("Panel", (0.9, 0.05, 2.05), (0, 0, 1.025), mat=wood)
    for i, x in enumerate((-0.5, 0.5), start=1):
        b.box(f"Frame_{i}", (0.1, 0.12, 2.15), (x, 0, 1.075), mat=frame)
    b.box("Frame_Top", (1.1, 0.12, 0.1), (0, 0, 2.1), mat=frame)
    b.sphere("Knob", 0.03, (0.35, -0.06, 1.0), mat=brass, segments=16, rings=8)
    for i, z in enumerate((0.55, 1.5), start=1):
        b.box(f"Inset_{i}", (0.6, 0.02, 0.7), (0, -0.03, z), mat=wood, level=1)


def _window(b: Builder) -> None:
    frame = b.mat("Frame", "#f2f2f2", primary=True, roughness=0.5)
    glass = b.mat("Pane", "#a8d4f0", roughness=0.05, transmission=0.8, alpha=0.5)
    b.box("Pane", (1.0, 0.02, 1.0), (0, 0, 0.6), mat=glass)
    b.box("Frame_Bottom", (1.2, 0.1, 0.1), (0, 0, 0.05), mat=frame)
    b.box("Frame_Top", (1.2, 0.1, 0.1), (0, 0, 1.15), mat=frame)
    for i, x in enumerate((-0.55, 0.55), start=1):
        b.box(f"Frame_Side_{i}", (0.1, 0.1, 1.0), (x, 0, 0.6), mat=frame)
    b.box("Mullion", (0.04, 0.06, 1.0), (0, 0, 0.6), mat=frame)
    b.box("Transom", (1.0, 0.06, 0.04), (0, 0, 0.6), mat=frame)
    b.box("Sill", (1.3, 0.2, 0.05), (0, -0.05, 0.025), mat=frame, level=1)


def _porch(b: Builder) -> None:
    wood = b.mat("Wood", "#a0703c", primary=True, roughness=0.7)
    roof = b.mat("Roof", "#6d4c41", roughness=0.7)
    b.box("Deck", (3.0, 2.0, 0.3), (0, 0, 0.15), mat=wood)
    for i, (y, z) in enumerate(((-1.15, 0.1), (-1.4, 0.05)), start=1):
        b.box(f"Step_{i}", (1.2, 0.3, 2 * z), (0, y, z), mat=wood)
    for i, x in enumerate((-1.4, 1.4), start=1):
        b.box(f"Post_{i}", (0.12, 0.12, 2.4), (x, -0.9, 1.5), mat=wood)
        b.box(f"Back_Post_{i}", (0.12, 0.12, 2.4), (x, 0.9, 1.5), mat=wood)
    b.box("Roof", (3.3, 2.3, 0.12), (0, 0, 2.76), mat=roof)
    for i, x in enumerate((-0.9, 0.9), start=1):
        b.box(f"Railing_{i}", (0.9, 0.05, 0.06), (x * 1.05, -0.95, 1.2), mat=wood, level=1)


def _bridge(b: Builder) -> None:
    wood = b.mat("Deck", "#8b5a2b", primary=True, roughness=0.8)
    stone = b.mat("Stone", STONE, roughness=0.9)
    b.box("Walkway", (8.0, 2.4, 0.3), (0, 0, 1.35), mat=wood)
    for i, x in enumerate((-3.6, 3.6), start=1):
        b.box(f"Abutment_{i}", (0.8, 2.6, 1.2), (x, 0, 0.6), mat=stone)
    for i, x in enumerate((-1.3, 1.3), start=1):
        b.cyl(f"Pier_{i}", 0.35, 1.2, (x, 0, 0.6), mat=stone, segments=16)
    for i, y in enumerate((-1.15, 1.15), start=1):
        b.box(f"Handrail_{i}", (8.0, 0.08, 0.08), (0, y, 2.46), mat=wood)
        for j, x in enumerate((-3.9, -1.3, 1.3, 3.9), start=1):
            b.box(f"Baluster_{i}_{j}", (0.1, 0.1, 1.0), (x, y, 2.0), mat=wood)


make_recipe("house", _house, synonyms=("home", "cottage", "building"),
            category=CAT, size=(6.6, 5.8, 5.3), default_color="#e8dcc0")  # fmt: skip
make_recipe("cabin", _cabin, synonyms=("log_cabin", "hut", "shed", "shack", "lodge"), category=CAT,
            size=(5.8, 4.8, 4.4), default_color="#8b5a2b")  # fmt: skip
make_recipe("wall", _wall, synonyms=("stone_wall", "brick_wall", "garden_wall"), category=CAT,
            size=(4.3, 0.5, 1.6), default_color=STONE)  # fmt: skip
make_recipe("fence", _fence, synonyms=("picket_fence", "railing"), category=CAT, size=(3.1, 0.06, 0.9),
            default_color="#a0703c")  # fmt: skip
make_recipe("tower", _tower, synonyms=("castle_tower", "watchtower", "turret", "castle", "keep"), category=CAT,
            size=(3.5, 3.5, 11.2), default_color=STONE)  # fmt: skip
make_recipe("lighthouse", _lighthouse, synonyms=("light_house", "beacon"), category=CAT, size=(3.2, 3.2, 11.7),
            default_color="#f4f4f4")  # fmt: skip
make_recipe("door", _door, synonyms=("front_door", "doorway", "gate"), category=CAT, size=(1.1, 0.15, 2.15),
            default_color="#6b4226")  # fmt: skip
make_recipe("window", _window, synonyms=("window_frame", "windowpane"), category=CAT, size=(1.2, 0.1, 1.2),
            default_color="#f2f2f2")  # fmt: skip
make_recipe("porch", _porch, synonyms=("veranda", "patio"), category=CAT, size=(3.3, 2.7, 2.82),
            default_color="#a0703c")  # fmt: skip
make_recipe("bridge", _bridge, synonyms=("footbridge", "foot_bridge"), category=CAT, size=(8.0, 2.6, 2.5),
            default_color="#8b5a2b")  # fmt: skip
