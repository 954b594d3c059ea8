"""What the critic reads from the screenshot's pixels (Pillow + numpy): colour coverage and
contrast. Hue bands are the evaluation's colour classes (see ``scene_facts.classes_of_rgb``)."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image, UnidentifiedImageError

_SAMPLE = 128
_BANDS: dict[str, tuple[tuple[float, float], ...]] = {
    "red": ((0, 16), (342, 361)),
    "orange": ((16, 42),),
    "yellow": ((42, 68),),
    "green": ((68, 170),),
    "cyan": ((170, 200),),
    "blue": ((170, 258),),
    "purple": ((258, 342),),
    "pink": ((290, 342),),
}


def image_color_fractions(png: bytes) -> tuple[dict[str, float], float]:
    """Fraction of pixels in each chromatic colour class, and the brightness spread (0..1).

    A spread near 0 means a flat image: nothing in view. An unreadable image counts as flat.
    """
    try:
        img = Image.open(io.BytesIO(png)).convert("RGB").resize((_SAMPLE, _SAMPLE))
    except (UnidentifiedImageError, OSError, ValueError):
        return {}, 0.0
    rgb = np.asarray(img, dtype=np.float64).reshape(-1, 3) / 255.0
    v = rgb.max(axis=1)
    lo = rgb.min(axis=1)
    delta = v - lo
    s = np.where(v > 0, delta / np.where(v > 0, v, 1.0), 0.0)
    safe = np.where(delta > 0, delta, 1.0)
    r, g, b = rgb[:, 0], rgb[:, 1], rgb[:, 2]
    h = (
        np.where(v == r, ((g - b) / safe) % 6, np.where(v == g, (b - r) / safe + 2, (r - g) / safe + 4))
        * 60.0
    )
    chromatic = (s >= 0.18) & (v >= 0.15) & (delta > 0)
    out: dict[str, float] = {}
    for word, bands in _BANDS.items():
        mask = np.zeros_like(chromatic)
        for a, z in bands:
            mask |= (h >= a) & (h < z)
        out[word] = float((mask & chromatic).mean())
    pinkish = chromatic & ((h < 16) | (h >= 342)) & (v > 0.7) & (s < 0.6)
    out["pink"] += float(pinkish.mean())
    lum = rgb.mean(axis=1)
    return out, float(lum.max() - lum.min())
