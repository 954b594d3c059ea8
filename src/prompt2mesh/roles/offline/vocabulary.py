"""The words the offline understander knows: colours, materials, counts, sizes, relations.

Pure data plus a few lookups; nothing here knows about Blender or recipes. Colours are sRGB
hex strings (the worker converts to linear). The CSS colour names come from Pillow's table
(the 148 CSS3 names), so "teal", "salmon" and "navy" work without a list of our own.
"""

from __future__ import annotations

from dataclasses import dataclass

from PIL import ImageColor

# Everyday colour words, and the few CSS names whose CSS value is not what people mean
# ("gold" objects are a warm metallic yellow, "brown" in CSS is a dark red).
_COMMON_COLORS: dict[str, str] = {
    "red": "#cc2222",
    "green": "#2e8b3a",
    "blue": "#2255cc",
    "yellow": "#f2d21b",
    "orange": "#f07c12",
    "purple": "#7b3fb5",
    "violet": "#8f4fd0",
    "pink": "#f08cb4",
    "brown": "#7a4a24",
    "black": "#141414",
    "white": "#f4f4f4",
    "gray": "#808080",
    "grey": "#808080",
    "silver": "#c0c0c8",
    "gold": "#d4a820",
    "golden": "#d4a820",
    "silvery": "#c0c0c8",
    "cream": "#f3e9cf",
    "beige": "#d9c7a0",
    "turquoise": "#30c8c0",
    "cyan": "#20c0d8",
    "teal": "#1f8a88",
    "navy": "#1b2a6b",
    "maroon": "#7a1a24",
    "magenta": "#d020a0",
    "lime": "#7ed321",
    "olive": "#6b7a2a",
    "copper": "#b8733a",
    "bronze": "#a0702a",
    "brass": "#c8a040",
    "crimson": "#c0142e",
    "scarlet": "#e02a14",
    "emerald": "#1f9d55",
    "ruby": "#b0122e",
    "amber": "#f0a818",
    "ivory": "#f6f2e2",
    "tan": "#c8a47a",
    "khaki": "#c3b27a",
    "lavender": "#b7a2e0",
    "indigo": "#3d2f9e",
    "aqua": "#3cd0e0",
    "charcoal": "#333638",
    "rose": "#e05a7a",
    "coral": "#f0775a",
    "mint": "#8ee0b0",
    "peach": "#f6b68a",
    "rust": "#a8461c",
    "sky": "#7ab8ec",
    "snowy": "#f6f6f8",
    "wooden": "#8b5a2b",
    "chocolate": "#5a3220",
}

_SHADE_WORDS: dict[str, float] = {"dark": 0.55, "deep": 0.65, "light": 1.45, "pale": 1.6, "bright": 1.2}

RAINBOW: tuple[str, ...] = ("#e02424", "#f08a12", "#f2d21b", "#2e9b3a", "#2255cc", "#7b3fb5")
"""Colours cycled over the instances (or parts) of something 'rainbow-coloured'."""


def _css_colors() -> dict[str, str]:
    return {name: value for name, value in ImageColor.colormap.items() if isinstance(value, str)}


COLORS: dict[str, str] = {**_css_colors(), **_COMMON_COLORS}


def shade(hex_color: str, word: str) -> str:
    """Darken or lighten ``hex_color`` for a shade word ('dark', 'light', 'pale', ...)."""
    factor = _SHADE_WORDS.get(word, 1.0)
    r, g, b = (int(hex_color[i : i + 2], 16) for i in (1, 3, 5))
    if factor < 1.0:
        r, g, b = (round(c * factor) for c in (r, g, b))
    else:
        mix = min(1.0, factor - 1.0)
        r, g, b = (round(c + (255 - c) * mix * 0.6) for c in (r, g, b))
    return f"#{r:02x}{g:02x}{b:02x}"


def is_shade_word(word: str) -> bool:
    return word in _SHADE_WORDS


@dataclass(frozen=True)
class MaterialSpec:
    """A material word made physical: base colour and the PBR values that sell it."""

    name: str
    color: str
    metallic: float = 0.0
    roughness: float = 0.5
    transmission: float = 0.0
    alpha: float = 1.0


