"""Plan review: the run pauses after ``plan`` until the person approves or changes the plan.

The pause is a LangGraph interrupt (``interrupt_after=["plan"]``), so it is an ordinary
checkpoint: it survives a process restart and needs no worker while it waits. The review's
record lives in the state under ``review``::

    {"status": "awaiting" | "replan" | "approved",
     "original_plan": [...],   # what the planner (or the cache) proposed
     "tools": [...],           # the worker's tool names, to validate edits without a worker
     "changes": [...],         # what the person changed, in words (the report shows them)
     "replan_prompt": str | None, "replans": int}

An edited plan is validated exactly like a generated one (``plan_validation.validate_plan``:
known tools, non-empty, the step-count limits) and refused with every problem named.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from prompt2mesh.agent.errors import PlanEditRejected
from prompt2mesh.agent.plan_validation import validate_plan
from prompt2mesh.agent.state import ArtisanState, new_step_record
from prompt2mesh.config import Settings

ReviewStatus = Literal["awaiting", "replan", "approved"]
AWAITING_REVIEW = "awaiting_review"
"""The run status (report and service) of a run paused for its plan's review."""

_STEP_TEXT = ("action", "description", "tools", "rationale", "expected_outcome")


class EditedStep(BaseModel):
    """One step as the person wrote it; numbers follow the list's order."""

    model_config = ConfigDict(extra="ignore")

    action: str = Field(max_length=300)
    description: str = Field(default="", max_length=4000)
    tools: list[str] = Field(default_factory=list, max_length=40)
    rationale: str = Field(default="", max_length=2000)
    expected_outcome: str = Field(default="", max_length=2000)
    calls: list[dict[str, Any]] = Field(default_factory=list, max_length=40)
    objects: list[str] = Field(default_factory=list, max_length=60)
    origin: int | None = Field(
        default=None, ge=1, description="The number the step had in the plan under review (None: a new step)."
    )


def is_awaiting(state: ArtisanState | dict[str, Any]) -> bool:
    """Whether the run waits for the person to approve its plan."""
    review = state.get("review") or {}
    return review.get("status") == "awaiting"


def parse_steps(raw: Any, settings: Settings, known_tools: list[str]) -> list[dict[str, Any]]:
    """The person's steps as plan steps (numbered 1..n in order), validated like a generated plan.

    A step the person left unchanged keeps its pre-computed ``calls``; a step whose text changed
    loses them, since they no longer say what the step does.

    Raises:
        PlanEditRejected: the steps are malformed, empty, too many or too few, or name unknown tools.
    """
    if not isinstance(raw, list):
        raise PlanEditRejected(["the plan must be a list of steps"])
    steps: list[EditedStep] = []
    problems: list[str] = []
    for number, item in enumerate(raw, start=1):
        try:
            steps.append(EditedStep.model_validate(item))
        except ValidationError as exc:
            problems += [
                f"step {number}: {'.'.join(map(str, e['loc'])) or 'the step'}: {e['msg']}"
                for e in exc.errors()[:5]
            ]
    if problems:
        raise PlanEditRejected(problems[:10])
    plan = {"steps": [{"number": i, **s.model_dump()} for i, s in enumerate(steps, start=1)]}
    errors = validate_plan(
        plan, known_tools, min_steps=settings.min_plan_steps, max_steps=settings.max_plan_steps
    )
    if errors:
        # The full tool list is in the review (``tools``); a person needs the names, not 70 more.
        raise PlanEditRejected([e.split("; use only:")[0] for e in errors])
    return [dict(s) for s in plan["steps"]]


def _same_text(a: dict[str, Any], b: dict[str, Any]) -> bool:
    return all(a.get(k) == b.get(k) for k in _STEP_TEXT)


