"""Accounts over real HTTP on both databases: sign-up, log-in, tokens, log-out, rate limit."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import jwt
import pytest

from service.live import PASSWORD, SECRET, LiveServer, make_settings, signup_and_login

pytestmark = pytest.mark.timeout(120)


@pytest.fixture
def client(server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=30) as client:
        yield client


def _token(sub: str, *, secret: str = SECRET, minutes: int = 5, **extra: object) -> str:
    now = datetime.now(UTC)
    claims = {
        "sub": sub,
        "jti": "j" + sub,
        "iat": now,
        "exp": now + timedelta(minutes=minutes),
        "typ": "access",
    }
    return jwt.encode({**claims, **extra}, secret, algorithm="HS256")


def test_health_answers_without_a_token(client: httpx.Client) -> None:
    body = client.get("/health").json()
    assert body["status"] == "ok" and body["database"] == "ok" and body["workers"]["max"] == 4


def test_signup_then_login_gives_a_bearer_token_that_identifies_the_user(client: httpx.Client) -> None:
    created = client.post("/auth/signup", json={"username": "ada", "password": PASSWORD})
    assert created.status_code == 201
    assert set(created.json()) == {"id", "username", "created_at"}
    login = client.post("/auth/login", json={"username": "ada", "password": PASSWORD})
    assert login.status_code == 200
    body = login.json()
    assert body["token_type"] == "bearer" and body["expires_in"] == 15 * 60
    me = client.get("/auth/me", headers={"Authorization": f"Bearer {body['access_token']}"})
    assert me.status_code == 200 and me.json()["id"] == created.json()["id"]


def test_a_taken_username_is_refused_with_409(client: httpx.Client) -> None:
    assert client.post("/auth/signup", json={"username": "bea", "password": PASSWORD}).status_code == 201
    again = client.post("/auth/signup", json={"username": "bea", "password": "another password"})
    assert again.status_code == 409 and again.json()["error"]["code"] == "username_taken"


def test_signup_validates_username_and_password(client: httpx.Client) -> None:
    short = client.post("/auth/signup", json={"username": "cy", "password": PASSWORD})
    odd = client.post("/auth/signup", json={"username": "cy ril/..", "password": PASSWORD})
    for response in (short, odd):
        assert response.status_code == 422 and response.json()["error"]["code"] == "validation_error"
    weak = client.post("/auth/signup", json={"username": "cyril", "password": "short"})
    assert weak.status_code == 422 and weak.json()["error"]["code"] == "weak_password"
    assert "at least 8 characters" in weak.json()["error"]["message"]


def test_a_wrong_password_or_unknown_user_gets_the_same_401(client: httpx.Client) -> None:
    client.post("/auth/signup", json={"username": "dora", "password": PASSWORD})
    wrong = client.post("/auth/login", json={"username": "dora", "password": "not the password"})
    unknown = client.post("/auth/login", json={"username": "nobody-here", "password": PASSWORD})
    assert wrong.status_code == unknown.status_code == 401
    assert (
        wrong.json()
        == unknown.json()
        == {"error": {"code": "bad_credentials", "message": "wrong username or password"}}
    )


def test_repeated_failed_logins_are_rate_limited_even_with_the_right_password(client: httpx.Client) -> None:
    client.post("/auth/signup", json={"username": "eve", "password": PASSWORD})
    for _ in range(3):  # login_max_failures = 3 in the test settings
        assert client.post("/auth/login", json={"username": "eve", "password": "guess"}).status_code == 401
    blocked = client.post("/auth/login", json={"username": "eve", "password": PASSWORD})
    assert blocked.status_code == 429
    assert blocked.json()["error"]["code"] == "too_many_attempts"
    assert int(blocked.headers["Retry-After"]) > 0
    # Other users are not affected.
    client.post("/auth/signup", json={"username": "fay", "password": PASSWORD})
    assert client.post("/auth/login", json={"username": "fay", "password": PASSWORD}).status_code == 200


@pytest.mark.parametrize(
    "path",
    [
        "/auth/me",
        "/sessions",
        "/runs",
        "/runs/abc",
        "/runs/abc/events",
        "/runs/abc/files/x.png",
        "/workers/me",
    ],
)
def test_every_api_route_needs_a_token(client: httpx.Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "not_authenticated"
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_expired_forged_and_malformed_tokens_are_refused(server: LiveServer, client: httpx.Client) -> None:
    user = signup_and_login(server.url, "gil")
    cases = {
        "token_expired": _token(user.id, minutes=-1),
        "invalid_token": _token(user.id, secret="someone-elses-secret-key-0123456789abcdef"),
    }
    for code, token in cases.items():
        response = client.get("/auth/me", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401 and response.json()["error"]["code"] == code
    for token in ("not-a-jwt", _token(user.id, typ="refresh"), _token("no-such-user")):
        response = client.get("/auth/me", headers={"Authorization": f"Bearer {token}"})
        assert response.status_code == 401 and response.json()["error"]["code"] == "invalid_token"
    assert client.get("/auth/me", headers={"Authorization": f"Bearer {_token(user.id)}"}).status_code == 200


def test_logout_revokes_the_token(server: LiveServer) -> None:
    user = signup_and_login(server.url, "hal")
    assert user.client.get("/auth/me").status_code == 200
    assert user.client.post("/auth/logout").status_code == 204
    after = user.client.get("/auth/me")
    assert after.status_code == 401 and "revoked" in after.json()["error"]["message"]


def test_a_bearer_token_in_the_url_is_refused_since_urls_end_up_in_logs(
    server: LiveServer, client: httpx.Client
) -> None:
    user = signup_and_login(server.url, "ivy")
    for path in ("/auth/me", "/runs/abc/events"):
        response = client.get(path, params={"access_token": user.token})
        assert response.status_code == 401 and response.json()["error"]["code"] == "not_authenticated"


def test_the_openapi_schema_documents_every_route(client: httpx.Client) -> None:
    paths = client.get("/openapi.json").json()["paths"]
    expected = {
        "/auth/signup", "/auth/login", "/auth/logout", "/auth/me", "/health", "/workers/me",
        "/sessions", "/sessions/{session_id}", "/runs", "/runs/{run_id}", "/runs/{run_id}/events",
        "/runs/{run_id}/events.json", "/runs/{run_id}/cancel", "/runs/{run_id}/resume",
        "/runs/{run_id}/files", "/runs/{run_id}/files/{name}", "/auth/refresh", "/auth/password",
        "/auth/stream-ticket",
    }  # fmt: skip
    assert expected <= set(paths)


def test_many_failed_log_ins_from_one_address_are_limited_across_usernames(tmp_path: Path) -> None:
    # login_max_failures=1: one failure slows a username, ten slow the address.
    with (
        LiveServer(make_settings(tmp_path, login_max_failures=1, login_address_max_failures=10)) as live,
        httpx.Client(base_url=live.url, timeout=30) as client,
    ):
        client.post("/auth/signup", json={"username": "victim", "password": PASSWORD})
        for i in range(10):
            guess = client.post("/auth/login", json={"username": f"guess{i}", "password": "nope"})
            assert guess.status_code == 401
        blocked = client.post("/auth/login", json={"username": "victim", "password": PASSWORD})
        assert blocked.status_code == 429 and "from this address" in blocked.json()["error"]["message"]
