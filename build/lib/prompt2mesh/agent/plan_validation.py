"""Checks a plan before the loop uses it (SPEC section 1: known tools, non-empty, well-formed)."""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from pydantic import ValidationError

from prompt2mesh.roles.interface import Plan


def validate_plan(
    plan: Plan | dict[str, Any] | Any,
    known_tools: Collection[str],
    *,
    min_steps: int,
    max_steps: int,
) -> list[str]:
    """Every problem with ``plan``, phrased for the planner to fix; empty when the plan is usable.

    Checks: the plan parses, has between ``min_steps`` and ``max_steps`` steps, numbers them
    1..n in order, gives each an action, and names only tools the worker publishes (in the
    step's ``tools`` and in pre-computed ``calls``).
    """
    if not isinstance(plan, Plan):
        try:
            plan = Plan.model_validate(plan)
        except ValidationError as exc:
            return [f"the plan is not well-formed: {err['loc']}: {err['msg']}" for err in exc.errors()[:10]]
    errors: list[str] = []
    steps = plan.steps
    if not steps:
        return [f"the plan is empty; give between {min_steps} and {max_steps} steps"]
    if len(steps) < min_steps:
        errors.append(f"the plan has {len(steps)} steps; give at least {min_steps} concrete steps")
    if len(steps) > max_steps:
        errors.append(f"the plan has {len(steps)} steps; give at most {max_steps} (merge small steps)")
    numbers = [s.number for s in steps]
    if numbers != list(range(1, len(steps) + 1)):
        errors.append(f"steps must be numbered 1..{len(steps)} in order, got {numbers}")
    known = set(known_tools)
    for step in steps:
        if not step.action.strip():
            errors.append(f"step {step.number} has no action")
        unknown = sorted(
            {t for t in step.tools if t not in known} | {c.tool for c in step.calls if c.tool not in known}
        )
        if unknown:
            errors.append(
                f"step {step.number} names unknown tools {unknown}; use only: {', '.join(sorted(known))}"
            )
    return errors


def is_fatal(errors: list[str]) -> bool:
    """Whether a plan with these (re-asked) errors cannot be used even after salvage."""
    return any("empty" in e or "not well-formed" in e or "has no action" in e for e in errors)


def salvage(plan: Plan, known_tools: Collection[str], *, max_steps: int) -> tuple[Plan, list[str]]:
    """Make a still-invalid plan usable: drop unknown tools and extra steps, renumber.

    Returns:
        The repaired plan and a warning per repair.
    """
    known = set(known_tools)
    warnings: list[str] = []
    steps = []
    for index, step in enumerate(plan.steps[:max_steps], start=1):
        unknown = [t for t in step.tools if t not in known]
        bad_calls = [c.tool for c in step.calls if c.tool not in known]
        if unknown or bad_calls:
            warnings.append(f"step {index}: dropped unknown tools {sorted(set(unknown + bad_calls))}")
        steps.append(
            step.model_copy(
                update={
                    "number": index,
                    "tools": [t for t in step.tools if t in known],
                    "calls": [c for c in step.calls if c.tool in known],
                }
            )
        )
    if len(plan.steps) > max_steps:
        warnings.append(f"plan cut from {len(plan.steps)} to {max_steps} steps")
    return Plan(steps=steps, warnings=plan.warnings), warnings
