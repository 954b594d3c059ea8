"""Accounts over real HTTP on both databases (OWASP ASVS): password rules, case-insensitive
usernames, rotating refresh tokens, log-out, change password, delete account, and log-in
throttling that slows a guesser without locking the owner out, shared across replicas."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from service.live import PASSWORD, LiveServer, make_settings, signup_and_login

pytestmark = pytest.mark.timeout(180)


@pytest.fixture
def client(server: LiveServer) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=30) as client:
        yield client


def _login(client: httpx.Client, username: str, password: str = PASSWORD, **headers: str) -> httpx.Response:
    return client.post("/auth/login", json={"username": username, "password": password}, headers=headers)


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.mark.parametrize("password", ["password", "12345678", "        ", "Password1", "qwertyuiop"])
def test_common_and_blank_passwords_are_refused_at_sign_up(client: httpx.Client, password: str) -> None:
    response = client.post("/auth/signup", json={"username": "weakling", "password": password})
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "weak_password"


def test_usernames_are_one_account_whatever_their_case(client: httpx.Client) -> None:
    created = client.post("/auth/signup", json={"username": "Quinn", "password": PASSWORD})
    assert created.status_code == 201 and created.json()["username"] == "Quinn"
    for other in ("quinn", "QUINN"):
        taken = client.post("/auth/signup", json={"username": other, "password": PASSWORD})
        assert taken.status_code == 409 and taken.json()["error"]["code"] == "username_taken"
    for typed in ("quinn", "QUINN", "Quinn"):
        login = _login(client, typed)
        assert login.status_code == 200, login.text
        me = client.get("/auth/me", headers=_bearer(login.json()["access_token"]))
        assert me.json()["id"] == created.json()["id"]


def test_a_refresh_token_rotates_and_keeps_the_user_logged_in(client: httpx.Client) -> None:
    client.post("/auth/signup", json={"username": "rhea", "password": PASSWORD})
    first = _login(client, "rhea").json()
    assert first["expires_in"] == 15 * 60 and first["refresh_token"]
    second = client.post("/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert second.status_code == 200
    tokens = second.json()
    assert tokens["refresh_token"] != first["refresh_token"]
    assert tokens["access_token"] != first["access_token"]
    assert client.get("/auth/me", headers=_bearer(tokens["access_token"])).json()["username"] == "rhea"
    third = client.post("/auth/refresh", json={"refresh_token": tokens["refresh_token"]})
    assert third.status_code == 200


def test_a_refresh_token_used_twice_ends_the_whole_session(client: httpx.Client) -> None:
    client.post("/auth/signup", json={"username": "sven", "password": PASSWORD})
    first = _login(client, "sven").json()
    rotated = client.post("/auth/refresh", json={"refresh_token": first["refresh_token"]}).json()
    replay = client.post("/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert replay.status_code == 401 and replay.json()["error"]["code"] == "session_ended"
    # The thief's replay also ended the legitimate holder's tokens of that session.
    again = client.post("/auth/refresh", json={"refresh_token": rotated["refresh_token"]})
    assert again.status_code == 401 and again.json()["error"]["code"] == "session_ended"
    assert client.get("/auth/me", headers=_bearer(rotated["access_token"])).status_code == 401
    # Another log-in of the same user is untouched.
    assert _login(client, "sven").status_code == 200


def test_logout_revokes_the_access_and_refresh_tokens_of_the_session(client: httpx.Client) -> None:
    client.post("/auth/signup", json={"username": "tova", "password": PASSWORD})
    login = _login(client, "tova").json()
    refreshed = client.post("/auth/refresh", json={"refresh_token": login["refresh_token"]}).json()
    assert client.post("/auth/logout", headers=_bearer(refreshed["access_token"])).status_code == 204
    assert client.get("/auth/me", headers=_bearer(refreshed["access_token"])).status_code == 401
    # An access token of the same session issued before the refresh is revoked too.
    assert client.get("/auth/me", headers=_bearer(login["access_token"])).status_code == 401
    ended = client.post("/auth/refresh", json={"refresh_token": refreshed["refresh_token"]})
    assert ended.status_code == 401 and ended.json()["error"]["code"] == "session_ended"


def test_a_made_up_refresh_token_is_refused(client: httpx.Client) -> None:
    response = client.post("/auth/refresh", json={"refresh_token": "not-a-real-refresh-token"})
    assert response.status_code == 401 and response.json()["error"]["code"] == "session_ended"


def test_changing_the_password_ends_every_other_session(client: httpx.Client) -> None:
    client.post("/auth/signup", json={"username": "uma", "password": PASSWORD})
    laptop, phone = _login(client, "uma").json(), _login(client, "uma").json()
    wrong = client.post(
        "/auth/password",
        json={"current_password": "not it at all", "new_password": "a brand new passphrase"},
        headers=_bearer(laptop["access_token"]),
    )
    assert wrong.status_code == 401 and wrong.json()["error"]["code"] == "bad_credentials"
    weak = client.post(
        "/auth/password",
        json={"current_password": PASSWORD, "new_password": "password1"},
        headers=_bearer(laptop["access_token"]),
    )
    assert weak.status_code == 422 and weak.json()["error"]["code"] == "weak_password"
    changed = client.post(
        "/auth/password",
        json={"current_password": PASSWORD, "new_password": "a brand new passphrase"},
        headers=_bearer(laptop["access_token"]),
    )
    assert changed.status_code == 200
    fresh = changed.json()
    assert client.get("/auth/me", headers=_bearer(fresh["access_token"])).status_code == 200
    for old in (laptop, phone):
        assert client.get("/auth/me", headers=_bearer(old["access_token"])).status_code == 401
        assert client.post("/auth/refresh", json={"refresh_token": old["refresh_token"]}).status_code == 401
    assert _login(client, "uma").status_code == 401
    assert _login(client, "uma", "a brand new passphrase").status_code == 200


def test_deleting_the_account_deletes_its_runs_files_and_tokens(
    server: LiveServer, client: httpx.Client
) -> None:
    user = signup_and_login(server.url, "vera")
    session = user.client.post("/sessions", json={"title": "mine"}).json()
    workspace = server.settings.data_dir / "workspaces" / user.id
    (workspace / "runs" / "r1").mkdir(parents=True, exist_ok=True)
    (workspace / "runs" / "r1" / "scene.glb").write_bytes(b"glTF")
    refused = user.client.request("DELETE", "/auth/me", json={"password": "wrong guess here"})
    assert refused.status_code == 401
    deleted = user.client.request("DELETE", "/auth/me", json={"password": PASSWORD})
    assert deleted.status_code == 204
    assert not workspace.exists()
    assert user.client.get("/auth/me").status_code == 401
    assert user.client.get(f"/sessions/{session['id']}").status_code == 401
    assert _login(client, "vera").status_code == 401
    # The name is free again.
    assert client.post("/auth/signup", json={"username": "Vera", "password": PASSWORD}).status_code == 201


def test_a_stream_ticket_is_for_event_streams_only(server: LiveServer) -> None:
    user = signup_and_login(server.url, "wren")
    refused = user.client.post("/auth/stream-ticket", json={"path": "/auth/me"})
    assert refused.status_code == 400
    ticket = user.client.post("/auth/stream-ticket", json={"path": "/runs/abc/events"}).json()["ticket"]
    with httpx.Client(base_url=server.url, timeout=30) as anonymous:
        assert anonymous.get("/auth/me", params={"ticket": ticket}).status_code == 401
        # The stream's own path takes it (and then finds no such run).
        assert anonymous.get("/runs/abc/events", params={"ticket": ticket}).status_code == 404
        # A bearer token in the URL is no longer accepted anywhere.
        assert anonymous.get("/auth/me", params={"access_token": user.token}).status_code == 401


# --- throttling ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def proxied(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[LiveServer]]:
    """Two replicas on one database behind a trusted proxy (loopback), so each test can act
    from any address with X-Forwarded-For."""
    settings = make_settings(
        tmp_path_factory.mktemp("proxied"),
        database_url,
        trusted_proxies=["127.0.0.1"],
        login_max_failures=3,
        login_address_max_failures=50,
        login_account_max_failures=6,
        login_backoff_base_s=30,
        login_account_backoff_max_s=30,
    )
    with LiveServer(settings) as one, LiveServer(settings) as two:
        yield [one, two]


def test_a_guesser_is_slowed_while_the_owner_logs_in_from_elsewhere(proxied: list[LiveServer]) -> None:
    with httpx.Client(base_url=proxied[0].url, timeout=30) as client:
        client.post("/auth/signup", json={"username": "owner", "password": PASSWORD})
        for _ in range(3):
            assert (
                _login(client, "owner", "guess guess", **{"X-Forwarded-For": "203.0.113.9"}).status_code
                == 401
            )
        slowed = _login(client, "owner", PASSWORD, **{"X-Forwarded-For": "203.0.113.9"})
        assert slowed.status_code == 429 and int(slowed.headers["Retry-After"]) >= 1
        owner = _login(client, "owner", PASSWORD, **{"X-Forwarded-For": "198.51.100.7"})
        assert owner.status_code == 200


def test_a_crowd_of_addresses_is_slowed_on_one_account_but_only_briefly(proxied: list[LiveServer]) -> None:
    with httpx.Client(base_url=proxied[0].url, timeout=30) as client:
        client.post("/auth/signup", json={"username": "target", "password": PASSWORD})
        for i in range(6):
            guess = _login(client, "target", "guess guess", **{"X-Forwarded-For": f"203.0.113.{i + 20}"})
            assert guess.status_code == 401
        slowed = _login(client, "target", PASSWORD, **{"X-Forwarded-For": "198.51.100.8"})
        assert slowed.status_code == 429
        # Capped at login_account_backoff_max_s (30 s here): a delay, never a lock-out.
        assert 1 <= int(slowed.headers["Retry-After"]) <= 30


def test_failed_log_ins_count_on_every_replica(proxied: list[LiveServer]) -> None:
    one, two = proxied
    with httpx.Client(base_url=one.url, timeout=30) as a, httpx.Client(base_url=two.url, timeout=30) as b:
        a.post("/auth/signup", json={"username": "shared", "password": PASSWORD})
        for client in (a, b, a):
            assert (
                _login(client, "shared", "guess guess", **{"X-Forwarded-For": "203.0.113.50"}).status_code
                == 401
            )
        assert _login(b, "shared", PASSWORD, **{"X-Forwarded-For": "203.0.113.50"}).status_code == 429


def test_without_trusted_proxies_a_forged_forwarded_header_changes_nothing(tmp_path: Path) -> None:
    with (
        LiveServer(make_settings(tmp_path, login_max_failures=2, login_backoff_base_s=30)) as live,
        httpx.Client(base_url=live.url, timeout=30) as client,
    ):
        client.post("/auth/signup", json={"username": "mallory", "password": PASSWORD})
        for i in range(2):
            forged = {"X-Forwarded-For": f"198.51.100.{i}"}
            assert _login(client, "mallory", "guess guess", **forged).status_code == 401
        blocked = _login(client, "mallory", PASSWORD, **{"X-Forwarded-For": "198.51.100.99"})
        assert blocked.status_code == 429


def test_sign_ups_per_address_are_limited(tmp_path: Path) -> None:
    with (
        LiveServer(make_settings(tmp_path, signups_per_hour_per_address=2)) as live,
        httpx.Client(base_url=live.url, timeout=30) as client,
    ):
        for name in ("one1", "two2"):
            assert (
                client.post("/auth/signup", json={"username": name, "password": PASSWORD}).status_code == 201
            )
        third = client.post("/auth/signup", json={"username": "three3", "password": PASSWORD})
        assert third.status_code == 429 and third.json()["error"]["code"] == "quota_exceeded"
        assert int(third.headers["Retry-After"]) > 0
