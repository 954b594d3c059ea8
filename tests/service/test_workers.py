"""The user's worker over HTTP: log-in warms it, and a full pool answers 503 'busy, try again'."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from service.live import LiveServer, make_settings, signup_and_login

pytestmark = pytest.mark.timeout(180)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    settings = make_settings(tmp_path_factory.mktemp("data"), max_workers=1, warm_worker_on_login=True)
    with LiveServer(settings) as live:
        yield live


def test_logging_in_starts_the_users_worker_and_a_full_pool_refuses_others(server: LiveServer) -> None:
    first = signup_and_login(server.url, "first")
    assert first.client.get("/workers/me").json()["state"] in ("starting", "ready")
    ready = first.client.post("/workers/me")
    assert ready.status_code == 200 and ready.json()["state"] == "ready"
    assert ready.json()["started_at"] is not None

    second = signup_and_login(server.url, "second")
    for response in (
        second.client.post("/workers/me"),
        second.client.post("/runs", json={"prompt": "a cube"}),
    ):
        assert response.status_code == 503
        body = response.json()["error"]
        assert body["code"] == "workers_busy" and "busy, try again" in body["message"]
        assert int(response.headers["Retry-After"]) >= 1
    assert second.client.get("/workers/me").json()["state"] == "stopped"
    assert second.client.get("/runs").json() == []
    health = second.client.get("/health").json()
    assert health["workers"] == {"active": 1, "max": 1}
