"""Screening of raw tool arguments, before any schema validation sees them.

Some hostile values never reach a tool's own checks in a recognisable form: a JSON encoder
turns NaN and Infinity into ``null`` (which then reads as "use the default"), Blender cuts a
name at its first NUL, and a 10 MB string or a path of 2.6 million ``../`` parts costs time
before any range check runs. :func:`screen_arguments` walks the raw arguments once, in time
linear in their size, and refuses such values with one clear message naming where they are.
It is the same for every tool (no per-tool rules), so tools added later are covered too.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from prompt2mesh.blender.errors import InvalidArgument, LimitExceeded

MAX_DEPTH = 16
"""Nesting of lists/objects in one argument (the deepest real one is a list of points: 3)."""

_NAME_KEY = re.compile(r"(^|_)(names?|filename|path|file|object|objects|material|parent|target)$")
"""Arguments that name an object, material or file: no control characters at all, not even a
newline or a tab (text and code arguments may hold those)."""

_ALLOWED_IN_TEXT = frozenset("\t\n\r")
_UNUSUAL = re.compile(r"[^\x20-\x7e]")
_SURROGATE = re.compile("[\ud800-\udfff]")


NON_FINITE_MARK = "\x00p2m-non-finite:"
"""Stands in for a NaN or Infinity the server received (JSON re-encoding would make it null)."""


@dataclass(frozen=True)
class ArgumentLimits:
    """Bounds on the raw arguments of one call (from :class:`WorkerConfig`)."""

    max_string_chars: int = 100_000
    max_items: int = 200_000
    """Numbers, strings and containers in one call, all arguments together."""


def describe(value: Any) -> str:
    """A short, safe rendering of ``value`` for an error message."""
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _where(path: list[str]) -> str:
    out = ""
    for part in path:
        out += f"[{part}]" if part.isdigit() else (f".{part}" if out else part)
    return out or "arguments"


def _is_name_path(path: list[str]) -> bool:
    keys = [p for p in path if not p.isdigit()]
    return bool(keys) and _NAME_KEY.search(keys[-1].lower()) is not None


def _check_text(text: str, path: list[str], limits: ArgumentLimits) -> None:
    where = _where(path)
    if len(text) > limits.max_string_chars:
        raise LimitExceeded(
            f"{where} is {len(text):,} characters long; the worker accepts at most "
            f"{limits.max_string_chars:,} per value"
        )
    strict = _is_name_path(path)
    for match in _UNUSUAL.finditer(text):  # printable ASCII, the common case, is skipped in C
        ch = match.group()
        category = unicodedata.category(ch)
        if category == "Cs":
            raise InvalidArgument(
                f"{where} holds an unpaired surrogate (U+{ord(ch):04X}); send valid Unicode"
            )
        if category == "Cc" and (strict or ch not in _ALLOWED_IN_TEXT):
            kind = "names and paths" if strict else "text"
            raise InvalidArgument(
                f"{where} holds the control character U+{ord(ch):04X}; {kind} may not contain "
                "control characters (NUL, newline, escape, ...)"
            )


def _items(value: dict[Any, Any] | list[Any] | tuple[Any, ...]) -> Iterator[tuple[str, Any]]:
    if isinstance(value, dict):
        return ((str(k)[:40], v) for k, v in value.items())
    return ((str(i), v) for i, v in enumerate(value))


def screen_arguments(arguments: Any, limits: ArgumentLimits | None = None) -> None:
    """Refuse non-finite numbers, control characters in names and paths, and oversized values.

    Only containers are pushed on the walk's stack (a list of a million numbers is one loop),
    and counting stops at ``limits.max_items``.

    Raises:
        InvalidArgument: NaN or Infinity anywhere, a control character in a name or path (or a
            NUL / escape character in any text), an unpaired surrogate, nesting past MAX_DEPTH.
        LimitExceeded: a string or the whole call is larger than ``limits`` allow.
    """
    limits = limits or ArgumentLimits()
    budget = limits.max_items
    stack: list[tuple[Any, list[str]]] = [(arguments, [])]
    while stack:
        container, path = stack.pop()
        if not isinstance(container, dict | list | tuple):
            _check_scalar(container, path, limits)
            continue
        if len(path) >= MAX_DEPTH:
            raise InvalidArgument(f"{_where(path)} is nested more than {MAX_DEPTH} levels deep")
        budget -= len(container)
        if budget < 0:
            raise LimitExceeded(
                f"the arguments hold more than {limits.max_items:,} values; send less per call"
            )
        if isinstance(container, dict):
            for key in container:
                _check_text(str(key)[: limits.max_string_chars + 1], [*path, "(a key)"], limits)
        for key, item in _items(container):
            if isinstance(item, float):
                if item - item != 0.0:  # NaN or +-Infinity, without a call per number
                    _check_scalar(item, [*path, key], limits)
            elif isinstance(item, dict | list | tuple | str):
                stack.append((item, [*path, key]))


def _check_scalar(value: Any, path: list[str], limits: ArgumentLimits) -> None:
    if isinstance(value, float) and not math.isfinite(value):
        raise InvalidArgument(
            f"{_where(path)} is {value!r}; NaN and Infinity are not accepted, give a finite number"
        )
    if isinstance(value, str):
        if value.startswith(NON_FINITE_MARK):
            raise InvalidArgument(
                f"{_where(path)} is {value.removeprefix(NON_FINITE_MARK)}; NaN and Infinity are "
                "not accepted, give a finite number"
            )
        _check_text(value, path, limits)


def find_unsendable(arguments: Any, max_items: int = 200_000) -> str | None:
    """Why ``arguments`` cannot be sent faithfully as JSON, or None.

    For clients: JSON has no NaN or Infinity, and encoders send ``null`` in their place, which
    a tool reads as "use the default"; and a string with an unpaired surrogate cannot be
    written as UTF-8 at all (the encoder fails and takes the connection down with it).
    """
    stack: list[tuple[Any, list[str]]] = [(arguments, [])]
    budget = max_items
    while stack and budget > 0:
        container, path = stack.pop()
        if isinstance(container, str):
            if _SURROGATE.search(container):
                return f"{_where(path)} holds an unpaired surrogate; send valid Unicode"
            continue
        if not isinstance(container, dict | list | tuple) or len(path) >= MAX_DEPTH:
            continue
        budget -= len(container)
        if isinstance(container, dict) and any(
            isinstance(k, str) and _SURROGATE.search(k) for k in container
        ):
            return f"an argument name in {_where(path)} holds an unpaired surrogate"
        for key, item in _items(container):
            if isinstance(item, float):
                if item - item != 0.0:
                    return (
                        f"{_where([*path, key])} is not a finite number (NaN or Infinity); give a real number"
                    )
            elif isinstance(item, dict | list | tuple | str):
                stack.append((item, [*path, key]))
    return None