def describe_changes(before: list[dict[str, Any]], after: list[dict[str, Any]]) -> list[str]:
    """What the person changed, one line each ("step 3 deleted: Build the roof", ...)."""
    changes: list[str] = []
    unmatched = list(range(len(before)))
    matched: dict[int, int] = {}
    # Pass 0: the step says which step it was (the web editor and the terminal keep track).
    for j, step in enumerate(after):
        origin = step.get("origin")
        if isinstance(origin, int) and origin - 1 in unmatched:
            matched[j] = origin - 1
            unmatched.remove(origin - 1)
    # Pass 1: steps kept word for word (perhaps moved); pass 2: the same action, text edited.
    for same in (_same_text, lambda a, b: a.get("action") == b.get("action")):
        for j, step in enumerate(after):
            if j in matched:
                continue
            hit = next((i for i in unmatched if same(before[i], step)), None)
            if hit is not None:
                matched[j] = hit
                unmatched.remove(hit)
    changes += [f"step {i + 1} deleted: {before[i].get('action', '')}" for i in unmatched]
    for j, step in enumerate(after):
        was = matched.get(j)
        if was is None:
            changes.append(f"step {j + 1} added: {step.get('action', '')}")
        elif not _same_text(before[was], step):
            fields = [k for k in _STEP_TEXT if before[was].get(k) != step.get(k)]
            changes.append(f"step {was + 1} edited ({', '.join(fields)}): {step.get('action', '')}")
    kept = [matched[j] for j in sorted(matched)]
    if kept != sorted(kept):
        changes.append("steps reordered: " + ", ".join(str(i + 1) for i in kept))
    return changes


def plan_update(state: ArtisanState, steps: list[dict[str, Any]]) -> dict[str, Any]:
    """The state update that puts ``steps`` in place of the plan awaiting review."""
    review = dict(state.get("review") or {})
    original = review.get("original_plan") or state.get("plan", [])
    # ``origin`` numbers the plan the person saw (perhaps already edited): map it back to the
    # plan under review, so that every change is described against what was proposed.
    current = state.get("plan", [])
    for step in steps:
        seen = step.get("origin")
        if isinstance(seen, int):
            prev = current[seen - 1] if 1 <= seen <= len(current) else None
            step["origin"] = None if prev is None else prev.get("origin") if "origin" in prev else seen
    # Steps the scene already holds (resume) stay done when the person kept them as they were.
    done = {
        (s.get("action"), s.get("description"))
        for s, r in zip(state.get("plan", []), state.get("steps", []), strict=False)
        if r["status"] == "skipped_resumed"
    }
    # Pre-computed calls carry out a step's original text: a changed or new step loses them.
    known = [s for s in original if s.get("calls")]
    dropped = []
    for step in steps:
        if step.get("calls") and not any(
            _same_text(o, step) and o.get("calls") == step["calls"] for o in known
        ):
            step["calls"] = []
        if known and not step.get("calls"):
            dropped.append(str(step["number"]))
    records = [new_step_record(s) for s in steps]
    for step, record in zip(steps, records, strict=True):
        if (step.get("action"), step.get("description")) in done:
            record["status"] = "skipped_resumed"
    first = next((i for i, r in enumerate(records) if r["status"] == "pending"), len(records))
    review["changes"] = [*review.get("notes", []), *describe_changes(original, steps)]
    review["edited"] = bool(review["changes"])
    review["warnings"] = (
        [
            f"steps {', '.join(dropped)} have no pre-computed calls: a model provider carries out their "
            "text, the offline executor builds nothing for them"
        ]
        if dropped
        else []
    )
    return {"plan": steps, "steps": records, "current": first, "review": review}


def review_view(state: ArtisanState | dict[str, Any]) -> dict[str, Any] | None:
    """What the person sees and the report keeps of the review (None: the run had none)."""
    review = state.get("review")
    if not review:
        return None
    refined = state.get("refined_prompt") or {}
    return {
        "status": review.get("status"),
        "refined_prompt": refined.get("refined"),
        "original_plan": review.get("original_plan", []),
        "changes": list(review.get("changes", [])),
        "warnings": list(review.get("warnings", [])),
        "edited": bool(review.get("edited")),
        "replans": int(review.get("replans", 0)),
        "tools": list(review.get("tools", [])),
    }


def replan_update(state: ArtisanState) -> dict[str, Any]:
    """The state update that sends a run back to ``plan`` with the person's refined prompt."""
    review = state.get("review") or {}
    before = state.get("refined_prompt") or {}
    text = str(review.get("replan_prompt") or before.get("refined") or state["prompt"])
    # The person's new words are now the request itself: the planner and the critic read them
    # (the old details described the old words, so they go).
    refined = {
        "original": text,
        "refined": text,
        "details": {"replanned_from": before.get("original", state.get("prompt", ""))},
        "warnings": [],
    }
    return {
        "refined_prompt": refined,
        "given_plan": None,
        # The person asked for a new plan: never the cached one.
        "fresh_plan": True,
        "plan": [],
        "steps": [],
        "current": 0,
        "plan_source": None,
    }
