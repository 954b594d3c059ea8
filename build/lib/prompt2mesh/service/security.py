"""Passwords (Argon2id), JWT access tokens (HS256) and the failed-login rate limiter."""

from __future__ import annotations

import time
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from prompt2mesh.service.errors import InvalidToken, TokenExpired

_hasher = PasswordHasher()
_ALGORITHM = "HS256"


def hash_password(password: str) -> str:
    """An Argon2id hash with a random salt (argon2-cffi's RFC 9106 defaults)."""
    return _hasher.hash(password)


def verify_password(password_hash: str, password: str) -> bool:
    """Whether ``password`` matches; never raises for a wrong or malformed hash."""
    try:
        return _hasher.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


# A fixed hash to verify against when the username is unknown, so both failures cost the same.
DUMMY_HASH = _hasher.hash("not-a-real-password")


@dataclass(frozen=True)
class TokenClaims:
    user_id: str
    jti: str
    expires_at: datetime


def create_access_token(user_id: str, secret: str, minutes: int) -> tuple[str, TokenClaims]:
    """A signed short-lived token for ``user_id`` and its claims."""
    now = datetime.now(UTC)
    claims = TokenClaims(user_id=user_id, jti=uuid.uuid4().hex, expires_at=now + timedelta(minutes=minutes))
    token = jwt.encode(
        {"sub": user_id, "jti": claims.jti, "iat": now, "exp": claims.expires_at, "typ": "access"},
        secret,
        algorithm=_ALGORITHM,
    )
    return token, claims


def decode_access_token(token: str, secret: str) -> TokenClaims:
    """Verify signature and expiry.

    Raises:
        TokenExpired: the token was valid but has expired.
        InvalidToken: bad signature, malformed, or missing claims.
    """
    try:
        payload = jwt.decode(
            token, secret, algorithms=[_ALGORITHM], options={"require": ["sub", "exp", "jti"]}
        )
    except jwt.ExpiredSignatureError as exc:
        raise TokenExpired("the access token has expired; log in again") from exc
    except jwt.PyJWTError as exc:
        raise InvalidToken("the access token is not valid") from exc
    if payload.get("typ") != "access":
        raise InvalidToken("the access token is not valid")
    return TokenClaims(
        user_id=str(payload["sub"]),
        jti=str(payload["jti"]),
        expires_at=datetime.fromtimestamp(payload["exp"], UTC),
    )


class LoginRateLimiter:
    """Counts failed log-ins per key (username, client address) in a sliding window.

    In memory, per process: enough for one ``serve`` process; a multi-replica deployment
    would move this to the database or Redis.
    """

    def __init__(
        self, max_failures: int, window_s: float, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.max_failures = max_failures
        self.window_s = window_s
        self._clock = clock
        self._failures: dict[str, deque[float]] = {}

    def _recent(self, key: str, now: float) -> deque[float]:
        times = self._failures.setdefault(key, deque())
        while times and now - times[0] >= self.window_s:
            times.popleft()
        return times

    def retry_after(self, *keys: str) -> float | None:
        """Seconds until a new attempt is allowed, or None if allowed now."""
        now = self._clock()
        waits = [
            self.window_s - (now - times[0])
            for key in keys
            if len(times := self._recent(key, now)) >= self.max_failures
        ]
        return max(waits) if waits else None

    def failed(self, *keys: str) -> None:
        now = self._clock()
        for key in keys:
            self._recent(key, now).append(now)

    def succeeded(self, *keys: str) -> None:
        for key in keys:
            self._failures.pop(key, None)
