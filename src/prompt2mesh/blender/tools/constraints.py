"""Object constraints: track, copy, child-of, follow-path, limits; targets by object name."""

from typing import Annotated, Any, Literal

import bpy
from pydantic import Field

from prompt2mesh.blender.errors import InvalidArgument, NotFound, WrongType
from prompt2mesh.blender.registry import tool
from prompt2mesh.blender.runtime import Worker
from prompt2mesh.blender.tools._common import Name, get_object, refresh
from prompt2mesh.blender.tools._rna import OptionValue, apply_options, read, settable

ConstraintType = Literal[
    "track_to",
    "damped_track",
    "locked_track",
    "copy_location",
    "copy_rotation",
    "copy_scale",
    "copy_transforms",
    "child_of",
    "follow_path",
    "clamp_to",
    "limit_distance",
    "limit_location",
    "limit_rotation",
    "limit_scale",
    "stretch_to",
    "floor",
    "shrinkwrap",
    "pivot",
]
#: Constraints whose target must be a curve.
CURVE_TARGETS = frozenset({"FOLLOW_PATH", "CLAMP_TO"})
#: Constraints that do nothing without a target.
NEEDS_TARGET = frozenset(
    {
        "TRACK_TO",
        "DAMPED_TRACK",
        "LOCKED_TRACK",
        "COPY_LOCATION",
        "COPY_ROTATION",
        "COPY_SCALE",
        "COPY_TRANSFORMS",
        "CHILD_OF",
        "FOLLOW_PATH",
        "CLAMP_TO",
        "LIMIT_DISTANCE",
        "STRETCH_TO",
        "FLOOR",
        "SHRINKWRAP",
    }
)
# Internals no caller should set: inverse matrices, bone-only and pending flags.
HIDDEN: tuple[str, ...] = (
    "name",
    "type",
    "target",
    "subtarget",
    "inverse_matrix",
    "set_inverse_pending",
    "use_bbone_shape",
)
HIDDEN += ("show_expanded", "active", "enabled", "space_subtarget")
# Evaluation spaces are settable but rarely changed: reported only when not WORLD.
_SPACES = ("owner_space", "target_space", "space_object")
Options = Annotated[
    dict[str, OptionValue],
    Field(
        description="Blender constraint properties, angles in degrees, e.g. track_axis:'TRACK_NEGATIVE_Z', "
        "up_axis:'UP_Y', offset, use_curve_follow, use_fixed_location, offset_factor, distance, "
        "use_min_z, min_z; a wrong key lists the valid ones"
    ),
]
Influence = Annotated[float | None, Field(ge=0, le=1, description="0..1; null = keep (new: 1)")]


def _target(obj: bpy.types.Object, kind: str, name: str | None) -> bpy.types.Object | None:
    if name is None:
        if kind in NEEDS_TARGET:
            raise InvalidArgument(f"a {kind.lower()} constraint needs a target object")
        return None
    target = get_object(name)
    if target == obj:
        raise InvalidArgument(f"{obj.name!r} cannot be its own constraint target")
    if kind in CURVE_TARGETS and target.type != "CURVE":
        raise WrongType(f"{kind.lower()} needs a curve target; {name!r} is a {target.type.lower()}")
    return target


def _get_constraint(obj: bpy.types.Object, name: str) -> bpy.types.Constraint:
    con = obj.constraints.get(name)
    if con is None:
        names = ", ".join(c.name for c in obj.constraints) or "(none)"
        raise NotFound(f"{obj.name!r} has no constraint {name!r}; constraints: {names}")
    return con


def constraint_info(con: bpy.types.Constraint) -> dict[str, Any]:
    """A constraint as tools report it: name, type, target, influence and its own options."""
    options = {key: read(con, key) for key in settable(con, exclude=(*HIDDEN, "influence", "mute"))}
    for key in _SPACES:
        if options.get(key) in ("WORLD", None):
            options.pop(key, None)
    return {
        "name": con.name,
        "type": con.type.lower(),
        "target": con.target.name if getattr(con, "target", None) else None,
        "influence": round(con.influence, 4),
        "enabled": not con.mute,
        "options": options,
    }


