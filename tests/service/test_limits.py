"""The edge of the service over real HTTP on both databases: bodies refused before they are
read, unknown keys and deep JSON answered in the documented shape, security headers on the
UI and the API, and per-user and per-address run quotas."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlparse

import httpx
import pytest

from service.live import LiveServer, User, make_settings, signup_and_login, stream_events

pytestmark = pytest.mark.timeout(180)


@pytest.fixture
def client(server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=30) as client:
        yield client


def _raw(url: str, head: bytes, body: bytes = b"", timeout: float = 10) -> bytes:
    """Send ``head`` (and ``body``) on a fresh socket; what the server answers first."""
    parsed = urlparse(url)
    with socket.create_connection((parsed.hostname, parsed.port), timeout=timeout) as sock:
        sock.sendall(head + body)
        return sock.recv(65536)


def test_a_body_declared_too_large_is_refused_with_413_before_it_is_sent(
    server: LiveServer, alice: User
) -> None:
    # Only the headers go out: a server that waited to read 100 MB would never answer.
    head = (
        b"POST /runs HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Authorization: Bearer " + alice.token.encode() + b"\r\n"
        b"Content-Length: 104857600\r\n\r\n"
    )
    answer = _raw(server.url, head)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert b'"payload_too_large"' in answer


def test_a_chunked_body_is_cut_off_at_the_limit(server: LiveServer, alice: User) -> None:
    chunk = b'{"prompt": "' + b"a" * 300_000 + b'"}'
    body = f"{len(chunk):x}\r\n".encode() + chunk + b"\r\n0\r\n\r\n"
    head = (
        b"POST /runs HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        b"Authorization: Bearer " + alice.token.encode() + b"\r\n"
        b"Transfer-Encoding: chunked\r\n\r\n"
    )
    answer = _raw(server.url, head, body)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert alice.client.get("/runs").json() == [] or all(
        len(r["prompt"]) < 1000 for r in alice.client.get("/runs").json()
    )


def test_unknown_top_level_keys_are_refused_on_every_body(client: httpx.Client, alice: User) -> None:
    run = alice.client.post("/runs", json={"prompt": "a cube", "promt": "typo"})
    signup = client.post(
        "/auth/signup", json={"username": "keys", "password": "a fine passphrase", "admin": True}
    )
    session = alice.client.post("/sessions", json={"title": "x", "owner": "bob"})
    for response in (run, signup, session):
        assert response.status_code == 422, response.text
        assert response.json()["error"]["code"] == "validation_error"


def test_deeply_nested_json_answers_the_documented_error_shape(alice: User) -> None:
    deep = "[" * 50_000 + "]" * 50_000
    response = alice.client.post("/runs", content=deep, headers={"Content-Type": "application/json"})
    assert response.status_code == 400
    assert response.json() == {
        "error": {
            "code": "bad_json",
            "message": "the request body is not valid JSON (or is nested too deeply)",
        }
    }


def test_a_prompt_over_the_configured_length_is_refused_with_the_limit(alice: User) -> None:
    response = alice.client.post("/runs", json={"prompt": "a" * 2001})
    assert response.status_code == 422 and response.json()["error"]["code"] == "validation_error"
    assert (
        "2001 characters" in response.json()["error"]["message"]
        and "2000" in response.json()["error"]["message"]
    )


@pytest.mark.parametrize("path", ["/", "/health", "/auth/me", "/openapi.json", "/static/app.js"])
def test_every_answer_carries_the_security_headers(client: httpx.Client, path: str) -> None:
    headers = client.get(path).headers
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "no-referrer"
    csp = headers["Content-Security-Policy"]
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert "'unsafe-inline'" not in csp and "'unsafe-eval'" not in csp


def test_the_csp_allows_the_pages_own_import_map_by_its_hash(client: httpx.Client) -> None:
    import base64
    import hashlib
    import re

    page = client.get("/")
    inline = re.search(r"<script type=\"importmap\">(.*?)</script>", page.text, re.S)
    assert inline is not None
    digest = base64.b64encode(hashlib.sha256(inline.group(1).encode()).digest()).decode()
    assert f"'sha256-{digest}'" in page.headers["Content-Security-Policy"]


def test_run_quotas_per_user_and_per_address(tmp_path: Path) -> None:
    settings = make_settings(
        tmp_path, max_active_runs_per_user=1, runs_per_hour_per_user=2, max_active_runs_per_address=2
    )
    with LiveServer(settings) as live:
        ann, ben, cid = (signup_and_login(live.url, name) for name in ("ann", "ben", "cid"))
        first = ann.client.post("/runs", json={"prompt": "a red cube"})
        assert first.status_code == 202
        busy = ann.client.post("/runs", json={"prompt": "a blue cube"})
        assert busy.status_code == 429 and "queued or running" in busy.json()["error"]["message"]
        assert ben.client.post("/runs", json={"prompt": "a green cube"}).status_code == 202
        crowded = cid.client.post("/runs", json={"prompt": "a cube"})
        assert crowded.status_code == 429 and "your address" in crowded.json()["error"]["message"]
        for user in (ann, ben):
            for run in user.client.get("/runs").json():
                user.client.post(f"/runs/{run['id']}/cancel")
        second = ann.client.post("/runs", json={"prompt": "a yellow cube"})
        assert second.status_code == 202
        ann.client.post(f"/runs/{second.json()['id']}/cancel")
        hourly = ann.client.post("/runs", json={"prompt": "a white cube"})
        assert hourly.status_code == 429 and "last hour" in hourly.json()["error"]["message"]
        assert int(hourly.headers["Retry-After"]) > 0


def test_queueing_a_paused_or_cancelled_run_again_counts_against_the_running_limit(tmp_path: Path) -> None:
    settings = make_settings(tmp_path, max_active_runs_per_user=1)
    with LiveServer(settings) as live:
        ann = signup_and_login(live.url, "ann")
        paused = ann.client.post("/runs", json={"prompt": "a red cube", "options": {"review": True}})
        assert paused.status_code == 202, paused.text
        paused_id = paused.json()["id"]
        assert stream_events(ann, paused_id)[-1]["status"] == "awaiting_review"

        running = ann.client.post("/runs", json={"prompt": "a blue cube"})
        assert running.status_code == 202
        refused = [
            ann.client.post(f"/runs/{paused_id}/approve"),
            ann.client.post(f"/runs/{paused_id}/plan", json={"refined_prompt": "a green cube"}),
        ]
        for answer in refused:
            assert answer.status_code == 429, answer.text
            assert "queued or running" in answer.json()["error"]["message"]
        assert ann.client.get(f"/runs/{paused_id}").json()["status"] == "awaiting_review"

        assert ann.client.post(f"/runs/{running.json()['id']}/cancel").status_code == 200
        assert ann.client.post(f"/runs/{paused_id}/approve").status_code == 202
        again = ann.client.post(f"/runs/{running.json()['id']}/resume")
        assert again.status_code == 429 and "queued or running" in again.json()["error"]["message"]
        assert ann.client.get(f"/runs/{running.json()['id']}").json()["status"] == "cancelled"
