"""Helpers for the service tests: a live uvicorn server in a thread, users, SSE parsing."""

from __future__ import annotations

import asyncio
import json
import os
import queue
import signal
import socket
import subprocess
import sys
import threading
from collections.abc import Coroutine, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

import httpx
import uvicorn

from prompt2mesh.config import Settings
from prompt2mesh.service.app import create_app
from prompt2mesh.service.deps import Services

T = TypeVar("T")

SECRET = "test-secret-key-that-is-long-enough-0123456789"
PASSWORD = "correct horse battery"


def make_settings(data_dir: Path, database_url: str | None = None, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "data_dir": data_dir,
        "database_url": database_url,
        "secret_key": SECRET,
        "screenshot_size": 256,
        "warm_worker_on_login": False,
        "max_workers": 4,
        "login_max_failures": 3,
        "login_window_s": 600,
        # Long enough that a test's next request always lands inside the delay.
        "login_backoff_base_s": 30,
        **overrides,
    }
    return Settings(**values)


class _Server(uvicorn.Server):
    """Sets ``ready`` once the app's lifespan has started and the socket listens."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.ready = threading.Event()
        self.loop: asyncio.AbstractEventLoop | None = None

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        self.loop = asyncio.get_running_loop()
        await super().startup(sockets=sockets)
        self.ready.set()


class LiveServer:
    """uvicorn serving ``create_app(settings)`` on a free loopback port, in a thread."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}"
        self.app = create_app(settings)
        # As `prompt2mesh serve` runs it: forwarded headers are the app's business.
        config = uvicorn.Config(self.app, log_level="warning", lifespan="on", proxy_headers=False)
        self.server = _Server(config)
        self.thread = threading.Thread(target=self._run, daemon=True, name="p2m-test-server")

    def _run(self) -> None:
        try:
            self.server.run(sockets=[self.sock])
        finally:
            self.server.ready.set()

    def __enter__(self) -> LiveServer:
        self.thread.start()
        assert self.server.ready.wait(120) and self.server.started, "the server did not start"
        return self

    def app_services(self) -> Services:
        """The running app's services (worker manager, run manager): for assertions only."""
        services: Services = self.app.state.services
        return services

    def call(self, coroutine: Coroutine[Any, Any, T], timeout: float = 120) -> T:
        """Run ``coroutine`` on the server's event loop (where its services live) and wait."""
        assert self.server.loop is not None, "the server is not running"
        return asyncio.run_coroutine_threadsafe(coroutine, self.server.loop).result(timeout)

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(60)
        self.sock.close()


@dataclass
class User:
    """A signed-up, logged-in user with an httpx client carrying their token."""

    username: str
    token: str
    client: httpx.Client
    id: str = ""
    runs: list[str] = field(default_factory=list)

    def auth(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {self.token}"}


def signup_and_login(url: str, username: str) -> User:
    client = httpx.Client(base_url=url, timeout=60)
    created = client.post("/auth/signup", json={"username": username, "password": PASSWORD})
    assert created.status_code == 201, created.text
    login = client.post("/auth/login", json={"username": username, "password": PASSWORD})
    assert login.status_code == 200, login.text
    token = login.json()["access_token"]
    client.headers["Authorization"] = f"Bearer {token}"
    return User(username=username, token=token, client=client, id=created.json()["id"])


def iter_sse(response: httpx.Response) -> Iterator[tuple[str, dict[str, Any]]]:
    """(event name, data) for each message of a text/event-stream response."""
    name, data = "message", ""
    for line in response.iter_lines():
        if line == "":
            if data:
                yield name, json.loads(data)
            name, data = "message", ""
        elif line.startswith("event:"):
            name = line[6:].strip()
        elif line.startswith("data:"):
            data += line[5:].strip()


def stream_events(user: User, run_id: str, *, after: int = 0, timeout: float = 180) -> list[dict[str, Any]]:
    """Every event of the run until ``end`` (the ``end`` message is last, type ``end``)."""
    events: list[dict[str, Any]] = []
    with user.client.stream(
        "GET", f"/runs/{run_id}/events", params={"after": after}, timeout=httpx.Timeout(timeout)
    ) as response:
        assert response.status_code == 200, response.read()
        assert response.headers["content-type"].startswith("text/event-stream")
        for name, data in iter_sse(response):
            if name == "end":
                events.append({"type": "end", **data})
                break
            events.append(data)
    return events


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class ServeProcess:
    """``python -m prompt2mesh serve`` with its own data directory, in its own process group."""

    def __init__(self, data_dir: Path, port: int, **env: str) -> None:
        self.port = port
        self.url = f"http://127.0.0.1:{port}"
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("P2M_")}
        self.env.update(
            {
                "P2M_DATA_DIR": str(data_dir),
                "P2M_SECRET_KEY": SECRET,
                "P2M_SCREENSHOT_SIZE": "256",
                "P2M_WARM_WORKER_ON_LOGIN": "false",
                # The same replica after a restart (any port): it takes its runs back at once.
                "P2M_REPLICA_ID": f"serve-{data_dir.parent.name}",
                **env,
            }
        )
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.log: list[str] = []
        self.proc: subprocess.Popen[str] | None = None

    def start(self, timeout: float = 120) -> ServeProcess:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "prompt2mesh", "serve", "--port", str(self.port), "--log-level", "info"],
            env=self.env,
            # The access log goes to stdout, the rest to stderr: one stream keeps both.
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        threading.Thread(target=self._drain, daemon=True).start()
        while (line := self.lines.get(timeout=timeout)) is not None:
            if "Uvicorn running on" in line:
                return self
        raise AssertionError("serve exited before listening:\n" + "".join(self.log))

    def _drain(self) -> None:
        assert self.proc is not None and self.proc.stdout is not None
        for line in self.proc.stdout:
            self.log.append(line)
            self.lines.put(line)
        self.lines.put(None)

    def kill(self) -> None:
        """SIGKILL the server and its workers at once, like a machine losing power."""
        assert self.proc is not None
        os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(30)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(60)
            except subprocess.TimeoutExpired:
                self.kill()
