"""Running the Artisan agent: ``run_make`` and ``resume_run`` (docs/CONTRACT.md section 5).

Durability: the graph state is checkpointed after every node (thread id = run id), and the
scene is saved after every accepted step as a per-run resume anchor plus ``scene.blend``.
``resume_run`` reopens the newest anchor in the (possibly restarted) worker, so the scene holds
exactly the accepted steps; a step that was cut off midway is rewound and done again from its
start, which is what keeps a resumed run free of duplicated objects.
"""

from __future__ import annotations

import secrets
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, cast

import anyio
from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import BaseCheckpointSaver

from prompt2mesh.agent.checkpoint import open_checkpointer
from prompt2mesh.agent.context import ArtisanContext
from prompt2mesh.agent.errors import RunNotFound
from prompt2mesh.agent.graph import build_graph
from prompt2mesh.agent.nodes._shared import anchor_name
from prompt2mesh.agent.nodes.execute_step import has_work
from prompt2mesh.agent.plan_cache import PlanCache
from prompt2mesh.agent.report import build_report, write_report
from prompt2mesh.agent.review import AWAITING_REVIEW, replan_update
from prompt2mesh.agent.state import ArtisanState, new_step_record
from prompt2mesh.agent.trace import Emit, TraceWriter
from prompt2mesh.config import Settings
from prompt2mesh.roles.interface import Roles, ToolRunner

TRACE_FILE = "trace.jsonl"
_MID_STEP = frozenset({"capture_feedback", "assess_quality", "refine_step"})


@dataclass
class RunRequest:
    """What to make and where its files go."""

    prompt: str
    out_dir: Path
    """Agent-side folder: screenshots/, report.json, trace.jsonl."""
    artifact_prefix: str = ""
    """Worker-side folder (relative to the worker workspace) for scene.blend / scene.glb;
    "" when the worker workspace IS out_dir."""
    run_id: str | None = None
    """Generated if None; also the LangGraph thread id."""
    max_refinements: int | None = None
    """None = ``settings.max_refinements``."""
    refine: bool = True
    review: bool = False
    """Pause after ``plan`` until the plan is approved (agent/review.py)."""
    given_plan: list[dict[str, Any]] | None = None
    """Start from this plan instead of asking the planner (validated like a generated one)."""
    fresh_plan: bool = False
    """Never start from a cached plan."""


def new_run_id() -> str:
    """A sortable, unguessable run id: ``20261121-061204-3f9a1c``."""
    return time.strftime("%Y%m%d-%H%M%S", time.gmtime()) + "-" + secrets.token_hex(3)


def _default_roles(settings: Settings) -> Roles:
    from prompt2mesh.roles.factory import make_roles

    return make_roles(settings)


@asynccontextmanager
async def _checkpointer(
    settings: Settings, given: BaseCheckpointSaver[Any] | None
) -> AsyncIterator[BaseCheckpointSaver[Any]]:
    if given is not None:
        yield given
        return
    async with open_checkpointer(settings) as saver:
        yield saver


def recursion_limit(settings: Settings, max_refinements: int | None = None) -> int:
    """``settings.recursion_limit`` (100), raised to what the longest legitimate run needs.

    The loop is bounded by design (at most ``max_plan_steps`` steps, each at most
    ``4 + 3 * max_refinements`` node visits), so the limit only guards against a bug; it must
    never cut short a 15-step plan whose every step is refined twice.
    """
    refinements = settings.max_refinements if max_refinements is None else max_refinements
    worst = 3 + settings.max_plan_steps * (4 + 3 * refinements)
    return max(settings.recursion_limit, worst)


def _config(run_id: str, settings: Settings, max_refinements: int | None = None) -> RunnableConfig:
    limit = recursion_limit(settings, max_refinements)
    return {"configurable": {"thread_id": run_id}, "recursion_limit": limit}


