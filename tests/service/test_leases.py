"""Run leases on both databases: one owner per run, takeover only after a lease lapses, a
user's runs on one replica at a time, and runs without a live owner found for adoption."""

from __future__ import annotations

import uuid
from collections.abc import Iterator

import pytest
from sqlalchemy import Engine

from prompt2mesh.service.db import make_engine, make_sessionmaker, migrate
from prompt2mesh.service.leases import LeaseStore
from prompt2mesh.service.models import Run, User
from service.live import make_settings

TTL = 30.0


class Clock:
    """The replicas' shared wall clock, moved by the test instead of waited for."""

    def __init__(self) -> None:
        self.now = 1_000_000.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(scope="module")
def engine(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Engine]:
    engine = make_engine(make_settings(tmp_path_factory.mktemp("data"), database_url))
    migrate(engine)
    yield engine
    engine.dispose()


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def replicas(engine: Engine, clock: Clock) -> tuple[LeaseStore, LeaseStore]:
    sessions = make_sessionmaker(engine)
    return LeaseStore(sessions, "replica-a", TTL, clock), LeaseStore(sessions, "replica-b", TTL, clock)


def _user_with_runs(engine: Engine, count: int, status: str = "queued") -> tuple[str, list[str]]:
    with make_sessionmaker(engine).begin() as db:
        user = User(username=f"u{uuid.uuid4().hex[:12]}", password_hash="x")
        db.add(user)
        db.flush()
        runs = [Run(user_id=user.id, prompt="a cube", status=status) for _ in range(count)]
        db.add_all(runs)
        db.flush()
        return user.id, [r.id for r in runs]


def test_a_run_has_one_owner_until_its_lease_lapses_and_then_it_is_taken_over(
    engine: Engine, replicas: tuple[LeaseStore, LeaseStore], clock: Clock
) -> None:
    a, b = replicas
    user_id, (run_id,) = _user_with_runs(engine, 1)
    assert a.claim(run_id, user_id).granted
    refused = b.claim(run_id, user_id)
    assert not refused.granted and refused.holder == "replica-a"
    clock.now += TTL / 2
    assert a.renew([run_id]) == ({run_id}, set())
    clock.now += TTL - 1  # renewed: still A's
    assert not b.claim(run_id, user_id).granted
    clock.now += 2  # A stopped renewing: lapsed
    taken = b.claim(run_id, user_id)
    assert taken.granted and taken.previous_owner == "replica-a"
    # A comes back from a hang: its lease is gone and it must stop.
    assert a.renew([run_id]) == (set(), set())
    assert b.holder(run_id) == "replica-b"


def test_a_users_runs_stay_on_the_replica_that_holds_one_of_them(
    engine: Engine, replicas: tuple[LeaseStore, LeaseStore], clock: Clock
) -> None:
    a, b = replicas
    user_id, (first, second) = _user_with_runs(engine, 2)
    assert a.claim(first, user_id).granted
    refused = b.claim(second, user_id)
    assert not refused.granted and refused.holder == "replica-a"
    assert a.claim(second, user_id).granted
    a.release(first)
    a.release(second)
    assert b.claim(second, user_id).granted


def test_runs_without_a_live_owner_and_lapsed_commands_are_found_for_adoption(
    engine: Engine, replicas: tuple[LeaseStore, LeaseStore], clock: Clock
) -> None:
    a, b = replicas
    user_id, (waiting, owned, lapsed) = _user_with_runs(engine, 3, status="running")
    _other, (edited,) = _user_with_runs(engine, 1, status="completed")
    assert a.claim(owned, user_id).granted
    assert a.claim(lapsed, user_id).granted
    assert b.claim(edited, _other, command_id="c" * 32).granted
    mine = {waiting, owned, lapsed, edited}  # the database also holds the other tests' runs
    held_by_b = [edited]
    found = {o.run_id: o for o in b.orphans(("queued", "running"), held_by_b) if o.run_id in mine}
    assert set(found) == {waiting}
    clock.now += TTL + 1
    assert a.renew([owned]) == ({owned}, set())
    found = {o.run_id: o for o in b.orphans(("queued", "running"), exclude=[waiting]) if o.run_id in mine}
    assert set(found) == {lapsed, edited}
    assert found[lapsed].previous_owner == "replica-a" and found[lapsed].command_id is None
    assert found[edited].command_id == "c" * 32


def test_a_cancellation_asked_by_another_replica_reaches_the_owner_and_survives_a_takeover(
    engine: Engine, replicas: tuple[LeaseStore, LeaseStore], clock: Clock
) -> None:
    a, b = replicas
    user_id, (run_id,) = _user_with_runs(engine, 1, status="running")
    assert b.request_cancel(run_id) is None  # nobody executes it: nothing to ask
    assert a.claim(run_id, user_id).granted
    assert b.request_cancel(run_id) == "replica-a"
    assert a.renew([run_id]) == ({run_id}, {run_id})
    clock.now += TTL + 1
    assert b.claim(run_id, user_id).granted
    assert b.renew([run_id]) == ({run_id}, {run_id})


def test_a_restarted_replica_takes_back_the_runs_leased_in_its_name_without_waiting(
    engine: Engine, replicas: tuple[LeaseStore, LeaseStore], clock: Clock
) -> None:
    a, b = replicas
    user_id, (run_id,) = _user_with_runs(engine, 1, status="running")
    assert a.claim(run_id, user_id).granted
    again = LeaseStore(a.sessions, "replica-a", TTL, clock)  # the same name, a new process
    assert run_id in {o.run_id for o in again.orphans(("running",))}
    assert run_id not in {o.run_id for o in b.orphans(("running",))}
    taken = again.claim(run_id, user_id)
    assert taken.granted and taken.previous_owner is None
