"""Where graph state is checkpointed: SQLite by default, PostgreSQL by URL.

``checkpoint_url`` may be ``postgresql://...`` / ``postgres://...``, ``sqlite:///path`` or a plain
file path; unset means ``<data_dir>/checkpoints.sqlite``. The state is written after every node
(``durability="sync"`` in the runner), so a run killed at any point resumes from its last node.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from langgraph.checkpoint.base import BaseCheckpointSaver

from prompt2mesh.agent.errors import CheckpointConfigError
from prompt2mesh.config import Settings

DEFAULT_FILE = "checkpoints.sqlite"


def resolve_checkpoint_url(settings: Settings) -> str:
    """The checkpoint store the settings name (a Postgres URL or a SQLite file path)."""
    url = settings.checkpoint_url
    if not url:
        return str(settings.data_dir / DEFAULT_FILE)
    if url.startswith(("postgresql://", "postgres://", "postgresql+psycopg://")):
        return url.replace("postgresql+psycopg://", "postgresql://", 1)
    if url.startswith("sqlite:///"):
        return url.removeprefix("sqlite:///")
    if "://" in url:
        raise CheckpointConfigError(
            f"checkpoint_url {url!r} is neither PostgreSQL (postgresql://...) nor SQLite (sqlite:///path)"
        )
    return url


@asynccontextmanager
async def open_checkpointer(settings: Settings) -> AsyncIterator[BaseCheckpointSaver[Any]]:
    """Open the configured checkpoint store (tables are created on first use).

    Raises:
        CheckpointConfigError: the URL names an unsupported store.
    """
    target = resolve_checkpoint_url(settings)
    if target.startswith("postgresql://"):
        from langgraph.checkpoint.postgres.aio import AsyncPostgresSaver

        async with AsyncPostgresSaver.from_conn_string(target) as saver:
            await saver.setup()
            yield saver
        return
    from langgraph.checkpoint.sqlite.aio import AsyncSqliteSaver

    Path(target).parent.mkdir(parents=True, exist_ok=True)
    async with AsyncSqliteSaver.from_conn_string(target) as saver:
        await saver.setup()
        yield saver
