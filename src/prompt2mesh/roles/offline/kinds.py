"""Which nouns name which kinds of object, and how to stand in for kinds without a recipe.

The lexicon is the union of the recipe library (``RECIPES``: kind + synonyms) and a table of
everyday things with real-world sizes. A kind with a recipe is built by it; a kind from the
table alone is built as a clearly named proxy (a box, cylinder, cone or sphere of the right
size) and the plan says so.
"""

from __future__ import annotations

import gzip
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from prompt2mesh.roles.offline.recipes.base import RECIPES, Recipe, Vec3


@dataclass(frozen=True)
class Proxy:
    size: Vec3
    shape: str = "cube"
    color: str = "#9a9a9a"
    flies: bool = False
    synonyms: tuple[str, ...] = ()


# Everyday things, metres (width x, depth y, height z). Sizes matter more than shapes here:
# they drive the layout when no recipe knows the kind.
PROXIES: dict[str, Proxy] = {
    "cube": Proxy((1.0, 1.0, 1.0), "cube", "#b0b0b0", synonyms=("block",)),
    "box": Proxy((0.6, 0.6, 0.6), "cube", "#a0703c", synonyms=("carton",)),
    "crate": Proxy((0.6, 0.6, 0.5), "cube", "#9a6a3a"),
    "ball": Proxy((0.3, 0.3, 0.3), "uv_sphere", "#d04040", synonyms=("sphere", "orb")),
    "table": Proxy((1.4, 0.8, 0.75), "cube", "#8b5a2b"),
    "desk": Proxy((1.4, 0.7, 0.75), "cube", "#8b5a2b"),
    "nightstand": Proxy((0.5, 0.45, 0.6), "cube", "#8b5a2b", synonyms=("bedside table",)),
    "chair": Proxy((0.5, 0.5, 0.9), "cube", "#8b5a2b"),
    "stool": Proxy((0.4, 0.4, 0.65), "cylinder", "#8b5a2b"),
    "bench": Proxy((1.6, 0.45, 0.45), "cube", "#8b5a2b"),
    "sofa": Proxy((2.0, 0.9, 0.85), "cube", "#6a6a8a", synonyms=("couch",)),
    "bed": Proxy((1.6, 2.1, 0.6), "cube", "#d8d8e8"),
    "shelf": Proxy((1.0, 0.35, 1.8), "cube", "#8b5a2b", synonyms=("bookshelf", "bookcase")),
    "cabinet": Proxy((0.9, 0.5, 1.0), "cube", "#8b5a2b", synonyms=("cupboard", "dresser")),
    "lamp": Proxy((0.3, 0.3, 0.5), "cylinder", "#f0e0b0"),
    "book": Proxy((0.17, 0.24, 0.04), "cube", "#8a2a2a"),
    "mug": Proxy((0.1, 0.1, 0.11), "cylinder", "#f0f0f0", synonyms=("cup",)),
    "bowl": Proxy((0.22, 0.22, 0.09), "cylinder", "#e8e2d0"),
    "plate": Proxy((0.26, 0.26, 0.02), "cylinder", "#f0f0f0"),
    "bottle": Proxy((0.08, 0.08, 0.3), "cylinder", "#2a7a3a"),
    "glass": Proxy((0.08, 0.08, 0.14), "cylinder", "#d8ecf4"),
    "can": Proxy((0.066, 0.066, 0.12), "cylinder", "#b8b8c0", synonyms=("tin can", "soda can", "drink can")),
    "vase": Proxy((0.18, 0.18, 0.35), "cylinder", "#3a60b0"),
    "flower_pot": Proxy((0.25, 0.25, 0.25), "cylinder", "#b5562e", synonyms=("pot", "planter")),
    "flower": Proxy((0.12, 0.12, 0.45), "cylinder", "#d02a4a", synonyms=("rose", "tulip", "daisy")),
    "cactus": Proxy((0.2, 0.2, 0.5), "cylinder", "#3a8a3a"),
    "plant": Proxy((0.4, 0.4, 0.6), "cone", "#3a8a3a"),
    "apple": Proxy((0.08, 0.08, 0.08), "uv_sphere", "#c82020"),
    "orange": Proxy((0.08, 0.08, 0.08), "uv_sphere", "#f08a12"),
    "pumpkin": Proxy((0.4, 0.4, 0.3), "uv_sphere", "#f07c12"),
    "fruit": Proxy((0.09, 0.09, 0.09), "uv_sphere", "#d04040"),
    "egg": Proxy((0.05, 0.05, 0.065), "uv_sphere", "#f4ead8"),
    "candle": Proxy((0.06, 0.06, 0.2), "cylinder", "#f4efe0"),
    "clock": Proxy((0.3, 0.05, 0.3), "cylinder", "#f0f0f0"),
    "picture": Proxy(
        (0.6, 0.04, 0.45), "cube", "#c0a060", synonyms=("painting", "frame", "poster", "mirror")
    ),
    "tv": Proxy((1.2, 0.08, 0.7), "cube", "#181818", synonyms=("television", "monitor", "screen")),
    "computer": Proxy((0.35, 0.25, 0.03), "cube", "#404040", synonyms=("laptop",)),
    "phone": Proxy((0.075, 0.15, 0.01), "cube", "#202020", synonyms=("smartphone",)),
    "tree": Proxy((2.0, 2.0, 4.0), "cone", "#2e7d32"),
    "christmas_tree": Proxy((1.6, 1.6, 2.4), "cone", "#1f6b2a"),
    "pine_tree": Proxy((1.8, 1.8, 4.5), "cone", "#1f6b2a", synonyms=("pine", "fir", "spruce", "conifer")),
    "bush": Proxy((1.0, 1.0, 0.8), "uv_sphere", "#3a8a3a", synonyms=("shrub", "hedge")),
    "rock": Proxy((0.8, 0.7, 0.5), "ico_sphere", "#808080", synonyms=("stone", "boulder")),
    "hill": Proxy((8.0, 8.0, 2.0), "uv_sphere", "#4a9a3a", synonyms=("mound",)),
    "mountain": Proxy((20.0, 20.0, 12.0), "cone", "#7a7a7a"),
    "house": Proxy((6.0, 5.0, 5.0), "cube", "#d8c8a8", synonyms=("home", "cottage", "hut")),
    "cabin": Proxy((5.0, 4.0, 4.0), "cube", "#8b5a2b", synonyms=("log cabin",)),
    "tower": Proxy((3.0, 3.0, 12.0), "cylinder", "#8a8a8a", synonyms=("lighthouse",)),
    "castle": Proxy((12.0, 12.0, 10.0), "cube", "#9a9a9a"),
    "wall": Proxy((4.0, 0.3, 2.0), "cube", "#9a9a96"),
    "fence": Proxy((4.0, 0.1, 1.0), "cube", "#c8a878"),
    "door": Proxy((0.9, 0.06, 2.0), "cube", "#8b5a2b"),
    "window": Proxy((1.0, 0.08, 1.2), "cube", "#a8d0e8"),
    "ladder": Proxy((0.5, 0.1, 3.0), "cube", "#b08040"),
    "car": Proxy((4.2, 1.8, 1.4), "cube", "#cc2222", synonyms=("automobile", "vehicle", "taxi")),
    "truck": Proxy((6.5, 2.4, 3.0), "cube", "#3060a0", synonyms=("lorry",)),
    "bus": Proxy((11.0, 2.5, 3.2), "cube", "#f2c01b"),
    "bicycle": Proxy((1.7, 0.5, 1.0), "cube", "#2255cc", synonyms=("bike",)),
    "boat": Proxy((4.0, 1.6, 1.2), "cube", "#f4f4f4", synonyms=("ship", "sailboat")),
    "airplane": Proxy((10.0, 10.0, 3.0), "cube", "#e8e8e8", True, ("plane", "aeroplane", "jet")),
    "rocket": Proxy((1.2, 1.2, 6.0), "cylinder", "#e8e8e8"),
    "launch_pad": Proxy((5.0, 5.0, 0.5), "cube", "#7a7a7a", synonyms=("launchpad", "platform", "pad")),
    "robot": Proxy((0.8, 0.5, 1.7), "cube", "#b0b4b8", synonyms=("android",)),
    "person": Proxy((0.5, 0.3, 1.75), "cylinder", "#d8a888", synonyms=("man", "woman", "human", "people")),
    "snowman": Proxy((0.8, 0.8, 1.7), "uv_sphere", "#f4f4f4"),
    "scarf": Proxy((0.35, 0.35, 0.08), "torus", "#cc2222"),
    "hat": Proxy((0.3, 0.3, 0.25), "cylinder", "#202020"),
    "umbrella": Proxy((1.0, 1.0, 1.0), "cone", "#202020", synonyms=("parasol",)),
    "star": Proxy((0.4, 0.1, 0.4), "ico_sphere", "#f2d21b"),
    "ornament": Proxy((0.1, 0.1, 0.1), "uv_sphere", "#cc2222", synonyms=("bauble",)),
    "gift": Proxy((0.4, 0.4, 0.3), "cube", "#cc2222", synonyms=("present", "package")),
    "cloud": Proxy((3.0, 1.5, 1.2), "uv_sphere", "#f4f4f8", True),
    "balloon": Proxy((0.3, 0.3, 0.4), "uv_sphere", "#e02424", True),
    "kite": Proxy((0.8, 0.05, 1.0), "cube", "#e02424", True),
    "bird": Proxy((0.25, 0.15, 0.15), "uv_sphere", "#5a4a3a", True),
    "sun": Proxy((2.0, 2.0, 2.0), "uv_sphere", "#ffd21b", True),
    "moon": Proxy((1.5, 1.5, 1.5), "uv_sphere", "#e8e8d8", True),
    "dog": Proxy((0.9, 0.3, 0.6), "cube", "#a0703c", synonyms=("puppy",)),
    "cat": Proxy((0.5, 0.2, 0.3), "cube", "#f08a30", synonyms=("kitten",)),
    "mailbox": Proxy((0.3, 0.5, 1.2), "cube", "#2255cc"),
    "barrel": Proxy((0.6, 0.6, 0.9), "cylinder", "#8b5a2b"),
    "bucket": Proxy((0.3, 0.3, 0.3), "cylinder", "#a0a0a8"),
    "basket": Proxy((0.4, 0.3, 0.25), "cylinder", "#b08a50"),
    "pillar": Proxy((0.5, 0.5, 3.0), "cylinder", "#e8e6e0", synonyms=("column",)),
    "statue": Proxy((0.8, 0.8, 2.0), "cylinder", "#a8a8a8"),
    "fountain": Proxy((2.0, 2.0, 1.2), "cylinder", "#a8a8a8"),
    "well": Proxy((1.4, 1.4, 1.0), "cylinder", "#8a8a86"),
    "bridge": Proxy((8.0, 2.5, 1.5), "cube", "#8a8a86"),
    "pyramid": Proxy((4.0, 4.0, 3.0), "cone", "#d8b878"),
    "tent": Proxy((2.4, 2.0, 1.5), "cone", "#3a8a3a"),
    "guitar": Proxy((0.38, 0.1, 1.0), "cube", "#b06a2a"),
    "piano": Proxy((1.5, 0.6, 1.2), "cube", "#141414"),
    "teapot": Proxy((0.25, 0.18, 0.18), "uv_sphere", "#f0f0f0"),
    "banana": Proxy((0.2, 0.04, 0.04), "cylinder", "#f2d21b"),
    "cake": Proxy((0.3, 0.3, 0.15), "cylinder", "#f4e0e8"),
    "donut": Proxy((0.1, 0.1, 0.04), "torus", "#d08050", synonyms=("doughnut",)),
    "ring": Proxy((0.02, 0.02, 0.005), "torus", "#d4a820"),
    "duck": Proxy((0.3, 0.2, 0.25), "uv_sphere", "#f2d21b"),
    "fish": Proxy((0.3, 0.08, 0.12), "uv_sphere", "#f08a12"),
    "sword": Proxy((0.1, 0.03, 1.0), "cube", "#c0c0c8"),
    "shield": Proxy((0.6, 0.06, 0.8), "cylinder", "#a0a0a8"),
    "key": Proxy((0.06, 0.01, 0.02), "cube", "#d4a820"),
    "coin": Proxy((0.025, 0.025, 0.003), "cylinder", "#d4a820"),
    "light": Proxy((0.05, 0.05, 0.05), "uv_sphere", "#ffe08a", synonyms=("fairy light", "bulb")),
    "candy_cane": Proxy((0.05, 0.02, 0.15), "cylinder", "#e02424"),
    "bow": Proxy((0.15, 0.05, 0.1), "cube", "#cc2222", synonyms=("ribbon",)),
    "snowflake": Proxy((0.1, 0.02, 0.1), "cube", "#e8f4ff"),
    "mushroom": Proxy((0.2, 0.2, 0.2), "cone", "#d02a2a"),
    "nose": Proxy((0.04, 0.04, 0.12), "cone", "#f07c12"),
    "roof": Proxy((6.0, 5.0, 2.0), "cone", "#8a3a2a"),
    "wheel": Proxy((0.6, 0.2, 0.6), "cylinder", "#202020"),
    "handle": Proxy((0.1, 0.02, 0.02), "cube", "#808080"),
    "lid": Proxy((0.2, 0.2, 0.03), "cylinder", "#808080"),
    "button": Proxy((0.03, 0.03, 0.01), "cylinder", "#202020"),
    "chimney": Proxy((0.6, 0.6, 1.2), "cube", "#a8452e"),
    "lantern": Proxy((0.2, 0.2, 0.35), "cylinder", "#d4a820"),
    "fireplace": Proxy((1.5, 0.5, 1.2), "cube", "#a8452e"),
    "rug": Proxy((2.0, 1.4, 0.01), "cube", "#a83a3a", synonyms=("carpet", "mat")),
    # Stand-ins for the classes of the WordNet-derived noun table (data/nouns.tsv.gz): the
    # nearest thing we can build for a noun with no recipe of its own.
    "insect": Proxy((0.04, 0.03, 0.02), "uv_sphere", "#2a2a2a"),
    "post": Proxy((0.25, 0.25, 1.2), "cylinder", "#5a6068", synonyms=("bollard",)),
    "ground_surface": Proxy((3.0, 6.0, 0.05), "cube", "#55575a"),
    "cushion": Proxy((0.45, 0.45, 0.14), "cube", "#b04a4a", synonyms=("pillow",)),
    "paper": Proxy(
        (0.21, 0.297, 0.004), "cube", "#f2efe6", synonyms=("document", "newspaper", "sheet of paper")
    ),
    "straw": Proxy((0.007, 0.007, 0.21), "cylinder", "#e84a4a", synonyms=("drinking straw",)),
    "cutlery": Proxy((0.02, 0.18, 0.01), "cube", "#c0c0c8"),
    "gadget": Proxy((0.3, 0.2, 0.2), "cube", "#505460"),
    "tool": Proxy((0.3, 0.05, 0.04), "cube", "#7a6a5a"),
    "appliance": Proxy((0.6, 0.6, 0.9), "cube", "#e8e8e8"),
    "toy": Proxy((0.25, 0.2, 0.25), "cube", "#e05a3a"),
    "board": Proxy((0.8, 0.22, 0.03), "cube", "#8b5a2b"),
    "clothing": Proxy((0.5, 0.1, 0.7), "cube", "#4a5a8a"),
    "shoe": Proxy((0.28, 0.1, 0.1), "cube", "#3a2a1a", synonyms=("boot", "sneaker")),
    "leaf": Proxy((0.12, 0.08, 0.005), "uv_sphere", "#3a8a3a"),
    "cart": Proxy((1.4, 0.8, 0.8), "cube", "#8b5a2b", synonyms=("wagon", "wheelbarrow")),
    "spot": Proxy(
        (0.03, 0.03, 0.006), "uv_sphere", "#f4f4f4", synonyms=("dot", "polka dot", "speck", "patch")
    ),
    "flag": Proxy((0.6, 0.02, 0.4), "cube", "#cc2222"),
}

