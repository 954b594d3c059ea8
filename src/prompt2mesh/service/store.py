"""Run and event storage used by the job manager (synchronous; called through threads)."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session, sessionmaker

from prompt2mesh.service.db import retry_locked
from prompt2mesh.service.eventlog import notify_stored
from prompt2mesh.service.models import Run, RunEvent
from prompt2mesh.service.paths import relative_paths

ACTIVE = ("queued", "running")
TERMINAL = ("completed", "halted", "failed", "cancelled")
RESUMABLE = ("cancelled", "interrupted", "failed")


class RunStore:
    """Small transactions on runs and run_events.

    Everything stored is made workspace-relative first (events, reports, errors): users see
    ``runs/<id>/scene.glb``, never the server's folders.
    """

    def __init__(self, sessions: sessionmaker[Session], workspace_roots: Sequence[Path] = ()) -> None:
        self.sessions = sessions
        self.workspace_roots = tuple(workspace_roots)
        # One writer path per process: run writes take turns instead of racing for SQLite's
        # lock (PostgreSQL does not need it, and a short critical section costs it nothing).
        self._write_lock = threading.Lock()

    def get(self, run_id: str) -> Run | None:
        with self.sessions() as db:
            return db.get(Run, run_id)

    def last_seq(self, run_id: str) -> int:
        with self.sessions() as db:
            value = db.scalar(select(func.max(RunEvent.seq)).where(RunEvent.run_id == run_id))
            return int(value or 0)

    def append_events(self, events: Sequence[dict[str, Any]]) -> None:
        """Insert events (each has ``run_id``, ``seq``, ``type``, ``ts``) and side facts."""
        if not events:
            return
        for event in events:
            # In place: the same dicts are fanned out to live subscribers after this.
            event.update(relative_paths(event, self.workspace_roots))
        with self._write_lock:
            retry_locked(lambda: self._append(events))

    def _append(self, events: Sequence[dict[str, Any]]) -> None:
        with self.sessions.begin() as db:
            counts: dict[str, int] = {}
            for event in events:
                run_id = event["run_id"]
                db.add(
                    RunEvent(run_id=run_id, seq=event["seq"], type=event["type"], ts=event["ts"], data=event)
                )
                counts[run_id] = max(counts.get(run_id, 0), event["seq"])
                facts = _facts(event)
                if facts:
                    db.execute(update(Run).where(Run.id == run_id).values(**facts))
            for run_id, seq in counts.items():
                db.execute(update(Run).where(Run.id == run_id).values(event_count=seq))
            notify_stored(db, counts)

    def set_status(self, run_id: str, status: str, **values: Any) -> None:
        values = {
            k: relative_paths(v, self.workspace_roots) if k in ("report", "error", "plan") else v
            for k, v in values.items()
        }

        def write() -> None:
            with self.sessions.begin() as db:
                db.execute(update(Run).where(Run.id == run_id).values(status=status, **values))

        with self._write_lock:
            retry_locked(write)

    def events(self, run_id: str, after: int = 0) -> list[dict[str, Any]]:
        with self.sessions() as db:
            rows = db.scalars(
                select(RunEvent.data)
                .where(RunEvent.run_id == run_id, RunEvent.seq > after)
                .order_by(RunEvent.seq)
            )
            return list(rows)

    def unfinished(self) -> list[tuple[str, str, int]]:
        """(run id, user id, events so far) of runs a stop left queued, running or interrupted."""
        with self.sessions() as db:
            rows = db.execute(
                select(Run.id, Run.user_id, Run.event_count)
                .where(Run.status.in_((*ACTIVE, "interrupted")))
                .order_by(Run.created_at)
            )
            return [(r[0], r[1], r[2]) for r in rows]


def _facts(event: dict[str, Any]) -> dict[str, Any]:
    """Run columns an event fills in while the run is going (the report fills the rest)."""
    kind = event["type"]
    if kind == "prompt_refined":
        refined = event.get("refined") or event.get("refined_prompt")
        if isinstance(refined, dict):
            refined = refined.get("refined")
        return {"refined_prompt": str(refined)} if refined else {}
    if kind == "plan":
        steps = event.get("steps") if "steps" in event else event.get("plan")
        if isinstance(steps, dict):
            steps = steps.get("steps")
        return {"plan": steps} if isinstance(steps, list) else {}
    return {}
