"""TaskSpec: what a follow-up command means, before anything touches the scene."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

TaskType = Literal["create", "modify", "delete", "query", "navigate"]
Action = Literal[
    "scale",
    "move",
    "place_on",
    "place_next_to",
    "rotate",
    "set_color",
    "set_material",
    "smooth",
    "sharpen",
    "round_edges",
    "add_object",
    "delete",
    "duplicate",
    "replace_with",
    "describe",
    "focus_camera",
    "undo",
]

CLARIFY_BELOW = 0.5
"""Below this confidence the user is asked to clarify instead of acting (SPEC section 2)."""


class Operation(BaseModel):
    action: Action
    target: str = Field(description="Object name the operation applies to ('' for scene-level actions).")
    parameters: dict[str, Any] = Field(default_factory=dict)
    reason: str = ""
    priority: int = Field(default=1, ge=1, le=5)


class TargetProperties(BaseModel):
    shape: str | None = None
    proportions: str | None = None
    surface_quality: str | None = None
    edge_treatment: str | None = None
    size: str | None = None
    color: str | None = None
    material: str | None = None
    position: str | None = None


class TaskSpec(BaseModel):
    """The interpretation of one command (shown to the user with its evaluation)."""

    task_type: TaskType
    intent: str
    target_objects: list[str] = Field(default_factory=list)
    target_concept: str | None = None
    target_properties: TargetProperties = Field(default_factory=TargetProperties)
    operations: list[Operation] = Field(default_factory=list)
    confidence: float = Field(ge=0.0, le=1.0)
    ambiguities: list[str] = Field(default_factory=list)
    resolution_source: str | None = None
    new_request: bool = False
    """The command describes a different model ("A red sports car" while a teapot is open):
    start a new model with it instead of editing this one."""
    command: str = ""
    """The person's own words (a judge reads these, not a paraphrase)."""

    @property
    def needs_clarification(self) -> bool:
        return self.confidence < CLARIFY_BELOW
