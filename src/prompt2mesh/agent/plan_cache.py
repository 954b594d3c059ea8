"""The plan cache: a passing run's plan, reused for a later request that asks for the same thing.

The similarity rule is strict and deterministic (never a model, never a fuzzy score). The
refined prompt and the person's own words are each read by the offline reader
(``roles/offline/parser``) into objects and relations; two requests match when their refined
prompts give, and their own words give,

- the same subjects: the same object nouns (singular; "cubes" = "cube"),
- the same count of each ("three chairs" never matches "four chairs"),
- the same colours, materials, patterns, shapes and size words of each,
- the same relations between them ("a cube on a table" never matches "a cube under a table"),
- the same words the reader could not place (an unexplained detail is never dropped),
- the same measurements, number and unit as written ("5 m" never matches "2 m"),

and at least one subject. Articles, word order between objects, case, punctuation and plural
forms do not matter; synonyms ("couch"/"sofa") and near numbers do. The canonical form of
that reading is the cache key (:func:`signature`).

Entries are stored only for runs whose final score is at or above the pass mark, per owner;
a lookup searches the owner's entries, or everyone's when the operator shares the cache
(``P2M_PLAN_CACHE_SHARED``). Stores implement :class:`PlanCacheStore` (the service keeps
entries in its database, the CLI in a JSON file: :class:`JsonPlanCacheStore`).
"""

from __future__ import annotations

import hashlib
import json
import re
import threading
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, Protocol

import anyio

from prompt2mesh.config import Settings

_NUMBER = re.compile(r"(\d+(?:\.\d+)?)\s*(mm|cm|m|km|in|ft|%|degrees?|°)?(?![\w.])")

LOCAL_OWNER = "local"
"""The owner of the CLI's entries (one person's machine)."""


def normalise(text: str) -> str:
    """Lower case, punctuation and repeated spaces removed: how a refined prompt is stored."""
    return " ".join(re.sub(r"[^\w\s.-]", " ", text.lower()).split()).strip(" .")


def _reading(text: str) -> dict[str, Any] | None:
    from prompt2mesh.roles.offline.parser import parse, singular

    spec = parse(text)
    if not spec.objects:
        return None
    words = {o.id: singular(o.word) for o in spec.objects}
    objects = sorted(
        (
            words[o.id],
            o.count,
            o.color_word or o.color or "",
            o.color2 or "",
            o.pattern or "",
            o.material or "",
            o.shape or "",
            " ".join(sorted(o.size_words)),
            o.decorated,
            o.rainbow,
            o.arrangement or "",
            o.detail or "",
            round(o.scale, 3),
        )
        for o in spec.objects
    )
    relations = sorted((words[r.a], r.relation, words[r.b]) for r in spec.relations)
    # Every measurement as written: "5 m tall" never matches "2 m tall", even where the reader
    # takes a measurement for a count.
    # (Plain numbers are counts, compared above: "2 cubes" = "two cubes".)
    numbers = sorted(f"{n} {unit}" for n, unit in _NUMBER.findall(normalise(text)) if unit)
    return {
        "objects": objects,
        "relations": relations,
        "unknown": sorted(set(spec.unknown)),
        "numbers": numbers,
        "detail": spec.detail or "",
    }


