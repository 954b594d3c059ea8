"""Decoration points on trees: on the crown's outer surface, spread out, and an apex on top."""

from __future__ import annotations

import math

import pytest

from prompt2mesh.roles.offline.recipes import RECIPES
from prompt2mesh.roles.offline.recipes.base import BuildContext
from prompt2mesh.roles.offline.recipes.nature import _XMAS_TIERS


def _inside_a_tier(p: tuple[float, float, float]) -> bool:
    for base, radius, height in _XMAS_TIERS:
        if base <= p[2] <= base + height:
            if math.hypot(p[0], p[1]) < radius * (1 - (p[2] - base) / height) - 1e-6:
                return True
    return False


@pytest.mark.parametrize("n", [1, 12, 40])
def test_christmas_tree_decorations_sit_just_outside_the_cones(n: int) -> None:
    points = RECIPES["christmas_tree"].decorations(BuildContext(name="T"), n)  # type: ignore[misc]
    assert len(points) == n
    for point, normal in points:
        assert math.isclose(math.hypot(*normal), 1.0, abs_tol=1e-3)
        assert normal[2] > 0  # cone sides face outwards and up
        assert not _inside_a_tier(point)
        # one centimetre in along the normal is inside the tree
        assert _inside_a_tier(tuple(point[i] - 0.02 * normal[i] for i in range(3)))  # type: ignore[arg-type]


def test_decorations_are_spread_and_scale_with_the_tree() -> None:
    recipe = RECIPES["christmas_tree"]
    small = recipe.decorations(BuildContext(name="T"), 20)  # type: ignore[misc]
    big = recipe.decorations(BuildContext(name="T", scale=2.0), 20)  # type: ignore[misc]
    heights = sorted(p[2] for p, _ in small)
    assert heights[-1] - heights[0] > 1.0
    assert min(math.dist(a[0], b[0]) for i, a in enumerate(small) for b in small[i + 1 :]) > 0.05
    assert big[0][0] == pytest.approx(tuple(2 * c for c in small[0][0]), abs=1e-3)


def test_every_tree_has_an_apex_at_its_top_and_decorations() -> None:
    for kind in ("christmas_tree", "pine", "tree"):
        recipe = RECIPES[kind]
        assert recipe.apex is not None and recipe.decorations is not None
        assert recipe.apex(BuildContext(name="T")) == pytest.approx((0.0, 0.0, recipe.size[2]), abs=0.01)
        assert len(recipe.decorations(BuildContext(name="T"), 5)) == 5
