"""A real ``prompt2mesh mcp --http`` worker process for tests (on loopback, with a token)."""

from __future__ import annotations

import asyncio
import contextlib
import os
import socket
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

from prompt2mesh.workers.remote import Endpoint, open_http_worker
from prompt2mesh.workers.session import WorkerSession


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@dataclass
class HttpWorker:
    process: subprocess.Popen[bytes]
    endpoint: Endpoint
    workspace: Path
    port: int


def wait_for_port(port: int, process: subprocess.Popen[bytes], timeout_s: float = 90.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the worker exited with {process.returncode}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return
        time.sleep(0.1)
    raise TimeoutError(f"nothing listened on port {port} within {timeout_s} s")


@contextlib.contextmanager
def http_worker(
    workspace: Path, token: str, *, port: int | None = None, hold: Path | None = None
) -> Iterator[HttpWorker]:
    """Start a worker serving MCP over HTTP on 127.0.0.1 with ``token``; stop it afterwards.

    ``hold``: a FIFO the worker reads before it loads Blender (``--test-hold-blender``)."""
    port = port or free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith("P2M_")}
    env["P2M_WORKER_TOKEN"] = token
    workspace.mkdir(parents=True, exist_ok=True)
    log = (workspace.parent / f"{workspace.name}-http.log").open("ab")
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "prompt2mesh",
            "mcp",
            "--http",
            "--port",
            str(port),
            "--workspace",
            str(workspace),
            *(["--test-hold-blender", str(hold)] if hold is not None else []),
        ],
        env=env,
        stdout=log,
        stderr=log,
    )
    try:
        wait_for_port(port, process)
        yield HttpWorker(process, Endpoint(f"http://127.0.0.1:{port}/mcp", token), workspace, port)
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
        log.close()


@contextlib.asynccontextmanager
async def held_session(endpoint: Endpoint) -> AsyncIterator[WorkerSession]:
    """A session opened and closed by one background task (an MCP client's task group must be
    left by the task that entered it; a module fixture's teardown runs in another)."""
    ready: asyncio.Future[WorkerSession] = asyncio.get_running_loop().create_future()
    done = asyncio.Event()

    async def hold() -> None:
        try:
            async with open_http_worker(endpoint, start_timeout_s=60) as session:
                ready.set_result(session)
                await done.wait()
        except BaseException as exc:
            if not ready.done():
                ready.set_exception(exc)
            raise

    task = asyncio.create_task(hold())
    try:
        yield await ready
    finally:
        done.set()
        await task
