"""Plan cache: the plans of passing runs, keyed by the strict similarity rule (agent/plan_cache.py).

Revision ID: 0004_plan_cache
Revises: 0003_gallery_shares
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004_plan_cache"
down_revision = "0003_gallery_shares"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "plan_cache",
        sa.Column("id", sa.Integer(), primary_key=True, autoincrement=True),
        sa.Column("key", sa.String(64), nullable=False),
        sa.Column("user_id", sa.String(32), sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("run_id", sa.String(32), sa.ForeignKey("runs.id", ondelete="CASCADE"), nullable=False),
        sa.Column("prompt", sa.Text(), nullable=False),
        sa.Column("refined_prompt", sa.Text(), nullable=False),
        sa.Column("plan", sa.JSON(), nullable=False),
        sa.Column("final_score", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_plan_cache_key_user", "plan_cache", ["key", "user_id"])
    op.create_index("ix_plan_cache_run_id", "plan_cache", ["run_id"])


def downgrade() -> None:
    op.drop_table("plan_cache")
