"""Runs: start, list, inspect, cancel, resume, delete, and their live events (SSE)."""

from __future__ import annotations

import shutil
from typing import Annotated, Any

from fastapi import APIRouter, Header, Query, Response, status
from fastapi.responses import StreamingResponse
from sqlalchemy import select
from sqlalchemy.orm import Session

from prompt2mesh.service.deps import ClientAddress, CurrentUser, ServicesDep, SessionDep
from prompt2mesh.service.errors import NotFound, RunNotActive, RunNotResumable
from prompt2mesh.service.events import event_stream, summarize_steps
from prompt2mesh.service.models import Run, User
from prompt2mesh.service.quotas import check_active_runs, check_run_quota
from prompt2mesh.service.routes.sessions import owned_session
from prompt2mesh.service.runs import PARTIAL_GLB
from prompt2mesh.service.schemas import ErrorOut, RunCreate, RunOut, RunSummary, StepOut
from prompt2mesh.service.store import RESUMABLE
from prompt2mesh.workers.base import WorkerState
from prompt2mesh.workers.errors import WorkersBusy

router = APIRouter(prefix="/runs", tags=["runs"], responses={404: {"model": ErrorOut}})


def owned_run(db: Session, user: User, run_id: str) -> Run:
    """The user's run, or 404 (also when it belongs to someone else).

    Raises:
        NotFound: no such run for this user.
    """
    run = db.get(Run, run_id)
    if run is None or run.user_id != user.id:
        raise NotFound(f"no run {run_id!r}")
    return run


def ensure_can_queue(db: Session, services: Any, user_id: str, address: str) -> None:
    """Refuse to queue an existing run again (resume, approve, re-plan) over the
    queued-or-running limits (429) or with no worker to run it (503): otherwise paused or
    cancelled runs would be a way round both.

    Raises:
        QuotaExceeded: a queued-or-running limit is reached.
        WorkersBusy: every worker slot is taken by other users.
    """
    check_active_runs(db, services.settings, user_id, address)
    ensure_worker_slot(services, user_id)


def ensure_worker_slot(services: Any, user_id: str) -> None:
    """Refuse to queue a run when the user has no worker and none can be started (503).

    Raises:
        WorkersBusy: every worker slot is taken by other users.
    """
    workers = services.workers
    if workers.info(user_id).state is WorkerState.STOPPED and not workers.has_free_slot():
        raise WorkersBusy(workers.max_workers)


@router.post(
    "",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=RunSummary,
    responses={429: {"model": ErrorOut}, 503: {"model": ErrorOut}},
)
async def start_run(
    body: RunCreate, user: CurrentUser, db: SessionDep, services: ServicesDep, address: ClientAddress
) -> Run:
    """Start the Artisan agent on the user's worker in the background; returns at once.

    Per-user and per-address limits (runs per hour, runs queued or running) answer 429.
    """
    if body.session_id is not None:
        owned_session(db, user, body.session_id)
    check_run_quota(db, services.settings, user.id, address, body.prompt)
    ensure_worker_slot(services, user.id)
    run = Run(
        client_address=address,
        user_id=user.id,
        session_id=body.session_id,
        prompt=body.prompt,
        options=body.options.model_dump(exclude_none=True),
        status="queued",
    )
    db.add(run)
    db.commit()
    await services.runs.submit(run.id, user.id)
    return run


@router.get("", response_model=list[RunSummary])
def list_runs(
    user: CurrentUser,
    db: SessionDep,
    session_id: str | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 50,
    offset: Annotated[int, Query(ge=0)] = 0,
) -> list[Run]:
    """The user's runs, newest first (optionally of one session)."""
    query = select(Run).where(Run.user_id == user.id)
    if session_id is not None:
        query = query.where(Run.session_id == session_id)
    return list(db.scalars(query.order_by(Run.created_at.desc()).limit(limit).offset(offset)))


