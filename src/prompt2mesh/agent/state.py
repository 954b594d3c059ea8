"""The graph state: plain JSON-able data only, so every checkpoint store can hold it.

Steps, critiques and tool calls are kept as dicts (``PlanStep.model_dump()`` etc.) rather than
pydantic objects: the checkpoint serializer then never has to import our classes on resume.
"""

from __future__ import annotations

from typing import Any, Literal, TypedDict

StepStatus = Literal["pending", "accepted", "accepted_after_max_refinements", "failed", "skipped_resumed"]


class StepRecord(TypedDict):
    """What happened to one plan step (becomes ``report.steps[i]``)."""

    number: int
    action: str
    description: str
    status: StepStatus
    scores: list[int]
    critiques: list[dict[str, Any]]
    refinements: int
    refinement_failed: bool
    tool_calls: list[dict[str, Any]]
    screenshots: list[str]
    duration_s: float


class ArtisanState(TypedDict, total=False):
    """Everything the Artisan loop knows; written after every node by the checkpointer."""

    run_id: str
    prompt: str
    out_dir: str
    artifact_prefix: str
    max_refinements: int
    refine: bool

    refined_prompt: dict[str, Any] | None
    scene: dict[str, Any]
    existing_work: bool
    plan: list[dict[str, Any]]
    steps: list[StepRecord]
    current: int
    """Index into ``plan`` of the step being worked on (== len(plan) when all are done)."""
    decision: Literal["refine_step", "evaluate_progress"] | None
    last_saved_step: int
    """Number of the last step whose scene is saved as a resume anchor (0 = the initial scene)."""
    critical_error: str | None
    status: Literal["running", "completed", "halted", "failed"]
    warnings: list[str]
    usage: dict[str, int]
    elapsed_s: float
    artifacts: dict[str, str | None]
    final_message: str
    final_judgement: dict[str, Any] | None
    """The critic's verdict on the finished scene against the prompt (report totals.final_score)."""

    # --- plan review and the plan cache (agent/review.py, agent/plan_cache.py) ---------------
    review_requested: bool
    """Pause after ``plan`` so the person can approve or change the plan (issue 16)."""
    review: dict[str, Any] | None
    """The review's record: status (awaiting/replan/approved), the original plan, the changes."""
    given_plan: list[dict[str, Any]] | None
    """A plan the person supplied (``make --plan FILE``): used instead of asking the planner."""
    fresh_plan: bool
    """Never start from a cached plan."""
    plan_source: dict[str, Any] | None
    """Where the plan came from: ``{"kind": "planner" | "cache" | "given", "run_id": ...}``."""


def new_step_record(step: dict[str, Any]) -> StepRecord:
    """An empty record for a plan step."""
    return StepRecord(
        number=int(step["number"]),
        action=str(step.get("action", "")),
        description=str(step.get("description", "")),
        status="pending",
        scores=[],
        critiques=[],
        refinements=0,
        refinement_failed=False,
        tool_calls=[],
        screenshots=[],
        duration_s=0.0,
    )


def replace_step(state: ArtisanState, index: int, **changes: Any) -> list[StepRecord]:
    """A copy of ``state["steps"]`` with record ``index`` updated (state is never mutated)."""
    steps = [StepRecord(**s) for s in state.get("steps", [])]  # type: ignore[typeddict-item]
    record = dict(steps[index])
    record.update(changes)
    steps[index] = StepRecord(**record)  # type: ignore[typeddict-item]
    return steps
