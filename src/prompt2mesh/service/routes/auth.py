"""Accounts and sessions: sign-up, log-in (throttled), refresh (rotating), log-out, who-am-I,
change password, delete account, and event-stream tickets."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import re
from datetime import UTC, datetime, timedelta

from fastapi import APIRouter, Response, status
from sqlalchemy import select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from prompt2mesh.service.deps import (
    Claims,
    ClientAddress,
    CurrentUser,
    ServicesDep,
    SessionDep,
    session_revocation_key,
)
from prompt2mesh.service.errors import (
    BadCredentials,
    BadRequest,
    SessionEnded,
    TooManyAttempts,
    UsernameTaken,
)
from prompt2mesh.service.models import RefreshToken, RevokedToken, Run, User, new_id
from prompt2mesh.service.passwords import check_password
from prompt2mesh.service.schemas import (
    Credentials,
    DeleteAccountBody,
    ErrorOut,
    LoginBody,
    PasswordChange,
    RefreshBody,
    StreamTicket,
    StreamTicketBody,
    Token,
    UserOut,
)
from prompt2mesh.service.security import (
    DUMMY_HASH,
    create_access_token,
    create_stream_ticket,
    hash_password,
    new_refresh_token,
    refresh_token_hash,
    verify_password,
)
from prompt2mesh.service.store import ACTIVE
from prompt2mesh.service.throttle import Rule
from prompt2mesh.workers.errors import WorkerError

log = logging.getLogger(__name__)
router = APIRouter(prefix="/auth", tags=["auth"])
_background: set[asyncio.Task[None]] = set()

# The streams a ticket may open: a run's events, or one command's events.
_STREAM_PATH = re.compile(
    r"/runs/[A-Za-z0-9_-]{1,64}/events|/sessions/[A-Za-z0-9_-]{1,64}/commands/[A-Za-z0-9_-]{1,64}/events"
)


def username_key(username: str) -> str:
    """The case-insensitive identity of a username ("Alice" and "ALICE" are "alice")."""
    return username.casefold()


def find_user(db: Session, username: str) -> User | None:
    """The account for a typed username: an exact match first (accounts that existed before
    usernames became case-insensitive), then the case-insensitive one."""
    exact = db.scalar(select(User).where(User.username == username))
    return exact or db.scalar(select(User).where(User.username_key == username_key(username)))


@router.post(
    "/signup",
    status_code=status.HTTP_201_CREATED,
    response_model=UserOut,
    responses={409: {"model": ErrorOut}, 422: {"model": ErrorOut}, 429: {"model": ErrorOut}},
)
async def signup(body: Credentials, db: SessionDep, services: ServicesDep, address: ClientAddress) -> User:
    """Create an account (the password is stored as an Argon2id hash).

    Usernames are unique without regard to case; passwords need ``password_min_length``
    characters and must not be common or guessable. Sign-ups per address are limited.
    """
    settings = services.settings
    check_password(body.password, username=body.username, min_length=settings.password_min_length)
    key = username_key(body.username)
    if db.scalar(select(User.id).where(User.username_key == key)) is not None:
        raise UsernameTaken(f"the username {body.username!r} is taken")
    services.throttle.count(
        db,
        f"quota:signup:{address}",
        settings.signups_per_hour_per_address,
        3600,
        "sign-ups from this address",
    )
    user = User(
        username=body.username,
        username_key=key,
        password_hash=await asyncio.to_thread(hash_password, body.password),
    )
    db.add(user)
    try:
        db.commit()
    except IntegrityError as exc:
        db.rollback()
        raise UsernameTaken(f"the username {body.username!r} is taken") from exc
    return user


def _refuse_if_throttled(services: ServicesDep, db: Session, rules: list[Rule]) -> None:
    blocked = services.throttle.retry_after(db, rules)
    if blocked is not None:
        wait, rule = blocked
        raise TooManyAttempts(
            f"too many failed log-ins {rule.what}; try again in {int(wait) + 1} s", retry_after_s=wait
        )


def _issue(services: ServicesDep, db: Session, user: User, session_id: str, session_ends: datetime) -> Token:
    """A new access token and a new refresh token of the log-in ``session_id``; commits."""
    settings = services.settings
    now = datetime.now(UTC)
    refresh, digest = new_refresh_token()
    expires = min(now + timedelta(minutes=settings.refresh_token_minutes), session_ends)
    db.add(
        RefreshToken(
            token_hash=digest,
            session_id=session_id,
            user_id=user.id,
            created_at=now,
            expires_at=expires,
            session_expires_at=session_ends,
        )
    )
    db.commit()
    token, _ = create_access_token(
        user.id,
        settings.secret_key,
        settings.access_token_minutes,
        session_id=session_id,
        version=user.token_version,
    )
    return Token(
        access_token=token,
        expires_in=settings.access_token_minutes * 60,
        refresh_token=refresh,
        refresh_expires_in=int((expires - now).total_seconds()),
    )


@router.post("/login", response_model=Token, responses={401: {"model": ErrorOut}, 429: {"model": ErrorOut}})
async def login(body: LoginBody, db: SessionDep, services: ServicesDep, address: ClientAddress) -> Token:
    """Exchange a username (any case) and password for a short-lived access token and a
    refresh token.

    Failed tries slow down further tries (per account and address, per address, and per
    account with a short cap): 429 with ``Retry-After``; nothing is ever locked.
    """
    rules = services.throttle.rules(username_key(body.username), address)
    _refuse_if_throttled(services, db, rules)
    user = find_user(db, body.username)
    # Verify against a dummy hash for unknown users, so timing does not reveal who exists.
    ok = await asyncio.to_thread(verify_password, user.password_hash if user else DUMMY_HASH, body.password)
    if user is None or not ok:
        services.throttle.failed(db, rules)
        raise BadCredentials("wrong username or password")
    services.throttle.succeeded(db, rules)
    now = datetime.now(UTC)
    tokens = _issue(services, db, user, new_id(), now + timedelta(days=services.settings.session_max_days))
    if services.settings.warm_worker_on_login:
        # A warm worker holds no lease, so it is the first to give way when slots run out.
        task = asyncio.create_task(_warm(services, user.id))
        _background.add(task)
        task.add_done_callback(_background.discard)
    return tokens


async def _warm(services: ServicesDep, user_id: str) -> None:
    # A worker that cannot start now is started (or refused) again when a run needs it.
    with contextlib.suppress(WorkerError):
        handle = await services.workers.acquire(user_id)
        await services.workers.release(handle)


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def _end_session(db: Session, session_id: str, access_minutes: int) -> None:
    """Revoke every refresh token of one log-in and every access token it issued."""
    now = datetime.now(UTC)
    db.execute(
        update(RefreshToken)
        .where(RefreshToken.session_id == session_id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=now)
    )
    key = session_revocation_key(session_id)
    if db.get(RevokedToken, key) is None:
        # Access tokens of the session live at most access_minutes: the entry can go then.
        db.add(RevokedToken(jti=key, expires_at=now + timedelta(minutes=access_minutes + 1)))


@router.post("/refresh", response_model=Token, responses={401: {"model": ErrorOut}})
async def refresh(body: RefreshBody, db: SessionDep, services: ServicesDep) -> Token:
    """Trade a refresh token for a new access token and a new refresh token (rotation).

    Each refresh token works once. Presenting one a second time ends its whole log-in
    session (it was copied); an ended, expired or revoked session answers
    ``401 session_ended``.
    """
    now = datetime.now(UTC)
    digest = refresh_token_hash(body.refresh_token)
    row = db.get(RefreshToken, digest)
    ended = SessionEnded("your session ended; log in again")
    if row is None or row.revoked_at is not None:
        raise ended
    if _aware(row.expires_at) <= now or _aware(row.session_expires_at) <= now:
        raise ended
    # One conditional update: of two replicas racing with the same token, only one wins.
    claimed = db.execute(
        update(RefreshToken)
        .where(
            RefreshToken.token_hash == digest,
            RefreshToken.used_at.is_(None),
            RefreshToken.revoked_at.is_(None),
        )
        .values(used_at=now)
    )
    if getattr(claimed, "rowcount", 0) != 1:
        log.warning("refresh token of session %s presented twice: ending the session", row.session_id)
        _end_session(db, row.session_id, services.settings.access_token_minutes)
        db.commit()
        raise SessionEnded("this session was ended because its refresh token was used twice; log in again")
    user = db.get(User, row.user_id)
    if user is None:
        db.rollback()
        raise ended
    return _issue(services, db, user, row.session_id, _aware(row.session_expires_at))


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT)
def logout(claims: Claims, db: SessionDep, services: ServicesDep) -> Response:
    """End this log-in: the access token, every token refreshed from it, and its refresh token."""
    now = datetime.now(UTC)
    if db.get(RevokedToken, claims.jti) is None:
        db.add(RevokedToken(jti=claims.jti, expires_at=claims.expires_at))
    if claims.session_id:
        _end_session(db, claims.session_id, services.settings.access_token_minutes)
    # Expired tokens are refused anyway: their revocations need not be kept.
    db.query(RevokedToken).filter(RevokedToken.expires_at < now).delete(synchronize_session=False)
    db.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/me", response_model=UserOut)
def me(user: CurrentUser) -> User:
    """The logged-in user."""
    return user


@router.post(
    "/password",
    response_model=Token,
    responses={401: {"model": ErrorOut}, 422: {"model": ErrorOut}, 429: {"model": ErrorOut}},
)
async def change_password(
    body: PasswordChange, user: CurrentUser, db: SessionDep, services: ServicesDep, address: ClientAddress
) -> Token:
    """Change the password (the current one is asked again). Every other session ends; the
    answer carries fresh tokens for this one."""
    rules = services.throttle.rules(user.username_key, address)
    _refuse_if_throttled(services, db, rules)
    if not await asyncio.to_thread(verify_password, user.password_hash, body.current_password):
        services.throttle.failed(db, rules)
        raise BadCredentials("the current password is wrong")
    if body.new_password == body.current_password:
        raise BadRequest("the new password is the same as the current one")
    check_password(
        body.new_password, username=user.username, min_length=services.settings.password_min_length
    )
    user.password_hash = await asyncio.to_thread(hash_password, body.new_password)
    user.token_version += 1
    db.execute(
        update(RefreshToken)
        .where(RefreshToken.user_id == user.id, RefreshToken.revoked_at.is_(None))
        .values(revoked_at=datetime.now(UTC))
    )
    now = datetime.now(UTC)
    return _issue(services, db, user, new_id(), now + timedelta(days=services.settings.session_max_days))


@router.delete(
    "/me",
    status_code=status.HTTP_204_NO_CONTENT,
    responses={401: {"model": ErrorOut}, 429: {"model": ErrorOut}},
)
async def delete_account(
    body: DeleteAccountBody, user: CurrentUser, db: SessionDep, services: ServicesDep, address: ClientAddress
) -> Response:
    """Delete the account (the password is asked again): its runs are stopped, its worker is
    stopped, and its sessions, runs, events, tokens and files are deleted."""
    rules = services.throttle.rules(user.username_key, address)
    _refuse_if_throttled(services, db, rules)
    if not await asyncio.to_thread(verify_password, user.password_hash, body.password):
        services.throttle.failed(db, rules)
        raise BadCredentials("the password is wrong")
    user_id = user.id
    active = list(db.scalars(select(Run.id).where(Run.user_id == user_id, Run.status.in_(ACTIVE))))
    for run_id in active:
        await services.runs.cancel(run_id)
    await services.workers.stop_worker(user_id)
    db.delete(user)
    db.commit()
    # The backend's own way: a local folder, or a container volume / PVC and the local copy.
    await services.workers.delete_workspace(user_id)
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.post("/stream-ticket", response_model=StreamTicket, responses={400: {"model": ErrorOut}})
def stream_ticket(
    body: StreamTicketBody, claims: Claims, user: CurrentUser, services: ServicesDep
) -> StreamTicket:
    """A ticket for one event stream, for clients that cannot send headers (EventSource):
    ``GET {path}?ticket=...``. It expires after ``stream_ticket_s`` and opens only ``path``."""
    del user  # checked: the account exists and the token is current
    if not _STREAM_PATH.fullmatch(body.path):
        raise BadRequest("a ticket opens an event stream only: /runs/{id}/events or a command's events")
    seconds = services.settings.stream_ticket_s
    ticket = create_stream_ticket(claims, body.path, services.settings.secret_key, seconds)
    return StreamTicket(ticket=ticket, expires_in=seconds)
