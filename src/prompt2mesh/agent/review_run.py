"""The person's answers to a paused run: edit the plan, ask for a new one, approve.

Each answer is written into the run's checkpoint (no worker, no model call), so it survives
a restart like the pause itself. Building continues with :func:`prompt2mesh.agent.runner.resume_run`
after :func:`approve_plan`, or re-plans there after :func:`request_replan`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

from langgraph.checkpoint.base import BaseCheckpointSaver

from prompt2mesh.agent.errors import PlanEditRejected, ReviewNotPending, RunNotFound
from prompt2mesh.agent.graph import build_graph
from prompt2mesh.agent.report import build_report, write_report
from prompt2mesh.agent.review import AWAITING_REVIEW, is_awaiting, parse_steps, plan_update
from prompt2mesh.agent.runner import _checkpointer, _config
from prompt2mesh.agent.state import ArtisanState
from prompt2mesh.config import Settings

MAX_REFINED_PROMPT_CHARS = 4000


async def _awaiting(graph: Any, run_id: str, settings: Settings) -> ArtisanState:
    snapshot = await graph.aget_state(_config(run_id, settings))
    if not snapshot.values:
        raise RunNotFound(f"no run {run_id!r} in the checkpoint store; check the id and P2M_CHECKPOINT_URL")
    state = cast(ArtisanState, snapshot.values)
    if not is_awaiting(state):
        status = (state.get("review") or {}).get("status") or state.get("status", "running")
        raise ReviewNotPending(f"run {run_id!r} is not waiting for its plan's review (it is {status})")
    return state


def _report(state: ArtisanState, provider: str) -> dict[str, Any]:
    report = build_report(state, provider=provider, status=AWAITING_REVIEW)
    if state.get("out_dir"):
        write_report(report, Path(state["out_dir"]))
    return report


async def edit_plan(
    run_id: str,
    steps: Any,
    settings: Settings,
    *,
    provider: str = "",
    checkpointer: BaseCheckpointSaver[Any] | None = None,
) -> dict[str, Any]:
    """Put the person's ``steps`` in place of the plan awaiting review; returns the new report.

    Raises:
        RunNotFound: no such run.
        ReviewNotPending: the run is not waiting for its review.
        PlanEditRejected: the steps are invalid (every problem is named).
    """
    async with _checkpointer(settings, checkpointer) as saver:
        graph = build_graph(saver)
        state = await _awaiting(graph, run_id, settings)
        tools = list((state.get("review") or {}).get("tools") or [])
        update = plan_update(state, parse_steps(steps, settings, tools))
        config = _config(run_id, settings)
        await graph.aupdate_state(config, update, as_node="plan")
        state = cast(ArtisanState, (await graph.aget_state(config)).values)
    return _report(state, provider)


async def request_replan(
    run_id: str,
    refined_prompt: str,
    settings: Settings,
    *,
    provider: str = "",
    checkpointer: BaseCheckpointSaver[Any] | None = None,
) -> dict[str, Any]:
    """Ask for a new plan from the person's ``refined_prompt`` (done when the run resumes).

    Raises:
        RunNotFound: no such run.
        ReviewNotPending: the run is not waiting for its review.
        PlanEditRejected: the refined prompt is empty or too long.
    """
    text = " ".join(refined_prompt.split())
    if not text:
        raise PlanEditRejected(["the refined prompt is empty; say what to build"])
    if len(text) > MAX_REFINED_PROMPT_CHARS:
        raise PlanEditRejected(
            [f"the refined prompt has {len(text)} characters; the limit is {MAX_REFINED_PROMPT_CHARS}"]
        )
    async with _checkpointer(settings, checkpointer) as saver:
        graph = build_graph(saver)
        state = await _awaiting(graph, run_id, settings)
        review = dict(state.get("review") or {})
        notes = [*review.get("notes", []), f"refined prompt changed to “{text}”; re-planned"]
        review.update(
            status="replan", replan_prompt=text, notes=notes, replans=int(review.get("replans", 0)) + 1
        )
        config = _config(run_id, settings)
        await graph.aupdate_state(config, {"review": review}, as_node="plan")
        state = cast(ArtisanState, (await graph.aget_state(config)).values)
    return build_report(state, provider=provider, status="queued")


async def approve_plan(
    run_id: str,
    settings: Settings,
    *,
    provider: str = "",
    checkpointer: BaseCheckpointSaver[Any] | None = None,
) -> dict[str, Any]:
    """Approve the plan as it stands; building continues when the run is resumed.

    Raises:
        RunNotFound: no such run.
        ReviewNotPending: the run is not waiting for its review.
    """
    async with _checkpointer(settings, checkpointer) as saver:
        graph = build_graph(saver)
        state = await _awaiting(graph, run_id, settings)
        review = dict(state.get("review") or {})
        review["status"] = "approved"
        config = _config(run_id, settings)
        await graph.aupdate_state(config, {"review": review}, as_node="plan")
        state = cast(ArtisanState, (await graph.aget_state(config)).values)
    return build_report(state, provider=provider, status="queued")
