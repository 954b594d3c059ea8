"""Following a run's stored events from any replica.

Every event is stored in ``run_events`` before anyone sees it, so the log is the one source
for every stream, whichever replica executes the run. A stream reads the log after the last
``seq`` it sent, then waits for a wake-up:

- the replica that stored the events wakes its own streams at once;
- on PostgreSQL the storing transaction also sends ``NOTIFY p2m_run_events, '<run id>'``
  (delivered on commit); each replica LISTENs on one connection and wakes its streams (the
  same channel carries ``cancel:<run id>``, a cancellation for the replica that owns the run);
- without a notice (SQLite, or the listening connection is down) a stream re-reads the log
  every ``event_poll_s``.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import weakref
from collections.abc import Callable, Iterable

from sqlalchemy import func, select
from sqlalchemy.orm import Session

log = logging.getLogger(__name__)

CHANNEL = "p2m_run_events"
CANCEL_PREFIX = "cancel:"
# With a live LISTEN a stream still re-reads now and then: a notice lost while the listening
# connection was being replaced costs at most this long.
LISTENING_POLL_S = 5.0
RECONNECT_S = 2.0


def notify_stored(db: Session, run_ids: Iterable[str]) -> None:
    """Inside the transaction that stores events: tell the other replicas (PostgreSQL only)."""
    if db.get_bind().dialect.name != "postgresql":
        return
    for run_id in set(run_ids):
        db.execute(select(func.pg_notify(CHANNEL, run_id)))


def notify_cancel(db: Session, run_id: str) -> None:
    """Inside the transaction that flags a run for cancellation: wake its owner at once
    (PostgreSQL only; elsewhere the owner finds the flag at its next heartbeat)."""
    if db.get_bind().dialect.name == "postgresql":
        db.execute(select(func.pg_notify(CHANNEL, CANCEL_PREFIX + run_id)))


class EventLog:
    """Wake-ups for streams that follow a run's stored events."""

    def __init__(self, database_url: str, poll_s: float) -> None:
        self.database_url = database_url
        self.poll_s = poll_s
        # Weak: a run nobody waits on any more drops out by itself.
        self._signals: weakref.WeakValueDictionary[str, asyncio.Event] = weakref.WeakValueDictionary()
        self._listener: asyncio.Task[None] | None = None
        self.listening = False
        # Called with a run id when another replica asks for that run to be cancelled.
        self.on_cancel: Callable[[str], None] | None = None

    @property
    def uses_notify(self) -> bool:
        return self.database_url.startswith(("postgresql", "postgres://"))

    async def start(self) -> None:
        """Listen for other replicas' notices (PostgreSQL); nothing to start on SQLite."""
        if self.uses_notify and self._listener is None:
            self._listener = asyncio.create_task(self._listen(), name="p2m-event-listener")

    async def stop(self) -> None:
        if self._listener is not None:
            self._listener.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._listener
            self._listener = None
        self.listening = False

    def signal(self, run_id: str) -> asyncio.Event:
        """The event set by the next wake-up of ``run_id``: take it *before* reading the log,
        so a wake-up between the read and the wait is not missed."""
        signal = self._signals.get(run_id)
        if signal is None:
            signal = self._signals[run_id] = asyncio.Event()
        return signal

    def wake(self, run_ids: Iterable[str]) -> None:
        """New events of ``run_ids`` are stored: wake their streams."""
        for run_id in run_ids:
            signal = self._signals.pop(run_id, None)
            if signal is not None:
                signal.set()

    async def wait(self, signal: asyncio.Event, timeout_s: float) -> bool:
        """Wait for ``signal`` (from :meth:`signal`) at most ``timeout_s``, and no longer than
        the polling interval; True when woken."""
        limit = min(timeout_s, LISTENING_POLL_S if self.listening else self.poll_s)
        try:
            await asyncio.wait_for(signal.wait(), limit)
        except TimeoutError:
            return False
        return True

    async def _listen(self) -> None:
        import psycopg

        from prompt2mesh.service.db import normalize_url

        url = normalize_url(self.database_url).replace("postgresql+psycopg://", "postgresql://", 1)
        while True:
            try:
                async with await psycopg.AsyncConnection.connect(url, autocommit=True) as conn:
                    await conn.execute(f"LISTEN {CHANNEL}")
                    self.listening = True
                    # Events stored while nobody listened are found by the streams' next read.
                    self.wake(list(self._signals))
                    async for notice in conn.notifies():
                        if notice.payload.startswith(CANCEL_PREFIX):
                            if self.on_cancel is not None:
                                self.on_cancel(notice.payload.removeprefix(CANCEL_PREFIX))
                        else:
                            self.wake([notice.payload])
            except asyncio.CancelledError:
                raise
            except Exception:
                log.warning("listening for run events failed; polling until it reconnects", exc_info=True)
            self.listening = False
            await asyncio.sleep(RECONNECT_S)