@router.get("/{run_id}", response_model=RunOut)
async def get_run(run_id: str, user: CurrentUser, db: SessionDep, services: ServicesDep) -> RunOut:
    """Status, refined prompt, plan, steps with scores and refinements, timings and errors."""
    run = owned_run(db, user, run_id)
    report: dict[str, Any] | None = run.report
    if report and report.get("steps"):
        steps = [StepOut.model_validate(s) for s in report["steps"]]
    else:
        steps = summarize_steps(await services.runs.events(run.id), run.plan)
    artifacts = dict((report or {}).get("artifacts") or {})
    if run.status in ("cancelled", "failed", "halted", "interrupted") and not artifacts.get("glb"):
        # What the run had built when it was cancelled or failed (service/runs.py saves it).
        partial = services.workers.workspace_for(user.id) / "runs" / run.id / PARTIAL_GLB
        if partial.is_file():
            artifacts["glb"] = PARTIAL_GLB
    return RunOut(
        **RunSummary.model_validate(run).model_dump(),
        options=run.options or {},
        refined_prompt=run.refined_prompt,
        plan=run.plan,
        steps=steps,
        totals=(report or {}).get("totals"),
        artifacts={k: _basename(artifacts.get(k)) for k in ("blend", "glb")},
        report=report,
        event_count=run.event_count,
        review=(report or {}).get("review"),
        plan_source=(report or {}).get("plan_source"),
    )


def _basename(path: Any) -> str | None:
    return str(path).rsplit("/", 1)[-1] if path else None


@router.get(
    "/{run_id}/events",
    response_class=StreamingResponse,
    responses={200: {"content": {"text/event-stream": {}}, "description": "Server-sent events"}},
)
async def run_events(
    run_id: str,
    user: CurrentUser,
    db: SessionDep,
    services: ServicesDep,
    after: Annotated[int, Query(ge=0, description="Replay only events with seq > after.")] = 0,
    last_event_id: Annotated[str | None, Header()] = None,
) -> StreamingResponse:
    """Live events as SSE, replayed from the start for late subscribers; ends with ``end``."""
    owned_run(db, user, run_id)
    # A stream lasts as long as the run: give the connection back to the pool now, or a few
    # dozen watchers would exhaust it and block every other request.
    db.close()
    if last_event_id and last_event_id.isdigit():
        after = max(after, int(last_event_id))
    return StreamingResponse(
        event_stream(services.runs, run_id, after),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


@router.get("/{run_id}/events.json")
async def run_events_json(
    run_id: str,
    user: CurrentUser,
    db: SessionDep,
    services: ServicesDep,
    after: Annotated[int, Query(ge=0)] = 0,
) -> list[dict[str, Any]]:
    """The same events as plain JSON (no streaming)."""
    owned_run(db, user, run_id)
    return [e for e in await services.runs.events(run_id) if e["seq"] > after]


@router.post("/{run_id}/cancel", response_model=RunSummary, responses={409: {"model": ErrorOut}})
async def cancel_run(run_id: str, user: CurrentUser, db: SessionDep, services: ServicesDep) -> Run:
    """Stop an active run; its status becomes ``cancelled`` (resumable)."""
    run = owned_run(db, user, run_id)
    if not await services.runs.cancel(run.id):
        raise RunNotActive(f"run {run_id!r} is not active (status {run.status})")
    db.refresh(run)
    return run


@router.post(
    "/{run_id}/resume",
    status_code=status.HTTP_202_ACCEPTED,
    response_model=RunSummary,
    responses={409: {"model": ErrorOut}, 429: {"model": ErrorOut}, 503: {"model": ErrorOut}},
)
async def resume_run(
    run_id: str, user: CurrentUser, db: SessionDep, services: ServicesDep, address: ClientAddress
) -> Run:
    """Continue a cancelled, interrupted or failed run from its last checkpoint.

    It is queued again, so the queued-or-running limits (429) and the worker slots (503) apply.
    """
    run = owned_run(db, user, run_id)
    if services.runs.is_active(run.id) or run.status not in RESUMABLE:
        raise RunNotResumable(f"run {run_id!r} cannot be resumed from status {run.status}")
    ensure_can_queue(db, services, user.id, address)
    run.status, run.error, run.finished_at = "queued", None, None
    db.commit()
    await services.runs.submit(run.id, user.id, resume=True)
    return run


@router.delete("/{run_id}", status_code=status.HTTP_204_NO_CONTENT)
async def delete_run(run_id: str, user: CurrentUser, db: SessionDep, services: ServicesDep) -> Response:
    """Delete the run (cancelled first if active), its events and its files."""
    run = owned_run(db, user, run_id)
    await services.runs.cancel(run.id)
    db.delete(run)
    db.commit()
    shutil.rmtree(services.workers.workspace_for(user.id) / "runs" / run_id, ignore_errors=True)
    return Response(status_code=status.HTTP_204_NO_CONTENT)
