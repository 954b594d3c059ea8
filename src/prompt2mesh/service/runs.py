"""Background run jobs: the agent on the user's worker, its events stored and fanned out.

Each run is one asyncio task. Its ``emit`` callback numbers every event (``seq``) and queues
it for a writer task that stores batches in ``run_events``; only stored events are fanned out
to live subscribers, so every event a client has seen survives a crash and its ``seq`` is
never reused (a late subscriber replays from the database, then follows live). One run per user at a time:
a user's second run waits (``queued``) for the first, since both would edit the same scene.
On start, runs a stop interrupted are resumed (or marked ``interrupted`` if resuming is off).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections import defaultdict
from typing import Any

from prompt2mesh.config import Settings
from prompt2mesh.service.agent import Agent, RunNotResumableError
from prompt2mesh.service.models import utcnow
from prompt2mesh.service.store import RunStore
from prompt2mesh.workers.base import WorkerManager
from prompt2mesh.workers.errors import WorkerError, WorkersBusy

log = logging.getLogger(__name__)

Event = dict[str, Any]
PARTIAL_GLB = "partial.glb"
PARTIAL_EXPORT_TIMEOUT_S = 30.0


class _Job:
    def __init__(self, run_id: str, user_id: str, next_seq: int) -> None:
        self.run_id = run_id
        self.user_id = user_id
        self.next_seq = next_seq
        self.events: list[Event] = []
        self.subscribers: set[asyncio.Queue[Event | None]] = set()
        self.task: asyncio.Task[None] | None = None
        self.cancel_requested = False


class RunManager:
    """Starts, cancels, resumes and streams runs."""

    def __init__(self, settings: Settings, store: RunStore, workers: WorkerManager, agent: Agent) -> None:
        self.settings = settings
        self.store = store
        self.workers = workers
        self.agent = agent
        self._jobs: dict[str, _Job] = {}
        self._user_locks: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)
        self._pending: list[tuple[_Job, Event]] = []
        self._wake = asyncio.Event()
        self._writer: asyncio.Task[None] | None = None
        self._write_lock = asyncio.Lock()
        self._stopping = False

    # --- lifecycle ------------------------------------------------------------------------

    async def start(self) -> None:
        """Start the event writer and pick up runs a previous stop interrupted."""
        self._writer = asyncio.create_task(self._write_loop(), name="p2m-event-writer")
        for run_id, user_id, seen in await asyncio.to_thread(self.store.unfinished):
            if self.settings.resume_runs_on_start:
                log.info("resuming interrupted run %s", run_id)
                await self.submit(run_id, user_id, resume=seen > 0)
            else:
                await asyncio.to_thread(self.store.set_status, run_id, "interrupted")

    async def shutdown(self) -> None:
        """Stop every job (they become ``interrupted``) and flush their events."""
        self._stopping = True
        tasks = [job.task for job in self._jobs.values() if job.task is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if self._writer is not None:
            self._writer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._writer
        await self.flush()

    # --- public operations ----------------------------------------------------------------

    def is_active(self, run_id: str) -> bool:
        return run_id in self._jobs

    async def submit(self, run_id: str, user_id: str, *, resume: bool = False) -> None:
        """Start (or resume) the run's job in the background."""
        if run_id in self._jobs:
            return
        # Claim the slot before awaiting, so a double submit cannot start two jobs.
        job = self._jobs[run_id] = _Job(run_id, user_id, next_seq=0)
        job.next_seq = await asyncio.to_thread(self.store.last_seq, run_id) + 1
        job.task = asyncio.create_task(self._execute(job, resume), name=f"p2m-run-{run_id}")

    async def cancel(self, run_id: str) -> bool:
        """Cancel an active run and wait for it to stop; False if it was not active."""
        job = self._jobs.get(run_id)
        if job is None or job.task is None:
            return False
        job.cancel_requested = True
        job.task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.shield(job.task)
        return True

    def subscribe(self, run_id: str) -> tuple[list[Event], asyncio.Queue[Event | None]] | None:
        """Stored events of the active run and a queue of the ones to come (None when it ends)."""
        job = self._jobs.get(run_id)
        if job is None:
            return None
        queue: asyncio.Queue[Event | None] = asyncio.Queue()
        job.subscribers.add(queue)
        return list(job.events), queue

    def unsubscribe(self, run_id: str, queue: asyncio.Queue[Event | None]) -> None:
        job = self._jobs.get(run_id)
        if job is not None:
            job.subscribers.discard(queue)

    async def events(self, run_id: str, after: int = 0) -> list[Event]:
        """Every stored event of the run with ``seq > after`` (pending ones are stored first)."""
        await self.flush()
        return await asyncio.to_thread(self.store.events, run_id, after)

    async def flush(self) -> None:
        """Store every event emitted so far."""
        async with self._write_lock:
            batch, self._pending = self._pending, []
            if not batch:
                return
            try:
                await asyncio.to_thread(self.store.append_events, [event for _, event in batch])
            finally:
                for job, event in batch:
                    job.events.append(event)
                    for queue in job.subscribers:
                        queue.put_nowait(event)

    # --- the job --------------------------------------------------------------------------

    def _publish(self, job: _Job, event: Event) -> None:
        event = {**event, "seq": job.next_seq, "run_id": job.run_id}
        event.setdefault("ts", time.time())
        job.next_seq += 1
        self._pending.append((job, event))
        self._wake.set()

    async def _set_status(self, job: _Job, status: str, **values: Any) -> None:
        extra = {"error": values["error"]} if values.get("error") else {}
        self._publish(job, {"type": "status", "status": status, **extra})
        await self.flush()
        await asyncio.to_thread(self.store.set_status, job.run_id, status, **values)

    async def _execute(self, job: _Job, resume: bool) -> None:
        try:
            await self._set_status(job, "queued")
            async with self._user_locks[job.user_id]:
                report = await self._run_on_worker(job, resume)
            status = str(report.get("status") or "completed")
            # awaiting_review: the job (and its worker lease) ends; approving the plan resumes it.
            final = status if status in ("completed", "halted", "failed", "awaiting_review") else "completed"
            await self._set_status(
                job,
                final,
                report=report,
                refined_prompt=_refined(report),
                plan=report.get("plan"),
                error=report.get("error"),
                finished_at=None if final == "awaiting_review" else utcnow(),
            )
        except asyncio.CancelledError:
            # Shielded: the final status must be stored even though this task is cancelled.
            status = "interrupted" if self._stopping and not job.cancel_requested else "cancelled"
            if status == "cancelled":
                await asyncio.shield(self._save_partial(job))
            await asyncio.shield(self._finish_quietly(job, status))
        except WorkersBusy as exc:
            await self._set_status(job, "failed", error=str(exc), finished_at=utcnow())
        except (WorkerError, Exception) as exc:
            log.exception("run %s failed", job.run_id)
            await self._set_status(job, "failed", error=f"{type(exc).__name__}: {exc}", finished_at=utcnow())
        finally:
            self._jobs.pop(job.run_id, None)
            for queue in job.subscribers:
                queue.put_nowait(None)

    async def _save_partial(self, job: _Job) -> None:
        """What a cancelled run had built so far, as ``partial.glb`` (nothing when it had nothing)."""
        try:
            async with asyncio.timeout(PARTIAL_EXPORT_TIMEOUT_S):
                async with self._user_locks[job.user_id], self.workers.lease(job.user_id) as handle:
                    result = await handle.runner.call(
                        "export_scene", {"format": "glb", "filename": f"runs/{job.run_id}/{PARTIAL_GLB}"}
                    )
            if result.ok:
                self._publish(job, {"type": "partial_model", "file": PARTIAL_GLB})
        except Exception:
            log.warning("could not save the partial model of run %s", job.run_id, exc_info=True)

    async def _finish_quietly(self, job: _Job, status: str) -> None:
        values: dict[str, Any] = {"finished_at": utcnow()} if status == "cancelled" else {}
        try:
            await self._set_status(job, status, **values)
        except Exception:
            log.exception("could not store the final status of run %s", job.run_id)

    async def _run_on_worker(self, job: _Job, resume: bool) -> dict[str, Any]:
        run = await asyncio.to_thread(self.store.get, job.run_id)
        assert run is not None
        async with self.workers.lease(job.user_id) as handle:
            values: dict[str, Any] = {"error": None, "finished_at": None}
            if run.started_at is None:
                values["started_at"] = utcnow()
            await self._set_status(job, "running", **values)
            prefix = f"runs/{job.run_id}/"
            out_dir = handle.workspace / prefix
            out_dir.mkdir(parents=True, exist_ok=True)

            def emit(event: Event) -> None:
                self._publish(job, event)

            if resume:
                try:
                    return await self.agent.resume(
                        run_id=job.run_id,
                        out_dir=out_dir,
                        runner=handle.runner,
                        emit=emit,
                        user_id=job.user_id,
                    )
                except RunNotResumableError:
                    self._publish(
                        job, {"type": "warning", "message": "no checkpoint to resume; starting over"}
                    )
            return await self.agent.make(
                run_id=job.run_id,
                prompt=run.prompt,
                options=dict(run.options or {}),
                out_dir=out_dir,
                artifact_prefix=prefix,
                runner=handle.runner,
                emit=emit,
                user_id=job.user_id,
            )

    async def _write_loop(self) -> None:
        while True:
            await self._wake.wait()
            self._wake.clear()
            try:
                await self.flush()
            except Exception:
                log.exception("storing run events failed")
            # Batch: events of many runs arriving within a short window go in one transaction.
            await asyncio.sleep(0.05)


def _refined(report: dict[str, Any]) -> str | None:
    refined = report.get("refined_prompt")
    if isinstance(refined, dict):
        refined = refined.get("refined")
    return str(refined) if refined else None
