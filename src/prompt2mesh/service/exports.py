"""Exports of a finished model through the user's worker (``export_scene``), a zip of its
screenshots, and an on-demand Cycles render followed by polling.

Each job opens the run's ``scene.blend`` on the user's worker under the same per-user lock
as runs and commands, so it never shares the scene with a run or an edit in flight.
"""

from __future__ import annotations

import asyncio
import contextlib
import io
import logging
import time
import zipfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from prompt2mesh.service.errors import ServiceError
from prompt2mesh.service.runs import RunManager
from prompt2mesh.workers.base import WorkerManager

log = logging.getLogger(__name__)

ExportName = Literal["glb", "gltf", "obj", "stl", "fbx", "usdz"]
# Our name -> (export_scene format, file suffix, several files that ship as one zip).
FORMATS: dict[str, tuple[str, str, bool]] = {
    "glb": ("glb", ".glb", False),
    "gltf": ("gltf", ".gltf", True),
    "obj": ("obj", ".obj", True),
    "stl": ("stl", ".stl", False),
    "fbx": ("fbx", ".fbx", False),
    "usdz": ("usd", ".usdz", False),
}


class ExportFailed(ServiceError):
    status, code = 502, "export_failed"


@dataclass
class RenderJob:
    """One Cycles render of a run's scene (polled by the browser for its progress)."""

    run_id: str
    samples: int
    size: int
    estimate_s: float
    started: float = field(default_factory=time.monotonic)
    state: str = "running"  # running | done | failed
    file: str | None = None
    error: str | None = None
    elapsed_s: float = 0.0
    task: asyncio.Task[None] | None = None

    def to_dict(self) -> dict[str, Any]:
        elapsed = self.elapsed_s if self.state != "running" else time.monotonic() - self.started
        return {
            "run_id": self.run_id,
            "state": self.state,
            "samples": self.samples,
            "size": self.size,
            "elapsed_s": round(elapsed, 1),
            "estimate_s": round(self.estimate_s, 1),
            "progress": 1.0 if self.state == "done" else min(0.95, elapsed / max(self.estimate_s, 1.0)),
            "file": self.file,
            "error": self.error,
        }


def zip_folder(folder: Path, pattern: str = "*") -> bytes:
    """The files of ``folder`` matching ``pattern`` (not links, not nested), as one zip."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.glob(pattern)):
            if path.is_file() and not path.is_symlink():
                archive.write(path, path.name)
    return buffer.getvalue()


class ExportManager:
    """Runs exports and renders on the users' workers."""

    def __init__(self, runs: RunManager, workers: WorkerManager) -> None:
        self.runs = runs
        self.workers = workers
        self.renders: dict[str, RenderJob] = {}

    async def _open(self, runner: Any, run_id: str) -> None:
        opened = await runner.call("open_blend", {"filename": f"runs/{run_id}/scene.blend"})
        if not opened.ok:
            raise ExportFailed(f"the scene of run {run_id} could not be opened: {opened.error}")

    async def export(self, user_id: str, run_id: str, fmt: str, stem: str) -> str:
        """Export the run's scene; returns the file's name inside the run folder.

        Raises:
            ExportFailed: the worker could not open or export the scene.
        """
        if fmt == "glb":
            return "scene.glb"  # made by the run itself (and rewritten by every edit)
        tool_format, suffix, bundle = FORMATS[fmt]
        folder = f"runs/{run_id}/exports"
        target = f"{folder}/{fmt}/{stem}{suffix}" if bundle else f"{folder}/{stem}{suffix}"
        async with self.runs._user_locks[user_id], self.workers.lease(user_id) as handle:
            await self._open(handle.runner, run_id)
            result = await handle.runner.call("export_scene", {"format": tool_format, "filename": target})
            if not result.ok:
                raise ExportFailed(f"{fmt} export failed: {result.error}")
            if not bundle:
                return target.removeprefix(f"runs/{run_id}/")
            parts = handle.workspace / folder / fmt
            archive = handle.workspace / folder / f"{stem}-{fmt}.zip"
            archive.write_bytes(await asyncio.to_thread(zip_folder, parts))
            return f"exports/{stem}-{fmt}.zip"

    def render_status(self, run_id: str) -> RenderJob | None:
        return self.renders.get(run_id)

    def start_render(self, user_id: str, run_id: str, samples: int, size: int) -> RenderJob:
        """Start a Cycles render in the background (one per run at a time)."""
        current = self.renders.get(run_id)
        if current is not None and current.state == "running":
            return current
        # A rough guess for the progress bar: CPU Cycles at ~0.4 s per 100k pixel-samples.
        estimate = 3.0 + size * size * 0.75 * samples * 4e-6
        job = RenderJob(run_id=run_id, samples=samples, size=size, estimate_s=estimate)
        self.renders[run_id] = job
        job.task = asyncio.create_task(self._render(user_id, job), name=f"p2m-render-{run_id}")
        return job

    async def _render(self, user_id: str, job: RenderJob) -> None:
        name = f"renders/render_{job.samples}spp_{job.size}px.png"
        try:
            async with self.runs._user_locks[user_id], self.workers.lease(user_id) as handle:
                await self._open(handle.runner, job.run_id)
                result = await handle.runner.call(
                    "render_image",
                    {
                        "engine": "cycles",
                        "samples": job.samples,
                        "width": job.size,
                        "height": job.size * 3 // 4,
                        "filename": f"runs/{job.run_id}/{name}",
                    },
                )
            if not result.ok:
                raise ExportFailed(f"the render failed: {result.error}")
            job.file, job.state = name, "done"
        except asyncio.CancelledError:
            job.state, job.error = "failed", "the server stopped during the render"
            raise
        except Exception as exc:
            log.exception("render of run %s failed", job.run_id)
            job.state, job.error = "failed", str(exc)
        finally:
            job.elapsed_s = time.monotonic() - job.started

    async def shutdown(self) -> None:
        tasks = [j.task for j in self.renders.values() if j.task is not None and not j.task.done()]
        for task in tasks:
            task.cancel()
        for task in tasks:
            with contextlib.suppress(BaseException):
                await task
