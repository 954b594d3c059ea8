"""Versions of a model: list them, fetch one's glb, and go back to one (as a new version).
Owner only: another user's run is a 404 on every route."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Request, status
from fastapi.responses import Response
from pydantic import BaseModel, Field

from prompt2mesh.service import versions
from prompt2mesh.service.deps import CurrentUser, ServicesDep, SessionDep
from prompt2mesh.service.errors import NoScene, NotFound
from prompt2mesh.service.exports import ExportFailed
from prompt2mesh.service.naming import display_name as model_name
from prompt2mesh.service.naming import slug
from prompt2mesh.service.routes.commands import _refuse_if_busy, get_commands
from prompt2mesh.service.routes.files import confined, file_response
from prompt2mesh.service.routes.runs import owned_run
from prompt2mesh.service.schemas import ErrorOut

router = APIRouter(
    prefix="/runs", tags=["versions"], responses={404: {"model": ErrorOut}, 409: {"model": ErrorOut}}
)


class VersionOut(BaseModel):
    number: int
    kind: str = Field(description="build, edit, undo or restore")
    label: str = Field(description="What made it: the command's words, or 'Back to version 2'.")
    created_at: float = Field(description="Unix time.")
    glb: str = Field(description="Its model, a path in the run folder (GET /runs/{id}/files/{glb}).")
    screenshot: str | None = None
    command_id: str | None = None
    restored: int | None = Field(default=None, description="The version a 'go back' restored.")
    current: bool = False


class VersionList(BaseModel):
    current: int | None
    versions: list[VersionOut]


def _out(entries: list[dict[str, Any]]) -> VersionList:
    last = entries[-1]["number"] if entries else None
    return VersionList(
        current=last,
        versions=[VersionOut.model_validate({**e, "current": e["number"] == last}) for e in entries],
    )


@router.get("/{run_id}/versions", response_model=VersionList)
def list_versions(run_id: str, user: CurrentUser, db: SessionDep, services: ServicesDep) -> VersionList:
    """Every version of the model, oldest first; the last is the current scene."""
    run = owned_run(db, user, run_id)
    folder = services.workers.workspace_for(user.id) / "runs" / run.id
    return _out(versions.list_versions(folder) if run.status == "completed" else [])


@router.get(
    "/{run_id}/versions/{number}/model.glb",
    response_class=Response,
    responses={200: {"content": {"model/gltf-binary": {}}, "description": "The version's glb"}},
)
def version_glb(
    run_id: str, number: int, user: CurrentUser, db: SessionDep, services: ServicesDep
) -> Response:
    """The model as it was in that version (named ``<model>-v<n>.glb`` for downloads)."""
    run = owned_run(db, user, run_id)
    workspace = services.workers.workspace_for(user.id)
    folder = workspace / "runs" / run.id
    entry = next((v for v in versions.list_versions(folder) if v["number"] == number), None)
    if entry is None:
        raise NotFound(f"run {run_id!r} has no version {number}")
    path = confined(folder, entry["glb"])
    if not path.is_file():
        raise NotFound(f"the model of version {number} is missing")
    return file_response(path, f"{slug(model_name(run))}-v{number}.glb", scrub_under=workspace.parent)


@router.post(
    "/{run_id}/versions/{number}/restore", status_code=status.HTTP_201_CREATED, response_model=VersionOut
)
async def restore_version(
    run_id: str, number: int, request: Request, user: CurrentUser, db: SessionDep, services: ServicesDep
) -> VersionOut:
    """Go back to a version: it becomes the current scene as a new version (nothing is lost,
    and "undo" reverts the step)."""
    run = owned_run(db, user, run_id)
    if run.status != "completed":
        raise NoScene(f"run {run_id!r} has no finished model (status {run.status})")
    commands = get_commands(request, services)
    _refuse_if_busy(db, user, commands)
    db.close()
    folder = services.workers.workspace_for(user.id) / "runs" / run.id
    prefix = f"runs/{run.id}/"
    if not any(v["number"] == number for v in versions.list_versions(folder)):
        raise NotFound(f"run {run_id!r} has no version {number}")
    # The per-user lock of runs, commands and exports: nothing else writes the scene meanwhile.
    async with services.runs._user_locks[user.id], services.workers.lease(user.id) as handle:
        original = await asyncio.to_thread(versions.ensure_original, folder)
        if original is not None:  # the worker keeps its own copy of version 1 too
            await _must(handle.runner, "open_blend", {"filename": f"{prefix}scene.blend"})
            await _must(handle.runner, "save_blend", {"filename": f"{prefix}{original['blend']}"})
        chosen = next(v for v in versions.list_versions(folder) if v["number"] == number)
        # The worker's scene first (a remote worker's files are only mirrored to the service):
        # the scene as it is, for "undo"; then the version as the scene. Then the service's
        # copies and the index.
        snapshot = await asyncio.to_thread(versions.undo_snapshot, folder)
        await _must(handle.runner, "open_blend", {"filename": f"{prefix}scene.blend"})
        await _must(handle.runner, "save_blend", {"filename": f"{prefix}{snapshot}"})
        await _must(handle.runner, "open_blend", {"filename": f"{prefix}{chosen['blend']}"})
        await _must(handle.runner, "save_blend", {"filename": f"{prefix}scene.blend"})
        await _must(handle.runner, "export_scene", {"format": "glb", "filename": f"{prefix}scene.glb"})
        entry = await asyncio.to_thread(versions.restore, folder, prefix, number, snapshot)
        await _must(handle.runner, "save_blend", {"filename": f"{prefix}{entry['blend']}"})
    return VersionOut.model_validate({**entry, "current": True})


async def _must(runner: Any, tool: str, args: dict[str, Any]) -> None:
    result = await runner.call(tool, args)
    if not result.ok:
        raise ExportFailed(f"going back failed: {tool}: {result.error}")
