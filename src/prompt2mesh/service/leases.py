"""Run leases: several replicas on one database, and each run executed by exactly one of them.

A replica executes a run (or an edit command on a run's scene) only while it holds the run's
row in ``run_leases``: its ``owner`` name and an ``expires_at`` it renews every third of
``run_lease_ttl_s``. A claim is one transaction, so two replicas never both win one run:

- no lease, or a lease that lapsed (its owner died or hung): the claimer takes it (a lapsed
  one counts as a takeover);
- a live lease of another replica: refused;
- affinity: while another replica holds a live lease on one of the same user's runs, every
  claim for that user's runs is refused, so a user's runs (and their Blender worker, which the
  lease holder starts) stay on one replica at a time. The run waits (``queued``) and the
  holder picks it up on its next scan.

A replica that finds its lease renewed by someone else (it was taken over while it hung)
stops the job without writing anything more; its stale events would collide with the new
owner's sequence numbers and are refused by the ``(run_id, seq)`` key anyway.

Times are epoch seconds of the replicas' own clocks (kept in step by NTP; the TTL is far
larger than their drift). On PostgreSQL a claim locks the user's row, which serializes the
claims for one user across replicas; SQLite (one machine) serializes them with its write lock.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass

from sqlalchemy import and_, delete, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, sessionmaker

from prompt2mesh.service.db import retry_locked
from prompt2mesh.service.eventlog import notify_cancel
from prompt2mesh.service.models import Run, RunLease, User


def default_replica_id(port: int) -> str:
    """``host:port``: unique while the process lives (two servers cannot share a port on one
    host), and the same after a restart, so a restarted replica takes its runs back at once
    instead of waiting for their leases to lapse."""
    return f"{socket.gethostname()}:{port}"


@dataclass(frozen=True)
class Claim:
    """The answer to a claim: granted (perhaps by taking over a lapsed lease) or refused."""

    granted: bool
    previous_owner: str | None = None  # the replica whose lapsed lease this claim took over
    holder: str | None = None  # who holds the run (or the user's other run) when refused


@dataclass(frozen=True)
class Orphan:
    """A run that should be executing but has no live owner."""

    run_id: str
    user_id: str
    status: str
    event_count: int
    previous_owner: str | None
    command_id: str | None  # the lapsed lease was an edit command's, not the run's


class LeaseStore:
    """Claims, renews and releases this replica's leases (synchronous; called through threads)."""

    def __init__(
        self,
        sessions: sessionmaker[Session],
        owner: str,
        ttl_s: float,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.sessions = sessions
        self.owner = owner
        self.ttl_s = ttl_s
        self._clock = clock
        # SQLite: this process's claims take turns (its write lock covers other processes).
        self._lock = threading.Lock()

    def claim(
        self, run_id: str, user_id: str, *, command_id: str | None = None, affinity: bool = True
    ) -> Claim:
        """Take the run's lease for this replica (for ``command_id`` when an edit command).

        ``affinity=False`` ignores the user's other runs: for a claim that only writes the
        run's final status and never touches the user's worker.
        """

        def attempt() -> Claim:
            try:
                with self.sessions.begin() as db:
                    return self._claim(db, run_id, user_id, command_id, affinity)
            except IntegrityError:
                # Another replica inserted the same run's lease between our read and write.
                return Claim(False, holder=self.holder(run_id))

        with self._lock:
            return retry_locked(attempt)

    def _claim(self, db: Session, run_id: str, user_id: str, command_id: str | None, affinity: bool) -> Claim:
        if db.get_bind().dialect.name == "postgresql":
            db.execute(select(User.id).where(User.id == user_id).with_for_update())
        now = self._clock()
        other = affinity and db.scalar(
            select(RunLease.owner).where(
                RunLease.user_id == user_id,
                RunLease.run_id != run_id,
                RunLease.owner != self.owner,
                RunLease.expires_at > now,
            )
        )
        if other:
            return Claim(False, holder=other)
        row = db.get(RunLease, run_id, with_for_update=True)
        previous: str | None = None
        if row is None:
            db.add(
                RunLease(
                    run_id=run_id,
                    user_id=user_id,
                    owner=self.owner,
                    command_id=command_id,
                    acquired_at=now,
                    heartbeat_at=now,
                    expires_at=now + self.ttl_s,
                    takeovers=0,
                    cancel_requested=False,
                )
            )
            return Claim(True)
        if row.owner != self.owner:
            if row.expires_at > now:
                return Claim(False, holder=row.owner)
            previous = row.owner
            row.takeovers += 1
        # A cancellation asked of the dead owner still holds for its successor.
        row.owner, row.command_id = self.owner, command_id
        row.acquired_at, row.heartbeat_at, row.expires_at = now, now, now + self.ttl_s
        return Claim(True, previous_owner=previous)

    def renew(self, run_ids: Collection[str]) -> tuple[set[str], set[str]]:
        """Extend this replica's leases on ``run_ids``.

        Returns:
            The ids still held by this replica, and those among them whose cancellation
            another replica asked for.
        """
        if not run_ids:
            return set(), set()
        ids = list(run_ids)

        def write() -> tuple[set[str], set[str]]:
            with self.sessions.begin() as db:
                now = self._clock()
                mine = and_(RunLease.owner == self.owner, RunLease.run_id.in_(ids))
                db.execute(update(RunLease).where(mine).values(heartbeat_at=now, expires_at=now + self.ttl_s))
                rows = db.execute(select(RunLease.run_id, RunLease.cancel_requested).where(mine)).all()
                return {r[0] for r in rows}, {r[0] for r in rows if r[1]}

        with self._lock:
            return retry_locked(write)

    def release(self, run_id: str) -> None:
        """Give the run's lease up (only if this replica still holds it)."""

        def write() -> None:
            with self.sessions.begin() as db:
                db.execute(delete(RunLease).where(RunLease.run_id == run_id, RunLease.owner == self.owner))

        with self._lock:
            retry_locked(write)

    def holder(self, run_id: str) -> str | None:
        """The replica holding a live lease on the run, if any."""
        with self.sessions() as db:
            return db.scalar(
                select(RunLease.owner).where(RunLease.run_id == run_id, RunLease.expires_at > self._clock())
            )

    def command_run(self, command_id: str) -> str | None:
        """The run whose scene the edit command ``command_id`` holds a live lease on, if any."""
        with self.sessions() as db:
            return db.scalar(
                select(RunLease.run_id).where(
                    RunLease.command_id == command_id, RunLease.expires_at > self._clock()
                )
            )

    def request_cancel(self, run_id: str) -> str | None:
        """Ask the replica holding the run to cancel it; returns that replica (None: no live owner)."""

        def write() -> str | None:
            with self.sessions.begin() as db:
                live = and_(RunLease.run_id == run_id, RunLease.expires_at > self._clock())
                owner = db.scalar(select(RunLease.owner).where(live))
                if owner is not None:
                    db.execute(update(RunLease).where(live).values(cancel_requested=True))
                    notify_cancel(db, run_id)
                return owner

        with self._lock:
            return retry_locked(write)

    def orphans(self, statuses: Sequence[str], exclude: Collection[str] = ()) -> list[Orphan]:
        """Runs in ``statuses`` without a live lease, and edit commands whose lease lapsed,
        oldest first (``exclude``: the ones this replica is working on; any other lease in
        this replica's name is a previous life's, so it counts as lapsed)."""
        now = self._clock()
        # Lapsed, or held in this replica's name by a previous life of it (a restart): the
        # caller excludes what it works on now.
        lapsed = or_(RunLease.expires_at <= now, RunLease.owner == self.owner)
        with self.sessions() as db:
            rows = db.execute(
                select(Run.id, Run.user_id, Run.status, Run.event_count, RunLease.owner, RunLease.command_id)
                .outerjoin(RunLease, RunLease.run_id == Run.id)
                .where(
                    or_(
                        and_(Run.status.in_(statuses), or_(RunLease.run_id.is_(None), lapsed)),
                        and_(RunLease.command_id.is_not(None), lapsed),
                    )
                )
                .order_by(Run.created_at)
            ).all()
        return [Orphan(r[0], r[1], r[2], r[3], r[4], r[5]) for r in rows if r[0] not in exclude]