DECORATION_KINDS: frozenset[str] = frozenset({"ornament", "star", "light", "candy_cane", "bow", "snowflake"})
"""Kinds that decorate a host's surface when the prompt says 'with ...' or 'decorated'."""

FLYING_KINDS: frozenset[str] = frozenset(
    {"kite", "balloon", "bird", "cloud", "sun", "moon", "airplane", "helicopter", "drone", "ufo"}
)


@dataclass(frozen=True)
class KindInfo:
    """What the layout needs to know about one kind, from its recipe or its proxy."""

    kind: str
    size: Vec3
    recipe: Recipe | None
    proxy: Proxy | None
    flies: bool


@lru_cache(maxsize=1)
def _loaded() -> bool:
    # The recipe package registers itself on import; without it we work from proxies alone.
    try:
        import prompt2mesh.roles.offline.recipes  # noqa: F401
    except ImportError:
        return False
    return True


def lexicon() -> dict[str, str]:
    """Every known noun phrase (singular, lower case, words separated by spaces) -> kind."""
    _loaded()
    out: dict[str, str] = {}
    for kind, proxy in PROXIES.items():
        out[kind.replace("_", " ")] = kind
        for syn in proxy.synonyms:
            out.setdefault(syn.replace("_", " ").lower(), kind)
    # Recipes win over the proxy table: their synonyms may move a word to a better kind.
    for kind, recipe in RECIPES.items():
        out[kind.replace("_", " ")] = kind
        for syn in recipe.synonyms:
            out[syn.replace("_", " ").replace("-", " ").lower()] = kind
    return out


