"""Liveness and readiness: the database answers and the worker pool's size."""

from __future__ import annotations

from fastapi import APIRouter
from sqlalchemy import text

import prompt2mesh
from prompt2mesh.service.deps import ServicesDep, SessionDep
from prompt2mesh.service.schemas import Health

router = APIRouter(tags=["health"])


@router.get("/health", response_model=Health)
def health(db: SessionDep, services: ServicesDep) -> Health:
    """Open to everyone (no token): 200 when the database answers."""
    db.execute(text("SELECT 1"))
    return Health(
        workers={"active": services.workers.active_count(), "max": services.workers.max_workers},
        version=getattr(prompt2mesh, "__version__", "0"),
    )