async def _drive(
    graph: Any,
    graph_input: dict[str, Any] | None,
    config: RunnableConfig,
    ctx: ArtisanContext,
    roles: Roles,
    *,
    review: bool = False,
) -> dict[str, Any]:
    """Run the graph to its end, to a failure or (``review``) to the pause after ``plan``;
    always write the report, and a run_finished event unless the run waits for its review."""
    try:
        await graph.ainvoke(
            graph_input,
            config,
            context=ctx,
            durability="sync",
            interrupt_after=["plan"] if review else None,
        )
    except Exception as exc:  # noqa: BLE001  a dead worker or model: the run stops resumably
        return await _finish_failed(graph, config, ctx, roles, f"{type(exc).__name__}: {exc}")
    except BaseException as exc:
        # Cancelled (the worker's client tore down its task group) or interrupted: record the
        # failure without being cancelled again, then let the cancellation go on.
        with anyio.CancelScope(shield=True):
            await _finish_failed(graph, config, ctx, roles, f"interrupted: {type(exc).__name__}")
        raise
    snapshot = await graph.aget_state(config)
    if snapshot.next:  # stopped at the review interrupt, the only one the graph has
        if snapshot.values.get("critical_error"):
            return await _drive(graph, None, config, ctx, roles)  # no usable plan: nothing to review
        return await await_review(graph, config, ctx, roles)
    report = build_report(snapshot.values, provider=roles.provider, models=roles.model_names)
    write_report(report, ctx.out_dir)
    words = (snapshot.values.get("refined_prompt") or {}).get("original")
    if ctx.plan_cache is not None and (stored := await ctx.plan_cache.remember(report, words)) is not None:
        ctx.trace.event("plan_cached", run_id=stored.run_id, refined_prompt=stored.refined_prompt)
    ctx.trace.event(
        "run_finished",
        status=report["status"],
        message=report["final_message"],
        error=report["error"],
        totals=report["totals"],
    )
    return report


async def _finish_failed(
    graph: Any, config: RunnableConfig, ctx: ArtisanContext, roles: Roles, error: str
) -> dict[str, Any]:
    snapshot = await graph.aget_state(config)
    ctx.trace.event("error", message=error, resumable=True)
    report = build_report(
        snapshot.values, provider=roles.provider, models=roles.model_names, status="failed", error=error
    )
    write_report(report, ctx.out_dir)
    ctx.trace.event(
        "run_finished", status="failed", message=report["final_message"], error=error, totals=report["totals"]
    )
    return report


async def run_make(
    request: RunRequest,
    settings: Settings,
    runner: ToolRunner,
    *,
    roles: Roles | None = None,
    emit: Emit | None = None,
    checkpointer: BaseCheckpointSaver[Any] | None = None,
    clock: Callable[[], float] = time.perf_counter,
    plan_cache: PlanCache | None = None,
) -> dict[str, Any]:
    """Model ``request.prompt`` in the worker behind ``runner`` and return the report.

    A run that loses its worker or model returns a report with ``status="failed"`` and can be
    continued with :func:`resume_run`; a critical-step error gives ``status="halted"``; a run
    made with ``request.review`` returns ``status="awaiting_review"`` once its plan is ready
    (continue it with ``agent.review_run.approve_plan`` and :func:`resume_run`).
    """
    run_id = request.run_id or new_run_id()
    roles = roles or _default_roles(settings)
    out_dir = request.out_dir
    out_dir.mkdir(parents=True, exist_ok=True)
    trace = TraceWriter(out_dir / TRACE_FILE, run_id, emit=emit)
    trace.event("run_started", prompt=request.prompt, provider=roles.provider, out_dir=str(out_dir))
    state: ArtisanState = {
        "run_id": run_id,
        "prompt": request.prompt,
        "out_dir": str(out_dir),
        "artifact_prefix": request.artifact_prefix,
        "max_refinements": (
            settings.max_refinements if request.max_refinements is None else request.max_refinements
        ),
        "refine": request.refine,
        "refined_prompt": None,
        "plan": [],
        "steps": [],
        "current": 0,
        "decision": None,
        "last_saved_step": 0,
        "critical_error": None,
        "status": "running",
        "warnings": [],
        "usage": {"calls": 0, "input_tokens": 0, "output_tokens": 0},
        "elapsed_s": 0.0,
        "artifacts": {"blend": None, "glb": None},
        "review_requested": request.review,
        "review": None,
        "given_plan": request.given_plan,
        "fresh_plan": request.fresh_plan,
        "plan_source": None,
    }
    ctx = ArtisanContext(
        roles, runner, settings, trace, out_dir, request.artifact_prefix, clock, plan_cache=plan_cache
    )
    async with _checkpointer(settings, checkpointer) as saver:
        graph = build_graph(saver)
        config = _config(run_id, settings, state["max_refinements"])
        return await _drive(graph, dict(state), config, ctx, roles, review=request.review)


