"""Plan review over HTTP: change the plan of a run awaiting review, or approve it.

``GET /runs/{id}`` shows the paused run (status ``awaiting_review``, ``plan``, ``review``);
``POST /runs/{id}/plan`` replaces its steps (validated like a generated plan: 422 with every
problem named) or asks for a new plan from a changed refined prompt; ``POST /runs/{id}/approve``
builds it. A paused run holds no worker; re-planning and building take the user's worker again.
Someone else's run answers 404, like every run route.
"""

from __future__ import annotations

import asyncio
from typing import Any, cast

from fastapi import APIRouter, status

from prompt2mesh.agent.errors import PlanEditRejected, ReviewNotPending, RunNotFound
from prompt2mesh.service.agent import Reviews
from prompt2mesh.service.deps import ClientAddress, CurrentUser, ServicesDep, SessionDep
from prompt2mesh.service.errors import PlanInvalid, RunNotAwaitingReview
from prompt2mesh.service.models import Run, User
from prompt2mesh.service.routes.runs import ensure_can_queue, get_run, owned_run
from prompt2mesh.service.schemas import ErrorOut, PlanEdit, RunOut, RunSummary

router = APIRouter(prefix="/runs", tags=["review"], responses={404: {"model": ErrorOut}})

AWAITING = "awaiting_review"


def _paused_run(db: Any, user: User, run_id: str, services: Any) -> Run:
    run = owned_run(db, user, run_id)
    if run.status != AWAITING or services.runs.is_active(run.id):
        raise RunNotAwaitingReview(
            f"run {run_id!r} is not waiting for its plan's review (status {run.status})"
        )
    return run


def _reviews(services: Any) -> Reviews:
    agent = services.runs.agent
    if not all(hasattr(agent, name) for name in ("edit_plan", "request_replan", "approve_plan")):
        raise RunNotAwaitingReview("this deployment's agent does not support plan review")
    return cast(Reviews, agent)


async def _answer(call: Any) -> dict[str, Any]:
    """The agent's answer; its refusals as the API's errors."""
    try:
        result: dict[str, Any] = await call
    except PlanEditRejected as exc:
        raise PlanInvalid("the plan cannot be used: " + "; ".join(exc.errors)) from exc
    except (ReviewNotPending, RunNotFound) as exc:
        raise RunNotAwaitingReview(exc.message) from exc
    return result


@router.post(
    "/{run_id}/plan",
    response_model=RunOut,
    responses={409: {"model": ErrorOut}, 422: {"model": ErrorOut}, 429: {"model": ErrorOut}},
)
async def change_plan(
    run_id: str,
    body: PlanEdit,
    user: CurrentUser,
    db: SessionDep,
    services: ServicesDep,
    address: ClientAddress,
) -> RunOut:
    """Replace the steps of a plan awaiting review, or re-plan from a new refined prompt.

    Send either ``steps`` (the whole plan, in order) or ``refined_prompt``. New steps are
    validated like a generated plan (known tools, not empty, the step-count limits); the run
    stays paused. A new refined prompt queues the run to plan again; it pauses again after.
    """
    if (body.steps is None) == (body.refined_prompt is None):
        raise PlanInvalid("send either 'steps' (the edited plan) or 'refined_prompt' (to plan again)")
    run = _paused_run(db, user, run_id, services)
    reviews = _reviews(services)
    store = services.runs.store
    if body.steps is not None:
        report = await _answer(reviews.edit_plan(run.id, body.steps))
        await asyncio.to_thread(store.set_status, run.id, AWAITING, report=report, plan=report.get("plan"))
    else:
        ensure_can_queue(db, services, user.id, address)
        await _answer(reviews.request_replan(run.id, body.refined_prompt or ""))
        await asyncio.to_thread(store.set_status, run.id, "queued", error=None)
        await services.runs.submit(run.id, user.id, resume=True)
    db.expire_all()
    return await get_run(run.id, user, db, services)


@router.post(
    "/{run_id}/approve",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=RunSummary,
    responses={409: {"model": ErrorOut}, 429: {"model": ErrorOut}, 503: {"model": ErrorOut}},
)
async def approve_plan(
    run_id: str, user: CurrentUser, db: SessionDep, services: ServicesDep, address: ClientAddress
) -> Run:
    """Approve the plan awaiting review: the run takes the user's worker again and builds it.

    It is queued again, so the queued-or-running limits (429) and the worker slots (503) apply.
    """
    run = _paused_run(db, user, run_id, services)
    ensure_can_queue(db, services, user.id, address)
    await _answer(_reviews(services).approve_plan(run.id))
    await asyncio.to_thread(services.runs.store.set_status, run.id, "queued", error=None)
    await services.runs.submit(run.id, user.id, resume=True)
    db.refresh(run)
    return run
