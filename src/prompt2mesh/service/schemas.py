"""Request and response bodies of the HTTP API (what the OpenAPI schema documents)."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, field_serializer

RunStatus = Literal[
    "queued", "running", "awaiting_review", "completed", "halted", "failed", "cancelled", "interrupted"
]


class _Out(BaseModel):
    model_config = ConfigDict(from_attributes=True)

    @field_serializer("*", when_used="json")
    def _utc(self, value: Any) -> Any:
        # SQLite hands datetimes back without a zone; they were stored as UTC.
        if isinstance(value, datetime):
            return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()
        return value


class _In(BaseModel):
    # Every request body refuses keys it does not know, so a typo is an error, not ignored.
    model_config = ConfigDict(extra="forbid")


class Credentials(_In):
    username: str = Field(min_length=3, max_length=64, pattern=r"^[A-Za-z0-9_.-]+$")
    # The policy (length, common passwords) is checked in the route, with a clear message.
    password: str = Field(min_length=1, max_length=256)


class LoginBody(_In):
    username: str = Field(min_length=1, max_length=64)
    password: str = Field(min_length=1, max_length=256)


class RefreshBody(_In):
    refresh_token: str = Field(min_length=1, max_length=200)


class PasswordChange(_In):
    current_password: str = Field(min_length=1, max_length=256)
    new_password: str = Field(min_length=1, max_length=256)


class DeleteAccountBody(_In):
    password: str = Field(min_length=1, max_length=256)


class StreamTicketBody(_In):
    path: str = Field(
        min_length=1, max_length=300, description="The event stream to open, e.g. /runs/ID/events."
    )


class StreamTicket(BaseModel):
    ticket: str
    expires_in: int = Field(description="Seconds the ticket stays valid.")


class Token(BaseModel):
    access_token: str
    token_type: Literal["bearer"] = "bearer"
    expires_in: int = Field(description="Seconds until the access token expires.")
    refresh_token: str = Field(description="Trade it at POST /auth/refresh; it works once.")
    refresh_expires_in: int = Field(description="Seconds until the refresh token expires unused.")


class UserOut(_Out):
    id: str
    username: str
    created_at: datetime


class Health(BaseModel):
    status: Literal["ok"] = "ok"
    database: Literal["ok"] = "ok"
    workers: dict[str, int]
    version: str


class WorkerOut(_Out):
    state: Literal["stopped", "starting", "ready", "dead"]
    started_at: datetime | None = None
    last_used_at: datetime | None = None


class SessionCreate(_In):
    title: str = Field(default="", max_length=200)


class SessionUpdate(_In):
    title: str = Field(max_length=200)


class SessionOut(_Out):
    id: str
    title: str
    created_at: datetime
    updated_at: datetime


class RunOptions(_In):
    max_refinements: int | None = Field(default=None, ge=0, le=10)
    refine: bool = True
    review: bool = Field(default=False, description="Pause after planning until the plan is approved.")
    fresh_plan: bool = Field(default=False, description="Plan from scratch, never from the plan cache.")


class RunCreate(_In):
    # A hard cap for the parser; the configured limit (max_prompt_chars) answers with a clear 400.
    prompt: str = Field(min_length=1, max_length=100_000)
    session_id: str | None = None
    options: RunOptions = Field(default_factory=RunOptions)


class RunSummary(_Out):
    id: str
    session_id: str | None
    prompt: str
    title: str | None = None
    status: RunStatus
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    error: str | None


class StepOut(BaseModel):
    number: int
    action: str = ""
    description: str = ""
    status: str = "running"
    scores: list[int] = Field(default_factory=list)
    refinements: int = 0
    tool_calls: list[Any] = Field(default_factory=list)
    screenshots: list[str] = Field(default_factory=list)
    duration_s: float | None = None
    critiques: list[Any] = Field(default_factory=list)


class RunOut(RunSummary):
    options: dict[str, Any]
    refined_prompt: str | None
    plan: list[Any] | None
    steps: list[StepOut]
    totals: dict[str, Any] | None
    artifacts: dict[str, str | None]
    report: dict[str, Any] | None
    event_count: int
    review: dict[str, Any] | None = Field(
        default=None, description="The plan review (status, original plan, the person's changes), if any."
    )
    plan_source: dict[str, Any] | None = Field(
        default=None,
        description='Where the plan came from: {"kind": "planner" | "cache" | "given", "run_id"}.',
    )


class PlanEdit(_In):
    """The person's answer to a plan awaiting review: new steps, or a new refined prompt."""

    steps: list[dict[str, Any]] | None = Field(
        default=None, max_length=100, description="The whole edited plan, in order (numbers are ignored)."
    )
    refined_prompt: str | None = Field(
        default=None, max_length=4000, description="A new refined prompt: the run plans again from it."
    )


class SessionDetail(SessionOut):
    runs: list[RunSummary]


class FileOut(BaseModel):
    name: str
    bytes: int


class ErrorBody(BaseModel):
    code: str
    message: str


class ErrorOut(BaseModel):
    error: ErrorBody
