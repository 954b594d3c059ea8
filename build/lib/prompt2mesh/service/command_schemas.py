"""Request and response bodies of the follow-up command and voice routes."""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints

CommandText = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=500)]


class CommandCreate(BaseModel):
    model_config = ConfigDict(extra="forbid")

    text: CommandText = Field(description='What to change, e.g. "make it taller" or "undo".')


class CommandAccepted(BaseModel):
    id: str
    session_id: str
    run_id: str = Field(description="The run whose scene the command edits (its files change in place).")
    command: str
    status: str = "running"


class CommandOut(BaseModel):
    """One command of the conversation (the pipeline's history entry)."""

    model_config = ConfigDict(extra="allow")

    id: str | None = None
    run_id: str
    command: str
    status: str = Field(description="running | applied | partial | clarify | answered | undone | failed")
    taskspec: dict[str, Any] | None = None
    message: str = ""
    evaluation: dict[str, Any] | None = None
    attempts: int = 0
    screenshot: str | None = Field(default=None, description="File of the run, e.g. screenshots/edit_1.png.")
    undone: bool = False
    duration_s: float | None = None


class Heard(BaseModel):
    text: str
    language: str
    duration_s: float
