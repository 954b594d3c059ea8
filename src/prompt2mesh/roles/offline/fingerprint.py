"""A fingerprint of the offline modeller's own code and word tables.

What the built-in modeller plans for a prompt changes whenever its reader, layout, recipes or
tables change; anything that keeps its output (the plan cache) keys it by this fingerprint, so
an upgrade is never answered with the plan an older modeller made.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

_ROOT = Path(__file__).resolve().parent


@lru_cache(maxsize=1)
def fingerprint() -> str:
    """A short hash of every source file and table of the offline modeller (read once)."""
    digest = hashlib.sha256()
    for path in sorted(_ROOT.rglob("*")):
        if path.is_file() and path.suffix in (".py", ".gz", ".json", ".tsv"):
            digest.update(path.relative_to(_ROOT).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()[:16]
