"""The run trace: JSONL events under the run's folder, and a failure summary across runs.

Every event is one dict ``{"ts", "run_id", "type", ...}`` (docs/CONTRACT.md section 5). The
same dict goes to the trace file and to the optional live ``emit`` callback, so what the
service streams and what ``prompt2mesh trace summary`` reads can never disagree.
"""

from __future__ import annotations

import json
import os
import re
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

Emit = Callable[[dict[str, Any]], None]

_MAX_RESULT_CHARS = 2000


def compact(value: Any, limit: int = _MAX_RESULT_CHARS) -> Any:
    """``value`` if its JSON is short, else a truncated JSON string (keeps traces readable)."""
    try:
        text = json.dumps(value, default=str)
    except (TypeError, ValueError):
        text = repr(value)
    if len(text) <= limit:
        return value
    return text[:limit] + f"... [{len(text) - limit} more chars]"


class TraceWriter:
    """Appends events to ``path`` and forwards them to ``emit`` (errors in ``emit`` are contained)."""

    def __init__(
        self,
        path: Path,
        run_id: str,
        *,
        emit: Emit | None = None,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.path = path
        self.run_id = run_id
        self._emit = emit
        self._clock = clock
        self._listeners: list[Emit] = []
        path.parent.mkdir(parents=True, exist_ok=True)

    def add_listener(self, listener: Emit) -> None:
        """Also send every event to ``listener`` (the terminal progress display)."""
        self._listeners.append(listener)

    def event(self, type_: str, **data: Any) -> dict[str, Any]:
        """Record one event and return it."""
        event = {"ts": self._clock(), "run_id": self.run_id, "type": type_, **data}
        line = json.dumps(event, default=str)
        # Append + flush per event: a run killed at any point leaves a readable trace.
        with self.path.open("a", encoding="utf-8") as fh:
            fh.write(line + "\n")
        for sink in [self._emit, *self._listeners]:
            if sink is None:
                continue
            try:
                sink(event)
            except Exception:  # noqa: BLE001  a broken viewer must not break the run
                pass
        return event


def read_events(path: Path) -> list[dict[str, Any]]:
    """Events of one trace file; a torn last line (killed writer) is skipped."""
    events = []
    for line in path.read_text(encoding="utf-8").splitlines():
        try:
            event = json.loads(line)
        except json.JSONDecodeError:
            continue
        if isinstance(event, dict):
            events.append(event)
    return events


_SKIP_DIRS = frozenset({"node_modules", "__pycache__", "site-packages", "venv"})


def find_traces(paths: Iterable[Path]) -> list[Path]:
    """Trace files named by ``paths``: files as given, folders searched for ``trace.jsonl``."""
    found: list[Path] = []
    for path in paths:
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                # Virtual environments, caches and hidden folders never hold run traces.
                dirs[:] = sorted(d for d in dirs if not d.startswith(".") and d not in _SKIP_DIRS)
                found.extend(Path(root) / f for f in sorted(files) if f.endswith("trace.jsonl"))
        elif path.is_file():
            found.append(path)
    return found


_NUMBERS = re.compile(r"\d+(\.\d+)?")
_QUOTED = re.compile(r"'[^']*'|\"[^\"]*\"")


def _error_kind(error: str) -> str:
    """An error message with names and numbers blanked, so alike errors count together."""
    first = error.strip().splitlines()[0] if error.strip() else "unknown error"
    return _NUMBERS.sub("N", _QUOTED.sub("'…'", first))[:160]


def summarize(paths: Iterable[Path], *, top: int = 10) -> dict[str, Any]:
    """Failure analysis across runs.

    Returns:
        ``{runs, tool_calls, failed_tool_calls, failing_tools:[{tool, failures, calls, rate}],
        common_errors:[{error, count}], average_score_before_refinement,
        average_score_after_refinement, refinements_per_step, steps, statuses}``.
    """
    runs: set[str] = set()
    calls: Counter[str] = Counter()
    failures: Counter[str] = Counter()
    errors: Counter[str] = Counter()
    statuses: Counter[str] = Counter()
    first_scores: dict[tuple[str, int], int] = {}
    last_scores: dict[tuple[str, int], int] = {}
    refinements: defaultdict[tuple[str, int], int] = defaultdict(int)
    for trace in find_traces(paths):
        for event in read_events(trace):
            run = str(event.get("run_id", trace))
            runs.add(run)
            kind = event.get("type")
            if kind == "tool_call":
                tool = str(event.get("tool", "?"))
                calls[tool] += 1
                if not event.get("ok", True):
                    failures[tool] += 1
                    errors[_error_kind(str(event.get("error") or ""))] += 1
            elif kind == "critique" and isinstance(event.get("score"), int):
                key = (run, int(event.get("step", 0)))
                first_scores.setdefault(key, event["score"])
                last_scores[key] = event["score"]
            elif kind == "refinement":
                refinements[(run, int(event.get("step", 0)))] += 1
            elif kind == "run_finished":
                statuses[str(event.get("status", "?"))] += 1

    def mean(values: Iterable[int]) -> float | None:
        items = list(values)
        return round(sum(items) / len(items), 2) if items else None

    steps = set(first_scores) | set(refinements)
    refined = [k for k in first_scores if refinements.get(k)]
    return {
        "runs": len(runs),
        "tool_calls": sum(calls.values()),
        "failed_tool_calls": sum(failures.values()),
        "failing_tools": [
            {"tool": t, "failures": n, "calls": calls[t], "rate": round(n / calls[t], 3)}
            for t, n in failures.most_common(top)
        ],
        "common_errors": [{"error": e, "count": n} for e, n in errors.most_common(top)],
        "average_score_before_refinement": mean(first_scores.values()),
        "average_score_after_refinement": mean(last_scores.values()),
        "refined_steps_before": mean(first_scores[k] for k in refined),
        "refined_steps_after": mean(last_scores[k] for k in refined),
        "refinements_per_step": round(sum(refinements.values()) / len(steps), 3) if steps else None,
        "steps": len(steps),
        "statuses": dict(statuses),
    }


def format_summary(summary: dict[str, Any]) -> str:
    """The summary as the text ``prompt2mesh trace summary`` prints."""
    lines = [
        f"runs: {summary['runs']}   steps: {summary['steps']}   tool calls: {summary['tool_calls']}"
        f"   failed: {summary['failed_tool_calls']}",
        f"run outcomes: {summary['statuses'] or '-'}",
        f"average score before refinement: {summary['average_score_before_refinement']}"
        f"   after: {summary['average_score_after_refinement']}",
        f"refined steps only, before: {summary['refined_steps_before']}"
        f"   after: {summary['refined_steps_after']}",
        f"refinements per step: {summary['refinements_per_step']}",
        "most failing tools:",
    ]
    lines += [
        f"  {t['tool']:<28} {t['failures']:>4} of {t['calls']:<4} ({t['rate']:.0%})"
        for t in summary["failing_tools"]
    ] or ["  (none)"]
    lines.append("most common errors:")
    lines += [f"  {e['count']:>4}  {e['error']}" for e in summary["common_errors"]] or ["  (none)"]
    return "\n".join(lines)