_MATERIAL_LIST: tuple[MaterialSpec, ...] = (
    MaterialSpec("wood", "#8b5a2b", 0.0, 0.7),
    MaterialSpec("metal", "#a8a9ad", 1.0, 0.35),
    MaterialSpec("steel", "#9ea3a8", 1.0, 0.3),
    MaterialSpec("iron", "#5a5c60", 1.0, 0.5),
    MaterialSpec("gold", "#d4a820", 1.0, 0.25),
    MaterialSpec("silver", "#c0c0c8", 1.0, 0.2),
    MaterialSpec("copper", "#b8733a", 1.0, 0.3),
    MaterialSpec("bronze", "#a0702a", 1.0, 0.35),
    MaterialSpec("brass", "#c8a040", 1.0, 0.3),
    MaterialSpec("glass", "#d8ecf4", 0.0, 0.05, transmission=1.0, alpha=0.35),
    MaterialSpec("clay", "#b5562e", 0.0, 0.85),
    MaterialSpec("terracotta", "#c0603a", 0.0, 0.85),
    MaterialSpec("ceramic", "#f0eee8", 0.0, 0.3),
    MaterialSpec("porcelain", "#f6f6f4", 0.0, 0.2),
    MaterialSpec("stone", "#8a8a86", 0.0, 0.9),
    MaterialSpec("concrete", "#9a9a96", 0.0, 0.95),
    MaterialSpec("brick", "#a8452e", 0.0, 0.9),
    MaterialSpec("leather", "#6b3e26", 0.0, 0.6),
    MaterialSpec("marble", "#ecebe6", 0.0, 0.2),
    MaterialSpec("plastic", "#d0d0d0", 0.0, 0.4),
    MaterialSpec("rubber", "#202020", 0.0, 0.9),
    MaterialSpec("fabric", "#8a7f9a", 0.0, 0.95),
    MaterialSpec("wool", "#e6e0d0", 0.0, 1.0),
    MaterialSpec("paper", "#f2efe6", 0.0, 0.9),
    MaterialSpec("ice", "#cfeaf6", 0.0, 0.1, transmission=0.6),
    MaterialSpec("chrome", "#d8dadc", 1.0, 0.05),
)
MATERIALS: dict[str, MaterialSpec] = {m.name: m for m in _MATERIAL_LIST}

MATERIAL_WORDS: dict[str, str] = {
    **{m.name: m.name for m in _MATERIAL_LIST},
    "wooden": "wood",
    "timber": "wood",
    "oak": "wood",
    "pine": "wood",
    "metallic": "metal",
    "aluminium": "metal",
    "aluminum": "metal",
    "golden": "gold",
    "silvery": "silver",
    "glassy": "glass",
    "crystal": "glass",
    "stony": "stone",
    "granite": "stone",
    "cement": "concrete",
    "plastic": "plastic",
    "cloth": "fabric",
    "woolen": "wool",
    "woollen": "wool",
    "knitted": "wool",
    "icy": "ice",
    "chromed": "chrome",
}
"""Material adjectives and nouns -> canonical material name. 'pine' is only a material when
it is followed by another noun ('pine table'); the parser checks that ('pine tree' is a tree)."""

COUNT_WORDS: dict[str, int] = {
    "a": 1,
    "an": 1,
    "one": 1,
    "single": 1,
    "two": 2,
    "pair": 2,
    "couple": 2,
    "both": 2,
    "three": 3,
    "few": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "dozen": 12,
    "several": 4,
    "some": 3,
    "many": 8,
    "lots": 8,
    "bunch": 5,
    "twenty": 20,
}

SIZE_WORDS: dict[str, float] = {
    "tiny": 0.4,
    "miniature": 0.35,
    "mini": 0.45,
    "little": 0.7,
    "small": 0.7,
    "short": 0.8,
    "low": 0.8,
    "medium": 1.0,
    "big": 1.4,
    "large": 1.4,
    "tall": 1.3,
    "high": 1.3,
    "wide": 1.3,
    "huge": 2.0,
    "giant": 2.2,
    "enormous": 2.5,
    "massive": 2.2,
}

DETAIL_WORDS: dict[str, str] = {
    "smooth": "smooth",
    "detailed": "detailed",
    "intricate": "detailed",
    "realistic": "detailed",
    "polished": "smooth",
    "rounded": "smooth",
    "simple": "simple",
    "low-poly": "simple",
    "lowpoly": "simple",
    "blocky": "simple",
}

RELATION_PHRASES: tuple[tuple[str, str], ...] = (
    ("on top of", "on"),
    ("atop", "on"),
    ("riding on", "on"),
    ("riding", "on"),
    ("perched on", "on"),
    ("perched atop", "on"),
    ("sitting on", "on"),
    ("standing on", "on"),
    ("resting on", "on"),
    ("placed on", "on"),
    ("lying on", "on"),
    ("on", "on"),
    ("onto", "on"),
    ("upon", "on"),
    ("inside of", "in"),
    ("inside", "in"),
    ("within", "in"),
    ("filled with", "contains"),
    ("full of", "contains"),
    ("in front of", "in_front_of"),
    ("in", "in"),
    ("into", "in"),
    ("next to", "next_to"),
    ("to the left of", "left_of"),
    ("on the left of", "left_of"),
    ("on the left side of", "left_of"),
    ("left of", "left_of"),
    ("to the right of", "right_of"),
    ("on the right of", "right_of"),
    ("on the right side of", "right_of"),
    ("right of", "right_of"),
    ("on either side of", "next_to"),
    ("on both sides of", "next_to"),
    ("either side of", "next_to"),
    ("each side of", "next_to"),
    ("on each side of", "next_to"),
    ("at either side of", "next_to"),
    ("flanking", "next_to"),
    ("close to", "next_to"),
    ("beside", "next_to"),
    ("besides", "next_to"),
    ("alongside", "next_to"),
    ("near", "next_to"),
    ("by", "next_to"),
    ("underneath", "under"),
    ("beneath", "under"),
    ("under", "under"),
    ("above", "above"),
    ("over", "above"),
    ("flying over", "above"),
    ("floating above", "above"),
    ("below", "below"),
    ("behind", "behind"),
    ("hanging on", "hanging_on"),
    ("hanging from", "hanging_on"),
    ("hung on", "hanging_on"),
    ("hangs on", "hanging_on"),
    ("hangs from", "hanging_on"),
    ("leans against", "leaning_against"),
    ("mounted on", "hanging_on"),
    ("leaning against", "leaning_against"),
    ("leaning on", "leaning_against"),
    ("against", "leaning_against"),
    ("surrounding", "around"),
    ("around", "around"),
    ("wearing", "wearing"),
    ("with", "with"),
    ("holding", "with"),
    ("having", "with"),
)
"""Phrase -> relation, longest phrases first where they share words ('in front of' before 'in')."""

