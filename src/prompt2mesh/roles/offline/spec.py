"""The parsed scene: objects (noun phrases) and the relations between them."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any


@dataclass
class ObjectSpec:
    """One noun phrase: ``count`` things of ``kind`` named after ``word``."""

    id: int
    kind: str
    word: str
    count: int = 1
    color: str | None = None
    color_word: str | None = None
    rainbow: bool = False
    material: str | None = None
    size_words: list[str] = field(default_factory=list)
    scale: float = 1.0
    shape: str | None = None
    detail: str | None = None
    decorated: bool = False
    arrangement: str | None = None
    palette: str | None = None
    """'festive' for ornaments the prompt only implied ('decorated'); else colours as asked."""
    plural: bool = False
    color2: str | None = None
    """The second colour of a two-colour pattern ('blue and white striped')."""
    pattern: str | None = None
    """'stripes', 'checks' or 'spots' when the prompt names a two-colour pattern."""
    measured: str | None = None
    """The size the prompt gave in units ('3 m height'): ``scale`` makes it exact, and a
    variation keeps it."""


@dataclass
class RelationSpec:
    a: int
    relation: str
    b: int


@dataclass
class SceneSpec:
    objects: list[ObjectSpec] = field(default_factory=list)
    relations: list[RelationSpec] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)
    shades: list[str] = field(default_factory=list)
    """Nouns read as which colour rather than as things ('cherry' in 'a cherry red car')."""
    detail: str | None = None
    variation: int = 0
    """Which variation of the prompt to lay out (0: the plain one; see variation.py)."""

    def get(self, oid: int) -> ObjectSpec:
        return next(o for o in self.objects if o.id == oid)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> SceneSpec:
        return cls(
            objects=[ObjectSpec(**o) for o in data.get("objects", [])],
            relations=[RelationSpec(**r) for r in data.get("relations", [])],
            unknown=list(data.get("unknown", [])),
            shades=list(data.get("shades", [])),
            detail=data.get("detail"),
            variation=int(data.get("variation") or 0),
        )
