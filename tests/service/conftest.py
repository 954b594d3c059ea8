"""A real service on a loopback port, on SQLite and on PostgreSQL.

``backend`` is parametrized over both databases; the PostgreSQL case needs a server at
``P2M_TEST_POSTGRES_URL`` (``.ci/run`` starts one) and is skipped only when that is unset.
Each live server gets a fresh database and data directory.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator

import pytest

from service.live import LiveServer, User, make_settings, signup_and_login

PG_URL = os.environ.get("P2M_TEST_POSTGRES_URL")


@pytest.fixture(
    scope="module",
    params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)],
)
def backend(request: pytest.FixtureRequest) -> str:
    if request.param == "postgres" and not PG_URL:
        pytest.skip("P2M_TEST_POSTGRES_URL is not set")
    return str(request.param)


@pytest.fixture(scope="module")
def database_url(backend: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """A fresh, empty database on the chosen backend."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'service.db'}"
        return
    import psycopg

    assert PG_URL is not None
    name = f"p2m_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base, _, _ = PG_URL.rpartition("/")
    yield f"{base}/{name}"
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# One live server per test module (on each database backend), with two users.
@pytest.fixture(scope="module")
def server(database_url: str, tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    with LiveServer(make_settings(tmp_path_factory.mktemp("data"), database_url)) as live:
        yield live


@pytest.fixture(scope="module")
def alice(server: LiveServer) -> User:
    return signup_and_login(server.url, "alice")


@pytest.fixture(scope="module")
def bob(server: LiveServer) -> User:
    return signup_and_login(server.url, "bob")
