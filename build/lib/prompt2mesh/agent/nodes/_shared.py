"""Small helpers the node modules share (no node logic lives here)."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from prompt2mesh.agent.context import ArtisanContext
from prompt2mesh.agent.state import ArtisanState
from prompt2mesh.roles.interface import PlanStep, ToolResult, Usage

_CRITICAL = re.compile(r"not[ _]found|no attribute|has no attr|key ?error|keyerror|unknown tool", re.I)


def is_critical_error(error: str | None) -> bool:
    """Errors of the kind that halt a critical step (SPEC: not found / no attribute / key error)."""
    return bool(error) and bool(_CRITICAL.search(error or ""))


def current_step(state: ArtisanState) -> tuple[int, PlanStep]:
    """Index and plan step being worked on."""
    index = state.get("current", 0)
    return index, PlanStep.model_validate(state["plan"][index])


def add_usage(state: ArtisanState, usage: Usage) -> dict[str, int]:
    """The run's token totals after a node's model calls."""
    totals = dict(state.get("usage") or {"calls": 0, "input_tokens": 0, "output_tokens": 0})
    totals["calls"] = totals.get("calls", 0) + usage.calls
    totals["input_tokens"] = totals.get("input_tokens", 0) + usage.input_tokens
    totals["output_tokens"] = totals.get("output_tokens", 0) + usage.output_tokens
    return totals


def screenshot_name(step: int, k: int, refinement: int = 0) -> str:
    """``screenshots/step_3_screenshot_2.png`` / ``..._refine1.png`` (relative to out_dir)."""
    suffix = f"_refine{refinement}" if refinement else ""
    return f"screenshots/step_{step}_screenshot_{k}{suffix}.png"


def save_png(ctx: ArtisanContext, relative: str, result: ToolResult) -> str | None:
    """Write the first image of ``result`` under out_dir; None when there is none."""
    if not result.ok or not result.images:
        return None
    path: Path = ctx.out_dir / relative
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(result.images[0])
    return relative


def anchor_name(run_id: str, step: int) -> str:
    """Resume anchor for the scene after ``step`` (0 = the scene the run started from).

    Per run, so a later run in the same workspace never mistakes an old anchor for its own.
    """
    return f".p2m/{run_id}/step_{step:02d}.blend"


def warn(ctx: ArtisanContext, state: ArtisanState, message: str, **data: Any) -> list[str]:
    """Record a warning in the trace and return the state's warnings with it appended."""
    ctx.trace.event("warning", message=message, **data)
    return [*state.get("warnings", []), message]
