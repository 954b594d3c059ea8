"""Passwords (Argon2id), the signing secret, JWT access tokens and stream tickets (HS256),
opaque refresh tokens, and the client address behind trusted proxies."""

from __future__ import annotations

import hashlib
import ipaddress
import os
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import jwt
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from prompt2mesh.config import PLACEHOLDER_SECRETS, Settings
from prompt2mesh.service.errors import InvalidToken, TokenExpired

_hasher = PasswordHasher()
_ALGORITHM = "HS256"
SECRET_FILE = "secret_key"


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


# --- the signing secret ---------------------------------------------------------------------


def load_or_create_secret(data_dir: Path) -> str:
    """The install's own random secret, created on first start in ``data_dir/secret_key``.

    The file is created with mode 0600 and ``O_EXCL``, so two processes starting at once agree
    on one key; an existing file that others can read is tightened to 0600.
    """
    data_dir.mkdir(parents=True, exist_ok=True)
    path = data_dir / SECRET_FILE
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        if path.stat().st_mode & 0o077:
            path.chmod(0o600)
        secret = path.read_text().strip()
        if len(secret) >= 32 and secret not in PLACEHOLDER_SECRETS:
            return secret
        raise ValueError(f"{path} holds no usable secret; delete it to have a new one made") from None
    with os.fdopen(fd, "w") as out:
        secret = secrets.token_urlsafe(48)
        out.write(secret + "\n")
    return secret


def with_signing_secret(settings: Settings) -> Settings:
    """``settings`` with a real ``secret_key``: the configured one, or the install's own file.

    A placeholder (``dev-secret-change-me``...) is treated as unset: it never signs anything.
    """
    if settings.secret_key and settings.secret_key not in PLACEHOLDER_SECRETS:
        return settings
    return settings.model_copy(update={"secret_key": load_or_create_secret(settings.data_dir)})


def _secret(secret: str | None) -> str:
    if not secret or secret in PLACEHOLDER_SECRETS:
        # Defence in depth: the app resolves the secret first, so this is a programming error.
        raise RuntimeError("refusing to sign or verify with a placeholder secret")
    return secret


# --- access tokens and stream tickets ---------------------------------------------------------


@dataclass(frozen=True)
class TokenClaims:
    user_id: str
    jti: str
    expires_at: datetime
    session_id: str = ""  # the refresh-token family (one log-in), "" for old tokens
    version: int = 0  # the user's token version; a password change bumps it


def create_access_token(
    user_id: str, secret: str | None, minutes: int, *, session_id: str = "", version: int = 0
) -> tuple[str, TokenClaims]:
    """A signed short-lived token for ``user_id`` and its claims."""
    now = datetime.now(UTC)
    claims = TokenClaims(
        user_id=user_id,
        jti=uuid.uuid4().hex,
        expires_at=now + timedelta(minutes=minutes),
        session_id=session_id,
        version=version,
    )
    payload = {
        "sub": user_id,
        "jti": claims.jti,
        "iat": now,
        "exp": claims.expires_at,
        "typ": "access",
        "sid": session_id,
        "ver": version,
    }
    return jwt.encode(payload, _secret(secret), algorithm=_ALGORITHM), claims


def _decode(token: str, secret: str | None, typ: str, what: str) -> dict[str, object]:
    try:
        payload: dict[str, object] = jwt.decode(
            token, _secret(secret), algorithms=[_ALGORITHM], options={"require": ["sub", "exp", "jti"]}
        )
    except jwt.ExpiredSignatureError as exc:
        raise TokenExpired(f"the {what} has expired") from exc
    except jwt.PyJWTError as exc:
        raise InvalidToken(f"the {what} is not valid") from exc
    if payload.get("typ") != typ:
        raise InvalidToken(f"the {what} is not valid")
    return payload


def decode_access_token(token: str, secret: str | None) -> TokenClaims:
    """Verify signature, expiry and type.

    Raises:
        TokenExpired: the token was valid but has expired.
        InvalidToken: bad signature, malformed, missing claims, or not an access token.
    """
    payload = _decode(token, secret, "access", "access token")
    version = payload.get("ver", 0)
    return TokenClaims(
        user_id=str(payload["sub"]),
        jti=str(payload["jti"]),
        expires_at=datetime.fromtimestamp(float(payload["exp"]), UTC),  # type: ignore[arg-type]
        session_id=str(payload.get("sid") or ""),
        version=version if isinstance(version, int) else -1,
    )


def create_stream_ticket(claims: TokenClaims, path: str, secret: str | None, seconds: int) -> str:
    """A token good only for GET ``path`` (one event stream) for ``seconds``.

    EventSource cannot send headers, so the ticket travels in the URL; it is short-lived,
    bound to one path, and the access log redacts it.
    """
    now = datetime.now(UTC)
    payload = {
        "sub": claims.user_id,
        "jti": uuid.uuid4().hex,
        "iat": now,
        "exp": now + timedelta(seconds=seconds),
        "typ": "stream",
        "path": path,
        "sid": claims.session_id,
        "ver": claims.version,
    }
    return jwt.encode(payload, _secret(secret), algorithm=_ALGORITHM)


def decode_stream_ticket(ticket: str, path: str, secret: str | None) -> TokenClaims:
    """The claims of a stream ticket issued for ``path``.

    Raises:
        TokenExpired: the ticket has expired.
        InvalidToken: bad ticket, or issued for another path.
    """
    payload = _decode(ticket, secret, "stream", "stream ticket")
    if payload.get("path") != path:
        raise InvalidToken("the stream ticket was issued for another stream")
    version = payload.get("ver", 0)
    return TokenClaims(
        user_id=str(payload["sub"]),
        jti=str(payload["jti"]),
        expires_at=datetime.fromtimestamp(float(payload["exp"]), UTC),  # type: ignore[arg-type]
        session_id=str(payload.get("sid") or ""),
        version=version if isinstance(version, int) else -1,
    )


# --- refresh tokens ---------------------------------------------------------------------------


def new_refresh_token() -> tuple[str, str]:
    """(token for the client, its SHA-256 for the database): the token itself is never stored."""
    token = secrets.token_urlsafe(32)
    return token, refresh_token_hash(token)


def refresh_token_hash(token: str) -> str:
    # 256 random bits need no slow hash: a plain digest cannot be brute-forced back.
    return hashlib.sha256(token.encode()).hexdigest()


# --- the client's address ---------------------------------------------------------------------


def client_address(peer: str | None, forwarded_for: str | None, trusted_proxies: list[str]) -> str:
    """The address to throttle by: the peer, unless the peer is a trusted proxy.

    Behind trusted proxies, X-Forwarded-For is read right to left and the first address that
    is not itself a trusted proxy is the client (left entries are whatever the client wrote).
    """
    if not peer:
        return "unknown"
    if not forwarded_for or not _trusted(peer, trusted_proxies):
        return peer
    hops = [part.strip() for part in forwarded_for.split(",") if part.strip()]
    for hop in reversed(hops):
        if not _trusted(hop, trusted_proxies):
            return hop
    return hops[0] if hops else peer


def _trusted(address: str, trusted: list[str]) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    for entry in trusted:
        try:
            if ip in ipaddress.ip_network(entry, strict=False):
                return True
        except ValueError:
            continue
    return False
