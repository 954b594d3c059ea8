"""One settings object for the whole product (env prefix ``P2M_``).

Built once by :func:`get_settings` and passed down; no other module reads the environment.
The Blender worker takes its own plain :class:`prompt2mesh.blender.WorkerConfig` instead,
because it runs in a separate process started with explicit command-line flags.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import AliasChoices, Field, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

Provider = Literal["offline", "anthropic", "openai", "google", "ollama", "openai_compatible"]

PLACEHOLDER_SECRETS = frozenset({"", "change-me", "changeme", "secret", "dev-secret-change-me"})


class Settings(BaseSettings):
    """Every knob of Prompt2Mesh, with the spec's defaults."""

    model_config = SettingsConfigDict(env_prefix="P2M_", env_file=None, extra="ignore")

    # --- mode -------------------------------------------------------------------------------
    environment: Literal["development", "production"] = "development"

    # --- model providers --------------------------------------------------------------------
    provider: Provider = "offline"
    model: str | None = Field(default=None, description="Model name; each provider has a default.")
    base_url: str | None = Field(default=None, description="Base URL for Ollama / OpenAI-compatible servers.")
    anthropic_api_key: str | None = Field(default=None, validation_alias="ANTHROPIC_API_KEY")
    openai_api_key: str | None = Field(default=None, validation_alias="OPENAI_API_KEY")
    google_api_key: str | None = Field(
        default=None, validation_alias=AliasChoices("GOOGLE_API_KEY", "GEMINI_API_KEY", "google_api_key")
    )
    model_timeout_s: float = 120.0
    model_temperature: float = 0.2
    model_max_tokens: int = Field(default=4096, ge=256)
    executor_max_rounds: int = Field(default=8, ge=1, description="Model -> tool calls rounds per step.")

    # --- the Artisan loop (SPEC section 1) --------------------------------------------------
    pass_score: int = Field(default=6, ge=1, le=10)
    critical_pass_score: int = Field(default=7, ge=1, le=10)
    critical_steps: int = Field(default=5, ge=0)
    max_refinements: int = Field(default=2, ge=0, le=10)
    min_plan_steps: int = Field(default=5, ge=1)
    max_plan_steps: int = Field(default=15, ge=1)
    recursion_limit: int = Field(default=100, ge=10)
    retry_delays_s: tuple[float, ...] = (1.0, 2.0, 4.0)
    screenshot_size: int = Field(default=512, ge=64, le=2048)
    live_preview: bool = Field(
        default=True,
        description="Export preview.glb after each accepted step, so the web viewer shows the model "
        "while it is built. Measured (bench/bench_preview_export.py): 0.3-0.7 s per export, 10-20 % of "
        "an offline run's time, a few % of a run with a model provider; false turns it off.",
    )

    # --- plan cache (agent/plan_cache.py: the strict similarity rule) -----------------------
    plan_cache: bool = Field(
        default=True, description="Start from a passing run's plan when the rule calls the request the same."
    )
    plan_cache_shared: bool = Field(
        default=False, description="Reuse every user's cached plans, not only the person's own (operator)."
    )

    # --- storage ----------------------------------------------------------------------------
    data_dir: Path = Path("data")
    database_url: str | None = Field(
        default=None, description="SQLAlchemy URL; SQLite under data_dir if unset."
    )
    checkpoint_url: str | None = Field(default=None, description="LangGraph checkpointer; SQLite if unset.")

    # --- service ----------------------------------------------------------------------------
    secret_key: str | None = Field(
        default=None,
        description="Signs tokens. Unset (development): a random key kept in data_dir/secret_key (0600).",
    )
    access_token_minutes: int = Field(default=15, ge=1)
    refresh_token_minutes: int = Field(
        default=7 * 24 * 60, ge=1, description="A session ends after this long without any use."
    )
    session_max_days: int = Field(default=30, ge=1, description="A session ends this long after log-in.")
    stream_ticket_s: int = Field(default=60, ge=5, description="Lifetime of an event-stream ticket.")
    # Log-in throttling (ASVS 2.2.1): doubling delays, never a lock; counts live in the database.
    login_max_failures: int = Field(default=5, ge=1, description="Free tries per account and address.")
    login_address_max_failures: int = Field(default=20, ge=1, description="Free tries per address.")
    login_account_max_failures: int = Field(default=10, ge=1, description="Free tries per account.")
    login_backoff_base_s: float = Field(default=1.0, gt=0)
    login_backoff_max_s: float = Field(default=900.0, gt=0)
    login_account_backoff_max_s: float = Field(
        default=60.0, gt=0, description="Cap for the per-account delay: slows, never locks the owner out."
    )
    login_window_s: int = Field(default=900, ge=1, description="Failures older than this are forgotten.")
    password_min_length: int = Field(default=8, ge=8, le=64)
    trusted_proxies: list[str] = Field(
        default_factory=list,
        description="Addresses whose X-Forwarded-For is believed (none: the peer address counts).",
    )
    # Request limits: bodies are refused with 413 before they are read.
    max_request_bytes: int = Field(default=256 * 1024, ge=1024)
    max_upload_bytes: int = Field(default=10 * 1024 * 1024, ge=1024, description="Voice recordings.")
    max_prompt_chars: int = Field(default=2000, ge=1)
    runs_per_hour_per_user: int = Field(default=60, ge=1)
    max_active_runs_per_user: int = Field(default=3, ge=1, description="Queued + running runs per user.")
    max_active_runs_per_address: int = Field(default=4, ge=1)
    signups_per_hour_per_address: int = Field(default=10, ge=1)
    host: str = "127.0.0.1"
    port: int = 8000
    resume_runs_on_start: bool = Field(default=True, description="Resume runs a restart interrupted.")
    warm_worker_on_login: bool = Field(default=True, description="Start the user's worker at log-in.")
    # Several replicas on one database: each run is executed by the replica holding its lease.
    replica_id: str | None = Field(
        default=None,
        description="This replica's name in run leases (unset: host name, pid and a random tag).",
    )
    run_lease_ttl_s: float = Field(
        default=30.0,
        ge=1.0,
        description="A run whose owner stops renewing its lease this long is taken over.",
    )
    run_lease_scan_s: float = Field(
        default=5.0, gt=0, description="How often a replica looks for runs without a live owner."
    )
    event_poll_s: float = Field(
        default=0.5, gt=0, description="Event streams re-read the log this often when no notice wakes them."
    )

    # --- workers ----------------------------------------------------------------------------
    worker_backend: Literal["local", "docker", "kubernetes"] = "local"
    max_workers: int = Field(default=16, ge=1)
    worker_idle_timeout_s: float = Field(default=900.0, gt=0)
    worker_start_timeout_s: float = Field(default=30.0, gt=0)
    worker_start_concurrency: int = Field(
        default=4, ge=1, description="Workers booting at once; more wait their turn (a burst of cold starts)."
    )
    worker_spares: int = Field(
        default=0,
        ge=0,
        description="Workers started ahead so a log-in gets one at once (each ~300 MB; count against max_workers).",
    )
    worker_allow_code: bool = False
    tool_timeout_s: float = Field(default=120.0, gt=0)
    worker_health_interval_s: float = Field(default=10.0, gt=0)
    # Each worker's budgets (`prompt2mesh mcp --max-...`); None keeps the worker's own default.
    worker_max_vertices: int | None = Field(default=None, ge=1, description="Scene vertices after modifiers.")
    worker_max_objects: int | None = Field(default=None, ge=1)
    worker_max_render_pixel_samples: int | None = Field(
        default=None, ge=1, description="Width x height x samples of one render."
    )
    worker_max_workspace_bytes: int | None = Field(
        default=None, ge=1, description="Disk quota of a workspace."
    )
    worker_max_file_bytes: int | None = Field(default=None, ge=1, description="Largest file a tool reads.")
    worker_history_max_bytes: int | None = Field(default=None, ge=1, description="Undo snapshots together.")

    def worker_limit_args(self) -> list[str]:
        """The budget flags every worker this process starts is given (``--max-vertices N``...)."""
        flags = {
            "--max-vertices": self.worker_max_vertices,
            "--max-objects": self.worker_max_objects,
            "--max-render-pixel-samples": self.worker_max_render_pixel_samples,
            "--max-workspace-bytes": self.worker_max_workspace_bytes,
            "--max-file-bytes": self.worker_max_file_bytes,
            "--history-max-bytes": self.worker_history_max_bytes,
        }
        return [part for flag, value in flags.items() if value is not None for part in (flag, str(value))]

    # --- remote workers (docker, kubernetes): one container or pod per user ------------------
    worker_image: str = Field(default="prompt2mesh:latest", description="Image every worker runs.")
    worker_command: list[str] = Field(
        default_factory=lambda: ["prompt2mesh"], description="The program in the image that takes `mcp ...`."
    )
    worker_cpus: float = Field(default=2.0, gt=0, description="CPU limit of one worker.")
    worker_cpu_request: float = Field(default=0.25, gt=0, description="CPU a pod requests (kubernetes).")
    worker_memory_mb: int = Field(default=2048, ge=256, description="Memory limit of one worker.")
    worker_memory_request_mb: int = Field(default=512, ge=128, description="Memory a pod requests.")
    worker_name_prefix: str = Field(
        default="p2m-worker",
        pattern=r"^[a-z][a-z0-9-]{0,30}$",
        description="Names of containers, volumes, pods.",
    )
    worker_max_fetch_bytes: int = Field(
        default=512 * 1024 * 1024, ge=1024, description="Largest file copied back."
    )
    docker_socket: Path = Path("/var/run/docker.sock")
    docker_network: str | None = Field(
        default=None,
        description="A private network for workers (the service must be on it); unset: ports on 127.0.0.1.",
    )
    docker_mounts: list[str] = Field(
        default_factory=list,
        description="Extra read-only binds 'host:container' (running workers from a checkout).",
    )
    k8s_namespace: str = "prompt2mesh"
    k8s_storage_class: str | None = None
    k8s_storage_size: str = "2Gi"
    k8s_image_pull_policy: Literal["Always", "IfNotPresent", "Never"] = "IfNotPresent"
    k8s_worker_url: str = Field(
        default="http://{service}.{namespace}.svc:{port}/mcp", description="Where a worker's Service answers."
    )
    k8s_in_cluster: bool = Field(
        default=True, description="Use the pod's service account; else ~/.kube/config."
    )

    @model_validator(mode="after")
    def _refuse_placeholder_secret(self) -> Settings:
        if self.environment == "production" and (self.secret_key or "") in PLACEHOLDER_SECRETS:
            # Replicas must share one key, so production never falls back to a local file.
            raise ValueError(
                "P2M_SECRET_KEY is a placeholder or unset; set a long random secret "
                "(e.g. `python -c 'import secrets; print(secrets.token_urlsafe(48))'`) "
                "or run with P2M_ENVIRONMENT=development"
            )
        return self

    @property
    def sqlite_path(self) -> Path:
        return self.data_dir / "prompt2mesh.db"

    def resolved_database_url(self) -> str:
        return self.database_url or f"sqlite:///{self.sqlite_path}"


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """Read the settings once (environment variables with the ``P2M_`` prefix)."""
    return Settings()