ARRANGEMENT_PHRASES: tuple[tuple[str, str], ...] = (
    ("in a row", "row"),
    ("in a line", "row"),
    ("lined up", "row"),
    ("side by side", "row"),
    ("in a circle", "ring"),
    ("in a pyramid", "pyramid"),
    ("into a pyramid", "pyramid"),
    ("as a pyramid", "pyramid"),
    ("in a heap", "pile"),
    ("piled up", "pile"),
    ("in a ring", "ring"),
    ("stacked", "stack"),
    ("in a stack", "stack"),
    ("in a pile", "pile"),
    ("piled", "pile"),
    ("scattered", "scatter"),
)

FOOD_COLORS: dict[str, str] = {
    "strawberry": "#e8506e",
    "raspberry": "#d23a64",
    "cherry": "#b01830",
    "chocolate": "#5a3220",
    "cocoa": "#5a3220",
    "coffee": "#6f4a2e",
    "caramel": "#c07a32",
    "vanilla": "#f3e5c0",
    "lemon": "#f2d93a",
    "banana": "#f2dc6a",
    "lime": "#8cc63f",
    "mint": "#8ee0b0",
    "pistachio": "#9cc46a",
    "blueberry": "#4a4aa8",
    "grape": "#6a2e7a",
    "orange": "#f08a12",
    "peach": "#f6b68a",
    "watermelon": "#e8505a",
    "apple": "#c82020",
    "tomato": "#d0302a",
    "pumpkin": "#e07a1a",
    "honey": "#e0a020",
    "cream": "#f3e9cf",
    "cheese": "#f2c94c",
    "matcha": "#8bb04a",
    "carrot": "#e8731a",
    "red velvet": "#a01c2c",
}
"""Foods and flavours that colour what they flavour or fill ('a strawberry cake' is pink,
'a chocolate cake' brown)."""

IRREGULAR_PLURALS: dict[str, str] = {
    "people": "person",
    "men": "man",
    "women": "woman",
    "mice": "mouse",
    "geese": "goose",
    "children": "child",
    "snowmen": "snowman",
    "cacti": "cactus",
    "leaves": "leaf",
    "knives": "knife",
    "shelves": "shelf",
    "wolves": "wolf",
    "fish": "fish",
    "sheep": "sheep",
    "deer": "deer",
    "glasses": "glass",
    "boxes": "box",
    "benches": "bench",
    "bushes": "bush",
}
"""Plurals that do not end in a plain -s."""

PATTERN_WORDS: dict[str, str] = {
    "striped": "stripes", "stripy": "stripes", "stripey": "stripes", "banded": "stripes",
    "checkered": "checks", "chequered": "checks", "checked": "checks", "plaid": "checks",
    "spotted": "spots", "dotted": "spots", "polka": "spots", "speckled": "spots",
}  # fmt: skip
"""Two-colour patterns ('a blue and white striped umbrella')."""

DECORATION_WORDS: frozenset[str] = frozenset({"decorated", "decorations", "ornamented", "festive"})

STOP_WORDS: frozenset[str] = frozenset(
    {
        "the",
        "of",
        "and",
        "make",
        "create",
        "build",
        "model",
        "draw",
        "generate",
        "render",
        "design",
        "show",
        "me",
        "please",
        "i",
        "want",
        "need",
        "would",
        "like",
        "could",
        "you",
        "can",
        "is",
        "are",
        "that",
        "which",
        "it",
        "its",
        "them",
        "their",
        "there",
        "scene",
        "3d",
        "colored",
        "coloured",
        "made",
        "standing",
        "sitting",
        "each",
        "very",
        "nice",
        "beautiful",
        "pretty",
        "cute",
        "cool",
        "lovely",
        "old",
        "new",
        "modern",
        "classic",
        "top",
        "for",
        "to",
        "at",
        "up",
        "both",
        "all",
        "sleeping",
        "sits",
        "sit",
        "stands",
        "stand",
        "lies",
        "placed",
        "located",
        "positioned",
        "has",
        "have",
        "flying",
        "floating",
        "hovering",
        "perched",
        "parked",
        "lying",
        "resting",
        "here",
        "together",
    }
)
"""Words that carry no modelling meaning here; they are skipped without a warning."""
