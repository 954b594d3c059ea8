"""Per-user and per-address limits on starting runs, counted in the database (so they hold
across replicas): runs per hour, runs queued or running per user and per address, and the
prompt length."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from prompt2mesh.config import Settings
from prompt2mesh.service.errors import InvalidInput, QuotaExceeded
from prompt2mesh.service.models import Run
from prompt2mesh.service.store import ACTIVE


def check_run_quota(db: Session, settings: Settings, user_id: str, address: str, prompt: str) -> None:
    """Refuse a new run over any limit.

    Raises:
        InvalidInput: the prompt is longer than ``max_prompt_chars``.
        QuotaExceeded: a per-user or per-address limit is reached (``retry_after_s`` set).
    """
    if len(prompt) > settings.max_prompt_chars:
        raise InvalidInput(
            f"prompt: {len(prompt)} characters; at most {settings.max_prompt_chars} are allowed"
        )
    check_active_runs(db, settings, user_id, address)
    hour_ago = datetime.now(UTC) - timedelta(hours=1)
    recent = list(
        db.scalars(
            select(Run.created_at)
            .where(Run.user_id == user_id, Run.created_at >= hour_ago)
            .order_by(Run.created_at)
        )
    )
    if len(recent) >= settings.runs_per_hour_per_user:
        oldest = recent[0] if recent[0].tzinfo else recent[0].replace(tzinfo=UTC)
        wait = (oldest + timedelta(hours=1) - datetime.now(UTC)).total_seconds()
        raise QuotaExceeded(
            f"you started {len(recent)} runs in the last hour (the limit is "
            f"{settings.runs_per_hour_per_user}); try again in {int(wait) + 1} s",
            retry_after_s=max(wait, 1),
        )


def check_active_runs(db: Session, settings: Settings, user_id: str, address: str) -> None:
    """Refuse to queue one more run over the queued-or-running limits (per user, per address).

    Starting a run checks this, and so does everything that queues an existing run again
    (resume, approving a reviewed plan, planning it again): otherwise paused or cancelled runs
    would be a way round the limit.

    Raises:
        QuotaExceeded: the user, or the address, already has the allowed number queued or running.
    """
    active = db.scalar(select(func.count()).where(Run.user_id == user_id, Run.status.in_(ACTIVE))) or 0
    if active >= settings.max_active_runs_per_user:
        raise QuotaExceeded(
            f"you have {active} runs queued or running (the limit is {settings.max_active_runs_per_user}); "
            "wait for one to finish",
            retry_after_s=30,
        )
    from_address = (
        db.scalar(select(func.count()).where(Run.client_address == address, Run.status.in_(ACTIVE))) or 0
    )
    if from_address >= settings.max_active_runs_per_address:
        raise QuotaExceeded(
            f"{from_address} runs from your address are queued or running (the limit is "
            f"{settings.max_active_runs_per_address}); wait for one to finish",
            retry_after_s=30,
        )
