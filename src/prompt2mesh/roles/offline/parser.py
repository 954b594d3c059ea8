"""Understanding a prompt without a model: text -> :class:`SceneSpec` (objects and relations).

Deterministic and small on purpose. The sentence is read left to right as noun phrases
(count, size, colour, material, kind) joined by relation phrases ('on', 'next to', 'with'),
arrangement phrases ('in a row', 'stacked') and decoration words ('decorated', 'with a star
on top'). Words it cannot place are kept in ``SceneSpec.unknown`` so the caller can report
them instead of silently dropping them.
"""

from __future__ import annotations

import re
from typing import Any

from prompt2mesh.roles.offline import measures as M
from prompt2mesh.roles.offline import vocabulary as V
from prompt2mesh.roles.offline.kinds import DECORATION_KINDS, derived_nouns, kind_info, lexicon, word_tags
from prompt2mesh.roles.offline.spec import ObjectSpec, RelationSpec, SceneSpec

SHAPE_WORDS = frozenset({"round", "square", "rectangular", "oval", "circular", "long", "flat", "thin"})
RAINBOW_WORDS = frozenset({"rainbow", "multicolored", "multicoloured", "colorful", "colourful"})
_IRREGULAR = V.IRREGULAR_PLURALS


SETTINGS = frozenset(
    {"room", "bedroom", "kitchen", "forest", "woods", "village", "town", "city", "garden", "park", "scene",
     "landscape", "yard", "backyard", "street", "world", "environment", "setting", "office", "studio"}
)  # fmt: skip
"""Nouns that name where the objects are rather than an object."""
_SETTING_ADJECTIVES = frozenset({"living", "dining", "cozy", "cosy", "small", "big"})
_SPECIES = frozenset({"oak", "pine", "walnut", "cherry", "maple", "birch", "ebony", "orange", "rose"})
"""Material or colour words that name a species in front of a plant ('oak tree', 'pine tree')."""
_GROUP_WORDS = {
    "stack": "stack",
    "pile": "pile",
    "heap": "pile",
    "pyramid": "pyramid",
    "tower": "stack",
    "row": "row",
    "line": "row",
    "circle": "ring",
}
_IGNORED_PHRASES = tuple(
    (p, "")
    for p in (
        "in the middle", "in the center", "in the centre", "at the center", "at the centre",
        "each other", "one another", "in the background", "in the foreground",
    )
)  # fmt: skip


_NOT_DERIVED = frozenset(
    {*V.STOP_WORDS, *V.COUNT_WORDS, *_GROUP_WORDS, *V.SIZE_WORDS, *SHAPE_WORDS, *V.DETAIL_WORDS, *SETTINGS,
     *V.DECORATION_WORDS, *RAINBOW_WORDS, "pair", "couple", "set", "group", "lot", "bunch", "piece", "bit",
     "kind", "type", "style", "shape", "color", "colour", "side", "top", "bottom", "front", "back", "middle",
     "end", "edge", "corner", "view", "background", "foreground", "sky", "air", "water", "ground", "floor"}
)  # fmt: skip
"""Words never looked up in the WordNet-derived noun table (they are counts, sizes, places, or
parts of a phrase), so 'a pair of' never becomes an object."""
_PATTERN_WORDS = V.PATTERN_WORDS


def singular(word: str) -> str:
    """A plural noun's singular form (good enough for object nouns)."""
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 4 and word.endswith(("ches", "shes", "sses", "xes", "oes")):
        return word[:-2]
    if len(word) > 3 and word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


def _tokens(text: str) -> list[str]:
    text = text.lower().replace("’", "'")
    text = re.sub(r"(\d+(?:\.\d+)?)", r" \1 ", text)  # '1.5m' -> '1.5 m' (a decimal point ends no sentence)
    text = re.sub(r"(?<!\d)[.;!?]+|[.;!?]+(?!\d)", " . ", text).replace(",", " and ")
    text = re.sub(r"[^a-z0-9\-. ]+", " ", text)
    words: list[str] = []
    for w in text.split():
        if w.endswith("-colored") or w.endswith("-coloured"):
            w = w.split("-")[0]
        if "-" in w and w not in V.DETAIL_WORDS:
            words.extend(p for p in w.split("-") if p)
        else:
            words.append(w)
    return words


