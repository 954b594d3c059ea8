"""What the critic reads from the screenshot's pixels (Pillow): colour coverage and contrast."""

from __future__ import annotations

import io

import numpy as np
from PIL import Image, UnidentifiedImageError

from prompt2mesh.models.offline.scene_facts import classes_of_rgb

_SAMPLE = 64


def image_color_fractions(png: bytes) -> tuple[dict[str, float], float]:
    """Fraction of pixels in each colour class, and the image's spread of brightness (0..1).

    A spread near 0 means a flat image: nothing in view. An unreadable image counts as flat.
    """
    try:
        img = Image.open(io.BytesIO(png)).convert("RGB").resize((_SAMPLE, _SAMPLE))
    except (UnidentifiedImageError, OSError, ValueError):
        return {}, 0.0
    pixels = np.asarray(img, dtype=np.uint8).reshape(-1, 3).tolist()
    counts: dict[str, int] = {}
    lum = []
    for r, g, b in pixels:
        lum.append((r + g + b) / 765)
        for c in classes_of_rgb(r / 255, g / 255, b / 255):
            counts[c] = counts.get(c, 0) + 1
    n = len(pixels) or 1
    return {c: k / n for c, k in counts.items()}, max(lum) - min(lum)
