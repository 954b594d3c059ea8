"""Accounting for every content word of the prompt: what became of it in the build?

The critic judges against the person's words, not against the parser's reading of them. Each
content word is *built* (it names an object that was planned), *applied* (a colour, material,
size, shape, count, detail or arrangement word), a *relation* word, a *setting* ('in a room'),
or *not accounted for*. Words built only as a proxy for a kind nobody knows are listed too:
a named grey box is not the thing the person asked for.

The prompt's *subject* is the head of its first noun phrase ("A duck swimming in a pond" ->
duck): a model that does not show it cannot pass, however tidy the rest is.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache

from prompt2mesh.roles.offline import measures as M
from prompt2mesh.roles.offline import vocabulary as V
from prompt2mesh.roles.offline.kinds import PROXIES, RECIPES
from prompt2mesh.roles.offline.parser import RAINBOW_WORDS, SETTINGS, SHAPE_WORDS, singular
from prompt2mesh.roles.offline.spec import SceneSpec

_FILLER = frozenset(
    {"a", "an", "with", "some", "please", "in", "on", "of", "by", "from", "as", "into", "this", "these",
     "those", "my", "his", "her", "our", "your", "be", "being", "was", "were", "will", "just", "really",
     "quite", "so", "too", "also", "then", "plus", "than", "while", "where", "who", "what", "how"}
)  # fmt: skip
"""Grammar words: never content, whatever the parser did with them."""
_APPLIED_KINDS = (
    ("colour", lambda w: w in V.COLORS or V.is_shade_word(w)),
    ("material", lambda w: w in V.MATERIAL_WORDS),
    ("size", lambda w: w in V.SIZE_WORDS or w in M.UNITS or w in M.SIDES),
    ("shape", lambda w: w in SHAPE_WORDS),
    ("detail", lambda w: w in V.DETAIL_WORDS),
    ("colour", lambda w: w in RAINBOW_WORDS),
    ("count", lambda w: w in V.COUNT_WORDS or w.isdigit()),
    ("decoration", lambda w: w in V.DECORATION_WORDS),
)


@lru_cache(maxsize=1)
def _relation_words() -> frozenset[str]:
    words = {w for phrase, _ in V.RELATION_PHRASES for w in phrase.split()}
    words |= {w for phrase, _ in V.ARRANGEMENT_PHRASES for w in phrase.split()}
    return frozenset(words | {"wearing", "holding", "top", "with", "row", "line", "stack", "pile"})


@lru_cache(maxsize=1)
def _first_relation_words() -> frozenset[str]:
    return frozenset(phrase.split()[0] for phrase, _ in V.RELATION_PHRASES) | {"with", "wearing", "holding"}


@lru_cache(maxsize=1)
def _kinds() -> frozenset[str]:
    from prompt2mesh.roles.offline.kinds import lexicon

    return frozenset(lexicon())


def known_kind(kind: str) -> bool:
    """Does any recipe or the everyday-things table know ``kind``?"""
    return kind in RECIPES or kind in PROXIES


def words_of(prompt: str) -> list[str]:
    """The prompt's words, lower case, letters of any alphabet (emoji and punctuation dropped)."""
    text = unicodedata.normalize("NFKC", prompt).lower().replace("’", "'")
    return re.findall(r"[^\W_]+(?:-[^\W_]+)*", text)


def is_english_word(word: str) -> bool:
    return word.isascii()


@dataclass
class WordAccount:
    """What became of each content word of the prompt."""

    built: dict[str, list[str]] = field(default_factory=dict)
    """word -> kinds built for it (with a recipe or as a known kind's proxy)."""
    proxies: dict[str, str] = field(default_factory=dict)
    """word -> kind it was built as although nobody knows that kind (a named stand-in box)."""
    applied: dict[str, str] = field(default_factory=dict)
    """word -> what it was used as (colour, material, size, ...)."""
    relations: list[str] = field(default_factory=list)
    settings: list[str] = field(default_factory=list)
    not_understood: list[str] = field(default_factory=list)
    subject: str | None = None
    """The head word of the prompt's first noun phrase (None: the prompt has no words)."""
    subject_kind: str | None = None
    """The kind built for the subject (None: the subject was not built, or only as a proxy)."""
    subject_colors: list[str] = field(default_factory=list)
    """Colour words of the subject's own phrase ('a red fire truck': the truck is red)."""
    foreign: bool = False
    """The prompt is not English (words outside the ASCII alphabet, or almost none understood)."""

    @property
    def understood_anything(self) -> bool:
        return bool(self.built)

    def summary(self) -> str:
        """'understood: tree (built), red (colour); not understood: frog'."""
        parts = [f"{w} (built)" for w in self.built]
        parts += [f"{w} ({what})" for w, what in self.applied.items()]
        parts += [f"{w} (relation)" for w in dict.fromkeys(self.relations)]
        text = "understood: " + (", ".join(parts) if parts else "nothing")
        if self.proxies:
            text += "; built only as stand-in boxes (unknown kinds): " + ", ".join(self.proxies)
        if self.not_understood:
            text += "; not understood: " + ", ".join(self.not_understood)
        return text


def _spec_words(spec: SceneSpec, built_kinds: set[str] | None) -> tuple[dict[str, str], dict[str, str]]:
    """word -> kind, for objects built from known kinds and for unknown-kind proxies."""
    known: dict[str, str] = {}
    proxy: dict[str, str] = {}
    for obj in spec.objects:
        if built_kinds is not None and obj.kind not in built_kinds:
            continue
        table = known if known_kind(obj.kind) else proxy
        for w in [*obj.word.split(), *obj.kind.split("_")]:
            table.setdefault(w, obj.kind)
    return known, proxy