class _Reader:
    """The left-to-right state machine behind :func:`parse`."""

    def __init__(self, words: list[str]) -> None:
        self.w = words
        self.i = 0
        self.lex = lexicon()
        self.spec = SceneSpec()
        self.mods: dict[str, Any] = {}
        self.pending_rel: str | None = None
        self.subjects: list[int] = []
        self.host: int | None = None
        self.stray: list[str] = []
        self.saw_and = False
        self.fronted: tuple[str, int] | None = None
        self.with_host: int | None = None
        self.noun_end = -1
        self.portion: int | None = None
        """The object read from a portion word ('loaf' in 'a loaf of bread') that the next noun replaces."""
        self._relation_starts = frozenset(p.split()[0] for p, _ in V.RELATION_PHRASES)

    # --- lookups ---------------------------------------------------------------------------
    def _phrase(self, table: tuple[tuple[str, str], ...]) -> tuple[str, int] | None:
        best: tuple[str, int] | None = None
        for phrase, value in table:
            parts = phrase.split()
            if self.w[self.i : self.i + len(parts)] == parts and (best is None or len(parts) > best[1]):
                best = (value, len(parts))
        return best

    def _noun_at(self, i: int) -> tuple[str, str, int, bool] | None:
        """(kind, phrase, words used, plural) for the longest known noun phrase at ``i``."""
        for n in (3, 2, 1):
            chunk = self.w[i : i + n]
            if len(chunk) < n:
                continue
            head = singular(chunk[-1])
            phrase = " ".join([*chunk[:-1], head])
            plural = head != chunk[-1] and head not in ("fish", "sheep")
            if n == 1 and head in _MODAL_NOUNS and not self._after_determiner(i):
                continue  # 'you can make', 'can you build': the verb, not a tin can
            if phrase in self.lex:
                return self.lex[phrase], phrase, n, plural
            if self._derived_ok(chunk) or n == 1 and self._colour_names_a_thing(i):
                table = derived_nouns()
                for form in (phrase, " ".join(chunk)):
                    if form in table:
                        return table[form], form, n, plural and form == phrase
        return None

    def _after_determiner(self, i: int) -> bool:
        """Does the word at ``i`` follow an article, a number or a modifier ('a red can')?"""
        prev = self.w[i - 1] if i > 0 else ""
        return (
            prev in ("a", "an", "the", "this", "that", "some", "of")
            or prev in V.COUNT_WORDS
            or prev.isdigit()
            or prev in V.COLORS
            or prev in V.MATERIAL_WORDS
            or prev in V.SIZE_WORDS
        )

    def _measurement(self) -> bool:
        """'a 3 m tall statue' (before the noun), 'a table 1.5 m long' (after it), 'with a
        height of 2 m': a size in units, never a count. Read, it scales its object exactly."""
        word = self.w[self.i]
        if word in M.SIDE_NOUNS and self.w[self.i + 1 : self.i + 2] == ["of"]:
            measure = M.read(self.w, self.i + 2)
            if measure is None:
                return False
            measure = M.Measure(measure.metres, M.SIDES[word], measure.used)
            if self.pending_rel == "with":
                self.pending_rel = None  # 'a sphere with a radius of 2 m': no second object
            self.mods.pop("count", None)
            self.mods.pop("article", None)
            self._measure_last(measure)
            self.i += 2 + measure.used
            return True
        measure = M.read(self.w, self.i)
        if measure is None:
            return False
        j = self.i + measure.used
        while j < len(self.w) and (self._is_modifier_word(self.w[j]) or self.w[j] in M.SIDES):
            j += 1
        if j < len(self.w) and self._noun_at(j) is not None:
            self.mods["measure"] = measure  # the noun that follows takes it
            self.mods.setdefault("article", True)
        else:
            self._measure_last(measure)
        self.i += measure.used
        return True

    def _measure_last(self, measure: M.Measure) -> None:
        target = (
            self.subjects[-1] if self.subjects else (self.spec.objects[-1].id if self.spec.objects else None)
        )
        if target is None:
            self.stray.append(" ".join(self.w[self.i : self.i + measure.used]))
            return
        _apply_measure(self.spec.get(target), measure)

    def _read_portion(self) -> bool:
        """Read the word before 'of' as a portion ('a slice of', 'a loaf of'), if it is one: not a
        thing of its own, the noun after 'of' takes its place, count, colour and relations.
        True when it was (the object read for it, if any, waits in ``self.portion``)."""
        prev = singular(self.w[self.i - 1]) if self.i > 0 else ""
        if prev not in _MEASURE_WORDS:
            return False
        j = self.i + 1
        while j < len(self.w) and self._is_modifier_word(self.w[j]):
            j += 1
        if j >= len(self.w) or self._noun_at(j) is None:
            return False  # 'a bar of soap' with no soap known: the bar stays what it was
        if self.noun_end == self.i and self.spec.objects and self.spec.objects[-1].word == prev:
            self.portion = self.spec.objects[-1].id
        elif self.w[self.i - 1] in self.stray:
            self.stray.remove(self.w[self.i - 1])
        else:
            return False
        return True

    def _names_a_shade(self, word: str) -> bool:
        """A noun right before a colour that qualifies a noun ('cherry red car')."""
        nxt = self.w[self.i + 1] if self.i + 1 < len(self.w) else ""
        if nxt not in V.COLORS or word in V.COLORS or V.is_shade_word(word):
            return False
        noun = self._noun_at(self.i)
        return noun is not None and noun[2] == 1 and self._modifier_then_noun()

    def _colour_names_a_thing(self, i: int) -> bool:
        """'a peach in a bowl', 'a plum', 'a plum and a peach': a colour word after an article,
        a number or a modifier that ends its noun phrase (a relation, 'and', 'with' or the end
        follows) is the thing it is named after; 'a peach dress', 'a cherry red car', 'in pink'
        and 'a blue watering can' (a noun the reader does not know) keep it a colour."""
        if self.w[i] not in V.COLORS or not self._after_determiner(i):
            return False
        nxt = self.w[i + 1] if i + 1 < len(self.w) else None
        return (
            nxt is None
            or nxt in ("and", "with", ".")
            or any(nxt == p.split()[0] for p, _ in V.RELATION_PHRASES)
        )

    @staticmethod
    def _is_modifier_word(word: str) -> bool:
        return word in V.COLORS or word in V.MATERIAL_WORDS or word in V.SIZE_WORDS or word in SHAPE_WORDS

    def _derived_ok(self, chunk: list[str]) -> bool:
        """May ``chunk`` be looked up in the WordNet-derived table? Not counts, places, colours
        or verb forms: 'a duck swimming', 'a parked car' never build a 'swimming' or 'parked'."""
        # 'a watering can', 'a trash can': a compound's head may be a word that alone is a verb.
        head_ok = len(chunk) > 1 and chunk[-1] in _MODAL_NOUNS
        if any(
            (w in _NOT_DERIVED and not (head_ok and k == len(chunk) - 1)) or w in V.COLORS or w.isdigit()
            for k, w in enumerate(chunk)
        ):
            return False
        first = self._relation_starts
        if chunk[0] in first:
            return False
        tags = word_tags().get(chunk[-1], "")
        return "v" not in tags or not chunk[-1].endswith(("ing", "ed"))

    def _modifier_then_noun(self) -> bool:
        """Is the current word an adjective (followed by more modifiers and a noun)?"""
        j = self.i + 1
        while j < len(self.w):
            if self._noun_at(j):
                return True
            word = self.w[j]
            if not (
                word in V.COLORS or word in V.MATERIAL_WORDS or word in V.SIZE_WORDS or word in SHAPE_WORDS
            ):
                return False
            j += 1
        return False

    # --- main loop -------------------------------------------------------------------------
    def run(self) -> SceneSpec:
        while self.i < len(self.w):
            self._step()
        if self.stray:
            self.spec.unknown.extend(self.stray)
        return self.spec

    def _step(self) -> None:
        word = self.w[self.i]
        if word == ".":
            # A new sentence: nothing carries over but the objects themselves.
            self.subjects, self.pending_rel, self.host, self.mods, self.saw_and = [], None, None, {}, False
            self.with_host = None
            self.i += 1
            return
        ignored = self._phrase(_IGNORED_PHRASES)
        if ignored:
            self.i += ignored[1]
            return
        if word == "of" and self._read_portion():
            self.i += 1  # 'a loaf of bread', 'two slices of cake': the thing is what comes after
            return
        if word == "of" and self.noun_end == self.i and self.subjects:
            # "a vase of roses", "a bowl of oranges": the contents go in the container
            self._relation("contains")
            self.i += 1
            return
        if word == "the":
            self.mods["definite"] = True
            self.i += 1
            return
        if word in SETTINGS and not self._noun_at(self.i) and self._noun_at(self.i + 1):
            self.i += 1  # 'a kitchen counter', 'an office chair': the place only qualifies the noun
            return
        if word in SETTINGS and not self._noun_at(self.i):
            # "a living room with a sofa": the setting is where things are, not a thing
            self.stray = [w for w in self.stray if w not in _SETTING_ADJECTIVES]
            self.mods, self.subjects, self.host = {}, [], None
            self.i += 1
            return
        arrangement = self._phrase(V.ARRANGEMENT_PHRASES)
        if arrangement:
            if self.mods or not self.spec.objects:
                self.mods["arrangement"] = arrangement[0]  # "three stacked boxes"
            else:
                for oid in self.subjects or [self.spec.objects[-1].id]:
                    self.spec.get(oid).arrangement = arrangement[0]
            self.i += arrangement[1]
            return
        if (
            word == "on"
            and self.w[self.i + 1 : self.i + 2] == ["top"]
            and self.w[self.i + 2 : self.i + 3] != ["of"]
        ):
            self._on_top()
            self.i += 2
            return
        if word in V.DECORATION_WORDS:
            if self._modifier_then_noun() or not self.spec.objects:
                self.mods["decorated"] = True
            else:
                self.spec.objects[-1].decorated = True
            self.i += 1
            return
        if word in V.COLORS and self.w[self.i + 1 : self.i + 2] == ["and"] and self._colour_pair_follows():
            self._modifier(word)  # 'an orange and black striped vase': orange is a colour here
            self.i += 1
            return
        if self._verb_here(word):
            self.stray.append(word)
            self.i += 1
            return
        if self._names_a_shade(word):
            # 'a cherry red car', 'a sky blue bike': the noun says which red, it is not a thing.
            hue = V.FOOD_COLORS.get(word) or V.COLORS.get(word)
            if hue:
                self.mods["flavour"] = hue
            self.spec.shades.append(word)
            self.i += 1
            return
        if self._measurement():
            return
        noun = self._noun_at(self.i)
        is_adj = self._modifier_then_noun()
        if (
            noun
            and not (is_adj and noun[2] == 1 and self._is_modifier(word))
            and not self._modifier_inside(noun)
        ):
            if self._compound_modifier(noun):
                return
            self._object(*noun)
            return
        relation = self._phrase(V.RELATION_PHRASES)
        if relation and not (word == "a" or word == "an"):
            self._relation(relation[0])
            self.i += relation[1]
            return
        if self._count():
            return
        if self._modifier(word):
            self.i += 1
            return
        if word in ("it", "them", "this", "that") and self.pending_rel:
            target = self._antecedent()
            if target is not None:
                self._link(target)
                self.i += 1
                return
        if word in ("and", "plus", "also", "then"):
            nxt = self.w[self.i + 1] if self.i + 1 < len(self.w) else ""
            if word == "and" and self.mods.get("color_word") and (nxt in V.COLORS or V.is_shade_word(nxt)):
                self.mods["second_color"] = True  # 'blue and white striped'
                self.i += 1
                return
            self.saw_and = True
            self.i += 1
            return
        if word not in V.STOP_WORDS and not word.isdigit():
            self.stray.append(word)
            if self._proxy_noun_here():
                self.stray.pop()
                self._object(word, word, 1, False)
                return
        self.i += 1

    def _colour_pair_follows(self) -> bool:
        """After 'X and': another colour, then modifiers or a pattern word, then a noun."""
        j = self.i + 2
        if j >= len(self.w) or self.w[j] not in V.COLORS:
            return False
        j += 1
        while j < len(self.w) and (
            self.w[j] in _PATTERN_WORDS or self.w[j] in V.SIZE_WORDS or self.w[j] in V.MATERIAL_WORDS
        ):
            j += 1
        return j < len(self.w) and self._noun_at(j) is not None

    def _verb_here(self, word: str) -> bool:
        """A verb form right after a noun phrase ('a duck swimming', 'a man painting a wall'),
        or any verb form the lexicon does not know as a noun ('parked', 'sits')."""
        tags = word_tags().get(word, "")
        if "v" not in tags or word in _NOT_DERIVED or word in V.COLORS or word in V.MATERIAL_WORDS:
            return False
        if word in _PATTERN_WORDS or self._phrase(V.RELATION_PHRASES) or self._phrase(V.ARRANGEMENT_PHRASES):
            return False  # 'hanging on', 'filled with', 'stacked', 'striped' mean something here
        if word in self.lex or singular(word) in self.lex:
            return word.endswith(("ing", "ed")) and self.noun_end == self.i
        if word.endswith(("ing", "ed")) and self._noun_at(self.i + 1) and self.noun_end != self.i:
            return False  # 'a sleeping bag', 'a frying pan': part of a compound noun
        return self._noun_at(self.i) is None or self.noun_end == self.i

    def _compound_modifier(self, noun: tuple[str, str, int, bool]) -> bool:
        """'a strawberry cake', 'a lily pad', 'an apple tree': a noun right before another noun
        names what the second is made of, tastes of or belongs to; the head is the object."""
        after = self.i + noun[2]
        nxt = self._noun_at(after)
        if (
            after < len(self.w)
            and self.w[after].endswith("ing")
            and "v" in word_tags().get(self.w[after], "")
        ):
            return False  # 'a man painting a wall'
        if nxt is None or noun[3] or self.w[self.i + noun[2] - 1] != noun[1].split()[-1]:
            return False
        flavour = V.FOOD_COLORS.get(noun[1])
        if flavour and "color_word" not in self.mods:
            self.mods["color_word"] = noun[1]
            self.mods["flavour"] = flavour
        self.mods.setdefault("compound", []).append(noun[1])
        self.i += noun[2]
        return True

    def _modifier_inside(self, noun: tuple[str, str, int, bool]) -> bool:
        """'gold ring', 'round table': a synonym that starts with an adjective of the same kind."""
        word = self.w[self.i]
        if noun[2] < 2 or not self._is_modifier(word) or word in _SPECIES:
            return False
        rest = self._noun_at(self.i + 1)
        return rest is not None and rest[0] == noun[0] and rest[2] == noun[2] - 1

    def _antecedent(self) -> int | None:
        """What 'it' means: the 'with' host, else the first of 'A and B ... it' (B's relation
        is then to A), else the latest object that is not the subject."""
        if self.host is not None:
            return self.host
        if len(self.subjects) > 1:
            first, self.subjects = self.subjects[0], self.subjects[1:]
            return first
        others = [o.id for o in self.spec.objects if o.id not in self.subjects]
        return others[-1] if others else None

    def _is_modifier(self, word: str) -> bool:
        nxt = self.w[self.i + 1] if self.i + 1 < len(self.w) else ""
        if V.is_shade_word(word) and nxt in V.COLORS:
            return True
        return word in V.COLORS or word in V.MATERIAL_WORDS or word in V.SIZE_WORDS or word in SHAPE_WORDS

    def _proxy_noun_here(self) -> bool:
        """An unknown word closing a noun phrase that began with a count or modifiers is a noun."""
        if not self.mods:
            return False
        nxt = self.w[self.i + 1] if self.i + 1 < len(self.w) else None
        return (
            nxt is None
            or nxt in ("and", "with")
            or any(nxt == p.split()[0] for p, _ in V.RELATION_PHRASES)
            # 'a glorp sleeping on a rug': what it does ends the noun phrase
            or nxt.endswith(("ing", "ed"))
            and "v" in word_tags().get(nxt, "")
        )

    def _count(self) -> bool:
        word = self.w[self.i]
        nxt = self.w[self.i + 1] if self.i + 1 < len(self.w) else ""
        if word.isdigit():
            self.mods["count"] = max(1, min(int(word), 60))
            self.i += 1
            return True
        if word in ("a", "an") and nxt in _GROUP_WORDS and self.w[self.i + 2 : self.i + 3] == ["of"]:
            self.mods["arrangement"] = _GROUP_WORDS[nxt]  # "a stack of books" (not "a tower")
            self.i += 3
            return True
        if word in ("a", "an") and nxt in ("pair", "couple", "dozen", "few", "bunch", "lot", "set", "group"):
            self.mods["count"] = {"pair": 2, "couple": 2, "dozen": 12, "few": 3, "lot": 8}.get(nxt, 5)
            self.i += 2
            if self.w[self.i : self.i + 1] == ["of"]:
                self.i += 1
            return True
        if word in V.COUNT_WORDS:
            if word not in ("a", "an") or "count" not in self.mods:
                self.mods["count"] = V.COUNT_WORDS[word]
            self.mods.setdefault("article", True)
            self.i += 1
            if self.w[self.i : self.i + 1] == ["of"]:
                self.i += 1
            return True
        return False

    def _modifier(self, word: str) -> bool:
        nxt_noun = self._modifier_then_noun()
        if word in RAINBOW_WORDS:
            self.mods["rainbow"] = True
        elif V.is_shade_word(word) and self.i + 1 < len(self.w) and self.w[self.i + 1] in V.COLORS:
            self.mods["shade"] = word
        elif word in V.MATERIAL_WORDS and (nxt_noun or word not in V.COLORS) and (word != "pine" or nxt_noun):
            self.mods["material"] = V.MATERIAL_WORDS[word]
            if word in ("gold", "golden", "silver", "silvery", "copper", "bronze", "brass"):
                self.mods.setdefault("color_word", word)
        elif word in _PATTERN_WORDS and not self._noun_at(self.i):
            self.mods["pattern"] = _PATTERN_WORDS[word]
        elif word in V.COLORS and self.mods.get("second_color") and "color2" not in self.mods:
            self.mods["color2"] = V.COLORS[word]
        elif word in V.COLORS:
            self.mods["color_word"] = word
        elif word in V.SIZE_WORDS:
            self.mods.setdefault("size_words", []).append(word)
        elif word in SHAPE_WORDS:
            self.mods["shape"] = word
        elif word in V.DETAIL_WORDS:
            self.mods["detail"] = V.DETAIL_WORDS[word]
            self.spec.detail = self.spec.detail or V.DETAIL_WORDS[word]
        else:
            return False
        return True

    def _object(self, kind: str, phrase: str, used: int, plural: bool) -> None:
        if self.portion is not None:
            # 'a loaf of bread': the loaf already read becomes the bread, keeping its place.
            obj = self.spec.get(self.portion)
            self.portion = None
            obj.kind, obj.word = kind, " ".join([*self.mods.get("compound", []), phrase])
            if obj.color is None and self.mods.get("color_word"):
                obj.color, obj.color_word = V.COLORS[self.mods["color_word"]], self.mods["color_word"]
            self.mods = {}
            self.i += used
            self.noun_end = self.i
            return
        m = self.mods
        same = [o for o in self.spec.objects if o.kind == kind]
        if m.get("definite") and same and not plural:
            # "the table" refers to the table already built
            self.mods = {}
            self.i += used
            self._attach(same[-1].id)
            return
        default = (20 if kind in DECORATION_KINDS and kind != "star" else 3) if plural else 1
        if plural and m.get("arrangement") in ("pile", "pyramid"):
            default = 6  # 'a pile of oranges': enough for a heap (3 + 2 + 1)
        count = m.get("count", default)
        color = None
        if m.get("flavour"):
            color = m["flavour"]
        elif m.get("color_word"):
            color = V.COLORS[m["color_word"]]
            if m.get("shade"):
                color = V.shade(color, m["shade"])
        elif m.get("material"):
            color = V.MATERIALS[m["material"]].color
        elif kind_info(kind).recipe is None:
            # 'a plum', 'a cherry', 'a coral': a stand-in shape takes the colour it is named after.
            color = V.FOOD_COLORS.get(phrase) or V.COLORS.get(phrase)
        scale = 1.0
        for s in m.get("size_words", []):
            scale *= V.SIZE_WORDS[s]
        word = " ".join([*m.get("compound", []), phrase])
        if m.get("color2") and not m.get("pattern"):
            m["pattern"] = "stripes"
        obj = ObjectSpec(
            id=len(self.spec.objects),
            kind=kind,
            word=word,
            count=count,
            color=color,
            color_word=m.get("color_word"),
            rainbow=bool(m.get("rainbow")),
            material=m.get("material"),
            size_words=list(m.get("size_words", [])),
            scale=scale,
            shape=m.get("shape"),
            detail=m.get("detail"),
            decorated=bool(m.get("decorated")),
            arrangement=m.get("arrangement"),
            plural=plural or count > 1,
            color2=m.get("color2"),
            pattern=m.get("pattern"),
        )
        if m.get("measure"):
            _apply_measure(obj, m["measure"])
        self.spec.objects.append(obj)
        self.mods = {}
        self.i += used
        self.stray = [w for w in self.stray if w not in word.split()]
        self.noun_end = self.i
        self._attach(obj.id)

    def _attach(self, oid: int) -> None:
        if self.pending_rel is not None:
            self._link(oid)
        elif self.fronted is not None:
            # "On the table (there is) a vase": the relation came before its subject.
            rel, target = self.fronted
            self.fronted = None
            self.spec.relations.append(V_rel(oid, rel, target))
            self.subjects = [oid]
        elif self.saw_and and self.with_host is not None:
            # "a desk with a computer and a chair": the chair comes with the desk too
            self.spec.relations.append(V_rel(oid, "with", self.with_host))
            self.subjects = [oid]
        else:
            self.subjects = [*self.subjects, oid] if self.saw_and else [oid]
        self.saw_and = False

    def _relation(self, relation: str) -> None:
        self.with_host = None
        if relation in ("with", "wearing"):
            self.host = self.subjects[-1] if self.subjects else self.host
        self.pending_rel = relation
        self.saw_and = False

    def _link(self, target: int) -> None:
        rel = self.pending_rel
        self.pending_rel = None
        if rel in ("with", "wearing"):
            if self.host is not None and self.host != target:
                # "a vase with a flower": the flower belongs to the vase
                self.spec.relations.append(V_rel(target, rel, self.host))
                self.with_host = self.host
            self.subjects = [target]
            return
        if rel == "contains":
            # "a vase of roses on the table": the contents go in, the phrase goes on as the vase
            container = self.subjects[-1] if self.subjects else None
            if container is not None and container != target:
                self.spec.relations.append(V_rel(target, "in", container))
                self.subjects = [container]
            return
        if not self.subjects:
            self.fronted = (rel or "next_to", target)
            return
        for s in self.subjects:
            if s != target:
                self._replace_with(s, target)
                self.spec.relations.append(V_rel(s, rel or "next_to", target))
        self.subjects = [target]

    def _replace_with(self, a: int, b: int) -> None:
        """A later, explicit relation ('... with a flower in it') replaces the vague 'with'."""
        self.spec.relations = [
            r
            for r in self.spec.relations
            if not (r.a == a and r.b == b and r.relation in ("with", "wearing"))
        ]

    def _on_top(self) -> None:
        """'with a star on top': the last object sits at the apex of the host."""
        if not self.spec.objects:
            return
        last = self.spec.objects[-1].id
        host = self.host if self.host is not None and self.host != last else None
        if host is None and len(self.spec.objects) > 1:
            host = self.spec.objects[-2].id
        if host is None:
            return
        self.spec.relations = [r for r in self.spec.relations if not (r.a == last and r.b == host)]
        self.spec.relations.append(V_rel(last, "top_of", host))
        self.pending_rel = None


