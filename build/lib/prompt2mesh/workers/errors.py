"""Errors of the worker manager.

Hierarchy::

    RuntimeError
    ├── WorkerUnavailable            (session.py) the process died or stopped answering
    └── WorkerError                  code: "worker_error"
        ├── WorkersBusy              code: "workers_busy"  the cap on concurrent workers is reached
        └── WorkerStartFailed        code: "worker_start_failed"  the process did not become ready

The service turns ``WorkersBusy`` into HTTP 503 with ``Retry-After``; the others into 503 too.
"""

from __future__ import annotations

from prompt2mesh.workers.session import WorkerUnavailable

__all__ = ["WorkerError", "WorkerStartFailed", "WorkerUnavailable", "WorkersBusy"]


class WorkerError(RuntimeError):
    """Base of the manager's own errors."""

    code = "worker_error"


class WorkersBusy(WorkerError):
    """Every worker slot is taken; the caller should try again shortly."""

    code = "workers_busy"

    def __init__(self, max_workers: int, retry_after_s: float = 5.0) -> None:
        super().__init__(f"all {max_workers} Blender workers are busy, try again shortly")
        self.max_workers = max_workers
        self.retry_after_s = retry_after_s


class WorkerStartFailed(WorkerError):
    """The worker process exited or did not answer before the start timeout."""

    code = "worker_start_failed"
