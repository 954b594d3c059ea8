"""Run artifacts (scene.blend, scene.glb, screenshots, report.json): owner only, and confined
to the run's folder: no ``..``, no absolute paths, no symlinks leading out."""

from __future__ import annotations

from pathlib import Path, PurePosixPath

from fastapi import APIRouter
from fastapi.responses import FileResponse, Response

from prompt2mesh.service.deps import CurrentUser, ServicesDep, SessionDep
from prompt2mesh.service.errors import InvalidPath, NotFound
from prompt2mesh.service.naming import download_name
from prompt2mesh.service.paths import relative_paths
from prompt2mesh.service.routes.runs import owned_run
from prompt2mesh.service.schemas import ErrorOut, FileOut

router = APIRouter(
    prefix="/runs", tags=["files"], responses={404: {"model": ErrorOut}, 400: {"model": ErrorOut}}
)

# Text artifacts the agent writes (report, trace) mention server paths: served scrubbed.
_SCRUBBED = (".json", ".jsonl")
_SCRUB_MAX_BYTES = 64 * 1024 * 1024

MEDIA_TYPES = {
    ".glb": "model/gltf-binary",
    ".gltf": "model/gltf+json",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".json": "application/json",
    ".jsonl": "application/x-ndjson",
    ".blend": "application/octet-stream",
    ".obj": "text/plain",
    ".stl": "model/stl",
    ".fbx": "application/octet-stream",
    ".usdz": "model/vnd.usdz+zip",
    ".zip": "application/zip",
}


def confined(base: Path, name: str) -> Path:
    """``base / name`` if it stays inside ``base`` after resolving links.

    Raises:
        InvalidPath: ``name`` is absolute, has ``..`` or a NUL, or resolves outside ``base``.
    """
    pure = PurePosixPath(name)
    if not name or "\0" in name or "\\" in name or pure.is_absolute() or ".." in pure.parts:
        raise InvalidPath(f"invalid file name {name!r}: use a path inside the run folder")
    base = base.resolve()
    target = (base / pure).resolve()
    if not target.is_relative_to(base):
        raise InvalidPath(f"invalid file name {name!r}: it leads outside the run folder")
    return target


@router.get("/{run_id}/files", response_model=list[FileOut])
def list_files(run_id: str, user: CurrentUser, db: SessionDep, services: ServicesDep) -> list[FileOut]:
    """Every file of the run (names relative to the run folder)."""
    owned_run(db, user, run_id)
    base = (services.workers.workspace_for(user.id) / "runs" / run_id).resolve()
    if not base.is_dir():
        return []
    return [
        FileOut(name=p.relative_to(base).as_posix(), bytes=p.stat().st_size)
        for p in sorted(base.rglob("*"))
        # Dot-folders hold the agent's resume anchors: internal, so not listed.
        if p.is_file()
        and not p.is_symlink()
        and not any(part.startswith(".") for part in p.relative_to(base).parts)
        and p.resolve().is_relative_to(base)
    ]


@router.get(
    "/{run_id}/files/{name:path}",
    response_class=FileResponse,
    responses={200: {"content": {"application/octet-stream": {}}, "description": "The file"}},
)
def get_file(run_id: str, name: str, user: CurrentUser, db: SessionDep, services: ServicesDep) -> Response:
    """Download one artifact, e.g. ``scene.glb`` or ``screenshots/step_1_screenshot_1.png``."""
    run = owned_run(db, user, run_id)
    workspace = services.workers.workspace_for(user.id)
    path = confined(workspace / "runs" / run_id, name)
    if not path.is_file():
        raise NotFound(f"run {run_id!r} has no file {name!r}")
    return file_response(path, download_name(run, name), scrub_under=workspace.parent)


def file_response(path: Path, filename: str, *, scrub_under: Path) -> Response:
    """The file, named ``filename`` for the user's disk (pictures and JSON open in the browser).

    JSON and JSONL (reports, traces) go out with server paths under ``scrub_under`` made
    workspace-relative: a user never sees where the server keeps their files.
    """
    suffix = path.suffix.lower()
    media_type = MEDIA_TYPES.get(suffix, "application/octet-stream")
    disposition = "inline" if suffix in (".png", ".jpg", ".json") else "attachment"
    if suffix in _SCRUBBED and path.stat().st_size <= _SCRUB_MAX_BYTES:
        text = relative_paths(path.read_text(errors="replace"), [scrub_under])
        return Response(
            text,
            media_type=media_type,
            headers={"Content-Disposition": f'{disposition}; filename="{filename}"'},
        )
    return FileResponse(path, media_type=media_type, filename=filename, content_disposition_type=disposition)
