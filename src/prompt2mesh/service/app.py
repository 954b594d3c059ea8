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
from starlette.exceptions import HTTPException as StarletteHTTPException

import prompt2mesh
from prompt2mesh.config import Settings
from prompt2mesh.service.agent import Agent, ArtisanAgent
from prompt2mesh.service.db import make_engine, make_sessionmaker, migrate
from prompt2mesh.service.deps import Services
from prompt2mesh.service.errors import BadJson, NotFound, ServiceError
from prompt2mesh.service.middleware import (
    BodySizeLimit,
    SecurityHeaders,
    inline_script_hashes,
    install_log_redaction,
)
from prompt2mesh.service.plan_cache import SqlPlanCacheStore
from prompt2mesh.service.routes import auth, commands, files, gallery, health, runs, sessions, shares
from prompt2mesh.service.routes import exports as export_routes
from prompt2mesh.service.routes import review as review_routes
from prompt2mesh.service.routes import workers as worker_routes
from prompt2mesh.service.runs import RunManager
from prompt2mesh.service.security import with_signing_secret
from prompt2mesh.service.store import RunStore
from prompt2mesh.service.throttle import Throttle
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
    Without a configured ``secret_key`` the install's own random key is used (made on first
    start in ``data_dir/secret_key``, mode 0600); a placeholder never signs anything.
    """
    settings = with_signing_secret(settings)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # uvicorn configures its loggers before the app starts: add the filter after that.
        install_log_redaction()
        engine = make_engine(settings)
        migrate(engine)
        manager = workers if workers is not None else make_worker_manager(settings)
        roots = [(settings.data_dir / "workspaces").resolve(), (settings.data_dir / "workspaces").absolute()]
        store = RunStore(make_sessionmaker(engine), workspace_roots=roots)
        the_agent = agent if agent is not None else ArtisanAgent(settings)
        if isinstance(the_agent, ArtisanAgent):
            the_agent.preload()
            await the_agent.open(plan_cache=SqlPlanCacheStore(store.sessions))
        run_manager = RunManager(settings, store, manager, the_agent)
        app.state.services = Services(
            settings=settings,
            sessions=store.sessions,
            workers=manager,
            runs=run_manager,
            throttle=Throttle(settings),
        )
        await manager.start()
        await run_manager.start()
        try:
            yield
        finally:
            await run_manager.shutdown()
            await manager.shutdown()
            if isinstance(the_agent, ArtisanAgent):
                await the_agent.close()
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
    for module in (gallery, shares, export_routes):
        app.include_router(module.router)
    app.include_router(review_routes.router)
    _mount_web(app)

    def body_limit(path: str) -> int:
        # Voice recordings are the one upload; every other body is small JSON.
        if path.startswith("/sessions/") and path.endswith("/voice"):
            return settings.max_upload_bytes
        return settings.max_request_bytes

    app.add_middleware(BodySizeLimit, limit_for=body_limit)
    pages = (WEB_DIR / "index.html", WEB_DIR / "share.html")
    hashes = sorted({h for page in pages for h in inline_script_hashes(page)})
    app.add_middleware(SecurityHeaders, script_hashes=hashes)
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

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_request: Request, exc: StarletteHTTPException) -> JSONResponse:
        # FastAPI's own refusals (unparsable or too deeply nested JSON, unknown route, wrong
        # method) answer the same {error: {code, message}} shape as ours.
        if exc.status_code == 400 and "parsing the body" in str(exc.detail):
            return _error(400, BadJson.code, "the request body is not valid JSON (or is nested too deeply)")
        codes = {404: NotFound.code, 405: "method_not_allowed", 400: "bad_request"}
        response = _error(
            exc.status_code, codes.get(exc.status_code, f"http_{exc.status_code}"), str(exc.detail)
        )
        for name, value in (exc.headers or {}).items():
            response.headers[name] = value
        return response


def _mount_web(app: FastAPI) -> None:
    index = WEB_DIR / "index.html"

    @app.get("/", include_in_schema=False)
    async def web_index() -> FileResponse:
        if not index.is_file():
            raise NotFound("the web UI is not built (no src/prompt2mesh/web/index.html)")
        return FileResponse(index, media_type="text/html")

    if WEB_DIR.is_dir():
        app.mount("/static", StaticFiles(directory=WEB_DIR), name="static")
