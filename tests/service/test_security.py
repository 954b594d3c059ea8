"""Passwords, tokens and the log-in rate limiter, on their own."""

from __future__ import annotations

import pytest

from prompt2mesh.service.errors import InvalidToken, TokenExpired
from prompt2mesh.service.security import (
    LoginRateLimiter,
    create_access_token,
    decode_access_token,
    hash_password,
    verify_password,
)


def test_passwords_are_stored_as_salted_argon2id_hashes() -> None:
    first, second = hash_password("hunter2 hunter2"), hash_password("hunter2 hunter2")
    assert first.startswith("$argon2id$") and first != second
    assert verify_password(first, "hunter2 hunter2") and not verify_password(first, "hunter3 hunter3")
    assert not verify_password("not-a-hash", "anything")


def test_a_token_round_trips_and_fails_when_expired_or_signed_with_another_key() -> None:
    token, claims = create_access_token("user-1", "k" * 40, minutes=5)
    decoded = decode_access_token(token, "k" * 40)
    assert decoded.user_id == "user-1" and decoded.jti == claims.jti
    with pytest.raises(InvalidToken):
        decode_access_token(token, "x" * 40)
    expired, _ = create_access_token("user-1", "k" * 40, minutes=-1)
    with pytest.raises(TokenExpired):
        decode_access_token(expired, "k" * 40)


def test_the_limiter_blocks_a_key_after_max_failures_until_the_window_passes() -> None:
    limiter = LoginRateLimiter(max_failures=2, window_s=60)
    assert limiter.retry_after("user:a") is None
    limiter.failed("user:a")
    assert limiter.retry_after("user:a") is None
    limiter.failed("user:a")
    wait = limiter.retry_after("user:a")
    assert wait is not None and 0 < wait <= 60
    assert limiter.retry_after("user:b") is None
    limiter.succeeded("user:a")
    assert limiter.retry_after("user:a") is None


def test_old_failures_leave_the_window() -> None:
    now = [100.0]
    limiter = LoginRateLimiter(max_failures=1, window_s=60, clock=lambda: now[0])
    limiter.failed("user:a")
    assert limiter.retry_after("user:a") == 60
    now[0] += 30
    assert limiter.retry_after("user:a") == 30
    now[0] += 30
    assert limiter.retry_after("user:a") is None
