"""FastAPI dependencies as named aliases: ``SessionDep``, ``CurrentUser``, ``ServicesDep``."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Annotated

from fastapi import Depends, Query, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer
from sqlalchemy.orm import Session, sessionmaker

from prompt2mesh.config import Settings
from prompt2mesh.service.errors import InvalidToken, NotAuthenticated
from prompt2mesh.service.models import RevokedToken, User
from prompt2mesh.service.runs import RunManager
from prompt2mesh.service.security import LoginRateLimiter, TokenClaims, decode_access_token
from prompt2mesh.workers.base import WorkerManager


@dataclass
class Services:
    """Everything the routes use, built by the app's lifespan."""

    settings: Settings
    sessions: sessionmaker[Session]
    workers: WorkerManager
    runs: RunManager
    login_limiter: LoginRateLimiter
    address_limiter: LoginRateLimiter


def get_services(request: Request) -> Services:
    services: Services = request.app.state.services
    return services


ServicesDep = Annotated[Services, Depends(get_services)]


def get_db(services: ServicesDep) -> Iterator[Session]:
    with services.sessions() as db:
        yield db


SessionDep = Annotated[Session, Depends(get_db)]

_bearer = HTTPBearer(auto_error=False, description="The access token from POST /auth/login.")


def get_claims(
    services: ServicesDep,
    db: SessionDep,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_bearer)],
    access_token: Annotated[
        str | None, Query(description="Token for EventSource/downloads, which cannot set headers.")
    ] = None,
) -> TokenClaims:
    token = credentials.credentials if credentials is not None else access_token
    if not token:
        raise NotAuthenticated("log in first: send 'Authorization: Bearer <access_token>'")
    claims = decode_access_token(token, services.settings.secret_key)
    if db.get(RevokedToken, claims.jti) is not None:
        raise InvalidToken("the access token was revoked (logged out); log in again")
    return claims


Claims = Annotated[TokenClaims, Depends(get_claims)]


def get_current_user(claims: Claims, db: SessionDep) -> User:
    user = db.get(User, claims.user_id)
    if user is None:
        raise InvalidToken("the access token names a user that no longer exists")
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]
