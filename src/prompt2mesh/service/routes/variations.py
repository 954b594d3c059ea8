"""Variations: a few runs of the same prompt to pick from, side by side.

``POST /runs/{id}/variations`` starts 2-4 new runs of the run's prompt, each a new model in a
conversation of its own, with ``options.variation`` 1, 2, ... (the next numbers when the prompt
already has some) and ``options.variation_of`` the run they vary. The offline modeller lays
each out with other proportions, shades and arrangement (roles/offline/variation.py); a model
provider is asked for a new design each. They queue on the user's one worker and run one
after another, like any of the user's runs. Owner only: another user's run is a 404.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, status
from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import select
from sqlalchemy.orm import Session

from prompt2mesh.service.deps import ClientAddress, CurrentUser, ServicesDep, SessionDep
from prompt2mesh.service.errors import QuotaExceeded, RunNotActive
from prompt2mesh.service.models import ChatSession, Run, User
from prompt2mesh.service.naming import thumbnail
from prompt2mesh.service.quotas import check_run_quota
from prompt2mesh.service.routes.config import MAX_VARIATIONS
from prompt2mesh.service.routes.runs import ensure_worker_slot, owned_run
from prompt2mesh.service.schemas import ErrorOut, RunSummary
from prompt2mesh.service.store import ACTIVE

router = APIRouter(
    prefix="/runs",
    tags=["variations"],
    responses={404: {"model": ErrorOut}, 409: {"model": ErrorOut}, 429: {"model": ErrorOut}},
)


class VariationsCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    count: int = Field(default=3, ge=2, le=MAX_VARIATIONS, description="How many variations (2-4).")


class VariationOut(RunSummary):
    variation: int = Field(description="0 for the run they vary, 1, 2, ... for the variations.")
    thumbnail: str | None = None


def _variation(run: Run) -> int:
    return int((run.options or {}).get("variation") or 0)


def _family(db: Session, user: User, run: Run) -> tuple[Run, list[Run]]:
    """The run the family varies, and its variations (oldest first)."""
    root_id = (run.options or {}).get("variation_of") or run.id
    root = db.get(Run, root_id) if root_id != run.id else run
    if root is None or root.user_id != user.id:
        root = run
    same_prompt = db.scalars(
        select(Run).where(Run.user_id == user.id, Run.prompt == root.prompt).order_by(Run.created_at)
    )
    return root, [r for r in same_prompt if (r.options or {}).get("variation_of") == root.id]


@router.post("/{run_id}/variations", status_code=status.HTTP_202_ACCEPTED, response_model=list[VariationOut])
async def start_variations(
    run_id: str,
    body: VariationsCreate,
    user: CurrentUser,
    db: SessionDep,
    services: ServicesDep,
    address: ClientAddress,
) -> list[dict[str, Any]]:
    """Start ``count`` variations of the run's prompt; they run one after another."""
    run = owned_run(db, user, run_id)
    root, existing = _family(db, user, run)
    if services.runs.is_active(root.id) or root.status in ACTIVE:
        raise RunNotActive(f"run {root.id!r} is still {root.status}; ask for variations once it has finished")
    ensure_worker_slot(services, user.id)
    first = max([_variation(r) for r in existing], default=0) + 1
    made: list[Run] = []
    try:
        for number in range(first, first + body.count):
            # Each new run counts against the limits before the next is checked.
            check_run_quota(db, services.settings, user.id, address, root.prompt)
            chat = ChatSession(user_id=user.id, title=root.prompt[:200])
            db.add(chat)
            db.flush()
            options = {
                k: v for k, v in (root.options or {}).items() if k not in ("variation", "variation_of")
            }
            new = Run(
                client_address=address,
                user_id=user.id,
                session_id=chat.id,
                prompt=root.prompt,
                # Told apart in the gallery and in download names ('red-cube-variation-2.glb').
                title=f"{(root.title or root.prompt)[:180]} (variation {number})",
                options={**options, "variation": number, "variation_of": root.id},
                status="queued",
            )
            db.add(new)
            db.flush()
            made.append(new)
    except QuotaExceeded as exc:
        db.rollback()
        raise QuotaExceeded(
            f"{body.count} variations do not fit in your limits ({exc.message}); ask for fewer",
            retry_after_s=exc.retry_after_s,
        ) from exc
    db.commit()
    for new in made:
        await services.runs.submit(new.id, user.id)
    return [_out(services, user, r) for r in made]


@router.get("/{run_id}/variations", response_model=list[VariationOut])
def list_variations(
    run_id: str, user: CurrentUser, db: SessionDep, services: ServicesDep
) -> list[dict[str, Any]]:
    """The run they vary (variation 0) and its variations, with their status and picture."""
    run = owned_run(db, user, run_id)
    root, family = _family(db, user, run)
    if not family:
        return []
    return [_out(services, user, r) for r in [root, *family]]


def _out(services: Any, user: User, run: Run) -> dict[str, Any]:
    folder = services.workers.workspace_for(user.id) / "runs" / run.id
    return {
        **RunSummary.model_validate(run).model_dump(),
        "variation": _variation(run),
        "thumbnail": thumbnail(folder) if folder.is_dir() else None,
    }
