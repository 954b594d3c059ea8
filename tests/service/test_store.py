"""Storage on both databases: the Alembic migration, run events in order, unfinished runs."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, inspect
from sqlalchemy.exc import IntegrityError

from prompt2mesh.service.db import make_engine, make_sessionmaker, migrate, normalize_url
from prompt2mesh.service.models import Run, User
from prompt2mesh.service.store import RunStore
from service.live import make_settings


@pytest.fixture(scope="module")
def engine(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    engine = make_engine(make_settings(tmp_path_factory.mktemp("data"), database_url))
    migrate(engine)
    yield engine
    engine.dispose()


@pytest.fixture(scope="module")
def store(engine: Engine) -> RunStore:
    return RunStore(make_sessionmaker(engine))


def _run(store: RunStore, username: str, status: str = "queued") -> tuple[str, str]:
    with store.sessions.begin() as db:
        user = User(username=username, password_hash="x")
        db.add(user)
        db.flush()
        run = Run(user_id=user.id, prompt="a cube", status=status)
        db.add(run)
        db.flush()
        return user.id, run.id


def test_the_migration_creates_every_table_and_is_idempotent(engine: Engine) -> None:
    migrate(engine)  # a second start must find nothing to do
    tables = set(inspect(engine).get_table_names())
    assert {"users", "sessions", "runs", "run_events", "revoked_tokens", "alembic_version"} <= tables


def test_events_come_back_in_order_with_their_payload_and_count(store: RunStore) -> None:
    _, run_id = _run(store, "events-user")
    events = [
        {"run_id": run_id, "seq": i, "type": "tool_call", "ts": 1.0 + i, "tool": f"t{i}"} for i in (1, 2, 3)
    ]
    store.append_events(events[:2])
    store.append_events(events[2:])
    assert store.events(run_id) == events
    assert store.events(run_id, after=2) == events[2:]
    assert store.last_seq(run_id) == 3
    assert store.get(run_id).event_count == 3  # type: ignore[union-attr]


def test_a_sequence_number_is_never_stored_twice_for_one_run(store: RunStore) -> None:
    _, run_id = _run(store, "dup-user")
    store.append_events([{"run_id": run_id, "seq": 1, "type": "status", "ts": 1.0}])
    with pytest.raises(IntegrityError):
        store.append_events([{"run_id": run_id, "seq": 1, "type": "status", "ts": 2.0}])


def test_plan_and_refined_prompt_are_filled_in_from_events_as_they_arrive(store: RunStore) -> None:
    _, run_id = _run(store, "facts-user")
    store.append_events(
        [
            {"run_id": run_id, "seq": 1, "type": "prompt_refined", "ts": 1.0, "refined": "A red cube, 1 m."},
            {
                "run_id": run_id,
                "seq": 2,
                "type": "plan",
                "ts": 2.0,
                "steps": [{"number": 1, "action": "Build"}],
            },
        ]
    )
    run = store.get(run_id)
    assert run is not None and run.refined_prompt == "A red cube, 1 m."
    assert run.plan == [{"number": 1, "action": "Build"}]


def test_unfinished_runs_are_the_queued_running_and_interrupted_ones(store: RunStore) -> None:
    wanted = {_run(store, f"state-{status}", status)[1] for status in ("queued", "running", "interrupted")}
    done = {_run(store, f"state-{status}", status)[1] for status in ("completed", "failed", "cancelled")}
    unfinished = {run_id for run_id, _, _ in store.unfinished()}
    assert wanted <= unfinished and not done & unfinished
    store.set_status(next(iter(wanted)), "completed")
    assert len({run_id for run_id, _, _ in store.unfinished()} & wanted) == 2


def test_plain_postgresql_urls_use_psycopg_3(tmp_path: Path) -> None:
    assert normalize_url("postgresql://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalize_url("postgres://u@h/db") == "postgresql+psycopg://u@h/db"
    assert normalize_url("sqlite:///x.db") == "sqlite:///x.db"


def test_the_account_migration_folds_usernames_and_keeps_case_twins_apart(database_url: str) -> None:
    """Data made before usernames were case-insensitive: "alice" (older) and "Alice"."""
    from alembic import command
    from alembic.config import Config
    from sqlalchemy import create_engine, text

    from prompt2mesh.service.db import MIGRATIONS

    url = normalize_url(database_url)
    if url.startswith("postgresql"):
        pytest.skip("runs on its own SQLite file (the PostgreSQL database is shared by this module)")
    path = Path(url.removeprefix("sqlite:///")).with_name("old.db")
    engine = create_engine(f"sqlite:///{path}")
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, "0001")
        for user_id, name, created in (
            ("u1", "alice", "2025-01-01"),
            ("u2", "Alice", "2025-02-01"),
            ("u3", "Bob", "2025-03-01"),
        ):
            connection.execute(
                text("INSERT INTO users (id, username, password_hash, created_at) VALUES (:i, :n, 'x', :c)"),
                {"i": user_id, "n": name, "c": created},
            )
    migrate(engine)
    with engine.connect() as connection:
        keys = dict(connection.execute(text("SELECT id, username_key FROM users")).all())
    assert keys == {"u1": "alice", "u2": "alice#u2", "u3": "bob"}
    with pytest.raises(IntegrityError), engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO users (id, username, username_key, password_hash, created_at, token_version) "
                "VALUES ('u4', 'ALICE', 'alice', 'x', '2025-04-01', 0)"
            )
        )
    engine.dispose()


def test_a_write_refused_with_database_is_locked_is_retried_until_it_lands(tmp_path: Path) -> None:
    import sqlite3
    import threading

    from sqlalchemy import create_engine, text

    from prompt2mesh.service.db import retry_locked

    path = tmp_path / "locked.db"
    holder = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    holder.execute("PRAGMA journal_mode=WAL")
    holder.execute("CREATE TABLE t (x INTEGER)")
    holder.execute("BEGIN IMMEDIATE")
    holder.execute("INSERT INTO t VALUES (1)")
    refused = threading.Event()

    def release() -> None:
        refused.wait(30)
        holder.execute("COMMIT")

    threading.Thread(target=release).start()
    # No busy timeout here, so the first try meets the lock at once.
    engine = create_engine(f"sqlite:///{path}", connect_args={"timeout": 0})
    attempts = 0

    def write() -> None:
        nonlocal attempts
        attempts += 1
        try:
            with engine.begin() as connection:
                connection.execute(text("INSERT INTO t VALUES (2)"))
        except Exception:
            refused.set()
            raise

    retry_locked(write, attempts=10, delay_s=0.05)
    assert attempts >= 2
    with engine.connect() as connection:
        assert sorted(connection.execute(text("SELECT x FROM t")).scalars()) == [1, 2]
    engine.dispose()
    holder.close()


def test_sixteen_runs_writing_at_once_through_two_stores_never_meet_a_locked_database(
    database_url: str, tmp_path: Path
) -> None:
    """Two stores on one database stand for two processes (their own engines and pools)."""
    import threading

    engines = [make_engine(make_settings(tmp_path, database_url)) for _ in range(2)]
    stores = [RunStore(make_sessionmaker(e)) for e in engines]
    runs = [_run(stores[0], f"load{i}")[1] for i in range(16)]
    failures: list[BaseException] = []

    def work(i: int) -> None:
        store = stores[i % 2]
        try:
            for seq in range(1, 41):
                store.append_events([{"run_id": runs[i], "seq": seq, "type": "tool_call", "ts": 0.0}])
                if seq % 10 == 0:
                    store.set_status(runs[i], "running")
            store.set_status(runs[i], "completed")
        except BaseException as exc:  # every failure is reported below
            failures.append(exc)

    threads = [threading.Thread(target=work, args=(i,)) for i in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert failures == []
    assert all(stores[1].last_seq(r) == 40 and stores[1].get(r).status == "completed" for r in runs)  # type: ignore[union-attr]
    for e in engines:
        e.dispose()
