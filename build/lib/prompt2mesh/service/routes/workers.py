"""The logged-in user's own Blender worker: its state, and starting it ahead of a run."""

from __future__ import annotations

from fastapi import APIRouter

from prompt2mesh.service.deps import CurrentUser, ServicesDep
from prompt2mesh.service.schemas import ErrorOut, WorkerOut

router = APIRouter(prefix="/workers", tags=["workers"])


def _out(services: ServicesDep, user_id: str) -> WorkerOut:
    info = services.workers.info(user_id)
    return WorkerOut(state=info.state.value, started_at=info.started_at, last_used_at=info.last_used_at)  # type: ignore[arg-type]


@router.get("/me", response_model=WorkerOut)
async def my_worker(user: CurrentUser, services: ServicesDep) -> WorkerOut:
    """The state of the user's worker (``stopped`` when none is running)."""
    return _out(services, user.id)


@router.post("/me", response_model=WorkerOut, responses={503: {"model": ErrorOut}})
async def start_my_worker(user: CurrentUser, services: ServicesDep) -> WorkerOut:
    """Start the user's worker if needed and answer once it is ready (503 when all are busy)."""
    handle = await services.workers.acquire(user.id)
    await services.workers.release(handle)
    return _out(services, user.id)
