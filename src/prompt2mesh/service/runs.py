"""Background run jobs: the agent on the user's worker, its events stored and fanned out.

Each run is one asyncio task. Its ``emit`` callback numbers every event (``seq``) and queues
it for a writer task that stores batches in ``run_events``; only stored events are fanned out
to live subscribers, so every event a client has seen survives a crash and its ``seq`` is
never reused (a late subscriber replays from the database, then follows live). One run per user at a time:
a user's second run waits (``queued``) for the first, since both would edit the same scene.
On start, runs a stop interrupted are resumed (or marked ``interrupted`` if resuming is off).

Several replicas may share the database: a job runs only on the replica holding the run's
lease (``leases.py``; ``replicas.py`` renews it and adopts runs whose replica died), and
streams follow the stored events from any replica (``eventlog.py``).
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import shutil
import time
from collections import defaultdict
from typing import Any

from prompt2mesh.config import Settings
from prompt2mesh.service.agent import Agent, RunNotResumableError
from prompt2mesh.service.eventlog import EventLog
from prompt2mesh.service.leases import LeaseStore, default_replica_id
from prompt2mesh.service.models import utcnow
from prompt2mesh.service.replicas import ReplicaKeeper
from prompt2mesh.service.store import ACTIVE, RunStore
from prompt2mesh.workers.base import WorkerManager
from prompt2mesh.workers.errors import WorkerError, WorkersBusy

log = logging.getLogger(__name__)

Event = dict[str, Any]
PARTIAL_GLB = "partial.glb"
PREVIEW_GLB = "preview.glb"  # agent/nodes/evaluate_progress.py writes it after each accepted step
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
        # Another replica took the run over (this one hung): write nothing more.
        self.lease_lost = False
        self.taken_over_from: str | None = None
        self.ran = False  # reached the worker (a run cancelled while queued built nothing)


class RunManager:
    """Starts, cancels, resumes and streams runs."""

    def __init__(
        self,
        settings: Settings,
        store: RunStore,
        workers: WorkerManager,
        agent: Agent,
        *,
        leases: LeaseStore | None = None,
        eventlog: EventLog | None = None,
    ) -> None:
        self.settings = settings
        self.store = store
        self.workers = workers
        self.agent = agent
        self.leases = leases or LeaseStore(
            store.sessions, settings.replica_id or default_replica_id(settings.port), settings.run_lease_ttl_s
        )
        self.eventlog = eventlog or EventLog(settings.resolved_database_url(), settings.event_poll_s)
        self.keeper = ReplicaKeeper(self)
        self.eventlog.on_cancel = self.cancel_soon
        self._jobs: dict[str, _Job] = {}
        self._user_locks: defaultdict[str, asyncio.Lock] = defaultdict(asyncio.Lock)
        self._pending: list[tuple[_Job, Event]] = []
        self._wake = asyncio.Event()
        self._writer: asyncio.Task[None] | None = None
        self._write_lock = asyncio.Lock()
        self._stopping = False
        self._cancels: set[asyncio.Task[bool]] = set()

    # --- lifecycle ------------------------------------------------------------------------

    async def start(self) -> None:
        """Start the event writer and pick up runs a previous stop interrupted (those whose
        lease lapsed or was given up; see ``replicas.py``)."""
        self._writer = asyncio.create_task(self._write_loop(), name="p2m-event-writer")
        await self.eventlog.start()
        await self.keeper.start()

    async def shutdown(self) -> None:
        """Stop every job (they become ``interrupted``) and flush their events."""
        self._stopping = True
        await self.keeper.stop()
        tasks = [job.task for job in self._jobs.values() if job.task is not None]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        if self._writer is not None:
            self._writer.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._writer
        await self.flush()
        await self.eventlog.stop()

    # --- public operations ----------------------------------------------------------------

    def is_active(self, run_id: str) -> bool:
        return run_id in self._jobs

    def local_jobs(self) -> list[str]:
        """The runs this replica executes now."""
        return list(self._jobs)

    async def submit(self, run_id: str, user_id: str, *, resume: bool = False) -> bool:
        """Start (or resume) the run's job in the background, if this replica gets its lease.

        Returns False when another replica holds the run (or another run of the user's): the
        run stays ``queued`` and that replica picks it up.
        """
        if run_id in self._jobs:
            return True
        # Claim the slot before awaiting, so a double submit cannot start two jobs.
        job = self._jobs[run_id] = _Job(run_id, user_id, next_seq=0)
        try:
            claim = await asyncio.to_thread(self.leases.claim, run_id, user_id)
        except BaseException:
            self._jobs.pop(run_id, None)
            raise
        if not claim.granted:
            self._jobs.pop(run_id, None)
            log.info("run %s waits for replica %s, which holds it or the user's runs", run_id, claim.holder)
            return False
        run = await asyncio.to_thread(self.store.get, run_id)
        if run is None or run.status not in (*ACTIVE, "interrupted"):
            # Cancelled (or deleted) by another replica since the caller looked.
            self._jobs.pop(run_id, None)
            await asyncio.to_thread(self.leases.release, run_id)
            return False
        job.taken_over_from = claim.previous_owner
        job.next_seq = await asyncio.to_thread(self.store.last_seq, run_id) + 1
        job.task = asyncio.create_task(self._execute(job, resume), name=f"p2m-run-{run_id}")
        return True

    async def lose(self, run_id: str) -> None:
        """Stop a job whose lease another replica took over, writing nothing more."""
        job = self._jobs.get(run_id)
        if job is None or job.task is None:
            return
        job.lease_lost = True
        self._pending = [(j, e) for j, e in self._pending if j is not job]
        job.task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.shield(job.task)

    async def mark_interrupted(self, run_id: str, user_id: str, previous_owner: str | None) -> None:
        """A run whose replica died, left as ``interrupted`` (resuming is off)."""
        error = f"replica {previous_owner} stopped while the run was going" if previous_owner else None
        await self._mark(run_id, user_id, "interrupted", **({"error": error} if error else {}))

    async def _mark(self, run_id: str, user_id: str, status: str, **values: Any) -> bool:
        """Store the final status of a run nobody executes (under its lease, so no replica
        starts it meanwhile); False when some replica holds it."""
        claim = await asyncio.to_thread(self.leases.claim, run_id, user_id, affinity=False)
        if not claim.granted:
            return False
        job = _Job(run_id, user_id, next_seq=await asyncio.to_thread(self.store.last_seq, run_id) + 1)
        try:
            await self._set_status(job, status, **values)
        finally:
            await asyncio.to_thread(self.leases.release, run_id)
        return True

    async def cancel(self, run_id: str) -> bool:
        """Cancel an active run and wait for it to stop; False if it was not active.

        A run another replica executes is cancelled by that replica: it is asked through the
        run's lease, and this waits (at most a lease TTL) until the run has stopped.
        """
        job = self._jobs.get(run_id)
        if job is None or job.task is None:
            return await self._cancel_elsewhere(run_id)
        if not job.cancel_requested:
            # Once only: a second cancel would cut the first one's final writes short.
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
                self.eventlog.wake({event["run_id"] for _, event in batch})
            finally:
                for job, event in batch:
                    job.events.append(event)
                    for queue in job.subscribers:
                        queue.put_nowait(event)

    # --- the job --------------------------------------------------------------------------

    def cancel_soon(self, run_id: str) -> None:
        """Cancel the run in the background if this replica executes it."""
        if run_id in self._jobs:
            task = asyncio.create_task(self.cancel(run_id), name=f"p2m-cancel-{run_id}")
            self._cancels.add(task)
            task.add_done_callback(self._cancels.discard)

    async def _cancel_elsewhere(self, run_id: str) -> bool:
        if await asyncio.to_thread(self.leases.request_cancel, run_id) is None:
            # Nobody executes it: a run waiting for the replica that holds the user's runs.
            run = await asyncio.to_thread(self.store.get, run_id)
            if run is None or run.status != "queued":
                return False
            if await self._mark(run_id, run.user_id, "cancelled", finished_at=utcnow()):
                return True
            if await asyncio.to_thread(self.leases.request_cancel, run_id) is None:
                return False
        deadline = time.monotonic() + self.leases.ttl_s + self.settings.run_lease_scan_s
        while time.monotonic() < deadline:
            signal = self.eventlog.signal(run_id)
            run = await asyncio.to_thread(self.store.get, run_id)
            if run is None or run.status not in ACTIVE:
                return True
            await self.eventlog.wait(signal, deadline - time.monotonic())
        return True

    def _publish(self, job: _Job, event: Event) -> None:
        if job.lease_lost:
            return
        event = {**event, "seq": job.next_seq, "run_id": job.run_id}
        event.setdefault("ts", time.time())
        job.next_seq += 1
        self._pending.append((job, event))
        self._wake.set()

    async def _set_status(self, job: _Job, status: str, **values: Any) -> None:
        if job.lease_lost:
            return
        extra = {"error": values["error"]} if values.get("error") else {}
        self._publish(job, {"type": "status", "status": status, **extra})
        await self.flush()
        await asyncio.to_thread(self.store.set_status, job.run_id, status, **values)

    async def _execute(self, job: _Job, resume: bool) -> None:
        try:
            await self._set_status(job, "queued")
            if job.taken_over_from:
                self._publish(
                    job,
                    {"type": "taken_over", "previous_owner": job.taken_over_from, "owner": self.leases.owner},
                )
            async with self._user_locks[job.user_id]:
                report = await self._run_on_worker(job, resume)
            status = str(report.get("status") or "completed")
            # awaiting_review: the job (and its worker lease) ends; approving the plan resumes it.
            final = status if status in ("completed", "halted", "failed", "awaiting_review") else "completed"
            if status not in ("completed", "awaiting_review") and not (report.get("artifacts") or {}).get(
                "glb"
            ):
                # Halted or failed before its glb: the last accepted step's preview stands in.
                await asyncio.to_thread(self._partial_from_preview, job)
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
            if job.lease_lost:
                log.warning("run %s stopped here: another replica took it over", job.run_id)
                return
            # Shielded: the final status must be stored even though this task is cancelled.
            status = "interrupted" if self._stopping and not job.cancel_requested else "cancelled"
            await _uncancellable(self._stop_job(job, status))
        except WorkersBusy as exc:
            await self._set_status(job, "failed", error=str(exc), finished_at=utcnow())
        except (WorkerError, Exception) as exc:
            log.exception("run %s failed", job.run_id)
            await asyncio.to_thread(self._partial_from_preview, job)
            await self._set_status(job, "failed", error=f"{type(exc).__name__}: {exc}", finished_at=utcnow())
        finally:
            self._jobs.pop(job.run_id, None)
            for queue in job.subscribers:
                queue.put_nowait(None)
            if not job.lease_lost:
                with contextlib.suppress(Exception):
                    await asyncio.shield(asyncio.to_thread(self.leases.release, job.run_id))

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
                return
        except Exception:
            log.warning("could not save the partial model of run %s", job.run_id, exc_info=True)
        await asyncio.to_thread(self._partial_from_preview, job)

    def _partial_from_preview(self, job: _Job) -> None:
        """The live preview of the last accepted step as ``partial.glb``, when the worker
        cannot export any more (a failed run, a dead worker)."""
        folder = self.workers.workspace_for(job.user_id) / "runs" / job.run_id
        preview, partial = folder / PREVIEW_GLB, folder / PARTIAL_GLB
        try:
            if preview.is_file() and not partial.is_file():
                shutil.copyfile(preview, partial)
                self._publish(job, {"type": "partial_model", "file": PARTIAL_GLB})
        except OSError:
            log.warning("could not keep the preview of run %s", job.run_id, exc_info=True)

    async def _stop_job(self, job: _Job, status: str) -> None:
        # Not for a run still queued: it built nothing, and saving would wait for the user's
        # lock, held by the run it queued behind.
        if status == "cancelled" and job.ran:
            await self._save_partial(job)
        await self._finish_quietly(job, status)

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
            job.ran = True
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


async def _uncancellable(work: Any) -> None:
    """Run ``work`` to its end even if the caller is cancelled again meanwhile: the lease is
    released only after the final status is stored, or another replica would adopt the run."""
    task = asyncio.ensure_future(work)
    while not task.done():
        with contextlib.suppress(asyncio.CancelledError):
            await asyncio.shield(task)


def _refined(report: dict[str, Any]) -> str | None:
    refined = report.get("refined_prompt")
    if isinstance(refined, dict):
        refined = refined.get("refined")
    return str(refined) if refined else None
