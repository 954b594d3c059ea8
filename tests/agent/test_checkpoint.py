"""Checkpoints: SQLite by default under data_dir, PostgreSQL by URL, one interface."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest

from prompt2mesh.agent.checkpoint import open_checkpointer, resolve_checkpoint_url
from prompt2mesh.agent.errors import CheckpointConfigError
from prompt2mesh.agent.runner import load_state, run_make
from prompt2mesh.config import Settings

PG_URL = os.environ.get("P2M_TEST_POSTGRES_URL")


def test_the_default_store_is_a_sqlite_file_in_the_data_dir(tmp_path: Path) -> None:
    assert resolve_checkpoint_url(Settings(data_dir=tmp_path)) == str(tmp_path / "checkpoints.sqlite")
    assert resolve_checkpoint_url(Settings(checkpoint_url="sqlite:///x/c.db")) == "x/c.db"
    assert resolve_checkpoint_url(Settings(checkpoint_url="postgresql://u@h/db")) == "postgresql://u@h/db"


def test_an_unsupported_store_url_is_refused_clearly() -> None:
    with pytest.raises(CheckpointConfigError, match="neither PostgreSQL"):
        resolve_checkpoint_url(Settings(checkpoint_url="redis://localhost"))


@pytest.fixture(params=["sqlite", pytest.param("postgres", marks=pytest.mark.postgres)])
def store_settings(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Settings]:
    """Settings on a fresh store: a SQLite file, or a new PostgreSQL database (dropped after)."""
    if request.param == "sqlite":
        yield Settings(data_dir=tmp_path, screenshot_size=96)
        return
    if not PG_URL:
        pytest.skip("P2M_TEST_POSTGRES_URL is not set")
    import psycopg

    name = f"p2m_ckpt_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    base, _, _ = PG_URL.rpartition("/")
    yield Settings(data_dir=tmp_path, checkpoint_url=f"{base}/{name}", screenshot_size=96)
    with psycopg.connect(PG_URL, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


async def test_every_node_is_checkpointed_under_the_run_id(
    store_settings: Settings, runner, request_for, roles_for, kit
) -> None:
    request = request_for(run_id=f"ckpt-{os.getpid()}-{id(store_settings)}")
    await run_make(request, store_settings, runner, roles=roles_for(kit.script()))

    state = await load_state(request.run_id, store_settings)
    assert state["status"] == "completed" and len(state["steps"]) == 5
    async with open_checkpointer(store_settings) as saver:
        history = [c async for c in saver.alist({"configurable": {"thread_id": request.run_id}})]
    # input + analyze, plan, 5 x (execute, capture, assess, evaluate), complete
    assert len(history) >= 1 + 2 + 5 * 4 + 1
