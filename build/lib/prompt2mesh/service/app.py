"""The FastAPI app: API routes, the web UI's static files, and a lifespan that migrates the
database, starts the worker manager and resumes runs a previous stop interrupted."""

from __future__ import annotations

import importlib
import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse
from fastapi.staticfiles import StaticFiles

import prompt2mesh
from prompt2mesh.config import Settings
from prompt2mesh.service.agent import Agent, ArtisanAgent
from prompt2mesh.service.db import make_engine, make_sessionmaker, migrate
from prompt2mesh.service.deps import Services
from prompt2mesh.service.errors import NotFound, ServiceError
from prompt2mesh.service.routes import auth, commands, files, health, runs, sessions
from prompt2mesh.service.routes import workers as worker_routes
from prompt2mesh.service.runs import RunManager
from prompt2mesh.service.security import LoginRateLimiter
from prompt2mesh.service.store import RunStore
from prompt2mesh.workers.base import WorkerManager
from prompt2mesh.workers.errors import WorkerError, WorkersBusy
from prompt2mesh.workers.local import LocalWorkerManager

log = logging.getLogger(__name__)

WEB_DIR = Path(prompt2mesh.__file__).parent / "web"


def make_worker_manager(settings: Settings) -> WorkerManager:
    """The configured worker backend.

    Raises:
        ValueError: the backend is not available in this build.
    """
    if settings.worker_backend == "local":
        return LocalWorkerManager.from_settings(settings)
    try:
        # A pod backend implements the same WorkerManager interface in its own module.
        module = importlib.import_module(f"prompt2mesh.workers.{settings.worker_backend}")
    except ModuleNotFoundError as exc:
        raise ValueError(f"worker backend {settings.worker_backend!r} is not available; use 'local'") from exc
    manager: WorkerManager = module.WorkerManagerImpl.from_settings(settings)
    return manager


def create_app(
    settings: Settings, *, agent: Agent | None = None, workers: WorkerManager | None = None
) -> FastAPI:
    """Build the app; nothing starts until the lifespan runs (uvicorn, or TestClient).

    ``agent`` and ``workers`` default to the Artisan agent and the configured worker backend.
    """

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        engine = make_engine(settings)
        migrate(engine)
        manager = workers if workers is not None else make_worker_manager(settings)
        store = RunStore(make_sessionmaker(engine))
        the_agent = agent if agent is not None else ArtisanAgent(settings)
        if isinstance(the_agent, ArtisanAgent):
            the_agent.preload()
        run_manager = RunManager(settings, store, manager, the_agent)
        app.state.services = Services(
            settings=settings,
            sessions=store.sessions,
            workers=manager,
            runs=run_manager,
            login_limiter=LoginRateLimiter(settings.login_max_failures, settings.login_window_s),
            # Guessing across many usernames from one address: a looser limit of its own.
            address_limiter=LoginRateLimiter(settings.login_max_failures * 10, settings.login_window_s),
        )
        await manager.start()
        await run_manager.start()
        try:
            yield
        finally:
            await run_manager.shutdown()
            await manager.shutdown()
            engine.dispose()

    app = FastAPI(
        title="Prompt2Mesh",
        version=getattr(prompt2mesh, "__version__", "0"),
        description="Accounts, per-user Blender workers, runs with live events, artifacts. See docs/API.md.",
        lifespan=lifespan,
    )
    _install_error_handlers(app)
    for module in (health, auth, worker_routes, sessions, runs, files, commands):
        app.include_router(module.router)
    _mount_web(app)
    return app


def _error(status: int, code: str, message: str, retry_after_s: float | None = None) -> JSONResponse:
    headers = {"Retry-After": str(max(1, int(retry_after_s + 0.999)))} if retry_after_s is not None else None
    return JSONResponse({"error": {"code": code, "message": message}}, status_code=status, headers=headers)


def _install_error_handlers(app: FastAPI) -> None:
    @app.exception_handler(ServiceError)
    async def service_error(_request: Request, exc: ServiceError) -> JSONResponse:
        headers_retry = exc.retry_after_s if exc.status in (429, 503) else None
        response = _error(exc.status, exc.code, exc.message, headers_retry)
        if exc.status == 401:
            response.headers["WWW-Authenticate"] = "Bearer"
        return response

    @app.exception_handler(WorkersBusy)
    async def workers_busy(_request: Request, exc: WorkersBusy) -> JSONResponse:
        return _error(503, exc.code, str(exc), exc.retry_after_s)

    @app.exception_handler(WorkerError)
    async def worker_error(_request: Request, exc: WorkerError) -> JSONResponse:
        return _error(503, exc.code, str(exc), 5.0)

    @app.exception_handler(RequestValidationError)
    async def validation_error(_request: Request, exc: RequestValidationError) -> JSONResponse:
        parts = [
            f"{'.'.join(str(p) for p in err.get('loc', ()) if p != 'body')}: {err.get('msg')}"
            for err in exc.errors()
        ]
        return _error(422, "validation_error", "; ".join(parts) or "invalid request")

    @app.exception_handler(404)
    async def not_found(_request: Request, exc: Exception) -> JSONResponse:
        return _error(404, NotFound.code, str(getattr(exc, "detail", "not found")))


def _mount_web(app: FastAPI) -> None:
    index = WEB_DIR / "index.html"

    @app.get("/", include_in_schema=False)
    async def web_index() -> FileResponse:
        if not index.is_file():
            raise NotFound("the web UI is not built (no src/prompt2mesh/web/index.html)")
        return FileResponse(index, media_type="text/html")

    if WEB_DIR.is_dir():
        app.mount("/static", StaticFiles(directory=WEB_DIR), name="static")
