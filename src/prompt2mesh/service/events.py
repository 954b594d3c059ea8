"""Server-sent events for a run, and the step timeline built from events while it runs.

A stream follows the run's stored events (``eventlog.py``), whichever replica executes the
run: it reads the log after the last ``seq`` it sent, waits for a wake-up (or polls), and
ends with ``end`` once the run has stopped.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator
from typing import Any

from prompt2mesh.service.paths import relative_paths
from prompt2mesh.service.runs import RunManager
from prompt2mesh.service.schemas import StepOut
from prompt2mesh.service.store import ACTIVE

KEEPALIVE_S = 15.0
BUILDING_NODES = ("execute_step", "refine_step")


def format_sse(event: dict[str, Any]) -> str:
    """One SSE message: ``id`` = seq, ``event`` = type, ``data`` = the event as JSON (with
    workspace-relative paths)."""
    data = json.dumps(relative_paths(event), default=str, separators=(",", ":"))
    return f"id: {event['seq']}\nevent: {event['type']}\ndata: {data}\n\n"


def has_stopped(status: str | None, *, resumes: bool) -> bool:
    """Whether a run in ``status`` will produce no more events: anything but queued and
    running, except ``interrupted`` while some replica resumes interrupted runs."""
    if status is None:
        return True
    return status not in ACTIVE and not (status == "interrupted" and resumes)


async def event_stream(runs: RunManager, run_id: str, after: int = 0) -> AsyncIterator[str]:
    """Replay the run's events after ``after``, follow it live, then send ``end``."""
    resumes = runs.settings.resume_runs_on_start
    last = after
    quiet_since = time.monotonic()
    while True:
        # Taken before reading, so events stored meanwhile wake the wait below.
        signal = runs.eventlog.signal(run_id)
        announced: str | None = None
        for event in await runs.events(run_id, last):
            last = event["seq"]
            quiet_since = time.monotonic()
            yield format_sse(event)
            if event["type"] == "status":
                announced = str(event.get("status"))
        run = await asyncio.to_thread(runs.store.get, run_id)
        status = run.status if run is not None else "deleted"
        stopped = announced is not None and has_stopped(announced, resumes=resumes)
        if stopped:
            status = str(announced)
        if stopped or run is None or has_stopped(run.status, resumes=resumes):
            # The final status event is stored before the run's row: read what is left.
            for event in await runs.events(run_id, last):
                last = event["seq"]
                yield format_sse(event)
            break
        woken = await runs.eventlog.wait(signal, KEEPALIVE_S)
        if not woken and time.monotonic() - quiet_since >= KEEPALIVE_S:
            quiet_since = time.monotonic()
            yield ": keep-alive\n\n"
    yield f"event: end\ndata: {json.dumps({'status': status})}\n\n"


def summarize_steps(events: list[dict[str, Any]], plan: list[Any] | None) -> list[StepOut]:
    """The step timeline so far, from ``plan``, ``tool_call``, ``screenshot``, ``critique``,
    ``refinement`` and ``step_accepted`` events (the report replaces it once the run ends)."""
    steps: dict[int, StepOut] = {}
    for item in plan or []:
        if isinstance(item, dict) and isinstance(item.get("number"), int):
            steps[item["number"]] = StepOut(
                number=item["number"],
                action=str(item.get("action", "")),
                description=str(item.get("description", "")),
                status="pending",
            )
    node = ""
    for event in events:
        if event["type"] == "node_started":
            node = str(event.get("node") or "")
        number = event.get("step")
        if not isinstance(number, int) or number < 1:
            continue
        step = steps.setdefault(number, StepOut(number=number, status="pending"))
        kind = event["type"]
        if step.status == "pending":
            step.status = "running"
        # Like the report: the calls that build or refine the step, not the agent's and the
        # critic's own look-ups (screenshots, scene facts) around them.
        if kind == "tool_call" and node in BUILDING_NODES:
            step.tool_calls.append({k: event.get(k) for k in ("tool", "args", "ok", "error", "duration_s")})
        elif kind == "screenshot" and event.get("file"):
            step.screenshots.append(str(event["file"]))
        elif kind == "critique":
            score = event.get("score")
            if isinstance(score, int):
                step.scores.append(score)
            step.critiques.append({k: v for k, v in event.items() if k not in ("ts", "run_id", "seq")})
        elif kind == "refinement":
            step.refinements += 1
        elif kind == "step_accepted":
            step.status = str(event.get("status") or "accepted")
            if isinstance(event.get("duration_s"), int | float):
                step.duration_s = float(event["duration_s"])
    return [steps[n] for n in sorted(steps)]
