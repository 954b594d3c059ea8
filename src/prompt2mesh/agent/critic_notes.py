"""Critic notes a passing step left open: a 6 or 7 passes, but "star too small" should not vanish."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

RESOLVED_SCORE = 8
"""From this score on, a step's remaining remarks are polish, not open issues."""


def open_issues(steps: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """For every worked step whose last critique scored below :data:`RESOLVED_SCORE`, the issues
    (and suggestions) that critique still named: ``[{step, action, score, issues, suggestions}]``."""
    out: list[dict[str, Any]] = []
    for s in steps:
        if s.get("status") == "skipped_resumed" or not s.get("critiques"):
            continue
        last = s["critiques"][-1]
        score = int(last.get("score", 10))
        if score >= RESOLVED_SCORE or not (last.get("issues") or last.get("suggestions")):
            continue
        out.append(
            {
                "step": s["number"],
                "action": s.get("action", ""),
                "score": score,
                "issues": list(last.get("issues") or []),
                "suggestions": list(last.get("suggestions") or []),
            }
        )
    return out
