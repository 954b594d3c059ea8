"""Run leases: one owner replica per run (or edit command), renewed while it works.

Revision ID: 0005_run_leases
Revises: 0004_plan_cache
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005_run_leases"
down_revision = "0004_plan_cache"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "run_leases",
        sa.Column("run_id", sa.String(32), sa.ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True),
        sa.Column("user_id", sa.String(32), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("owner", sa.String(120), nullable=False),
        sa.Column("command_id", sa.String(32), nullable=True),
        sa.Column("acquired_at", sa.Float(), nullable=False),
        sa.Column("heartbeat_at", sa.Float(), nullable=False),
        sa.Column("expires_at", sa.Float(), nullable=False),
        sa.Column("takeovers", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("cancel_requested", sa.Boolean(), nullable=False, server_default=sa.false()),
    )
    op.create_index("ix_run_leases_user_id", "run_leases", ["user_id"])
    op.create_index("ix_run_leases_expires_at", "run_leases", ["expires_at"])


def downgrade() -> None:
    op.drop_table("run_leases")