def _configure(
    con: bpy.types.Constraint,
    target: bpy.types.Object | None,
    influence: float | None,
    options: dict[str, Any],
    *,
    new: bool,
) -> None:
    if target is not None:
        con.target = target
    if influence is not None:
        con.influence = influence
    apply_options(con, options, what=con.type.lower(), exclude=HIDDEN)
    if con.type == "FOLLOW_PATH" and target is not None:
        # The path needs its evaluation curve; fixed position reads offset_factor along it.
        target.data.use_path = True
    if con.type == "CHILD_OF" and new and target is not None:
        # Like Blender's UI: keep the object where it is when it becomes the target's child.
        refresh()
        con.inverse_matrix = target.matrix_world.inverted()


@tool("constraints", mutates=True)
def add_constraint(
    worker: Worker,
    object: Name,
    type: Annotated[ConstraintType, Field(description="Constraint kind")],
    target: Annotated[str | None, Field(max_length=63, description="Target object name")] = None,
    options: Options = {},  # noqa: B006  (pydantic copies defaults)
    influence: Influence = None,
    name: Annotated[str | None, Field(max_length=63, description="Constraint name; null = Blender's")] = None,
) -> dict[str, Any]:
    """Add a constraint to an object (e.g. track_to a target, follow_path along a curve).

    child_of keeps the object where it is (inverse set). Returns the constraint with its options.

    Raises:
        NotFound: object or target missing.
        WrongType: follow_path/clamp_to target is not a curve.
        InvalidArgument: no target where one is needed, self-target, or a bad option.
    """
    obj = get_object(object)
    kind = type.upper()
    target_obj = _target(obj, kind, target)
    if name is not None and obj.constraints.get(name) is not None:
        raise InvalidArgument(f"{obj.name!r} already has a constraint {name!r}; use configure_constraint")
    con = obj.constraints.new(kind)
    try:
        if name:
            con.name = name
        _configure(con, target_obj, influence, dict(options), new=True)
    except Exception:
        obj.constraints.remove(con)  # refused input changes nothing
        raise
    refresh()
    return {"object": obj.name, **constraint_info(con)}


@tool("constraints", mutates=True)
def configure_constraint(
    worker: Worker,
    object: Name,
    name: Annotated[str, Field(min_length=1, max_length=63, description="Constraint name")],
    target: Annotated[str | None, Field(max_length=63, description="New target; null = keep")] = None,
    options: Options = {},  # noqa: B006
    influence: Influence = None,
    enabled: Annotated[bool | None, Field(description="Mute (false) or unmute; null = keep")] = None,
) -> dict[str, Any]:
    """Change a constraint's target, options, influence or enabled state.

    Raises:
        NotFound: object, constraint or target missing.
        InvalidArgument / WrongType: as for add_constraint.
    """
    obj = get_object(object)
    con = _get_constraint(obj, name)
    target_obj = _target(obj, con.type, target) if target is not None else None
    before = {key: getattr(con, key) for key in settable(con, exclude=HIDDEN)}
    try:
        _configure(con, target_obj, influence, dict(options), new=False)
    except Exception:
        for key, value in before.items():
            setattr(con, key, value)
        raise
    if enabled is not None:
        con.mute = not enabled
    refresh()
    return {"object": obj.name, **constraint_info(con)}


@tool("constraints", mutates=True)
def remove_constraint(
    worker: Worker,
    object: Name,
    name: Annotated[str | None, Field(max_length=63, description="Constraint name; null = all")] = None,
) -> dict[str, Any]:
    """Remove one constraint (or all of them) from an object. Returns `removed` names.

    Raises:
        NotFound: object or constraint missing.
    """
    obj = get_object(object)
    targets = [_get_constraint(obj, name)] if name is not None else list(obj.constraints)
    removed = [c.name for c in targets]
    for con in targets:
        obj.constraints.remove(con)
    refresh()
    return {"object": obj.name, "removed": removed}


@tool("constraints")
def list_constraints(worker: Worker, object: Name) -> dict[str, Any]:
    """An object's constraints in stack order, with targets and options."""
    obj = get_object(object)
    return {"object": obj.name, "constraints": [constraint_info(c) for c in obj.constraints]}