def signature(refined_prompt: str, original: str | None = None) -> str | None:
    """The cache key of a request: equal keys mean the rule above says "the same".

    Both readings count: a refiner may leave out a detail of the person's words ("four legs")
    that the planner still reads. None when the reader finds no subject in the refined prompt
    (such a request is never cached or matched).
    """
    reading = _reading(refined_prompt)
    if reading is None:
        return None
    words = _reading(original) if original is not None else None
    canonical = json.dumps({"refined": reading, "words": words}, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


@dataclass
class CachedPlan:
    """One stored plan and where it came from."""

    key: str
    owner: str
    run_id: str
    prompt: str
    refined_prompt: str
    plan: list[dict[str, Any]]
    final_score: int
    created_at: float = field(default_factory=time.time)


class PlanCacheStore(Protocol):
    """Where cached plans live (synchronous; called from a worker thread)."""

    def find(self, key: str, owner: str | None) -> CachedPlan | None:
        """The newest entry with ``key`` of ``owner`` (None: of any owner)."""
        ...

    def put(self, entry: CachedPlan) -> None:
        """Store ``entry``, replacing the owner's older entry with the same key."""
        ...


class JsonPlanCacheStore:
    """A JSON file of entries (the CLI's store; one person, one machine)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._lock = threading.Lock()

    def _load(self) -> list[CachedPlan]:
        try:
            rows = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return []
        except (OSError, ValueError):
            return []  # a damaged cache is an empty one: it only ever saves work
        return [CachedPlan(**row) for row in rows if isinstance(row, dict)]

    def find(self, key: str, owner: str | None) -> CachedPlan | None:
        with self._lock:
            hits = [e for e in self._load() if e.key == key and (owner is None or e.owner == owner)]
        return max(hits, key=lambda e: e.created_at) if hits else None

    def put(self, entry: CachedPlan) -> None:
        with self._lock:
            rows = [e for e in self._load() if not (e.key == entry.key and e.owner == entry.owner)]
            rows.append(entry)
            self.path.parent.mkdir(parents=True, exist_ok=True)
            partial = self.path.with_suffix(".partial")
            partial.write_text(json.dumps([asdict(e) for e in rows], indent=1), encoding="utf-8")
            partial.replace(self.path)


def planner_of(settings: Settings) -> str:
    """Who makes the plans under ``settings``: the provider and model, and for the built-in
    modeller the fingerprint of its code. A plan is reused only by the same planner: another
    model's plan (or an older modeller's, after an upgrade) is not what this one would make."""
    if settings.provider == "offline":
        from prompt2mesh.roles.offline.fingerprint import fingerprint

        return f"offline:{fingerprint()}"
    from prompt2mesh.roles.providers import DEFAULT_MODELS

    return f"{settings.provider}:{settings.model or DEFAULT_MODELS.get(settings.provider, '')}"


@dataclass
class PlanCache:
    """The cache as one run sees it: its owner, whether entries are shared, the pass mark, and
    the planner (:func:`planner_of`) whose plans it stores and serves."""

    store: PlanCacheStore
    owner: str
    shared: bool = False
    pass_score: int = 6
    planner: str = ""

    def _key(self, refined_prompt: str, original: str | None) -> str | None:
        key = signature(refined_prompt, original)
        if key is None:
            return None
        return hashlib.sha256(f"{self.planner}\n{key}".encode()).hexdigest() if self.planner else key

    async def lookup(self, refined_prompt: str, original: str | None = None) -> CachedPlan | None:
        """A stored plan of the same planner that the rule says fits this request, or None."""
        key = self._key(refined_prompt, original)
        if key is None:
            return None
        owner = None if self.shared else self.owner
        return await anyio.to_thread.run_sync(self.store.find, key, owner)

    async def remember(self, report: dict[str, Any], original: str | None = None) -> CachedPlan | None:
        """Store the plan of a finished run whose final score reached the pass mark.

        ``original`` is the person's words the plan was made for (default: the report's prompt).

        Returns:
            The stored entry, or None when the run does not qualify (not completed, below the
            pass mark, no subject the rule can read, or its plan came from the cache unchanged).
        """
        score = (report.get("totals") or {}).get("final_score")
        source = report.get("plan_source") or {}
        review = report.get("review") or {}
        if report.get("status") != "completed" or score is None or score < self.pass_score:
            return None
        if source.get("kind") == "cache" and not review.get("edited"):
            return None  # the same plan is stored already, under the run that made it
        refined = str(report.get("refined_prompt") or "")
        key = self._key(refined, original if original is not None else str(report.get("prompt") or ""))
        if key is None or not report.get("plan"):
            return None
        entry = CachedPlan(
            key=key,
            owner=self.owner,
            run_id=str(report.get("run_id")),
            prompt=str(report.get("prompt") or ""),
            refined_prompt=normalise(refined),
            plan=list(report["plan"]),
            final_score=int(score),
        )
        await anyio.to_thread.run_sync(self.store.put, entry)
        return entry
