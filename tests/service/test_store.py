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
