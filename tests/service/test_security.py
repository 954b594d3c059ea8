"""Passwords, the signing secret, tokens, tickets, the client address, the password rules
and path scrubbing, on their own."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from prompt2mesh.config import Settings
from prompt2mesh.service.errors import InvalidToken, TokenExpired, WeakPassword
from prompt2mesh.service.middleware import redact_query
from prompt2mesh.service.passwords import check_password
from prompt2mesh.service.paths import relative_paths
from prompt2mesh.service.security import (
    client_address,
    create_access_token,
    create_stream_ticket,
    decode_access_token,
    decode_stream_ticket,
    hash_password,
    verify_password,
    with_signing_secret,
)


def test_passwords_are_stored_as_salted_argon2id_hashes() -> None:
    first, second = hash_password("hunter2 hunter2"), hash_password("hunter2 hunter2")
    assert first.startswith("$argon2id$") and first != second
    assert verify_password(first, "hunter2 hunter2") and not verify_password(first, "hunter3 hunter3")
    assert not verify_password("not-a-hash", "anything")


def test_a_token_round_trips_and_fails_when_expired_or_signed_with_another_key() -> None:
    token, claims = create_access_token("user-1", "k" * 40, minutes=5, session_id="s1", version=2)
    decoded = decode_access_token(token, "k" * 40)
    assert (decoded.user_id, decoded.jti, decoded.session_id, decoded.version) == (
        "user-1",
        claims.jti,
        "s1",
        2,
    )
    with pytest.raises(InvalidToken):
        decode_access_token(token, "x" * 40)
    expired, _ = create_access_token("user-1", "k" * 40, minutes=-1)
    with pytest.raises(TokenExpired):
        decode_access_token(expired, "k" * 40)


def test_without_a_configured_key_each_install_makes_its_own_private_secret(tmp_path: Path) -> None:
    first = with_signing_secret(Settings(data_dir=tmp_path / "a"))
    again = with_signing_secret(Settings(data_dir=tmp_path / "a"))
    other = with_signing_secret(Settings(data_dir=tmp_path / "b"))
    assert first.secret_key == again.secret_key != other.secret_key
    assert first.secret_key is not None and len(first.secret_key) >= 48
    mode = stat.S_IMODE((tmp_path / "a" / "secret_key").stat().st_mode)
    assert mode == 0o600


def test_the_public_placeholder_secret_never_signs_or_verifies_anything(tmp_path: Path) -> None:
    settings = with_signing_secret(Settings(data_dir=tmp_path, secret_key="dev-secret-change-me"))
    assert settings.secret_key != "dev-secret-change-me"
    with pytest.raises(RuntimeError):
        create_access_token("user-1", "dev-secret-change-me", minutes=5)
    forged, _ = create_access_token("user-1", "y" * 40, minutes=5)
    with pytest.raises(RuntimeError):
        decode_access_token(forged, "dev-secret-change-me")


def test_a_stream_ticket_opens_only_the_stream_it_was_issued_for() -> None:
    _, claims = create_access_token("user-1", "k" * 40, minutes=5)
    ticket = create_stream_ticket(claims, "/runs/abc/events", "k" * 40, seconds=60)
    assert decode_stream_ticket(ticket, "/runs/abc/events", "k" * 40).user_id == "user-1"
    with pytest.raises(InvalidToken):
        decode_stream_ticket(ticket, "/runs/other/events", "k" * 40)
    with pytest.raises(InvalidToken):  # not an access token
        decode_access_token(ticket, "k" * 40)


def test_forwarded_addresses_count_only_from_trusted_proxies() -> None:
    assert client_address("127.0.0.1", "1.2.3.4", []) == "127.0.0.1"
    assert client_address("10.0.0.5", "1.2.3.4", ["127.0.0.1"]) == "10.0.0.5"
    assert client_address("10.0.0.5", "1.2.3.4", ["10.0.0.0/8"]) == "1.2.3.4"
    # A client's own X-Forwarded-For entries sit left of what the proxy appended.
    assert client_address("10.0.0.5", "6.6.6.6, 1.2.3.4", ["10.0.0.0/8"]) == "1.2.3.4"
    assert client_address("10.0.0.5", "1.2.3.4, 10.0.0.7", ["10.0.0.0/8"]) == "1.2.3.4"
    assert client_address(None, None, []) == "unknown"


@pytest.mark.parametrize(
    "password",
    [
        "password",
        "12345678",
        "        ",
        "Password123!",
        "qwertyuiop",
        "aaaaaaaaaa",
        "abababab",
        "87654321",
        "short",
    ],
)
def test_common_short_blank_and_sequence_passwords_are_refused(password: str) -> None:
    with pytest.raises(WeakPassword):
        check_password(password, username="alice", min_length=8)


def test_a_password_like_the_username_is_refused_and_a_passphrase_is_fine() -> None:
    with pytest.raises(WeakPassword):
        check_password("alice2024", username="Alice2024", min_length=8)
    check_password("correct horse battery", username="alice", min_length=8)
    check_password("tall green teapot 7", username="alice", min_length=8)


def test_server_paths_become_workspace_relative_everywhere_in_an_event() -> None:
    root = Path("/srv/my data/workspaces")
    event = {
        "out_dir": "/srv/my data/workspaces/u1/runs/r1",
        "error": "cannot open '/tmp/x/data/workspaces/abc_9/runs/r1/a.blend': no such file",
        "nested": [{"file": "/var/workspaces/u-2/runs/r1/scene.glb"}],
        "fine": "runs/r1/scene.glb",
    }
    clean = relative_paths(event, [root])
    assert clean == {
        "out_dir": "runs/r1",
        "error": "cannot open 'runs/r1/a.blend': no such file",
        "nested": [{"file": "runs/r1/scene.glb"}],
        "fine": "runs/r1/scene.glb",
    }


@pytest.mark.timeout(20)  # a quadratic scan of this string would run for many minutes
def test_path_scrubbing_stays_linear_on_hostile_strings() -> None:
    hostile = "a/" * 1_000_000 + "/workspaces/" * 50_000
    assert relative_paths(hostile).startswith("a/a/")


def test_secret_query_parameters_are_redacted_for_the_access_log() -> None:
    assert redact_query("/runs/x/events?after=3&ticket=abc.def") == "/runs/x/events?after=3&ticket=REDACTED"
    assert "s3cr3t" not in redact_query("/auth/me?access_token=s3cr3t&Ticket=s3cr3t")
    assert redact_query("/runs?limit=5") == "/runs?limit=5"
