"""execute_step: the executor carries out the current step with the step's tools only."""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from prompt2mesh.agent.context import ArtisanContext, call_record
from prompt2mesh.agent.nodes._shared import add_usage, current_step, is_critical_error
from prompt2mesh.agent.state import ArtisanState, replace_step
from prompt2mesh.agent.tool_filter import tools_for_step


def has_work(state: ArtisanState) -> bool:
    """False once the run halted or every step is done (the step nodes then pass through)."""
    return not state.get("critical_error") and state.get("current", 0) < len(state.get("plan", []))


async def execute_step(state: ArtisanState, runtime: Runtime[ArtisanContext]) -> dict[str, Any]:
    if not has_work(state):
        return {}
    ctx = runtime.context
    index, step = current_step(state)
    offered = tools_for_step(step, await ctx.tools())
    rc = ctx.role_context(
        step=step.number,
        total_steps=len(state["plan"]),
        tools=offered,
        requirement=state.get("refined_prompt"),
    )
    ctx.trace.event(
        "step_started", step=step.number, action=step.action, offered_tools=[t.name for t in offered]
    )
    results = await ctx.roles.executor.execute(step, rc)
    calls = [call_record(r) for r in results]
    update: dict[str, Any] = {"usage": add_usage(state, rc.usage), "decision": None}
    failed = [r for r in results if not r.ok]
    critical = index < ctx.settings.critical_steps
    fatal = next((r for r in failed if is_critical_error(r.error)), None)
    if critical and fatal is not None:
        message = f"critical step {step.number} ({step.action}) failed: {fatal.tool}: {fatal.error}"
        ctx.trace.event("error", step=step.number, message=message)
        # The timeline closes the step as failed (same event as an accepted step, status says so).
        ctx.trace.event("step_accepted", step=step.number, status="failed", scores=[], refinements=0)
        update["critical_error"] = message
        update["steps"] = replace_step(state, index, tool_calls=calls, status="failed")
        return update
    if failed:
        ctx.trace.event(
            "warning",
            step=step.number,
            message=f"step {step.number}: {len(failed)} of {len(results)} tool calls failed",
            errors=[f"{r.tool}: {r.error}" for r in failed],
        )
    update["steps"] = replace_step(state, index, tool_calls=calls)
    return update