async def load_state(
    run_id: str, settings: Settings, *, checkpointer: BaseCheckpointSaver[Any] | None = None
) -> ArtisanState:
    """The last checkpointed state of ``run_id``.

    Raises:
        RunNotFound: the checkpoint store has no such run.
    """
    async with _checkpointer(settings, checkpointer) as saver:
        snapshot = await build_graph(saver).aget_state(_config(run_id, settings))
    if not snapshot.values:
        raise RunNotFound(f"no run {run_id!r} in the checkpoint store; check the id and P2M_CHECKPOINT_URL")
    return cast(ArtisanState, snapshot.values)


_PREDECESSOR = {
    "execute_step": "evaluate_progress",
    "capture_feedback": "execute_step",
    "assess_quality": "capture_feedback",
    "refine_step": "assess_quality",
    "evaluate_progress": "assess_quality",
}
"""For each step node, a node whose outgoing edge leads back to it (used to re-enter it)."""

_AFTER = {"analyze_scene": "plan", "plan": "execute_step", "complete": "__end__"}


async def _replay_uncommitted(graph: Any, config: RunnableConfig, snapshot: Any) -> Any:
    """Make a step node that finished but was killed before its checkpoint run again.

    Its results are stored as pending writes that LangGraph would apply on resume, yet the
    scene work it did may be lost with the worker, so it is re-entered like a node that never
    finished: a fresh checkpoint "as" its predecessor, whose edge leads to it again.
    """
    done = [t.name for t in snapshot.tasks if t.result is not None and t.name in _PREDECESSOR]
    if not done or snapshot.next:
        return snapshot
    await graph.aupdate_state(config, {}, as_node=_PREDECESSOR[done[0]])
    return await graph.aget_state(config)


async def _restore_scene(
    ctx: ArtisanContext, graph: Any, config: RunnableConfig, state: ArtisanState, nxt: str
) -> None:
    """Put the worker's scene back to the last accepted step; rewind a step cut off midway."""
    run_id = state["run_id"]
    if nxt in ("analyze_scene", "__end__"):
        return
    index = state.get("current", 0)
    working = has_work(state)
    if nxt == "evaluate_progress" and working:
        number = state["plan"][index]["number"]
        # Saved before the kill? Then the step is done and evaluate_progress just runs again.
        opened = await ctx.call("open_blend", {"filename": ctx.artifact(anchor_name(run_id, number))})
        if opened.ok:
            ctx.trace.event("resume_scene", anchor=number)
            return
    anchor = state.get("last_saved_step", 0) if nxt != "plan" else 0
    opened = await ctx.call("open_blend", {"filename": ctx.artifact(anchor_name(run_id, anchor))})
    if opened.ok:
        ctx.trace.event("resume_scene", anchor=anchor)
    else:
        ctx.trace.event(
            "warning", message=f"could not reopen the saved scene of step {anchor}: {opened.error}"
        )
    if working and nxt in _MID_STEP | {"evaluate_progress"}:
        steps = list(state["steps"])
        steps[index] = new_step_record(state["plan"][index])
        ctx.trace.event("step_rewound", step=steps[index]["number"], was_at=nxt)
        await graph.aupdate_state(config, {"steps": steps, "decision": None}, as_node="evaluate_progress")


