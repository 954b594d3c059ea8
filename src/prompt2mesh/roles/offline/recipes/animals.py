"""Animals and toys shaped like them: dog, cat, duck, penguin, teddy bear. Heads face +x."""

from __future__ import annotations

from prompt2mesh.roles.offline.recipes._parts import Builder, make_recipe
from prompt2mesh.roles.offline.recipes.base import Surface

CAT = "animal"
DARK = "#151515"


def _four_legs(b: Builder, mat: str, x: float, y: float, top: float, radius: float) -> None:
    for i, (sx, sy) in enumerate(((1, -1), (1, 1), (-1, -1), (-1, 1)), start=1):
        b.cyl(f"Leg_{i}", radius, top, (sx * x, sy * y, top / 2), mat=mat, segments=10, smooth=True)


def _dog(b: Builder) -> None:
    fur = b.mat("Fur", "#8d5524", primary=True, roughness=0.9)
    dark = b.mat("Nose", DARK, roughness=0.4)
    _four_legs(b, fur, 0.2, 0.09, 0.3, 0.045)
    b.sphere("Body", 0.15, (0, 0, 0.36), mat=fur, scale=(2.0, 1.0, 0.95), segments=20, rings=10)
    b.sphere("Head", 0.11, (0.33, 0, 0.52), mat=fur, segments=16, rings=8)
    b.sphere("Snout", 0.06, (0.44, 0, 0.49), mat=fur, scale=(1.3, 0.9, 0.8), segments=12, rings=6)
    b.sphere("Nose", 0.02, (0.515, 0, 0.5), mat=dark, segments=8, rings=4, finish="none")
    for i, sy in enumerate((-1, 1), start=1):
        b.sphere(
            f"Ear_{i}", 0.05, (0.3, sy * 0.1, 0.55), mat=fur, scale=(0.6, 0.3, 1.2), segments=10, rings=5
        )
        b.sphere(f"Eye_{i}", 0.014, (0.42, sy * 0.05, 0.56), mat=dark, segments=8, rings=4, finish="none")
    b.tube("Tail", (-0.28, 0, 0.42), (-0.4, 0, 0.55), 0.025, mat=fur, segments=8)


def _cat(b: Builder) -> None:
    fur = b.mat("Fur", "#e0892f", primary=True, roughness=0.9)
    dark = b.mat("Eye", "#2e7d32", roughness=0.2)
    _four_legs(b, fur, 0.11, 0.05, 0.16, 0.022)
    b.sphere("Body", 0.08, (0, 0, 0.2), mat=fur, scale=(2.0, 1.0, 0.95), segments=18, rings=9)
    b.sphere("Head", 0.065, (0.18, 0, 0.3), mat=fur, segments=16, rings=8)
    for i, sy in enumerate((-1, 1), start=1):
        b.cone(f"Ear_{i}", 0.025, 0.05, (0.18, sy * 0.035, 0.375), mat=fur, segments=8)
        b.sphere(f"Eye_{i}", 0.01, (0.235, sy * 0.025, 0.31), mat=dark, segments=8, rings=4, finish="none")
    b.tube("Tail", (-0.15, 0, 0.21), (-0.24, 0, 0.36), 0.014, mat=fur, segments=8)


def _duck(b: Builder) -> None:
    feathers = b.mat("Feathers", "#f5f5f0", primary=True, roughness=0.8)
    bill = b.mat("Bill", "#f57c00", roughness=0.5)
    dark = b.mat("Eye", DARK, roughness=0.3)
    b.sphere("Body", 0.12, (0, 0, 0.1), mat=feathers, scale=(1.4, 1.0, 0.85), segments=20, rings=10)
    b.sphere("Head", 0.07, (0.13, 0, 0.23), mat=feathers, segments=16, rings=8)
    b.sphere("Bill", 0.04, (0.21, 0, 0.22), mat=bill, scale=(1.2, 0.8, 0.35), segments=12, rings=6)
    b.cone("Tail", 0.05, 0.08, (-0.17, 0, 0.15), mat=feathers, rot=(0, -60, 0), segments=8)
    for i, sy in enumerate((-1, 1), start=1):
        b.sphere(f"Eye_{i}", 0.01, (0.17, sy * 0.045, 0.25), mat=dark, segments=8, rings=4, finish="none")


def _penguin(b: Builder) -> None:
    back = b.mat("Back", "#1b1b1f", primary=True, roughness=0.6)
    belly = b.mat("Belly", "#f5f5f5", roughness=0.7)
    beak = b.mat("Beak", "#f9a825", roughness=0.5)
    b.sphere("Body", 0.17, (0, 0, 0.27), mat=back, scale=(0.9, 0.85, 1.55), segments=20, rings=10)
    b.sphere("Belly", 0.15, (0.035, 0, 0.25), mat=belly, scale=(0.85, 0.8, 1.45), segments=20, rings=10)
    b.sphere("Head", 0.1, (0, 0, 0.58), mat=back, segments=16, rings=8)
    b.cone("Beak", 0.025, 0.07, (0.12, 0, 0.57), mat=beak, rot=(0, 90, 0), segments=8)
    for i, sy in enumerate((-1, 1), start=1):
        b.sphere(f"Flipper_{i}", 0.1, (0, sy * 0.15, 0.3), mat=back, scale=(0.35, 0.15, 1.0), rot=(sy * 15, 0, 0),
                 segments=10, rings=6)  # fmt: skip
        b.sphere(
            f"Foot_{i}",
            0.045,
            (0.05, sy * 0.06, 0.015),
            mat=beak,
            scale=(1.3, 0.8, 0.3),
            segments=10,
            rings=5,
        )
        b.sphere(f"Eye_{i}", 0.012, (0.08, sy * 0.045, 0.61), mat=belly, segments=8, rings=4, finish="none")