def _table(name: str) -> dict[str, str]:
    text = resources.files("prompt2mesh.roles.offline").joinpath("data", name).read_bytes()
    rows = gzip.decompress(text).decode("utf-8").splitlines()
    return dict(line.split("\t", 1) for line in rows if line and not line.startswith("#"))


@lru_cache(maxsize=1)
def derived_nouns() -> dict[str, str]:
    """Noun phrase -> nearest buildable kind, derived from WordNet's hypernyms at development
    time (``scripts/derive_offline_lexicon.py``): a frog is a ``small_animal``, a workbench a
    ``table``, a lane a ``ground_surface``. An approximation, used only for nouns that neither
    a recipe nor the proxy table knows."""
    _loaded()
    known = {*RECIPES, *PROXIES}
    return {word: kind for word, kind in _table("nouns.tsv.gz").items() if kind in known}


GENERIC_KINDS: frozenset[str] = frozenset(
    {"person", "plant", "gadget", "fruit", "small_animal", "large_animal", "bird", "insect", "fish",
     "tool", "rock", "clothing", "appliance", "ground_surface", "box", "board", "paper", "toy",
     "cutlery", "cabinet", "post", "bush", "flower", "tree", "jar", "bottle", "table", "hill"}
)  # fmt: skip
"""Kinds whose recipe is a plain member of a family (an animal, a tool, a tree): a fair stand-in
for a noun of that family. Any other kind has a look of its own (a cake has frosting and
candles), so standing in for another noun (cheese) it shows something else."""