def _subject_phrase(words: list[str]) -> list[str]:
    """Content words of the first noun phrase: from the first content word to the first
    relation word ('with', 'on', 'next', ...), skipping command verbs and articles."""
    out: list[str] = []
    for w in words:
        if w in _first_relation_words() and out:
            break
        if out and (w in ("and", "a", "an", "the") or _participle(w)):
            break  # "a dragon guarding a pile of coins": the verb or a new article ends the phrase
        if out and w == "of" and singular(out[-1]) in _kinds():
            break  # "a cup of coffee" is a cup; "a pile of coins" is coins
        if w in V.STOP_WORDS or w in _FILLER or w in ("and",):
            continue
        out.append(w)
    return out


def _participle(w: str) -> bool:
    return len(w) > 4 and w.endswith(("ing", "ed")) and singular(w) == w and w not in V.DECORATION_WORDS


def _head(phrase: list[str]) -> str | None:
    """The noun a phrase is about: its last word that is not a modifier or a participle."""
    for w in reversed(phrase):
        if any(test(w) for _, test in _APPLIED_KINDS) or w in V.DECORATION_WORDS:
            continue
        if _participle(w) or w in V.DECORATION_WORDS:
            continue  # 'swimming', 'decorated': what it does, not what it is
        return w
    return None


def account(prompt: str, spec: SceneSpec, built_kinds: set[str] | None = None) -> WordAccount:
    """Account for each content word of ``prompt`` against ``spec`` (and, when given, the kinds
    that really exist in the scene: a planned object that is not there accounts for nothing).

    Args:
        prompt: The person's words.
        spec: What the parser read (objects with their words and kinds).
        built_kinds: Kinds present in the finished scene; None trusts the spec.

    Returns:
        The :class:`WordAccount`.
    """
    words = words_of(prompt)
    known, proxy = _spec_words(spec, built_kinds)
    acc = WordAccount()
    for w in words:
        s = singular(w)
        if (w in V.STOP_WORDS or w in _FILLER) and s not in known and s not in proxy:
            continue  # a grammar word, unless the parser read it as a thing ('a red can')
        if w in known or s in known:
            acc.built.setdefault(w, []).append(known.get(w) or known[s])
        elif w in proxy or s in proxy:
            acc.proxies[w] = proxy.get(w) or proxy[s]
        elif any(test(w) for _, test in _APPLIED_KINDS):
            acc.applied[w] = next(name for name, test in _APPLIED_KINDS if test(w))
        elif w in spec.shades:
            acc.applied[w] = "colour"  # 'cherry' in 'a cherry red car'
        elif w in _relation_words():
            acc.relations.append(w)
        elif w in SETTINGS or w in ("living", "dining"):
            acc.settings.append(w)
        else:
            acc.not_understood.append(w)
    acc.not_understood = list(dict.fromkeys(acc.not_understood))
    acc.foreign = any(not is_english_word(w) for w in words) or (
        not acc.built and len(acc.not_understood) >= max(1, len(words) // 2)
    )
    phrase = _subject_phrase(words)
    if phrase and all(w in SETTINGS or w in ("living", "dining") for w in phrase):
        # "A living room with a sofa": the setting frames the scene; its first object is the subject
        rest = words[words.index(phrase[-1]) + 1 :]
        phrase = _subject_phrase([w for w in rest if w not in _first_relation_words()]) or phrase
    acc.subject = _head(phrase)
    acc.subject_colors = [w for w in phrase if w in V.COLORS and w not in V.MATERIAL_WORDS]
    if acc.subject is not None:
        s = singular(acc.subject)
        acc.subject_kind = known.get(acc.subject) or known.get(s)
    return acc


def name_words(name: str) -> list[str]:
    """'Christmas_Tree.001' -> ['christmas', 'tree'] (the words the checker matches names by)."""
    return [singular(w) for w in re.split(r"[^a-z]+", re.sub(r"([a-z])([A-Z])", r"\1 \2", name).lower()) if w]


def account_names(prompt: str, object_names: list[str]) -> WordAccount:
    """Account for the prompt's words against the scene's object names (a model-made plan has
    no parsed spec): a noun is built when some object is named after it, as the checker finds it."""
    named: dict[str, str] = {}
    for name in object_names:
        for w in name_words(name):
            named.setdefault(w, name)
    acc = WordAccount()
    words = words_of(prompt)
    for w in words:
        if w in V.STOP_WORDS or w in _FILLER:
            continue
        s = singular(w)
        if s in named:
            acc.built.setdefault(w, []).append(named[s])
        elif any(test(w) for _, test in _APPLIED_KINDS):
            acc.applied[w] = next(n for n, test in _APPLIED_KINDS if test(w))
        elif w in _relation_words():
            acc.relations.append(w)
        elif w in SETTINGS:
            acc.settings.append(w)
        else:
            acc.not_understood.append(w)
    acc.not_understood = list(dict.fromkeys(acc.not_understood))
    acc.subject = _head(_subject_phrase(words))
    if acc.subject is not None and singular(acc.subject) in named:
        acc.subject_kind = named[singular(acc.subject)]
    acc.foreign = any(not is_english_word(w) for w in words)
    return acc