async def resume_run(
    run_id: str,
    settings: Settings,
    runner: ToolRunner,
    *,
    out_dir: Path,
    roles: Roles | None = None,
    emit: Emit | None = None,
    checkpointer: BaseCheckpointSaver[Any] | None = None,
    clock: Callable[[], float] = time.perf_counter,
    plan_cache: PlanCache | None = None,
) -> dict[str, Any]:
    """Continue ``run_id`` from its last checkpoint without redoing accepted steps.

    A run waiting for its plan's review stays waiting (its report says ``awaiting_review``);
    one whose review asked for a new plan re-plans and waits again; an approved one builds.

    Raises:
        RunNotFound: the checkpoint store has no such run.
    """
    roles = roles or _default_roles(settings)
    config = _config(run_id, settings)
    async with _checkpointer(settings, checkpointer) as saver:
        graph = build_graph(saver)
        snapshot = await graph.aget_state(config)
        if not snapshot.values:
            raise RunNotFound(
                f"no run {run_id!r} in the checkpoint store; check the id and P2M_CHECKPOINT_URL"
            )
        state = cast(ArtisanState, snapshot.values)
        out_dir.mkdir(parents=True, exist_ok=True)
        trace = TraceWriter(out_dir / TRACE_FILE, run_id, emit=emit)
        prefix = state.get("artifact_prefix", "")
        ctx = ArtisanContext(roles, runner, settings, trace, out_dir, prefix, clock, plan_cache=plan_cache)
        review = reviewing(state)
        if review and (state.get("review") or {}).get("status") == "replan":
            # Back to just before ``plan``: it plans again from the person's refined prompt.
            await graph.aupdate_state(config, replan_update(state), as_node="analyze_scene")
            snapshot = await graph.aget_state(config)
        elif review and tuple(snapshot.next) == ("execute_step",):
            return await await_review(graph, config, ctx, roles)  # still (or newly) waiting
        snapshot = await _replay_uncommitted(graph, config, snapshot)
        state = cast(ArtisanState, snapshot.values)
        if not snapshot.next and not snapshot.tasks:
            report = build_report(state, provider=roles.provider, models=roles.model_names)
            write_report(report, out_dir)
            return report
        config = _config(run_id, settings, state.get("max_refinements"))
        trace.event(
            "run_resumed",
            next=list(snapshot.next or [t.name for t in snapshot.tasks]),
            step=state.get("current", 0) + 1,
        )
        # Finished but uncommitted analyze_scene / plan / complete: LangGraph applies their
        # results on resume and goes on with the node after them.
        nxt = snapshot.next[0] if snapshot.next else _AFTER.get(snapshot.tasks[0].name, "__end__")
        await _restore_scene(ctx, graph, config, state, nxt)
        return await _drive(graph, None, config, ctx, roles, review=review)


def reviewing(state: ArtisanState | dict[str, Any]) -> bool:
    """Whether the run still has to stop for (or at) its plan's review."""
    status = (state.get("review") or {}).get("status")
    return bool(state.get("review_requested")) and status != "approved"


async def await_review(
    graph: Any, config: RunnableConfig, ctx: ArtisanContext, roles: Roles
) -> dict[str, Any]:
    """Mark the paused run as waiting for its review and write its ``awaiting_review`` report."""
    snapshot = await graph.aget_state(config)
    state = cast(ArtisanState, snapshot.values)
    review = dict(state.get("review") or {})
    if review.get("status") != "awaiting":
        review.update(
            status="awaiting",
            original_plan=list(state.get("plan", [])),
            tools=sorted(t.name for t in await ctx.tools()),
            changes=list(review.get("notes", [])),
            edited=bool(review.get("notes")),
        )
        await graph.aupdate_state(config, {"review": review}, as_node="plan")
        state = cast(ArtisanState, (await graph.aget_state(config)).values)
        ctx.trace.event(
            "review_requested",
            refined_prompt=(state.get("refined_prompt") or {}).get("refined"),
            steps=len(state.get("plan", [])),
            plan_source=state.get("plan_source"),
        )
    report = build_report(state, provider=roles.provider, models=roles.model_names, status=AWAITING_REVIEW)
    write_report(report, ctx.out_dir)
    return report
