"""Several replicas on one PostgreSQL: two real ``prompt2mesh serve`` processes sharing one
database and one workspace volume, as behind a load balancer. A run started on one is
followed through the other, cancelled through the other, and, when its replica is killed
mid-run, taken over and finished by the other from its checkpoint, never executed by both;
a user's runs and edits stay on one replica at a time; failed log-ins count on every replica."""

from __future__ import annotations

import os
import time
import uuid
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import httpx
import psycopg
import pytest

from service.live import PASSWORD, ServeProcess, User, free_port, iter_sse, signup_and_login, stream_events

PG_URL = os.environ.get("P2M_TEST_POSTGRES_URL")

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.timeout(300),
    pytest.mark.skipif(not PG_URL, reason="P2M_TEST_POSTGRES_URL is not set"),
]

LEASE_TTL_S = 3.0


@pytest.fixture(scope="module")
def database() -> Iterator[str]:
    assert PG_URL is not None
    name = f"p2m_replicas_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield f"{PG_URL.rpartition('/')[0]}/{name}"
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="module")
def replicas(
    database: str, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[tuple[ServeProcess, ServeProcess]]:
    """Replicas A and B, started at once (they migrate the same empty database together)."""
    data_dir = tmp_path_factory.mktemp("volume") / "data"  # the workspaces' shared volume
    env = {
        "P2M_DATABASE_URL": database,
        "P2M_CHECKPOINT_URL": database,
        "P2M_RUN_LEASE_TTL_S": str(LEASE_TTL_S),
        "P2M_RUN_LEASE_SCAN_S": "0.5",
        # Long enough that the next try, on either replica, lands inside the delay.
        "P2M_LOGIN_BACKOFF_BASE_S": "60",
        "P2M_LOGIN_MAX_FAILURES": "3",
    }
    a = ServeProcess(data_dir, free_port(), P2M_REPLICA_ID="replica-a", **env)
    b = ServeProcess(data_dir, free_port(), P2M_REPLICA_ID="replica-b", **env)
    with ThreadPoolExecutor(2) as pool:
        list(pool.map(ServeProcess.start, (a, b)))
    yield a, b
    a.stop()
    b.stop()


def _on(replica: ServeProcess, user: User) -> User:
    """The same signed-in user talking to another replica (tokens are valid on every one)."""
    client = httpx.Client(base_url=replica.url, timeout=60, headers=user.auth())
    return User(username=user.username, token=user.token, client=client, id=user.id)


def _lease(database: str, run_id: str) -> tuple[str, int] | None:
    with psycopg.connect(database) as conn:
        row = conn.execute("SELECT owner, takeovers FROM run_leases WHERE run_id = %s", (run_id,)).fetchone()
    return (str(row[0]), int(row[1])) if row else None


def _wait_for(predicate: Any, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not predicate():
        assert time.monotonic() < deadline, "timed out"


def test_failed_log_ins_on_one_replica_slow_down_the_next_try_on_the_other(
    replicas: tuple[ServeProcess, ServeProcess],
) -> None:
    a, b = replicas
    signup_and_login(a.url, "erin")
    with httpx.Client(base_url=a.url) as on_a, httpx.Client(base_url=b.url) as on_b:
        for _ in range(3):
            wrong = on_a.post("/auth/login", json={"username": "erin", "password": "not the password"})
            assert wrong.status_code == 401
        refused = on_b.post("/auth/login", json={"username": "erin", "password": PASSWORD})
        assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 1


def test_a_users_second_run_waits_for_the_replica_of_the_first_and_both_cancel_through_the_other(
    replicas: tuple[ServeProcess, ServeProcess], database: str
) -> None:
    a, b = replicas
    on_a = signup_and_login(a.url, "fay")
    on_b = _on(b, on_a)
    run_id = on_a.client.post("/runs", json={"prompt": "a decorated christmas tree"}).json()["id"]
    with on_b.client.stream("GET", f"/runs/{run_id}/events") as response:
        for _name, event in iter_sse(response):
            if event["type"] == "tool_call":
                break
    assert _lease(database, run_id) == ("replica-a", 0)
    # Started through B while A works for fay: it waits (queued) for A, never taken by B.
    waiting = on_b.client.post("/runs", json={"prompt": "a red cube"}).json()["id"]
    assert on_b.client.get(f"/runs/{waiting}").json()["status"] == "queued"
    assert _lease(database, waiting) in (None, ("replica-a", 0))
    cancelled = on_b.client.post(f"/runs/{waiting}/cancel")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    statuses = [e["status"] for e in stream_events(on_b, waiting) if e["type"] in ("status", "end")]
    assert "running" not in statuses and statuses[-2:] == ["cancelled", "cancelled"]
    cancelled = on_b.client.post(f"/runs/{run_id}/cancel")
    assert cancelled.status_code == 200 and cancelled.json()["status"] == "cancelled"
    events = stream_events(on_b, run_id)
    assert events[-1] == {"type": "end", "status": "cancelled"}
    assert _lease(database, run_id) is None


def test_an_edit_command_runs_on_one_replica_is_followed_through_the_other_and_blocks_a_second_one(
    replicas: tuple[ServeProcess, ServeProcess], database: str
) -> None:
    a, b = replicas
    on_a = signup_and_login(a.url, "hal")
    on_b = _on(b, on_a)
    session_id = on_a.client.post("/sessions", json={"title": "cube"}).json()["id"]
    run = {"prompt": "a red cube", "session_id": session_id, "options": {"refine": False}}
    run_id = on_a.client.post("/runs", json=run).json()["id"]
    assert stream_events(on_b, run_id)[-1] == {"type": "end", "status": "completed"}
    _wait_for(lambda: _lease(database, run_id) is None)
    sent = on_b.client.post(f"/sessions/{session_id}/commands", json={"text": "make it taller"})
    assert sent.status_code == 202, sent.text
    command_id = sent.json()["id"]
    # B holds hal's scene now: A refuses a second command instead of editing beside it.
    second = on_a.client.post(f"/sessions/{session_id}/commands", json={"text": "make it red"})
    assert second.status_code == 409 and second.json()["error"]["code"] == "scene_busy"
    events: list[dict[str, Any]] = []
    url = f"/sessions/{session_id}/commands/{command_id}/events"
    with on_a.client.stream("GET", url, timeout=httpx.Timeout(120)) as response:
        for name, data in iter_sse(response):
            events.append({"type": "end", **data} if name == "end" else data)
            if name == "end":
                break
    types = [e["type"] for e in events]
    assert types[0] == "command_started" and types[-2:] == ["command_finished", "end"]
    assert events[-1]["status"] == events[-2]["outcome"]["status"] != "failed"
    assert all(e["command_id"] == command_id for e in events[:-1])
    _wait_for(lambda: _lease(database, run_id) is None)


def test_a_run_whose_replica_is_killed_mid_run_is_taken_over_and_finished_by_the_other(
    replicas: tuple[ServeProcess, ServeProcess], database: str
) -> None:
    a, b = replicas
    on_a = signup_and_login(a.url, "gus")
    on_b = _on(b, on_a)
    run_id = on_a.client.post("/runs", json={"prompt": "a red cube on a blue table"}).json()["id"]
    seen: list[dict[str, Any]] = []
    killed_after = 0
    # One stream, through B, from the first event to the last, across A's death.
    with on_b.client.stream("GET", f"/runs/{run_id}/events", timeout=httpx.Timeout(240)) as response:
        for name, event in iter_sse(response):
            if name == "end":
                end = event
                break
            seen.append(event)
            if not killed_after and event["type"] == "tool_call" and (event.get("step") or 0) >= 2:
                assert _lease(database, run_id) == ("replica-a", 0)
                a.kill()
                killed_after = event["seq"]
    assert killed_after, "the run ended before replica A could be killed"
    assert end == {"status": "completed"}
    # Every event once, numbered without a gap: no two replicas wrote the run at once.
    assert [e["seq"] for e in seen] == list(range(1, len(seen) + 1))
    takeovers = [e for e in seen if e["type"] == "taken_over"]
    assert [(e["previous_owner"], e["owner"]) for e in takeovers] == [("replica-a", "replica-b")]
    after = [e["type"] for e in seen if e["seq"] > takeovers[0]["seq"]]
    # Resumed from the checkpoint in the shared database, not started over.
    assert "run_resumed" in after and "run_started" not in after
    assert [e["type"] for e in seen].count("run_started") == 1
    accepted = [e["step"] for e in seen if e["type"] == "step_accepted"]
    assert len(accepted) == len(set(accepted)), "a step was accepted twice"
    run = on_b.client.get(f"/runs/{run_id}").json()
    assert run["status"] == "completed" and run["report"]["run_id"] == run_id
    assert on_b.client.get(f"/runs/{run_id}/files/scene.glb").content.startswith(b"glTF")
    _wait_for(lambda: _lease(database, run_id) is None)
    # B serves on: a new run of the same user is B's (the user's worker lives there now).
    second = on_b.client.post("/runs", json={"prompt": "a red cube"}).json()["id"]
    assert stream_events(on_b, second)[-1] == {"type": "end", "status": "completed"}


def test_a_replica_stopped_cleanly_hands_its_run_to_another_without_waiting_for_the_lease(
    replicas: tuple[ServeProcess, ServeProcess], database: str
) -> None:
    _a, b = replicas  # A was killed above; C joins, then B is stopped with SIGTERM
    c = ServeProcess(_data_dir(b), free_port(), P2M_REPLICA_ID="replica-c", **_env_of(b)).start()
    try:
        on_b = signup_and_login(b.url, "ida")
        on_c = _on(c, on_b)
        run_id = on_b.client.post("/runs", json={"prompt": "a red cube on a blue table"}).json()["id"]
        seen: list[dict[str, Any]] = []
        with on_c.client.stream("GET", f"/runs/{run_id}/events", timeout=httpx.Timeout(240)) as response:
            for name, event in iter_sse(response):
                if name == "end":
                    end = event
                    break
                seen.append(event)
                if event["type"] == "tool_call" and (event.get("step") or 0) >= 2 and b.proc is not None:
                    if b.proc.poll() is None:
                        b.stop()
        assert end == {"status": "completed"}
        statuses = [e["status"] for e in seen if e["type"] == "status"]
        assert statuses[:2] == ["queued", "running"] and "interrupted" in statuses
        # Released, not lapsed: C resumed it as a run nobody held, not as a takeover.
        assert "taken_over" not in {e["type"] for e in seen} and "run_resumed" in {e["type"] for e in seen}
        assert [e["seq"] for e in seen] == list(range(1, len(seen) + 1))
    finally:
        c.stop()


def _data_dir(replica: ServeProcess) -> Path:
    return Path(replica.env["P2M_DATA_DIR"])


def _env_of(replica: ServeProcess) -> dict[str, str]:
    keep = ("P2M_DATABASE_URL", "P2M_CHECKPOINT_URL", "P2M_RUN_LEASE_TTL_S", "P2M_RUN_LEASE_SCAN_S")
    return {k: replica.env[k] for k in keep}
