"""One plan-cache contract, three stores: the CLI's JSON file, and the service database on
SQLite and on PostgreSQL (through the Alembic migration)."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.orm import Session, sessionmaker

from prompt2mesh.agent.plan_cache import CachedPlan, JsonPlanCacheStore, PlanCacheStore
from prompt2mesh.config import Settings
from prompt2mesh.service.db import make_engine, make_sessionmaker, migrate
from prompt2mesh.service.models import Run, User
from prompt2mesh.service.plan_cache import SqlPlanCacheStore

PG_URL = os.environ.get("P2M_TEST_POSTGRES_URL")


@pytest.fixture(params=["json", "sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def stores(
    request: pytest.FixtureRequest, tmp_path: Path
) -> Iterator[tuple[PlanCacheStore, sessionmaker[Session] | None]]:
    if request.param == "json":
        yield JsonPlanCacheStore(tmp_path / "plan_cache.json"), None
        return
    url = f"sqlite:///{tmp_path / 'service.db'}"
    if request.param == "postgres":
        url = fresh_postgres_database()
    engine = make_engine(Settings(data_dir=tmp_path, database_url=url))
    migrate(engine)
    sessions = make_sessionmaker(engine)
    with sessions.begin() as db:
        for name in ("ann", "bob"):
            db.add(User(id=name, username=name, password_hash="x"))
        db.flush()
        for run_id, owner in (("run-1", "ann"), ("run-2", "ann"), ("run-3", "bob")):
            db.add(Run(id=run_id, user_id=owner, prompt="p", options={}))
    try:
        yield SqlPlanCacheStore(sessions), sessions
    finally:
        engine.dispose()
        if request.param == "postgres":
            import psycopg

            with psycopg.connect(str(PG_URL), autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{url.rpartition("/")[2]}" WITH (FORCE)')


def fresh_postgres_database() -> str:
    """A new, empty PostgreSQL database (dropped after the test)."""
    import psycopg

    if not PG_URL:
        pytest.skip("P2M_TEST_POSTGRES_URL is not set")
    name = f"p2m_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return f"{PG_URL.rpartition('/')[0]}/{name}"


def entry(owner: str, run_id: str, created_at: float, key: str = "k") -> CachedPlan:
    return CachedPlan(
        key=key,
        owner=owner,
        run_id=run_id,
        prompt="a red cube",
        refined_prompt="a red cube 1 m",
        plan=[{"number": 1, "action": "Build the cube", "tools": ["create_primitive"]}],
        final_score=8,
        created_at=created_at,
    )


def test_a_store_keeps_the_newest_plan_per_owner_and_shares_only_when_asked(stores: Any) -> None:
    store, _ = stores
    store.put(entry("ann", "run-1", 1_000.0))
    store.put(entry("ann", "run-2", 2_000.0))
    store.put(entry("bob", "run-3", 3_000.0))
    mine = store.find("k", "ann")
    assert mine is not None and mine.run_id == "run-2" and mine.owner == "ann"
    assert mine.plan[0]["action"] == "Build the cube" and mine.final_score == 8
    assert abs(mine.created_at - 2_000.0) < 1
    everyone = store.find("k", None)
    assert everyone is not None and everyone.run_id == "run-3"
    assert store.find("other-key", "ann") is None


def test_deleting_the_source_run_removes_its_cached_plan(stores: Any) -> None:
    store, sessions = stores
    if sessions is None:
        pytest.skip("the JSON store has no runs table")
    store.put(entry("ann", "run-2", 2_000.0))
    with sessions.begin() as db:
        db.delete(db.get(Run, "run-2"))
    assert store.find("k", "ann") is None
