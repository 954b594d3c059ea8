"""Variations of one prompt ("show me a few"): the same objects, relations, counts and colour
families, with other proportions, shades and arrangements.

A variation number ``n > 0`` seeds a random generator, so variation 2 of a prompt is the
same model every time (a resumed run rebuilds what it started) and differs from variation 3.
Only what the prompt left open changes:

- proportions: each object's size by a factor in [0.8, 1.2] ([0.92, 1.08] when the prompt
  gave a size word: 'small' stays small);
- colours: a shade of the asked colour whose colour class (the checker's and the critic's
  word for it: red, dark red = red + brown, ...) is exactly the asked one's, else the asked
  colour itself;
- arrangement: several objects on the ground without an asked arrangement stand in a row, a
  grid or a ring.
"""

from __future__ import annotations

import colorsys
import random
from dataclasses import replace

from prompt2mesh.roles.offline.scene_facts import color_classes
from prompt2mesh.roles.offline.spec import ObjectSpec, SceneSpec

SCALE_RANGE = (0.8, 1.2)
SIZED_SCALE_RANGE = (0.92, 1.08)
"""Narrower where the prompt gave a size word: 'small' stays small."""
ARRANGEMENTS = (None, "row", "ring")
"""None is the default (a row up to five, a grid beyond)."""
_SHADE_TRIES = 12


def _shade(rng: random.Random, hex_color: str) -> str:
    """A nearby shade in exactly the same colour classes (or the colour itself)."""
    wanted = color_classes(hex_color)
    r, g, b = (int(hex_color[i : i + 2], 16) / 255 for i in (1, 3, 5))
    h, s, v = colorsys.rgb_to_hsv(r, g, b)
    for _ in range(_SHADE_TRIES):
        candidate = colorsys.hsv_to_rgb(
            (h + rng.uniform(-0.02, 0.02)) % 1.0,
            min(1.0, max(0.0, s + rng.uniform(-0.15, 0.15))),
            min(1.0, max(0.0, v + rng.uniform(-0.18, 0.18))),
        )
        out = "#" + "".join(f"{round(c * 255):02x}" for c in candidate)
        if out != hex_color.lower() and color_classes(out) == wanted:
            return out
    return hex_color


def _vary_object(rng: random.Random, obj: ObjectSpec, anchored: bool) -> ObjectSpec:
    changes: dict[str, object] = {}
    span = SIZED_SCALE_RANGE if obj.size_words else SCALE_RANGE
    if not obj.measured:  # a size given in metres is what was asked, in every variation
        changes["scale"] = round(obj.scale * rng.uniform(*span), 3)
    if obj.color and obj.color.startswith("#") and len(obj.color) == 7 and not obj.rainbow:
        changes["color"] = _shade(rng, obj.color)
    if obj.color2 and obj.color2.startswith("#") and len(obj.color2) == 7:
        changes["color2"] = _shade(rng, obj.color2)
    if obj.count > 1 and obj.arrangement is None and not anchored:
        changes["arrangement"] = rng.choice(ARRANGEMENTS)
    return replace(obj, **changes)  # type: ignore[arg-type]


def vary(spec: SceneSpec, variation: int) -> SceneSpec:
    """The spec of variation ``variation`` (0: the spec itself)."""
    if variation <= 0:
        return spec
    rng = random.Random(f"p2m-variation-{variation}")
    anchored = {rel.a for rel in spec.relations}
    return replace(spec, objects=[_vary_object(rng, o, o.id in anchored) for o in spec.objects])
