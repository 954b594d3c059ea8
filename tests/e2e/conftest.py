"""Browser-test fixtures: the real service (``create_app``) on a free port in a background
thread, with the real Artisan agent, offline roles and a real Blender worker, and Debian's
Chromium driven by Playwright (never a downloaded browser)."""

from __future__ import annotations

import asyncio
import secrets
import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import uvicorn

from prompt2mesh.config import Settings

CHROMIUM = Path("/usr/bin/chromium")
# Headless without GPU: WebGL still works through SwiftShader (checked by the viewer test).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
START_TIMEOUT_S = 60.0


@dataclass
class LiveServer:
    url: str
    settings: Settings


class _Server(uvicorn.Server):
    """Sets ``ready`` once the lifespan has run and the socket listens (no polling)."""

    def __init__(self, config: uvicorn.Config) -> None:
        super().__init__(config)
        self.ready = threading.Event()
        self.failed: BaseException | None = None

    async def startup(self, sockets: list[socket.socket] | None = None) -> None:
        await super().startup(sockets)
        self.ready.set()


@pytest.fixture(scope="module")
def live_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LiveServer]:
    """The whole product (API + web UI) on 127.0.0.1 and a port the OS picked."""
    from prompt2mesh.service.app import create_app

    data = tmp_path_factory.mktemp("service")
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    settings = Settings(
        data_dir=data,
        secret_key=secrets.token_urlsafe(48),
        port=port,
        # Each browser test signs up its own user (one Blender worker each, reaped when idle).
        max_workers=4,
        screenshot_size=256,
    )
    server = _Server(uvicorn.Config(create_app(settings), log_level="warning", lifespan="on"))

    def serve() -> None:
        try:
            asyncio.run(server.serve(sockets=[sock]))
        except BaseException as exc:  # surfaced by the fixture below, not lost in the thread
            server.failed = exc
            server.ready.set()

    thread = threading.Thread(target=serve, name="live-server", daemon=True)
    thread.start()
    assert server.ready.wait(START_TIMEOUT_S), "the service did not start"
    if server.failed is not None:
        raise server.failed
    try:
        yield LiveServer(url=f"http://127.0.0.1:{port}", settings=settings)
    finally:
        server.should_exit = True
        thread.join(30)
        sock.close()


@pytest.fixture(scope="module")
def chromium() -> Iterator[object]:
    """Debian's Chromium, headless (module scope: Playwright's sync loop must be gone before
    the asyncio tests of other modules run)."""
    if not CHROMIUM.exists():
        pytest.skip("/usr/bin/chromium is not installed")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()
