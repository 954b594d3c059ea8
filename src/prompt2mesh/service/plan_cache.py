"""The service's plan cache store: rows of ``plan_cache`` in the service database.

Entries belong to a user and to the run they came from; both deletions take the entry with
them (foreign keys, ON DELETE CASCADE), so an account's plans never outlive the account.
"""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session, sessionmaker

from prompt2mesh.agent.plan_cache import CachedPlan
from prompt2mesh.service.db import retry_locked
from prompt2mesh.service.models import PlanCacheRow


class SqlPlanCacheStore:
    """:class:`prompt2mesh.agent.plan_cache.PlanCacheStore` on the service database."""

    def __init__(self, sessions: sessionmaker[Session]) -> None:
        self.sessions = sessions

    def find(self, key: str, owner: str | None) -> CachedPlan | None:
        query = select(PlanCacheRow).where(PlanCacheRow.key == key)
        if owner is not None:
            query = query.where(PlanCacheRow.user_id == owner)
        with self.sessions() as db:
            row = db.scalars(
                query.order_by(PlanCacheRow.created_at.desc(), PlanCacheRow.id.desc()).limit(1)
            ).first()
            if row is None:
                return None
            created = row.created_at if row.created_at.tzinfo else row.created_at.replace(tzinfo=UTC)
            return CachedPlan(
                key=row.key,
                owner=row.user_id,
                run_id=row.run_id,
                prompt=row.prompt,
                refined_prompt=row.refined_prompt,
                plan=list(row.plan),
                final_score=row.final_score,
                created_at=created.timestamp(),
            )

    def put(self, entry: CachedPlan) -> None:
        def write() -> None:
            with self.sessions.begin() as db:
                db.execute(
                    delete(PlanCacheRow).where(
                        PlanCacheRow.key == entry.key, PlanCacheRow.user_id == entry.owner
                    )
                )
                db.add(
                    PlanCacheRow(
                        key=entry.key,
                        user_id=entry.owner,
                        run_id=entry.run_id,
                        prompt=entry.prompt,
                        refined_prompt=entry.refined_prompt,
                        plan=entry.plan,
                        final_score=entry.final_score,
                        created_at=datetime.fromtimestamp(entry.created_at, UTC),
                    )
                )

        retry_locked(write)
