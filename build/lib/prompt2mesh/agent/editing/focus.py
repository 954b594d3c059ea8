"""The focus stack: what "it", "this", "that one", "them" refer to (deterministic).

Priority (SPEC section 2): explicit selection (1.0), last modified (0.9), last created
(0.85), last mentioned (0.8), active object (0.7), else unresolved (0.0). Objects that no
longer exist are skipped, so a deleted object is never the answer.
"""

from __future__ import annotations

import re
from collections import deque
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

SOURCES: tuple[tuple[str, float], ...] = (
    ("selection", 1.0),
    ("last_modified", 0.9),
    ("last_created", 0.85),
    ("last_mentioned", 0.8),
    ("active", 0.7),
)
UNRESOLVED_CONFIDENCE = 0.0
MAX_COMMANDS = 20

_PRONOUN = re.compile(
    r"\b(it|its|this|that|them|these|those|they|this one|that one|the object|the thing|the same)\b", re.I
)
_PLURAL = re.compile(r"\b(them|these|those|they)\b", re.I)


def mentions_pronoun(text: str) -> bool:
    """True when the command refers to something by pronoun rather than by name."""
    return bool(_PRONOUN.search(text))


def is_plural_reference(text: str) -> bool:
    return bool(_PLURAL.search(text))


@dataclass(frozen=True)
class Resolution:
    objects: list[str]
    source: str
    confidence: float


@dataclass
class FocusStack:
    """Recent creations, modifications and mentions; persisted with the editing session."""

    selection: list[str] = field(default_factory=list)
    last_modified: list[str] = field(default_factory=list)
    last_created: list[str] = field(default_factory=list)
    last_mentioned: list[str] = field(default_factory=list)
    active: str | None = None
    commands: deque[str] = field(default_factory=lambda: deque(maxlen=MAX_COMMANDS))

    def record_command(self, text: str) -> None:
        self.commands.append(text)

    def record_created(self, names: Iterable[str]) -> None:
        self._set("last_created", names)

    def record_modified(self, names: Iterable[str]) -> None:
        self._set("last_modified", names)

    def record_mentioned(self, names: Iterable[str]) -> None:
        self._set("last_mentioned", names)

    def set_selection(self, names: Iterable[str], active: str | None = None) -> None:
        self.selection = list(dict.fromkeys(names))
        if active is not None:
            self.active = active

    def forget(self, names: Iterable[str]) -> None:
        """Drop deleted objects from every slot."""
        gone = set(names)
        for slot in ("selection", "last_modified", "last_created", "last_mentioned"):
            setattr(self, slot, [n for n in getattr(self, slot) if n not in gone])
        if self.active in gone:
            self.active = None

    def _set(self, slot: str, names: Iterable[str]) -> None:
        unique = list(dict.fromkeys(names))
        if unique:
            setattr(self, slot, unique)

    def resolve(self, existing: Iterable[str] | None = None, *, plural: bool = False) -> Resolution:
        """The objects a pronoun refers to, by the spec's priority order.

        Args:
            existing: names that exist in the scene now (others are skipped); None trusts the stack.
            plural: "them/these/those" keeps every object of the winning slot; a singular
                pronoun keeps the most recent one only.
        """
        alive = None if existing is None else set(existing)
        for source, confidence in SOURCES:
            names = [self.active] if source == "active" and self.active else getattr(self, source, [])
            if source == "active" and not self.active:
                names = []
            present = [n for n in names if alive is None or n in alive]
            if present:
                chosen = present if plural or len(present) == 1 else present[-1:]
                return Resolution(objects=chosen, source=source, confidence=confidence)
        return Resolution(objects=[], source="unresolved", confidence=UNRESOLVED_CONFIDENCE)

    def to_dict(self) -> dict[str, Any]:
        return {
            "selection": self.selection,
            "last_modified": self.last_modified,
            "last_created": self.last_created,
            "last_mentioned": self.last_mentioned,
            "active": self.active,
            "commands": list(self.commands),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> FocusStack:
        stack = cls(
            selection=list(data.get("selection", [])),
            last_modified=list(data.get("last_modified", [])),
            last_created=list(data.get("last_created", [])),
            last_mentioned=list(data.get("last_mentioned", [])),
            active=data.get("active"),
        )
        stack.commands.extend(data.get("commands", [])[-MAX_COMMANDS:])
        return stack
