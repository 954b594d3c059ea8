"""refine_step: ask for improvement calls from the critique (enhance, don't replace) and run them.

A refinement that fails (a tool error, or the model giving up) is logged and counted, and the
step is then accepted as it is (SPEC section 1); only a lost worker stops the run.
"""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from prompt2mesh.agent.context import ArtisanContext, call_record
from prompt2mesh.agent.nodes._shared import add_usage, current_step
from prompt2mesh.agent.nodes.execute_step import has_work, record_plan_work
from prompt2mesh.agent.state import ArtisanState, replace_step
from prompt2mesh.agent.tool_filter import loadable_tools, tools_for_refinement
from prompt2mesh.roles.interface import Critique
from prompt2mesh.workers.session import WorkerUnavailable


async def refine_step(state: ArtisanState, runtime: Runtime[ArtisanContext]) -> dict[str, Any]:
    if not has_work(state):
        return {}
    ctx = runtime.context
    index, step = current_step(state)
    record = state["steps"][index]
    number = record["refinements"] + 1
    critique = Critique.model_validate(record["critiques"][-1])
    ctx.trace.event(
        "refinement", step=step.number, refinement=number, score=critique.score, issues=critique.issues
    )
    catalogue = await ctx.tools()
    rc = ctx.role_context(
        step=step.number,
        total_steps=len(state["plan"]),
        tools=tools_for_refinement(step, catalogue),
        loadable=loadable_tools(catalogue),
        requirement=state.get("refined_prompt"),
        attempt=f"refine{number}",
    )
    error: str | None = None
    try:
        results = await ctx.roles.improver.improve(step, critique, rc)
    except WorkerUnavailable:
        raise
    except Exception as exc:  # noqa: BLE001  any model failure here only ends the refining
        results = rc.runner.results if hasattr(rc.runner, "results") else []
        error = f"{type(exc).__name__}: {exc}"
    failed = [r for r in results if not r.ok]
    if failed and error is None:
        error = "; ".join(f"{r.tool}: {r.error}" for r in failed[:3])
    if error:
        ctx.trace.event("error", step=step.number, refinement=number, message=f"refinement failed: {error}")
    calls = [{**call_record(r), "refinement": number} for r in results]
    return {
        "steps": replace_step(
            state,
            index,
            refinements=number,
            refinement_failed=error is not None,
            tool_calls=[*record["tool_calls"], *calls],
        ),
        "plan": record_plan_work(state, index, list(results)),
        "usage": add_usage(state, rc.usage),
        "decision": None,
    }
