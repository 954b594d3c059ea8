"""The user's worker over HTTP: log-in warms it, an idle worker gives its slot to someone who
needs one, and a pool full of busy workers answers 503 'busy, try again'."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from service.live import LiveServer, make_settings, signup_and_login, stream_events

pytestmark = pytest.mark.timeout(240)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    settings = make_settings(tmp_path_factory.mktemp("data"), max_workers=1, warm_worker_on_login=True)
    with LiveServer(settings) as live:
        yield live


def test_an_idle_warm_worker_gives_its_slot_to_a_user_who_runs_something(server: LiveServer) -> None:
    idle = signup_and_login(server.url, "idler")
    assert idle.client.get("/workers/me").json()["state"] in ("starting", "ready")
    ready = idle.client.post("/workers/me")
    assert ready.status_code == 200 and ready.json()["state"] == "ready"

    # The only slot is held by a log-in that does nothing: a real run must still start.
    worker = signup_and_login(server.url, "worker")
    started = worker.client.post("/runs", json={"prompt": "a red cube"})
    assert started.status_code == 202, started.text
    assert stream_events(worker, started.json()["id"])[-1] == {"type": "end", "status": "completed"}
    assert idle.client.get("/workers/me").json()["state"] == "stopped"


def test_a_worker_in_use_is_never_taken_and_others_get_503(server: LiveServer) -> None:
    busy = signup_and_login(server.url, "busy")
    other = signup_and_login(server.url, "other")
    workers = server.app_services().workers
    # Busy's worker is in use: it holds a lease, exactly as a run or an edit holds one while it
    # works. Taken here rather than through a run, which an offline build may finish before
    # the other user's requests arrive.
    handle = server.call(workers.acquire(busy.id))
    try:
        for refused in (
            other.client.post("/workers/me"),
            other.client.post("/runs", json={"prompt": "a cube"}),
        ):
            assert refused.status_code == 503
            body = refused.json()["error"]
            assert body["code"] == "workers_busy" and "busy, try again" in body["message"]
            assert int(refused.headers["Retry-After"]) >= 1
        assert other.client.get("/workers/me").json()["state"] == "stopped"
        assert other.client.get("/runs").json() == []
        # The lease holder itself still gets its work done.
        run_id = busy.client.post("/runs", json={"prompt": "a decorated christmas tree"}).json()["id"]
        assert stream_events(busy, run_id)[-1] == {"type": "end", "status": "completed"}
        health = other.client.get("/health").json()
        assert health["workers"] == {"active": 1, "max": 1}
    finally:
        server.call(workers.release(handle))
    # Once the lease is given back, the idle worker yields its slot.
    started = other.client.post("/runs", json={"prompt": "a cube"})
    assert started.status_code == 202, started.text
    assert stream_events(other, started.json()["id"])[-1] == {"type": "end", "status": "completed"}
