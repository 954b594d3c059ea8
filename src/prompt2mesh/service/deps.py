"""FastAPI dependencies as named aliases: ``SessionDep``, ``CurrentUser``, ``ServicesDep``."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from prompt2mesh.config import Settings
from prompt2mesh.service.errors import InvalidToken, NotAuthenticated
from prompt2mesh.service.models import RevokedToken, User
from prompt2mesh.service.runs import RunManager
from prompt2mesh.service.security import (
    TokenClaims,
    client_address,
    decode_access_token,
    decode_stream_ticket,
)
from prompt2mesh.service.throttle import Throttle
from prompt2mesh.workers.base import WorkerManager


@dataclass
class Services:
    """Everything the routes use, built by the app's lifespan."""

    settings: Settings
    sessions: sessionmaker[Session]
    workers: WorkerManager
    runs: RunManager
    throttle: Throttle


def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


def get_db(services: ServicesDep) -> Iterator[Session]:
    with services.sessions() as db:
        yield db


SessionDep = Annotated[Session, Depends(get_db)]

_bearer = HTTPBearer(auto_error=False, description="The access token from POST /auth/login.")


def get_client_address(request: Request, services: ServicesDep) -> str:
    """The caller's address; X-Forwarded-For counts only from ``trusted_proxies``."""
    peer = request.client.host if request.client else None
    return client_address(peer, request.headers.get("x-forwarded-for"), services.settings.trusted_proxies)


ClientAddress = Annotated[str, Depends(get_client_address)]


def session_revocation_key(session_id: str) -> str:
    """The ``revoked_tokens`` key that ends every access token of one log-in."""
    return f"sid:{session_id}"


def get_claims(
    request: Request,
    services: ServicesDep,
    db: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    ticket: Annotated[
        str | None,
        Query(description="An event-stream ticket (POST /auth/stream-ticket) for EventSource clients."),
    ] = None,
) -> TokenClaims:
    secret = services.settings.secret_key
    if credentials is not None:
        claims = decode_access_token(credentials.credentials, secret)
    elif ticket:
        # Tickets are bound to the one stream they were issued for: useless on any other route.
        claims = decode_stream_ticket(ticket, request.url.path, secret)
    else:
        raise NotAuthenticated("log in first: send 'Authorization: Bearer <access_token>'")
    keys = [claims.jti] + ([session_revocation_key(claims.session_id)] if claims.session_id else [])
    if db.scalar(select(RevokedToken.jti).where(RevokedToken.jti.in_(keys)).limit(1)) is not None:
        raise InvalidToken("the access token was revoked (logged out); log in again")
    return claims


Claims = Annotated[TokenClaims, Depends(get_claims)]


def get_current_user(claims: Claims, db: SessionDep) -> User:
    user = db.get(User, claims.user_id)
    if user is None:
        raise InvalidToken("the access token names a user that no longer exists")
    if claims.version != user.token_version:
        raise InvalidToken("the password was changed since this token was issued; log in again")
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]
