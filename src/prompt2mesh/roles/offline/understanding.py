"""Prompt -> parsed spec + solved layout + the words to say back (shared by the roles)."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from prompt2mesh.roles.offline.kinds import stand_in_kind
from prompt2mesh.roles.offline.layout import Layout, Placement, solve
from prompt2mesh.roles.offline.parser import SceneSpec, parse
from prompt2mesh.roles.offline.scene_facts import main_class
from prompt2mesh.roles.offline.variation import vary
from prompt2mesh.roles.offline.vocabulary import COLORS

ENGLISH_NOTE = "the offline modeller understands English object names (no model, no network)"
"""Said wherever the offline modeller reports what it did not understand."""

_HEX_TO_WORD = {v: k for k, v in reversed(list(COLORS.items()))}
_NUMBERS = {
    1: "a",
    2: "two",
    3: "three",
    4: "four",
    5: "five",
    6: "six",
    7: "seven",
    8: "eight",
    12: "twelve",
}


def _plural_noun(noun: str) -> bool:
    """'spots', 'stripes' (not 'glass', 'bus', 'cactus'): takes no 'a'."""
    return noun.endswith("s") and not noun.endswith(("ss", "us", "is"))


def _article(adjective: str, noun: str) -> str:
    """'a ', 'an ' or nothing before '<adjective> <noun>' (a plural noun takes none: 'white spots')."""
    if _plural_noun(noun):
        return ""
    return "an " if adjective[:1] in "aeiou" else "a "


@dataclass
class Understanding:
    prompt: str
    spec: SceneSpec
    layout: Layout
    warnings: list[str] = field(default_factory=list)

    def target_detail(self) -> int:
        """Detail level the prompt asks for: 0 'simple', 1 ordinary, 2 'smooth'/'detailed'."""
        return {"simple": 0, "smooth": 2, "detailed": 2}.get(self.spec.detail or "", 1)

    def placements_for(self, names: list[str]) -> list[Placement]:
        wanted = set(names)
        return [p for p in self.layout.placements if p.name in wanted]

    def phrase(self, spec_id: int) -> str:
        """'three yellow balls', 'the blue table'."""
        obj = self.spec.get(spec_id)
        words: list[str] = []
        words.extend(obj.size_words)
        if obj.shape and obj.shape not in obj.word:
            words.append(obj.shape)
        if obj.rainbow and obj.palette != "festive":
            words.append("rainbow-coloured")
        elif obj.color_word:
            words.append(obj.color_word)
        if obj.material and obj.material not in (obj.color_word or ""):
            words.append({"wood": "wooden"}.get(obj.material, obj.material))
        noun = obj.word if obj.count == 1 else _plural(obj.word)
        count = _NUMBERS.get(obj.count, str(obj.count))
        if count == "a" and _plural_noun(noun):
            count = ""  # "white spots", not "a white spots": the word names several already
        elif count == "a" and (words or [noun])[0][0] in "aeiou":
            count = "an"
        text = " ".join(w for w in [count, *words, noun] if w)
        if obj.palette == "festive":
            text += " in red, gold, silver and blue"
        return text

    def overrides_of(self, host: str) -> str:
        """' with a red scarf', ' with white spots' for the parts of ``host`` the prompt recoloured."""
        return "".join(
            f" with {_article(main_class(o.color), part)}{main_class(o.color)} {part}"
            for o in self.layout.overrides
            if o.host == host
            for part in [o.parts[0].removeprefix(o.host + "_").split("_")[0].lower()]
        )

    def describe_group(self, members: list[Placement]) -> str:
        first = members[0]
        w, d, h = first.size
        text = f"{self.phrase(first.spec_id).capitalize()}, about {h:.2f} m tall and {max(w, d):.2f} m wide"
        if first.relation and first.target:
            text += f", {relation_words(first.relation)} {first.target}"
        text += self.overrides_of(first.name)
        how = "its recipe" if first.info.recipe else "a proxy shape (no recipe for this kind)"
        return f"{text}; built from {how}; named {', '.join(p.name for p in members[:6])}."

    def describe(self) -> str:
        """The refined prompt: what will be built, with sizes and placements."""
        parts = []
        for obj in self.spec.objects:
            members = [p for p in self.layout.placements if p.spec_id == obj.id]
            if not members:
                continue
            first = members[0]
            text = f"{self.phrase(obj.id)} (about {first.size[2]:.2f} m tall)"
            if first.relation and first.target:
                text += f" {relation_words(first.relation)} the {first.target.replace('_', ' ')}"
            parts.append(text + self.overrides_of(first.name))
        if not parts:
            return "Nothing I can build: no object in the prompt is one I know. Only the ground, lights and camera are set up."
        body = "; ".join(parts)
        return f"{body[0].upper()}{body[1:]}. Everything stands on a ground plane, lit by three lights and framed by the camera."

    def summary(self) -> list[dict[str, Any]]:
        return [
            {
                "name": p.name,
                "kind": p.kind,
                "recipe": p.info.recipe is not None,
                "location": list(p.location),
                "rotation_z": p.rotation_z,
                "scale": p.scale,
                "color": p.color,
                "relation": p.relation,
                "target": p.target,
            }
            for p in self.layout.placements
        ]


_RELATION_WORDS = {
    "top_of": "on top of",
    "decoration": "hung on",
    "worn": "worn by",
    "hanging_on": "hanging on",
    "leaning_against": "leaning against",
    "in_front_of": "in front of",
    "next_to": "next to",
}


def relation_words(relation: str) -> str:
    """How a relation reads in a sentence ('top_of' -> 'on top of')."""
    return _RELATION_WORDS.get(relation, relation.replace("_", " "))


def _plural(word: str) -> str:
    if word.endswith(("s", "x", "ch", "sh")):
        return word + "es"
    if word.endswith("y") and word[-2:-1] not in "aeiou":
        return word[:-1] + "ies"
    return word + "s"


@lru_cache(maxsize=64)
def _cached(prompt: str) -> Understanding:
    spec = parse(prompt)
    warnings: list[str] = []
    if not spec.objects:
        # No silent cube: nothing is built in place of what was not understood.
        heard = f" (not understood: {', '.join(dict.fromkeys(spec.unknown))})" if spec.unknown else ""
        warnings.append(
            f"found no object I know in the prompt{heard}; nothing was built. "
            f"{ENGLISH_NOTE[0].upper()}{ENGLISH_NOTE[1:]}: try e.g. 'a red chair next to a wooden table'"
        )
    return _finish(prompt, spec, warnings)


def _finish(prompt: str, spec: SceneSpec, warnings: list[str]) -> Understanding:
    # The spec keeps what was asked (and the variation's number); only the layout varies.
    layout = solve(vary(spec, spec.variation))
    if spec.unknown:
        warnings.append(f"words not understood (ignored): {', '.join(dict.fromkeys(spec.unknown))}")
    warnings.extend(
        f"no recipe for {kind!r}: built a simple proxy shape of the right size"
        for kind in dict.fromkeys(p.kind for p in layout.placements if p.info.recipe is None)
    )
    warnings.extend(
        f"no recipe for {word!r}: built as the nearest kind I know, {kind.replace('_', ' ')}, "
        f"which has a look of its own"
        for word, kind in dict.fromkeys(
            (o.word, o.kind)
            for o in spec.objects
            if o.id not in layout.parts and stand_in_kind(o.word, o.kind)  # not a host's own part
        )
    )
    warnings.extend(layout.warnings)
    return Understanding(prompt=prompt, spec=spec, layout=layout, warnings=warnings)


def understand(prompt: str, spec_dict: dict[str, Any] | None = None, variation: int = 0) -> Understanding:
    """Parse and lay out ``prompt`` (or re-lay out a spec stored in a refined prompt).

    Args:
        prompt: The user's words.
        spec_dict: ``RefinedPrompt.details["spec"]`` when resuming; parsed again if None.
        variation: Which variation to lay out when parsing (0: the plain one; variation.py).
            A stored ``spec_dict`` carries its own.

    Returns:
        The :class:`Understanding` (cached per prompt: parsing and layout are deterministic).
    """
    if spec_dict:
        return _from_spec(prompt, json.dumps(spec_dict, sort_keys=True))
    base = _cached(prompt)
    if variation <= 0 or not base.spec.objects:
        return base
    varied = _from_spec(prompt, json.dumps({**base.spec.to_dict(), "variation": variation}, sort_keys=True))
    return Understanding(prompt=prompt, spec=varied.spec, layout=varied.layout, warnings=list(base.warnings))


@lru_cache(maxsize=64)
def _from_spec(prompt: str, spec_json: str) -> Understanding:
    return _finish(prompt, SceneSpec.from_dict(json.loads(spec_json)), [])