__all__ = ["ObjectSpec", "RelationSpec", "SceneSpec", "parse", "singular"]


def _apply_measure(obj: ObjectSpec, measure: M.Measure) -> None:
    """Scale ``obj`` so its measured side is what the prompt says (size words no longer count)."""
    scale = M.scale_for(kind_info(obj.kind).size, measure)
    if scale is None:
        return
    obj.scale = round(scale, 4)
    obj.measured = f"{measure.metres:g} m {measure.side or 'largest side'}"


_MEASURE_WORDS = frozenset(
    {"loaf", "slice", "piece", "bar", "wedge", "chunk", "stick", "scoop", "lump", "block", "slab", "portion",
     "serving", "helping", "bite", "sheet", "strip", "sprig", "stalk", "clove", "drop", "dollop", "head"}
)  # fmt: skip
"""Portion words: 'a slice of cake' is cake, 'a loaf of bread' is bread (not bread in a loaf)."""

_MODAL_NOUNS = frozenset({"can"})
"""Nouns that are also common verbs in requests: a noun only after an article or modifier."""


def V_rel(a: int, relation: str, b: int) -> RelationSpec:  # noqa: N802 - reads like a constructor
    return RelationSpec(a=a, relation=relation, b=b)


def parse(text: str) -> SceneSpec:
    """Read ``text`` into a :class:`SceneSpec`.

    Args:
        text: The user's prompt.

    Returns:
        Objects (kind, count, colour, material, size, decorations), relations between them, and
        the words that were not understood. Decorated hosts (a 'decorated Christmas tree') get
        ornaments and a star added here, so the layout sees them as ordinary objects.
    """
    spec = _Reader(_tokens(text)).run()
    _expand_decorations(spec)
    return spec


def _expand_decorations(spec: SceneSpec) -> None:
    """'decorated X' -> ornaments on X and a star at its apex unless the prompt named them."""
    for obj in list(spec.objects):
        if not obj.decorated or obj.kind in DECORATION_KINDS:
            continue
        linked = {spec.get(r.a).kind for r in spec.relations if r.b == obj.id}
        if "ornament" not in linked:
            orn = ObjectSpec(
                id=len(spec.objects),
                kind="ornament",
                word="ornament",
                count=20,
                rainbow=True,
                plural=True,
                palette="festive",
            )
            spec.objects.append(orn)
            spec.relations.append(RelationSpec(orn.id, "with", obj.id))
        if "star" not in linked and obj.kind in ("christmas_tree", "tree", "pine_tree"):
            star = ObjectSpec(
                id=len(spec.objects), kind="star", word="star", color=V.COLORS["gold"], material="gold"
            )
            spec.objects.append(star)
            spec.relations.append(RelationSpec(star.id, "top_of", obj.id))
