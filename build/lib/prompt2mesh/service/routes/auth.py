"""Sign-up, log-in (rate-limited), log-out and who-am-I."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from datetime import UTC, datetime

from fastapi import APIRouter, Request, Response, status
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from prompt2mesh.service.deps import Claims, CurrentUser, ServicesDep, SessionDep
from prompt2mesh.service.errors import BadCredentials, TooManyAttempts, UsernameTaken
from prompt2mesh.service.models import RevokedToken, User
from prompt2mesh.service.schemas import Credentials, ErrorOut, LoginBody, Token, UserOut
from prompt2mesh.service.security import DUMMY_HASH, create_access_token, hash_password, verify_password
from prompt2mesh.workers.errors import WorkerError

log = logging.getLogger(__name__)
router = APIRouter(prefix="/auth", tags=["auth"])
_background: set[asyncio.Task[None]] = set()


@router.post(
    "/signup",
    status_code=status.HTTP_201_CREATED,
    response_model=UserOut,
    responses={409: {"model": ErrorOut}},
)
async def signup(body: Credentials, db: SessionDep) -> User:
    """Create an account (the password is stored as an Argon2id hash)."""
    if db.scalar(select(User.id).where(User.username == body.username)) is not None:
        raise UsernameTaken(f"the username {body.username!r} is taken")
    user = User(username=body.username, password_hash=await asyncio.to_thread(hash_password, body.password))
    db.add(user)
    try:
        db.commit()
    except IntegrityError as exc:
        db.rollback()
        raise UsernameTaken(f"the username {body.username!r} is taken") from exc
    return user


@router.post("/login", response_model=Token, responses={401: {"model": ErrorOut}, 429: {"model": ErrorOut}})
async def login(body: LoginBody, db: SessionDep, services: ServicesDep, request: Request) -> Token:
    """Exchange a username and password for a short-lived bearer token.

    Too many failures for one username within the window answer 429 with ``Retry-After``.
    """
    key = f"user:{body.username.lower()}"
    address = f"addr:{request.client.host if request.client else 'unknown'}"
    for limiter, k, what in (
        (services.login_limiter, key, f"for {body.username!r}"),
        (services.address_limiter, address, "from this address"),
    ):
        wait = limiter.retry_after(k)
        if wait is not None:
            raise TooManyAttempts(
                f"too many failed log-ins {what}; try again in {int(wait) + 1} s", retry_after_s=wait
            )
    user = db.scalar(select(User).where(User.username == body.username))
    # Verify against a dummy hash for unknown users, so timing does not reveal who exists.
    ok = await asyncio.to_thread(verify_password, user.password_hash if user else DUMMY_HASH, body.password)
    if user is None or not ok:
        services.login_limiter.failed(key)
        services.address_limiter.failed(address)
        raise BadCredentials("wrong username or password")
    services.login_limiter.succeeded(key)
    settings = services.settings
    token, _ = create_access_token(user.id, settings.secret_key, settings.access_token_minutes)
    if settings.warm_worker_on_login:
        task = asyncio.create_task(_warm(services, user.id))
        _background.add(task)
        task.add_done_callback(_background.discard)
    return Token(access_token=token, expires_in=settings.access_token_minutes * 60)


async def _warm(services: ServicesDep, user_id: str) -> None:
    # A worker that cannot start now is started (or refused) again when a run needs it.
    with contextlib.suppress(WorkerError):
        handle = await services.workers.acquire(user_id)
        await services.workers.release(handle)


@router.post("/logout", status_code=status.HTTP_204_NO_CONTENT)
def logout(claims: Claims, db: SessionDep) -> Response:
    """Revoke the token used for this request."""
    if db.get(RevokedToken, claims.jti) is None:
        db.add(RevokedToken(jti=claims.jti, expires_at=claims.expires_at))
        # Expired tokens are refused anyway: their revocations need not be kept.
        db.execute(delete(RevokedToken).where(RevokedToken.expires_at < datetime.now(UTC)))
        db.commit()
    return Response(status_code=status.HTTP_204_NO_CONTENT)


@router.get("/me", response_model=UserOut)
def me(user: CurrentUser) -> User:
    """The logged-in user."""
    return user
