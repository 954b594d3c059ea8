"""Log-in throttling shared through the database, so every replica sees the same counts.

Each failed log-in counts against three keys, each with its own rule (ASVS 2.2.1):

- the account *from this address*: after ``login_max_failures`` free tries the delay
  doubles up to ``login_backoff_max_s``; this is what stops one guesser on one account;
- the address, across all usernames (``login_address_max_failures`` free tries);
- the account from anywhere (``login_account_max_failures`` free tries), with its delay
  capped at ``login_account_backoff_max_s``: a crowd of addresses is slowed to a crawl, yet
  the owner is never locked out for longer than that cap.

Nothing is ever locked: a delay passes on its own, and failures older than
``login_window_s`` are forgotten.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from prompt2mesh.config import Settings
from prompt2mesh.service.errors import QuotaExceeded
from prompt2mesh.service.models import LoginThrottle


@dataclass(frozen=True)
class Rule:
    key: str
    free: int
    max_delay_s: float
    what: str  # for the message: "for this account", "from this address"


def _aware(value: datetime | None) -> datetime | None:
    # SQLite hands datetimes back without a zone; they were stored as UTC.
    if value is None:
        return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


class Throttle:
    """Backoff per key, stored in ``login_throttle``."""

    def __init__(self, settings: Settings, clock: Callable[[], datetime] = lambda: datetime.now(UTC)) -> None:
        self.settings = settings
        self._clock = clock

    def rules(self, account: str, address: str) -> list[Rule]:
        s = self.settings
        return [
            Rule(
                f"pair:{account}|{address}", s.login_max_failures, s.login_backoff_max_s, "for this account"
            ),
            Rule(f"addr:{address}", s.login_address_max_failures, s.login_backoff_max_s, "from this address"),
            Rule(
                f"acct:{account}",
                s.login_account_max_failures,
                s.login_account_backoff_max_s,
                "for this account",
            ),
        ]

    def retry_after(self, db: Session, rules: Sequence[Rule]) -> tuple[float, Rule] | None:
        """The longest wait among ``rules`` and its rule, or None when a try is allowed now."""
        now = self._clock()
        rows = {
            r.key: r
            for r in db.scalars(select(LoginThrottle).where(LoginThrottle.key.in_([x.key for x in rules])))
        }
        worst: tuple[float, Rule] | None = None
        for rule in rules:
            row = rows.get(rule.key)
            until = _aware(row.blocked_until) if row is not None else None
            if until is not None and until > now:
                wait = (until - now).total_seconds()
                if worst is None or wait > worst[0]:
                    worst = (wait, rule)
        return worst

    def failed(self, db: Session, rules: Sequence[Rule]) -> None:
        """Count a failure against every rule's key and set its next delay; commits."""
        now = self._clock()
        window = timedelta(seconds=self.settings.login_window_s)
        for rule in rules:
            row = db.get(LoginThrottle, rule.key)
            if row is None:
                row = LoginThrottle(key=rule.key, failures=0, last_failure_at=now)
                db.add(row)
            elif (_aware(row.last_failure_at) or now) < now - window:
                row.failures = 0
            row.failures += 1
            row.last_failure_at = now
            if row.failures >= rule.free:
                delay = self.settings.login_backoff_base_s * 2 ** (row.failures - rule.free)
                row.blocked_until = now + timedelta(seconds=min(delay, rule.max_delay_s))
        db.execute(
            delete(LoginThrottle).where(
                LoginThrottle.last_failure_at < now - window, LoginThrottle.key.not_like("quota:%")
            )
        )
        db.commit()

    def succeeded(self, db: Session, rules: Sequence[Rule]) -> None:
        """Forget the account's failures (not the address's: a guesser could log in to
        their own account to reset it); commits."""
        keys = [r.key for r in rules if not r.key.startswith("addr:")]
        db.execute(delete(LoginThrottle).where(LoginThrottle.key.in_(keys)))
        db.commit()

    def count(self, db: Session, key: str, limit: int, window_s: float, what: str) -> None:
        """Count one use of ``key`` in a fixed window of ``window_s``; commits.

        Raises:
            QuotaExceeded: ``limit`` uses in this window already (``retry_after_s`` set).
        """
        now = self._clock()
        row = db.get(LoginThrottle, key)
        if row is None:
            row = LoginThrottle(key=key, failures=0, last_failure_at=now)
            db.add(row)
        started = _aware(row.last_failure_at) or now
        if started <= now - timedelta(seconds=window_s):
            row.failures, row.last_failure_at, started = 0, now, now
        if row.failures >= limit:
            wait = (started + timedelta(seconds=window_s) - now).total_seconds()
            db.rollback()
            raise QuotaExceeded(f"too many {what}; try again in {int(wait) + 1} s", retry_after_s=wait)
        row.failures += 1
        db.commit()
