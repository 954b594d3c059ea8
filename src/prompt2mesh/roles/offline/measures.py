"""Measurements in a prompt: 'a 3 m tall statue', 'a table 1.5 metres long', 'a 50 cm wide box'.

A number followed by a unit is a size, never a count ('a 50 cm box' is one box). The optional
word after the unit says which side it measures; without one, the largest side. The offline
modeller scales each kind uniformly, so the measured side comes out exactly as asked and the
others keep the kind's proportions.
"""

from __future__ import annotations

from dataclasses import dataclass

UNITS: dict[str, float] = {
    "m": 1.0, "meter": 1.0, "meters": 1.0, "metre": 1.0, "metres": 1.0,
    "cm": 0.01, "centimeter": 0.01, "centimeters": 0.01, "centimetre": 0.01, "centimetres": 0.01,
    "mm": 0.001, "millimeter": 0.001, "millimeters": 0.001, "millimetre": 0.001, "millimetres": 0.001,
    "km": 1000.0, "kilometer": 1000.0, "kilometers": 1000.0, "kilometre": 1000.0, "kilometres": 1000.0,
    "ft": 0.3048, "foot": 0.3048, "feet": 0.3048, "inch": 0.0254, "inches": 0.0254,
    "yard": 0.9144, "yards": 0.9144,
}  # fmt: skip
"""Unit words -> metres ('in' is left out: it is far more often the preposition)."""

SIDES: dict[str, str] = {
    "tall": "height", "high": "height", "height": "height",
    "long": "length", "length": "length",
    "wide": "width", "width": "width", "across": "diameter", "diameter": "diameter",
    "deep": "depth", "depth": "depth", "thick": "thickness", "thickness": "thickness",
    "radius": "radius",
}  # fmt: skip
"""Words that say which side a measurement is of."""

SIDE_NOUNS = frozenset({"height", "length", "width", "depth", "diameter", "radius", "thickness"})
"""'a height of 3 m', 'with a radius of 2 m'."""

MAX_METRES = 500.0
"""Beyond this a measurement is not honoured (the scene would not fit a camera)."""


@dataclass(frozen=True)
class Measure:
    metres: float
    side: str | None
    """height, length, width, depth, diameter, radius, thickness; None: the largest side."""
    used: int
    """How many words the measurement took."""


def number(word: str) -> float | None:
    """'3' -> 3.0, '1.5' -> 1.5; None for anything else."""
    try:
        value = float(word)
    except ValueError:
        return None
    return value if value == value and value not in (float("inf"), float("-inf")) else None


def read(words: list[str], i: int) -> Measure | None:
    """The measurement starting at ``words[i]`` ('3 m tall', '2 metres in diameter'), or None."""
    value = number(words[i]) if i < len(words) else None
    unit = words[i + 1] if i + 1 < len(words) else ""
    if value is None or unit not in UNITS or value <= 0:
        return None
    used, side = 2, None
    nxt = words[i + 2] if i + 2 < len(words) else ""
    if nxt in SIDES:
        used, side = 3, SIDES[nxt]
    elif nxt == "in" and i + 3 < len(words) and words[i + 3] in SIDE_NOUNS:
        used, side = 4, SIDES[words[i + 3]]  # '2 m in diameter'
    return Measure(metres=value * UNITS[unit], side=side, used=used)


def scale_for(size: tuple[float, float, float], measure: Measure) -> float | None:
    """The uniform scale that gives a kind of ``size`` (w, d, h in metres) the measured side;
    None when the measurement is out of range (zero sides, over :data:`MAX_METRES`)."""
    w, d, h = size
    side = {
        "height": h,
        "length": max(w, d),
        "width": w,
        "depth": d,
        "diameter": max(w, d),
        "radius": max(w, d) / 2,
        "thickness": min(w, d, h),
        None: max(w, d, h),
    }[measure.side]
    if side <= 0 or measure.metres > MAX_METRES:
        return None
    return measure.metres / side
