"""Server paths out of everything users see."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

_USER_DIR = re.compile(r"[A-Za-z0-9_-]{1,64}(?:/|(?![A-Za-z0-9_-]))")
_MARKER = "/workspaces/"
# What ends a path when looking back from the marker (words around a path in a message).
_PATH_STOP = frozenset(" \t\r\n\"'`()[]{}<>=,;")


def _cut(text: str, marker: str, *, back: bool) -> str:
    """Remove ``<path up to marker><user id>/`` everywhere; linear in ``len(text)``."""
    out: list[str] = []
    pos = 0
    while (i := text.find(marker, pos)) >= 0:
        start = i
        if back:
            # Back to the start of the path token; never past what was already copied.
            while start > pos and text[start - 1] not in _PATH_STOP:
                start -= 1
        user = _USER_DIR.match(text, i + len(marker))
        if user is None or not text.startswith("/", start):
            out.append(text[pos : i + len(marker)])
            pos = i + len(marker)
            continue
        out.append(text[pos:start])
        pos = user.end()
    out.append(text[pos:])
    return "".join(out)


def relative_paths(value: Any, roots: Sequence[Path] = ()) -> Any:
    """``value`` with server paths made workspace-relative, in every string it holds.

    Users see ``runs/<id>/scene.glb``, never ``/srv/data/workspaces/<user id>/runs/...``:
    each of ``roots`` (workspace root folders) is cut with the user folder after it, and so
    is any other absolute ``.../workspaces/<id>/`` prefix.
    """
    if isinstance(value, str):
        if "/" not in value:
            return value
        for root in roots:
            value = _cut(value, str(root).rstrip("/") + "/", back=False)
        return _cut(value, _MARKER, back=True) if _MARKER in value else value
    if isinstance(value, dict):
        return {k: relative_paths(v, roots) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [relative_paths(v, roots) for v in value]
    return value
