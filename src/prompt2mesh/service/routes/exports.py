"""Downloads beyond the run's own files: other formats, a zip of the screenshots, and a
high-quality render on demand (start, then poll its progress)."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any

from fastapi import APIRouter, Depends, FastAPI, Query, Request, Response, status
from pydantic import BaseModel, Field

from prompt2mesh.service.deps import CurrentUser, Services, ServicesDep, SessionDep
from prompt2mesh.service.errors import NotFound, RunNotActive
from prompt2mesh.service.exports import ExportManager, ExportName, zip_folder
from prompt2mesh.service.models import Run
from prompt2mesh.service.naming import display_name, slug
from prompt2mesh.service.routes.runs import owned_run
from prompt2mesh.service.schemas import ErrorOut


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    services: Services = app.state.services
    app.state.exports = ExportManager(services.runs, services.workers)
    try:
        yield
    finally:
        await app.state.exports.shutdown()


router = APIRouter(
    prefix="/runs",
    tags=["exports"],
    responses={404: {"model": ErrorOut}, 409: {"model": ErrorOut}},
    lifespan=_lifespan,
)


def get_exports(request: Request, services: ServicesDep) -> ExportManager:
    manager: ExportManager | None = getattr(request.app.state, "exports", None)
    if manager is None:
        manager = request.app.state.exports = ExportManager(services.runs, services.workers)
    return manager


Exports = Annotated[ExportManager, Depends(get_exports)]


class ExportCreate(BaseModel):
    format: ExportName


class ExportOut(BaseModel):
    format: str
    file: str = Field(description="The file in the run folder: GET /runs/{id}/files/{file}.")
    bytes: int


class RenderCreate(BaseModel):
    samples: int = Field(default=32, ge=1, le=256)
    size: int = Field(default=1024, ge=128, le=2048, description="Width in pixels (height is 3/4 of it).")


def _finished(run: Run) -> None:
    if run.status != "completed":
        raise RunNotActive(f"run {run.id!r} is {run.status}; export a finished model")


@router.post("/{run_id}/exports", response_model=ExportOut)
async def export_run(
    run_id: str,
    body: ExportCreate,
    user: CurrentUser,
    db: SessionDep,
    services: ServicesDep,
    exports: Exports,
) -> ExportOut:
    """Export the model as glb, gltf (zip), obj (zip with .mtl), stl, fbx or usdz."""
    run = owned_run(db, user, run_id)
    _finished(run)
    stem = slug(display_name(run))
    db.close()  # the export can take seconds: keep no connection meanwhile
    name = await exports.export(user.id, run_id, body.format, stem)
    path = services.workers.workspace_for(user.id) / "runs" / run_id / name
    return ExportOut(format=body.format, file=name, bytes=path.stat().st_size)


@router.get("/{run_id}/screenshots.zip", response_class=Response)
def screenshots_zip(run_id: str, user: CurrentUser, db: SessionDep, services: ServicesDep) -> Response:
    """Every screenshot of the run in one zip."""
    run = owned_run(db, user, run_id)
    folder = services.workers.workspace_for(user.id) / "runs" / run_id / "screenshots"
    if not folder.is_dir():
        raise NotFound(f"run {run_id!r} has no screenshots")
    name = f"{slug(display_name(run))}-screenshots.zip"
    return Response(
        zip_folder(folder, "*.png"),
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.post("/{run_id}/render", status_code=status.HTTP_202_ACCEPTED)
async def start_render(
    run_id: str, body: RenderCreate, user: CurrentUser, db: SessionDep, exports: Exports
) -> dict[str, Any]:
    """Start a Cycles render of the model; poll ``GET /runs/{id}/render`` for its progress."""
    run = owned_run(db, user, run_id)
    _finished(run)
    return exports.start_render(user.id, run_id, body.samples, body.size).to_dict()


@router.get("/{run_id}/render")
async def render_status(
    run_id: str,
    user: CurrentUser,
    db: SessionDep,
    exports: Exports,
    wait: Annotated[float, Query(ge=0, le=120, description="Wait up to this many seconds for the end.")] = 0,
) -> dict[str, Any]:
    """The render's state, elapsed and estimated seconds, progress 0-1 and, when done, its file."""
    owned_run(db, user, run_id)
    db.close()
    job = exports.render_status(run_id)
    if job is None:
        raise NotFound(f"no render of run {run_id!r} was started")
    if wait and job.task is not None and not job.task.done():
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(asyncio.shield(job.task), wait)
    return job.to_dict()