def stand_in_kind(word: str, kind: str) -> bool:
    """Was ``word`` built as ``kind`` only through the WordNet-derived table, by a recipe with a
    look of its own ('cheese' as a cake, 'doghouse' as a house)?"""
    known = lexicon()
    if kind in GENERIC_KINDS or any(w in known for w in (word, singular_phrase(word), word.split()[-1])):
        return False
    return derived_nouns().get(singular_phrase(word), derived_nouns().get(word)) == kind


def singular_phrase(phrase: str) -> str:
    from prompt2mesh.roles.offline.parser import singular

    *head, last = phrase.split() or [""]
    return " ".join([*head, singular(last)])


@lru_cache(maxsize=1)
def word_tags() -> dict[str, str]:
    """Word -> part-of-speech tags for words that are not concrete nouns: ``v`` (a verb form:
    swimming, parked, sits), ``a`` (an adjective: fluffy, striped). From WordNet, like
    :func:`derived_nouns`."""
    return _table("words.tsv.gz")


def kind_info(kind: str) -> KindInfo:
    """Size, recipe and proxy of ``kind`` (an unknown kind gets a 1 m box proxy)."""
    _loaded()
    recipe = RECIPES.get(kind)
    proxy = PROXIES.get(kind)
    if recipe is not None:
        return KindInfo(kind, recipe.size, recipe, proxy, recipe.flies or kind in FLYING_KINDS)
    if proxy is None:
        proxy = Proxy((1.0, 1.0, 1.0), "cube", "#9a9a9a")
    return KindInfo(kind, proxy.size, None, proxy, proxy.flies or kind in FLYING_KINDS)
