"""The offline modeler's recipe library: parametric builders of everyday things.

Importing this package registers every recipe in :data:`RECIPES`; :func:`lookup` maps a word
from a prompt ("chairs", "Christmas tree", "couch") to its recipe.

Beyond the conventions in :mod:`.base`: furniture, buildings and characters face -Y, vehicles
and animals face +x; every recipe (flying ones too) is built with its lowest point at its
origin; ``Surface.anchors`` names attachment points (a snowman's and a scarf's ``neck``, an
ornament's and a star's ``centre``); options understood: ``round`` (table), ``neck_radius``
(scarf). Part names never contain another kind's word (a house's door is ``Entrance``), except
the snowman's own ``Scarf_*`` and ``Hat_*``, which a prompt may recolour.
"""

from __future__ import annotations

from prompt2mesh.roles.offline.recipes import (  # noqa: F401  (importing registers the recipes)
    animals,
    characters,
    electronics,
    festive,
    food,
    furniture,
    household,
    interior,
    misc,
    nature,
    outdoor,
    shapes,
    sky,
    structures,
    treasure,
    vehicles,
)
from prompt2mesh.roles.offline.recipes.base import RECIPES, BuildContext, Recipe, Surface

__all__ = ["RECIPES", "BuildContext", "Recipe", "Surface", "lookup", "normalize"]

_IRREGULAR = {
    "dice": "dice",
    "die": "dice",
    "leaves": "leaf",
    "geese": "goose",
    "mice": "mouse",
    "people": "person",
    "men": "man",
    "women": "woman",
    "children": "child",
    "cacti": "cactus",
    "fish": "fish",
}


def normalize(word: str) -> str:
    """Lower-case, spaces and hyphens as underscores: ``"Christmas tree"`` -> ``christmas_tree``."""
    return "_".join(word.strip().lower().replace("-", " ").replace("_", " ").split())


def _index() -> dict[str, Recipe]:
    index: dict[str, Recipe] = {}
    for recipe in RECIPES.values():
        for name in (recipe.kind, *recipe.synonyms):
            index.setdefault(normalize(name), recipe)
    return index


def _singulars(word: str) -> list[str]:
    """Candidate singular forms of ``word`` (only its last ``_`` part is plural)."""
    head, _, last = word.rpartition("_")
    prefix = f"{head}_" if head else ""
    out: list[str] = []
    if last in _IRREGULAR:
        out.append(_IRREGULAR[last])
    if last.endswith("ies") and len(last) > 4:
        out.append(last[:-3] + "y")
    if last.endswith("ves") and len(last) > 4:
        out += [last[:-3] + "f", last[:-3] + "fe"]
    if last.endswith("es") and len(last) > 3:
        out.append(last[:-2])
    if last.endswith("s") and not last.endswith("ss") and len(last) > 2:
        out.append(last[:-1])
    return [prefix + w for w in out]


def lookup(word: str) -> Recipe | None:
    """The recipe for a kind word, its synonym or their plural; None when there is none."""
    key = normalize(word)
    if not key:
        return None
    index = _index()
    if key in index:
        return index[key]
    for candidate in _singulars(key):
        if candidate in index:
            return index[candidate]
    return None
