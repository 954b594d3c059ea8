"""The SQLAlchemy engine and sessions, from settings: SQLite by default, PostgreSQL by URL.

The schema is created and upgraded by Alembic (``migrations/``) when the app starts.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any, TypeVar

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session, sessionmaker

from prompt2mesh.config import Settings

MIGRATIONS = Path(__file__).parent / "migrations"
SQLITE_BUSY_TIMEOUT_S = 30.0
MIGRATION_LOCK_KEY = 0x50324D  # "P2M": one PostgreSQL advisory lock for schema upgrades
log = logging.getLogger(__name__)
T = TypeVar("T")


def normalize_url(url: str) -> str:
    """Use psycopg 3 for plain ``postgresql://`` URLs (SQLAlchemy would pick psycopg2)."""
    for prefix in ("postgresql://", "postgres://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def make_engine(settings: Settings) -> Engine:
    """An engine for ``settings.resolved_database_url()`` (creates the SQLite folder)."""
    url = normalize_url(settings.resolved_database_url())
    kwargs: dict[str, Any] = {}
    # Requests hold a connection only while they run (event streams give theirs back), so
    # the pool bounds concurrent requests, not watchers; a checkout never waits long.
    if url.startswith("sqlite"):
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        kwargs["connect_args"] = {"check_same_thread": False, "timeout": SQLITE_BUSY_TIMEOUT_S}
        kwargs.update(pool_size=20, max_overflow=40, pool_timeout=10)
    else:
        kwargs.update(pool_pre_ping=True, pool_size=10, max_overflow=30, pool_timeout=10)
    engine = create_engine(url, **kwargs)
    if url.startswith("sqlite"):
        event.listen(engine, "connect", _sqlite_pragmas)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # WAL lets the SSE readers and the event writer work at once; FKs are off by default.
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    # A writer waits for the lock instead of failing at once ("database is locked").
    cursor.execute(f"PRAGMA busy_timeout={int(SQLITE_BUSY_TIMEOUT_S * 1000)}")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()


def make_sessionmaker(engine: Engine) -> sessionmaker[Session]:
    return sessionmaker(engine, expire_on_commit=False)


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest Alembic revision."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # Replicas starting together take turns; the later ones find the schema current.
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY})
        config.attributes["connection"] = connection
        command.upgrade(config, "head")


def is_locked(exc: OperationalError) -> bool:
    """SQLite's "database is locked" / "database table is locked" (retryable)."""
    return "locked" in str(exc.orig if exc.orig is not None else exc).lower()


def retry_locked(write: Callable[[], T], *, attempts: int = 5, delay_s: float = 0.2) -> T:
    """Run ``write`` again when SQLite answers "database is locked" (a writer of another
    process held the lock past the busy timeout, or a read transaction could not be upgraded).

    Raises:
        OperationalError: still locked after ``attempts`` tries, or any other error.
    """
    for attempt in range(1, attempts + 1):
        try:
            return write()
        except OperationalError as exc:
            if not is_locked(exc) or attempt == attempts:
                raise
            log.warning("database is locked; retrying the write (%d/%d)", attempt, attempts)
            time.sleep(delay_s * 2 ** (attempt - 1))
    raise AssertionError("unreachable")
