"""Accounts and sessions: case-insensitive usernames, token versions, refresh tokens, shared
log-in throttling, and the client address of each run (per-address quotas).

Existing accounts whose names differ only in case ("alice" and "Alice") keep working: the
oldest gets the plain key, the others a key with their id appended, so they log in with
their exact name and no new account can take any of these names.

Revision ID: 0002_security
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002_security"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("username_key", sa.String(80), nullable=True))
        batch.add_column(sa.Column("token_version", sa.Integer(), nullable=False, server_default="0"))
    users = sa.table(
        "users",
        sa.column("id", sa.String),
        sa.column("username", sa.String),
        sa.column("username_key", sa.String),
        sa.column("created_at", sa.DateTime),
    )
    bind = op.get_bind()
    taken: set[str] = set()
    rows = bind.execute(sa.select(users.c.id, users.c.username).order_by(users.c.created_at, users.c.id))
    for user_id, username in list(rows):
        key = username.casefold()
        if key in taken:
            key = f"{key}#{user_id}"
        taken.add(key)
        bind.execute(sa.update(users).where(users.c.id == user_id).values(username_key=key))
    with op.batch_alter_table("users") as batch:
        batch.alter_column("username_key", existing_type=sa.String(80), nullable=False)
        batch.create_unique_constraint("uq_users_username_key", ["username_key"])
    with op.batch_alter_table("runs") as batch:
        batch.add_column(sa.Column("client_address", sa.String(64), nullable=True))
    op.create_index("ix_runs_user_created", "runs", ["user_id", "created_at"])
    op.create_table(
        "refresh_tokens",
        sa.Column("token_hash", sa.String(64), primary_key=True),
        sa.Column("session_id", sa.String(32), nullable=False),
        sa.Column("user_id", sa.String(32), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("session_expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("revoked_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_index("ix_refresh_tokens_session_id", "refresh_tokens", ["session_id"])
    op.create_index("ix_refresh_tokens_user_id", "refresh_tokens", ["user_id"])
    op.create_table(
        "login_throttle",
        sa.Column("key", sa.String(200), primary_key=True),
        sa.Column("failures", sa.Integer(), nullable=False),
        sa.Column("last_failure_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("blocked_until", sa.DateTime(timezone=True), nullable=True),
    )


def downgrade() -> None:
    op.drop_table("login_throttle")
    op.drop_table("refresh_tokens")
    op.drop_index("ix_runs_user_created", "runs")
    with op.batch_alter_table("runs") as batch:
        batch.drop_column("client_address")
    with op.batch_alter_table("users") as batch:
        batch.drop_constraint("uq_users_username_key", type_="unique")
        batch.drop_column("token_version")
        batch.drop_column("username_key")
