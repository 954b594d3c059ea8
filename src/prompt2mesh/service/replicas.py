"""The replica's side of the run leases: renew what it holds, adopt what nobody holds.

Two loops per replica (see ``leases.py`` for the rules a claim follows):

- heartbeat, every third of ``run_lease_ttl_s``: renew the leases of the runs and commands
  this replica works on; a job whose lease another replica took (this one hung past the TTL)
  is stopped without writing anything more, and a job another replica asked to cancel is
  cancelled here;
- scan, at start and every ``run_lease_scan_s``: runs that should be executing but have no
  live owner are claimed and executed here: a queued run nobody started yet is started; a
  run whose replica died is resumed from its last LangGraph checkpoint (``resume_runs_on_start``;
  with no checkpoint in the shared store it starts over, and says so in a ``warning`` event),
  or marked ``interrupted`` when resuming is off. An edit command whose replica died is
  marked ``failed`` (an edit is not checkpointed, so it cannot be resumed halfway).

Per-user worker affinity follows: the replica that holds a user's run lease starts that
user's Blender worker, and keeps every other run of theirs until it lets go of the last one.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from typing import TYPE_CHECKING

from prompt2mesh.service.leases import Orphan
from prompt2mesh.service.store import ACTIVE

if TYPE_CHECKING:
    from prompt2mesh.service.runs import RunManager

log = logging.getLogger(__name__)


class ReplicaKeeper:
    """Heartbeat and scan loops of one replica."""

    def __init__(self, runs: RunManager) -> None:
        self.runs = runs
        self.leases = runs.leases
        self.settings = runs.settings
        # Run ids whose lease an edit command of this replica holds (the runs' own are jobs).
        self.command_leases: set[str] = set()
        self._tasks: list[asyncio.Task[None]] = []

    def held(self) -> set[str]:
        return set(self.runs.local_jobs()) | self.command_leases

    async def start(self) -> None:
        """Adopt the runs nobody owns (after a restart: this replica's own), then keep going."""
        await self.scan()
        self._tasks = [
            asyncio.create_task(
                self._every(self.leases.ttl_s / 3, self.heartbeat), name="p2m-lease-heartbeat"
            ),
            asyncio.create_task(
                self._every(self.settings.run_lease_scan_s, self.scan), name="p2m-lease-scan"
            ),
        ]

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks = []

    async def _every(self, interval_s: float, step: object) -> None:
        assert callable(step)
        while True:
            await asyncio.sleep(interval_s)
            try:
                await step()
            except Exception:
                log.exception("lease upkeep failed; trying again in %.1f s", interval_s)

    async def heartbeat(self) -> None:
        held = self.held()
        mine, cancels = await asyncio.to_thread(self.leases.renew, held)
        for run_id in held - mine:
            log.warning("run %s was taken over by another replica; stopping it here", run_id)
            await self.runs.lose(run_id)
        for run_id in cancels:
            # Not awaited: a cancelled run saves its partial model, and the heartbeat must go on.
            self.runs.cancel_soon(run_id)

    async def scan(self) -> None:
        statuses = (*ACTIVE, "interrupted") if self.settings.resume_runs_on_start else ACTIVE
        for orphan in await asyncio.to_thread(self.leases.orphans, statuses, self.held()):
            try:
                await self.adopt(orphan)
            except Exception:
                log.exception("could not adopt run %s", orphan.run_id)

    async def adopt(self, orphan: Orphan) -> None:
        if orphan.command_id is not None:
            await self._fail_command(orphan)
            return
        if orphan.event_count == 0 or self.settings.resume_runs_on_start:
            log.info(
                "adopting run %s (%s, owner was %s)", orphan.run_id, orphan.status, orphan.previous_owner
            )
            await self.runs.submit(orphan.run_id, orphan.user_id, resume=orphan.event_count > 0)
            return
        if orphan.status in ACTIVE:
            await self.runs.mark_interrupted(orphan.run_id, orphan.user_id, orphan.previous_owner)

    async def _fail_command(self, orphan: Orphan) -> None:
        """An edit command whose replica died: say it failed, in its own event stream."""
        assert orphan.command_id is not None
        claim = await asyncio.to_thread(
            self.leases.claim, orphan.run_id, orphan.user_id, command_id=orphan.command_id
        )
        if not claim.granted:
            return
        try:
            message = f"the command was interrupted: replica {orphan.previous_owner} stopped while it ran"
            stored = await asyncio.to_thread(self.runs.store.events, orphan.run_id)
            text = next(
                (
                    str(e.get("command") or "")
                    for e in stored
                    if e.get("command_id") == orphan.command_id and e["type"] == "command_started"
                ),
                "",
            )
            outcome = {"id": orphan.command_id, "command": text, "status": "failed", "message": message}
            seq = max((e["seq"] for e in stored), default=0)
            base = {"run_id": orphan.run_id, "command_id": orphan.command_id, "ts": time.time()}
            events = [
                {**base, "seq": seq + 1, "type": "error", "message": message},
                {**base, "seq": seq + 2, "type": "command_finished", "outcome": outcome},
            ]
            await asyncio.to_thread(self.runs.store.append_events, events)
            self.runs.eventlog.wake([orphan.run_id])
            from prompt2mesh.service.commands import append_history

            workspace = self.runs.workers.workspace_for(orphan.user_id)
            with contextlib.suppress(Exception):
                append_history(workspace, orphan.run_id, outcome)
        finally:
            await asyncio.to_thread(self.leases.release, orphan.run_id)
