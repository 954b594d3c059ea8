"""Setting Blender properties by name from JSON values, checked against Blender's own RNA.

Constraint options, shader-node settings and sky parameters are many and change between
Blender versions; instead of a hand-written field per property, tools take a small
``{"property": value}`` dict and this module checks each entry against the property's RNA
definition (type, range, enum items, array length) before anything is set. Angles are given
in degrees, like everywhere else in the worker.
"""

import math
from collections.abc import Iterable, Mapping
from typing import Any

from prompt2mesh.blender.errors import InvalidArgument
from prompt2mesh.blender.tools._common import get_object, linear_to_srgb, parse_color

SCALAR = frozenset({"BOOLEAN", "INT", "FLOAT", "ENUM", "STRING"})
OptionValue = bool | float | int | str | list[float] | None


def settable(struct: Any, exclude: Iterable[str] = ()) -> dict[str, Any]:
    """The writable scalar and object-pointer properties of ``struct`` (identifier -> RNA)."""
    skip = set(exclude)
    found: dict[str, Any] = {}
    for prop in struct.bl_rna.properties:
        if prop.is_readonly or prop.identifier in skip or prop.identifier == "rna_type":
            continue
        if prop.type in SCALAR or (prop.type == "POINTER" and prop.fixed_type.identifier == "Object"):
            found[prop.identifier] = prop
    return found


def _enum_items(struct: Any, prop: Any) -> list[str]:
    # Dynamic enums (view transforms, looks) list their real items only through the instance.
    try:
        items = struct.bl_rna.properties[prop.identifier].enum_items
        return [item.identifier for item in items]
    except (KeyError, AttributeError):
        return []


def _number(value: Any, what: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        raise InvalidArgument(f"{what} must be a finite number, got {value!r}")
    return float(value)


def _convert(struct: Any, prop: Any, value: Any, what: str) -> Any:
    kind = prop.type
    if kind == "POINTER":
        if value is None:
            return None
        if not isinstance(value, str):
            raise InvalidArgument(f"{what} must be an object name, got {value!r}")
        return get_object(value)
    if kind == "BOOLEAN" and prop.array_length == 0:
        if not isinstance(value, bool):
            raise InvalidArgument(f"{what} must be true or false, got {value!r}")
        return value
    if kind == "STRING":
        if not isinstance(value, str) or len(value) > 1024:
            raise InvalidArgument(f"{what} must be a string (up to 1024 characters)")
        return value
    if kind == "ENUM":
        if not isinstance(value, str):
            raise InvalidArgument(f"{what} must be a string, got {value!r}")
        if prop.is_enum_flag:
            raise InvalidArgument(f"{what} is a flag set; it cannot be set here")
        # Static enums are UPPER_CASE identifiers; accept 'track_negative_z' for them too.
        items = _enum_items(struct, prop)
        upper = value.strip().upper().replace(" ", "_")
        return upper if upper in items else value
    # INT / FLOAT, scalar or array
    angle = kind == "FLOAT" and prop.subtype == "ANGLE"
    if prop.array_length:
        if prop.subtype in {"COLOR", "COLOR_GAMMA"} and (
            isinstance(value, str) or (isinstance(value, list) and len(value) in (3, 4))
        ):
            rgba = list(parse_color(value))
            if prop.subtype == "COLOR_GAMMA":  # stored as sRGB, not linear
                rgba = [linear_to_srgb(c) for c in rgba[:3]] + rgba[3:]
            return (rgba + [1.0])[: prop.array_length]
        if kind == "BOOLEAN":
            if (
                not isinstance(value, list)
                or len(value) != prop.array_length
                or not all(isinstance(v, bool) for v in value)
            ):
                raise InvalidArgument(f"{what} must be a list of {prop.array_length} true/false values")
            return value
        if not isinstance(value, list) or len(value) != prop.array_length:
            raise InvalidArgument(f"{what} must be a list of {prop.array_length} numbers, got {value!r}")
        numbers = [_number(v, what) for v in value]
        numbers = [math.radians(v) for v in numbers] if angle else numbers
        low, high = prop.hard_min, prop.hard_max
        if any(not low <= v <= high for v in numbers):
            raise InvalidArgument(f"{what} values must be within {low:g}..{high:g}")
        return [int(v) for v in numbers] if kind == "INT" else numbers
    number = _number(value, what)
    if kind == "INT":
        if number != int(number):
            raise InvalidArgument(f"{what} must be a whole number, got {value!r}")
        number = int(number)
    shown = number
    if angle:
        number = math.radians(number)
    low, high = prop.hard_min, prop.hard_max
    if not low - 1e-9 <= number <= high + 1e-9:
        if angle:
            low, high = math.degrees(low), math.degrees(high)
        raise InvalidArgument(f"{what} = {shown:g} is out of range {low:g}..{high:g}")
    return number


def apply_options(
    struct: Any, options: Mapping[str, Any], *, what: str, exclude: Iterable[str] = ()
) -> dict[str, Any]:
    """Check every option against ``struct``'s RNA, then set them all; returns what was set.

    Raises:
        InvalidArgument: an unknown property (the message lists the valid ones), a value of the
            wrong type, out of range, or not one of the enum's items.
        NotFound: an object-pointer option names a missing object.
    """
    props = settable(struct, exclude)
    converted: list[tuple[str, Any]] = []
    for key, value in options.items():
        prop = props.get(key)
        if prop is None:
            raise InvalidArgument(
                f"{what} has no option {key!r}; options: {', '.join(sorted(props)) or '(none)'}"
            )
        converted.append((key, _convert(struct, prop, value, f"{what}.{key}")))
    for key, value in converted:
        try:
            setattr(struct, key, value)
        except (TypeError, ValueError) as exc:
            prop = props[key]
            hint = ", ".join(_enum_items(struct, prop)) if prop.type == "ENUM" else ""
            raise InvalidArgument(
                f"{what}.{key} = {value!r} is not accepted: {exc}" + (f" (one of: {hint})" if hint else "")
            ) from None
    return {key: read(struct, key) for key, _ in converted}


def read(struct: Any, key: str) -> Any:
    """A property as JSON (angles in degrees, objects by name)."""
    prop = struct.bl_rna.properties[key]
    value = getattr(struct, key)
    if prop.type == "POINTER":
        return value.name if value is not None else None
    if prop.type in {"INT", "FLOAT"}:
        angle = prop.type == "FLOAT" and prop.subtype == "ANGLE"
        convert = math.degrees if angle else float
        if prop.array_length:
            return [round(convert(v), 5) + 0.0 for v in value]
        return round(convert(value), 5) + 0.0 if prop.type == "FLOAT" else int(value)
    return value


def snapshot(struct: Any, keys: Iterable[str]) -> dict[str, Any]:
    """Several properties as JSON (only those ``struct`` has)."""
    names = set(struct.bl_rna.properties.keys())
    return {key: read(struct, key) for key in keys if key in names}