def _teddy_bear(b: Builder) -> None:
    fur = b.mat("Fur", "#a0703c", primary=True, roughness=1.0)
    light = b.mat("Muzzle", "#d7b48a", roughness=1.0)
    dark = b.mat("Eye", DARK, roughness=0.3)
    b.sphere("Body", 0.1, (0, 0, 0.12), mat=fur, scale=(0.9, 1.0, 1.2), segments=18, rings=9)
    b.sphere("Head", 0.075, (0, 0, 0.29), mat=fur, segments=16, rings=8)
    b.sphere("Muzzle", 0.03, (0.065, 0, 0.28), mat=light, scale=(0.8, 1, 0.8), segments=12, rings=6)
    for i, sy in enumerate((-1, 1), start=1):
        b.sphere(f"Ear_{i}", 0.028, (0, sy * 0.055, 0.355), mat=fur, scale=(0.6, 1, 1), segments=10, rings=5)
        b.sphere(
            f"Arm_{i}", 0.035, (0.03, sy * 0.1, 0.15), mat=fur, scale=(1, 0.9, 1.6), segments=10, rings=5
        )
        b.sphere(
            f"Leg_{i}", 0.04, (0.06, sy * 0.06, 0.035), mat=fur, scale=(1.4, 1, 0.9), segments=10, rings=5
        )
        b.sphere(f"Eye_{i}", 0.009, (0.06, sy * 0.028, 0.31), mat=dark, segments=8, rings=4, finish="none")


def _small_animal(b: Builder) -> None:
    """Any small creature with no recipe of its own (frog, lizard, mouse, hedgehog): a low
    body, a head, four short legs and a tail; an approximation named after the prompt's word."""
    skin = b.mat("Skin", "#6f7f3a", primary=True, roughness=0.7)
    dark = b.mat("Eye", DARK, roughness=0.3)
    _four_legs(b, skin, 0.055, 0.04, 0.03, 0.012)
    b.sphere("Body", 0.07, (0, 0, 0.055), mat=skin, scale=(1.2, 0.75, 0.5), segments=18, rings=9)
    b.sphere("Head", 0.035, (0.09, 0, 0.07), mat=skin, scale=(1.2, 1.0, 0.8), segments=14, rings=7)
    b.tube("Tail", (-0.08, 0, 0.05), (-0.13, 0, 0.04), 0.008, mat=skin, segments=8)
    for i, sy in enumerate((-1, 1), start=1):
        b.sphere(f"Eye_{i}", 0.007, (0.115, sy * 0.018, 0.085), mat=dark, segments=8, rings=4, finish="none")


def _large_animal(b: Builder) -> None:
    """Any big four-legged animal with no recipe of its own (horse, cow, deer, camel): body,
    neck, head, four long legs and a tail; an approximation named after the prompt's word."""
    hide = b.mat("Hide", "#7a5a3a", primary=True, roughness=0.85)
    dark = b.mat("Eye", DARK, roughness=0.3)
    _four_legs(b, hide, 0.6, 0.18, 0.85, 0.06)
    b.sphere("Body", 0.35, (0, 0, 1.05), mat=hide, scale=(2.3, 0.9, 1.0), segments=20, rings=10)
    b.tube("Neck", (0.65, 0, 1.2), (0.85, 0, 1.55), 0.14, mat=hide, segments=12)
    b.sphere("Head", 0.14, (0.95, 0, 1.6), mat=hide, scale=(1.6, 0.8, 0.9), segments=16, rings=8)
    b.tube("Tail", (-0.78, 0, 1.15), (-0.9, 0, 0.7), 0.03, mat=hide, segments=8)
    for i, sy in enumerate((-1, 1), start=1):
        b.sphere(f"Eye_{i}", 0.02, (1.02, sy * 0.1, 1.66), mat=dark, segments=8, rings=4, finish="none")


make_recipe("dog", _dog, synonyms=("puppy", "hound", "doggy"), category=CAT, size=(0.95, 0.3, 0.63),
            default_color="#8d5524")  # fmt: skip
make_recipe(
    "cat", _cat, synonyms=("kitten", "kitty"), category=CAT, size=(0.5, 0.16, 0.4), default_color="#e0892f"
)
make_recipe("duck", _duck, synonyms=("duckling", "rubber_duck", "goose"), category=CAT, size=(0.49, 0.24, 0.3),
            default_color="#f5f5f0")  # fmt: skip
make_recipe("penguin", _penguin, synonyms=(), category=CAT, size=(0.32, 0.38, 0.68), default_color="#1b1b1f")
make_recipe("teddy_bear", _teddy_bear, synonyms=("teddy", "bear", "stuffed_animal", "plush_bear"), category=CAT,
            size=(0.2, 0.26, 0.38), default_color="#a0703c")  # fmt: skip
make_recipe("small_animal", _small_animal, category=CAT, size=(0.264, 0.105, 0.098), default_color="#6f7f3a")
make_recipe("large_animal", _large_animal, category=CAT, size=(2.1, 0.63, 1.73), default_color="#7a5a3a",
            # Its back, where a rider or a bird sits (not the top of its head).
            surface=lambda ctx: Surface(top_z=1.4 * ctx.scale, top_half_extent=(0.45 * ctx.scale, 0.2 * ctx.scale)))  # fmt: skip
