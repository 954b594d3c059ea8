"""Plain geometric shapes (cube, sphere, cylinder, cone, pyramid, torus) at tabletop size.

"A red cube on a table" wants a cube, not a crate: these are single bevelled or smooth solids.
"""

from __future__ import annotations

from prompt2mesh.roles.offline.recipes._parts import Builder, make_recipe

CAT = "shape"
RED = "#d32f2f"


def _cube(b: Builder) -> None:
    paint = b.mat("Paint", RED, primary=True, roughness=0.4)
    b.box("Solid", (0.3, 0.3, 0.3), (0, 0, 0.15), mat=paint, bevel=0.01)


def _sphere(b: Builder) -> None:
    paint = b.mat("Paint", "#1e88e5", primary=True, roughness=0.4)
    b.sphere("Solid", 0.15, (0, 0, 0.15), mat=paint, segments=32, rings=16)


def _cylinder(b: Builder) -> None:
    paint = b.mat("Paint", "#43a047", primary=True, roughness=0.4)
    b.cyl("Solid", 0.15, 0.4, (0, 0, 0.2), mat=paint, segments=32)


def _cone(b: Builder) -> None:
    paint = b.mat("Paint", "#fb8c00", primary=True, roughness=0.4)
    b.cone("Solid", 0.2, 0.4, (0, 0, 0.2), mat=paint, segments=32)


def _pyramid(b: Builder) -> None:
    paint = b.mat("Paint", "#e0c068", primary=True, roughness=0.6)
    # A 4-sided cone has its corners on the axes (a diamond footprint); left unturned so the
    # bounding box is the real footprint.
    b.cone("Solid", 0.25, 0.35, (0, 0, 0.175), mat=paint, segments=4)


def _torus(b: Builder) -> None:
    paint = b.mat("Paint", "#8e24aa", primary=True, roughness=0.4)
    b.torus("Solid", 0.15, 0.05, (0, 0, 0.05), mat=paint, segments=48, rings=16)


def _heart(b: Builder) -> None:
    paint = b.mat("Paint", "#e53935", primary=True, roughness=0.4)
    # Two lobes and a point below them, standing upright and facing -y.
    for i, x in enumerate((-0.075, 0.075), start=1):
        b.sphere(f"Lobe_{i}", 0.1, (x, 0, 0.24), mat=paint, scale=(1, 0.5, 1), segments=20, rings=10)
    b.cone("Point", 0.13, 0.2, (0, 0, 0.1), mat=paint, rot=(180, 0, 0), scale=(1.25, 0.38, 1), segments=16,
           smooth=True)  # fmt: skip


make_recipe(
    "cube", _cube, synonyms=("block", "square_block"), category=CAT, size=(0.3, 0.3, 0.3), default_color=RED
)
make_recipe(
    "sphere", _sphere, synonyms=("orb", "globe"), category=CAT, size=(0.3, 0.3, 0.3), default_color="#1e88e5"
)
make_recipe("cylinder", _cylinder, synonyms=("pillar", "column"), category=CAT, size=(0.3, 0.3, 0.4),
            default_color="#43a047")  # fmt: skip
make_recipe(
    "cone", _cone, synonyms=("traffic_cone",), category=CAT, size=(0.4, 0.4, 0.4), default_color="#fb8c00"
)
make_recipe("pyramid", _pyramid, synonyms=("tetrahedron",), category=CAT, size=(0.5, 0.5, 0.35),
            default_color="#e0c068")  # fmt: skip
make_recipe("torus", _torus, synonyms=("ring_shape", "doughnut_shape"), category=CAT, size=(0.4, 0.4, 0.1),
            default_color="#8e24aa")  # fmt: skip
make_recipe(
    "heart", _heart, synonyms=("love_heart",), category=CAT, size=(0.35, 0.1, 0.34), default_color="#e53935"
)
