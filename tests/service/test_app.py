"""The app as a person runs it: ``prompt2mesh serve`` in its own process. A server killed
mid-run resumes the run when it starts again; two users run at once in separate workspaces;
the web UI is served; a placeholder secret is refused in production."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from service.live import (
    LiveServer,
    ServeProcess,
    User,
    iter_sse,
    make_settings,
    signup_and_login,
    stream_events,
)
from service.live import free_port as _free_port

pytestmark = pytest.mark.timeout(300)


@pytest.fixture
def data_dir(tmp_path: Path) -> Path:
    return tmp_path / "data"


@pytest.fixture(scope="module")
def shared_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("shared") / "data"


@pytest.fixture(scope="module")
def shared(shared_data_dir: Path) -> Iterator[ServeProcess]:
    """One server for the tests that do not stop it."""
    process = ServeProcess(shared_data_dir, _free_port()).start()
    yield process
    process.stop()


def _login(url: str, username: str) -> User:
    client = httpx.Client(base_url=url, timeout=60)
    token = client.post("/auth/login", json={"username": username, "password": "correct horse battery"})
    assert token.status_code == 200, token.text
    client.headers["Authorization"] = f"Bearer {token.json()['access_token']}"
    return User(username=username, token=token.json()["access_token"], client=client)


def test_a_run_interrupted_by_a_killed_server_is_resumed_when_it_starts_again(data_dir: Path) -> None:
    serve = ServeProcess(data_dir, _free_port()).start()
    alice = signup_and_login(serve.url, "alice")
    run_id = alice.client.post("/runs", json={"prompt": "a red cube on a blue table"}).json()["id"]
    seen: list[dict[str, Any]] = []
    with alice.client.stream("GET", f"/runs/{run_id}/events") as response:
        for _name, event in iter_sse(response):
            seen.append(event)
            # Mid-node (a tool call of step 2), where a crash most often lands.
            if event["type"] == "tool_call" and (event.get("step") or 0) >= 2:
                serve.kill()
                break
    alice.client.close()
    assert seen[-1]["type"] == "tool_call"

    again = ServeProcess(data_dir, _free_port()).start()
    try:
        alice = _login(again.url, "alice")
        more = stream_events(alice, run_id, after=seen[-1]["seq"])
        # Every event a client saw was stored first, so numbering goes on without a gap.
        assert more[0]["seq"] == seen[-1]["seq"] + 1
        assert more[-1] == {"type": "end", "status": "completed"}
        statuses = [e["status"] for e in more if e["type"] == "status"]
        assert statuses == ["queued", "running", "completed"]
        assert "run_resumed" in {e["type"] for e in more}
        run = alice.client.get(f"/runs/{run_id}").json()
        assert run["status"] == "completed" and run["report"]["run_id"] == run_id
        assert alice.client.get(f"/runs/{run_id}/files/scene.glb").content.startswith(b"glTF")
        full = stream_events(alice, run_id)
        assert [e["seq"] for e in full[:-1]] == sorted({e["seq"] for e in full[:-1]})
    finally:
        again.stop()


def test_a_run_still_going_at_a_clean_shutdown_is_marked_interrupted_and_resumed_at_start(
    tmp_path: Path,
) -> None:
    settings = make_settings(tmp_path / "data", resume_runs_on_start=False)
    with LiveServer(settings) as live:
        user = signup_and_login(live.url, "carl")
        run_id = user.client.post("/runs", json={"prompt": "a decorated christmas tree"}).json()["id"]
        with user.client.stream("GET", f"/runs/{run_id}/events") as response:
            for _name, event in iter_sse(response):
                if event["type"] == "tool_call":
                    break
        user.client.close()
    # Resuming on start is off here: the run waits, marked resumable, for the user.
    with LiveServer(settings) as live:
        user = _login(live.url, "carl")
        assert user.client.get(f"/runs/{run_id}").json()["status"] == "interrupted"
        assert user.client.post(f"/runs/{run_id}/resume").status_code == 202
        events = stream_events(user, run_id)
        assert events[-1] == {"type": "end", "status": "completed"}
        statuses = [e["status"] for e in events if e["type"] == "status"]
        assert statuses[:2] == ["queued", "running"] and "interrupted" in statuses


def test_a_run_whose_worker_dies_fails_resumably_and_resumes_on_a_fresh_worker(tmp_path: Path) -> None:
    with LiveServer(make_settings(tmp_path / "data")) as live:
        user = signup_and_login(live.url, "dora")
        run_id = user.client.post("/runs", json={"prompt": "a red cube on a blue table"}).json()["id"]
        with user.client.stream("GET", f"/runs/{run_id}/events") as response:
            for _name, event in iter_sse(response):
                if event["type"] == "tool_call" and (event.get("step") or 0) >= 2:
                    pid = live.app_services().workers.info(user.id).pid
                    assert pid is not None
                    os.kill(pid, signal.SIGKILL)
                    break
        events = stream_events(user, run_id)
        assert events[-1] == {"type": "end", "status": "failed"}
        run = user.client.get(f"/runs/{run_id}").json()
        assert run["status"] == "failed" and "Worker" in (run["error"] or "")
        assert user.client.post(f"/runs/{run_id}/resume").status_code == 202
        more = stream_events(user, run_id, after=events[-2]["seq"])
        assert more[-1] == {"type": "end", "status": "completed"}
        assert "run_resumed" in {e["type"] for e in more}
        assert user.client.get(f"/runs/{run_id}/files/scene.glb").content.startswith(b"glTF")


def test_two_users_run_at_once_in_separate_workspaces(shared: ServeProcess, shared_data_dir: Path) -> None:
    serve, data_dir = shared, shared_data_dir
    users = [signup_and_login(serve.url, name) for name in ("ann", "ben")]
    prompts = {"ann": "a red cube", "ben": "a blue sphere"}
    runs = {
        u.username: u.client.post("/runs", json={"prompt": prompts[u.username]}).json()["id"] for u in users
    }
    results: dict[str, list[dict[str, Any]]] = {}

    def follow(user: User) -> None:
        results[user.username] = stream_events(user, runs[user.username])

    threads = [threading.Thread(target=follow, args=(u,)) for u in users]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(240)
    assert set(results) == {"ann", "ben"}
    starts = {
        name: next(e["ts"] for e in events if e["type"] == "run_started") for name, events in results.items()
    }
    ends = {
        name: next(e["ts"] for e in events if e["type"] == "run_finished") for name, events in results.items()
    }
    assert starts["ann"] < ends["ben"] and starts["ben"] < ends["ann"], "the runs did not overlap"
    for user in users:
        assert results[user.username][-1] == {"type": "end", "status": "completed"}
        run_dir = data_dir / "workspaces" / user.id / "runs" / runs[user.username]
        assert (run_dir / "scene.glb").is_file() and (run_dir / "report.json").is_file()
        other = next(u for u in users if u is not user)
        assert not (data_dir / "workspaces" / other.id / "runs" / runs[user.username]).exists()
    health = httpx.get(f"{serve.url}/health").json()
    assert health["workers"]["active"] == 2


def test_a_users_second_run_waits_for_the_first_since_both_edit_one_scene(shared: ServeProcess) -> None:
    user = signup_and_login(shared.url, "patient")
    first = user.client.post("/runs", json={"prompt": "a red cube"}).json()["id"]
    second = user.client.post("/runs", json={"prompt": "a blue sphere"}).json()["id"]
    events = {run_id: stream_events(user, run_id) for run_id in (first, second)}
    for run_events in events.values():
        assert run_events[-1] == {"type": "end", "status": "completed"}
    finished = next(e["ts"] for e in events[first] if e["type"] == "run_finished")
    started = next(e["ts"] for e in events[second] if e["type"] == "run_started")
    assert started >= finished
    assert [e["status"] for e in events[second] if e["type"] == "status"][0] == "queued"


def test_many_live_watchers_of_one_run_all_see_it_to_the_end(shared: ServeProcess) -> None:
    # More watchers than database connections in the pool: streams must not hold one.
    watcher = signup_and_login(shared.url, "watched")
    run_id = watcher.client.post("/runs", json={"prompt": "a yellow cube"}).json()["id"]
    ends: list[dict[str, Any]] = []

    def watch() -> None:
        ends.append(stream_events(watcher, run_id)[-1])

    threads = [threading.Thread(target=watch) for _ in range(70)]
    for thread in threads:
        thread.start()
    assert httpx.get(f"{shared.url}/health", timeout=30).status_code == 200
    for thread in threads:
        thread.join(240)
    assert ends == [{"type": "end", "status": "completed"}] * 70


def test_the_web_ui_is_served_at_the_root_and_its_assets_under_static(shared: ServeProcess) -> None:
    serve = shared
    web = Path(__file__).parents[2] / "src" / "prompt2mesh" / "web"
    index = httpx.get(f"{serve.url}/")
    assert index.status_code == 200 and index.headers["content-type"].startswith("text/html")
    assert index.text == (web / "index.html").read_text()
    asset = next(p for p in sorted(web.iterdir()) if p.is_file() and p.name != "index.html")
    static = httpx.get(f"{serve.url}/static/{asset.name}")
    assert static.status_code == 200 and static.content == asset.read_bytes()


def test_serve_refuses_a_placeholder_secret_in_production_and_says_why(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("P2M_")}
    env.update(P2M_ENVIRONMENT="production", P2M_SECRET_KEY="change-me", P2M_DATA_DIR=str(tmp_path))
    done = subprocess.run(
        [sys.executable, "-m", "prompt2mesh", "serve", "--port", str(_free_port())],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert "refusing to start" in done.stderr and "P2M_SECRET_KEY is a placeholder" in done.stderr


def test_serve_refuses_a_provider_without_its_key_in_one_line(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("P2M_") and not k.endswith("_API_KEY")}
    env.update(P2M_PROVIDER="anthropic", P2M_DATA_DIR=str(tmp_path))
    done = subprocess.run(
        [sys.executable, "-m", "prompt2mesh", "serve", "--port", str(_free_port())],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "prompt2mesh serve: refusing to start: provider 'anthropic' needs an API key: set "
        "ANTHROPIC_API_KEY (or use P2M_PROVIDER=offline, which needs no key)"
    ]


def test_a_default_install_signs_with_its_own_secret_and_refuses_the_public_placeholder(
    data_dir: Path,
) -> None:
    import stat
    import warnings
    from datetime import UTC, datetime, timedelta

    import jwt

    # Started as the README says, without P2M_SECRET_KEY.
    serve = ServeProcess(data_dir, _free_port(), P2M_SECRET_KEY="").start()
    assert "P2M_SECRET_KEY is not set" in "".join(serve.log)
    try:
        user = signup_and_login(serve.url, "alice")
        now = datetime.now(UTC)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # PyJWT rightly warns that the public key is short
            forged = jwt.encode(
                {"sub": user.id, "jti": "x", "iat": now, "exp": now + timedelta(minutes=5), "typ": "access"},
                "dev-secret-change-me",
                algorithm="HS256",
            )
        response = httpx.get(f"{serve.url}/auth/me", headers={"Authorization": f"Bearer {forged}"})
        assert response.status_code == 401 and response.json()["error"]["code"] == "invalid_token"
        assert user.client.get("/auth/me").status_code == 200
        secret_file = data_dir / "secret_key"
        assert stat.S_IMODE(secret_file.stat().st_mode) == 0o600
        assert len(secret_file.read_text().strip()) >= 48
    finally:
        serve.stop()


def test_serve_ignores_forwarded_for_from_loopback_and_keeps_secrets_out_of_its_access_log(
    data_dir: Path,
) -> None:
    serve = ServeProcess(
        data_dir, _free_port(), P2M_LOGIN_MAX_FAILURES="2", P2M_LOGIN_BACKOFF_BASE_S="60"
    ).start()
    try:
        user = signup_and_login(serve.url, "alice")
        for i in range(2):
            forged = {"X-Forwarded-For": f"203.0.113.{i}"}
            guess = httpx.post(
                f"{serve.url}/auth/login",
                json={"username": "alice", "password": "guess guess"},
                headers=forged,
            )
            assert guess.status_code == 401
        blocked = httpx.post(
            f"{serve.url}/auth/login",
            json={"username": "alice", "password": "correct horse battery"},
            headers={"X-Forwarded-For": "203.0.113.77"},
        )
        assert blocked.status_code == 429
        ticket = user.client.post("/auth/stream-ticket", json={"path": "/runs/nope/events"}).json()["ticket"]
        assert httpx.get(f"{serve.url}/runs/nope/events", params={"ticket": ticket}).status_code == 404
        httpx.get(f"{serve.url}/auth/me", params={"access_token": user.token})
    finally:
        serve.stop()
    log = "".join(serve.log)
    assert "/runs/nope/events?ticket=" in log, "the request was not in the access log"
    assert ticket not in log and user.token not in log
