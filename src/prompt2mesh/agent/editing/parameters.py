"""The parameters each edit action takes: documented for the model, validated before codegen.

A TaskSpec's ``Operation.parameters`` is a free dict on the wire; this module gives every action
its own small schema, so a model sees exactly which keys an action needs (``PARAMETER_DOCS`` goes
into the translator prompt), a reply with the wrong keys gets a clear message it can correct,
and the code generator only ever reads validated values.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, ValidationError, field_validator

from prompt2mesh.agent.editing.taskspec import Operation, TaskSpec

Vec3 = tuple[float, float, float]
Relation = Literal["on", "under", "next_to", "in_front_of", "behind", "left_of", "right_of", "inside"]
PRIMITIVES = ("cube", "box", "sphere", "ball", "cylinder", "cone", "torus", "plane")
"""Plain shapes ``add_object`` builds directly when no recipe knows the kind."""


class _Params(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


def _triple(value: Any) -> Any:
    """One number means the same value on all three axes (``2`` -> ``[2, 2, 2]``)."""
    if isinstance(value, int | float) and not isinstance(value, bool):
        return [value, value, value]
    return value


class ScaleParams(_Params):
    factor: Vec3 = Field(description="Per-axis multipliers [x, y, z]; 1.5 = 50% bigger")

    _v = field_validator("factor", mode="before")(_triple)

    @field_validator("factor")
    @classmethod
    def _positive(cls, v: Vec3) -> Vec3:
        if any(f <= 0 for f in v):
            raise ValueError("factors must be positive multipliers such as [1.5, 1.5, 1.5]")
        return v


class MoveParams(_Params):
    offset: Vec3 = Field(description="Metres to move by [x, y, z] (x right, y back, z up)")


class AnchorParams(_Params):
    anchor: str = Field(min_length=1, description="Name of the object to put it on / next to")


class RotateParams(_Params):
    rotation: Vec3 = Field(description="Degrees to add about [x, y, z]; z turns it around")


class ColorParams(_Params):
    color: str = Field(pattern=r"^#[0-9a-fA-F]{6}$", description="sRGB hex, e.g. '#d4af37'")
    color_name: str | None = Field(default=None, description="The colour's word, e.g. 'gold'")


class MaterialParams(_Params):
    material: str = Field(min_length=1, description="Material word: gold, silver, metal, wood, glass, ...")
    color: str | None = Field(default=None, pattern=r"^#[0-9a-fA-F]{6}$", description="Optional hex colour")


class SmoothParams(_Params):
    levels: int = Field(default=2, ge=1, le=4, description="Subdivision levels")


class RoundParams(_Params):
    segments: int = Field(default=4, ge=1, le=16, description="Bevel segments")


class CountParams(_Params):
    count: int = Field(default=1, ge=1, le=50, description="How many copies")


class AddParams(_Params):
    kind: str = Field(
        min_length=1,
        validation_alias=AliasChoices("kind", "shape", "object", "type"),
        description="What to add: a thing ('gift box', 'chair', 'star') or a shape "
        "(cube, sphere, cylinder, cone, torus, plane)",
    )
    name: str | None = Field(default=None, max_length=63, description="Name for the new object")
    count: int = Field(default=1, ge=1, le=20)
    relation: Relation = Field(default="next_to", description="Where, relative to `anchor`")
    anchor: str | None = Field(default=None, description="Existing object the relation refers to")
    location: Vec3 | None = Field(
        default=None, description="World position of the new object's bottom centre; wins over relation"
    )
    size: Vec3 | float | None = Field(
        default=None, description="Metres: [width, depth, height], or one number for the height"
    )
    color: str | None = Field(default=None, pattern=r"^#[0-9a-fA-F]{6}$")
    material: str | None = Field(default=None, description="Material word (gold, wood, glass...)")

    @field_validator("relation", mode="before")
    @classmethod
    def _relation_word(cls, v: Any) -> Any:
        # "next to" / "in-front-of" are how people and models write it.
        return v.strip().lower().replace(" ", "_").replace("-", "_") if isinstance(v, str) else v


class KindParams(_Params):
    kind: str = Field(min_length=1, validation_alias=AliasChoices("kind", "shape", "object", "type"))


class ObjectsParams(_Params):
    objects: list[str] = Field(default_factory=list, description="Names to frame; [] = everything")


class NoParams(_Params):
    pass


SCHEMAS: dict[str, type[_Params]] = {
    "scale": ScaleParams,
    "move": MoveParams,
    "place_on": AnchorParams,
    "place_next_to": AnchorParams,
    "rotate": RotateParams,
    "set_color": ColorParams,
    "set_material": MaterialParams,
    "smooth": SmoothParams,
    "sharpen": NoParams,
    "round_edges": RoundParams,
    "add_object": AddParams,
    "delete": NoParams,
    "duplicate": CountParams,
    "replace_with": KindParams,
    "describe": NoParams,
    "focus_camera": ObjectsParams,
    "undo": NoParams,
}


def _doc(action: str, model: type[_Params]) -> str:
    fields = []
    for name, info in model.model_fields.items():
        mark = "" if info.is_required() else "?"
        desc = f": {info.description}" if info.description else ""
        fields.append(f"{name}{mark}{desc}")
    return f"- {action}: " + ("{" + "; ".join(fields) + "}" if fields else "{}")


PARAMETER_DOCS = "Operation.parameters per action (? = optional):\n" + "\n".join(
    _doc(a, m) for a, m in SCHEMAS.items()
)
"""The per-action parameter reference the translator prompt carries."""


def validate_parameters(op: Operation) -> dict[str, Any]:
    """The operation's parameters checked against its action's schema, normalised.

    Raises:
        ValueError: A missing, unknown or malformed key, naming the action and what it takes.
    """
    model = SCHEMAS[op.action]
    try:
        parsed = model.model_validate(op.parameters)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in e['loc']) or 'parameters'}: {e['msg']}" for e in exc.errors()[:4]
        )
        raise ValueError(
            f"{op.action} parameters {op.parameters} are invalid ({problems}); expected {_doc(op.action, model)[2:]}"
        ) from None
    return parsed.model_dump(mode="json", exclude_none=True)


def validated_spec(spec: TaskSpec) -> TaskSpec:
    """``spec`` with every operation's parameters validated and normalised.

    Raises:
        ValueError: One operation's parameters do not fit its action (all problems listed).
    """
    problems: list[str] = []
    operations: list[Operation] = []
    for i, op in enumerate(spec.operations):
        try:
            operations.append(op.model_copy(update={"parameters": validate_parameters(op)}))
        except ValueError as exc:
            problems.append(f"operations[{i}]: {exc}")
    if problems:
        raise ValueError(" | ".join(problems))
    return spec.model_copy(update={"operations": operations})
