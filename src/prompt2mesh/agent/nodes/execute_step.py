"""execute_step: the executor carries out the current step with the step's tools only."""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from prompt2mesh.agent.context import ArtisanContext, call_record
from prompt2mesh.agent.nodes._shared import add_usage, current_step, is_critical_error
from prompt2mesh.agent.state import ArtisanState, replace_step
from prompt2mesh.agent.tool_filter import loadable_tools, tools_for_step
from prompt2mesh.roles.interface import ToolResult


def has_work(state: ArtisanState) -> bool:
    """False once the run halted or every step is done (the step nodes then pass through)."""
    return not state.get("critical_error") and state.get("current", 0) < len(state.get("plan", []))


async def execute_step(state: ArtisanState, runtime: Runtime[ArtisanContext]) -> dict[str, Any]:
    if not has_work(state):
        return {}
    ctx = runtime.context
    index, step = current_step(state)
    catalogue = await ctx.tools()
    offered = tools_for_step(step, catalogue)
    rc = ctx.role_context(
        step=step.number,
        total_steps=len(state["plan"]),
        tools=offered,
        loadable=loadable_tools(catalogue),
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
    update["plan"] = record_plan_work(state, index, results)
    return update


def touched_objects(results: list[ToolResult]) -> list[str]:
    """Names of the objects successful calls created or changed, as Blender reported them."""
    names: list[str] = []

    def add(value: object) -> None:
        if isinstance(value, str) and value and value not in names:
            names.append(value)

    for r in results:
        if not r.ok:
            continue
        out = r.result if isinstance(r.result, dict) else {}
        if r.tool.startswith(("create_", "duplicate_", "add_light", "join_")) and r.tool != "create_material":
            add(out.get("name"))
            for n in out.get("names", []) or out.get("created", []) or []:
                add(n)
        elif r.tool != "create_material":
            for key in ("name", "object"):
                add(r.args.get(key))
            for key in ("names", "objects"):
                for n in r.args.get(key) or []:
                    add(n)
    return names


def record_plan_work(state: ArtisanState, index: int, results: list[ToolResult]) -> list[dict[str, Any]]:
    """The plan with step ``index``'s ``calls`` and ``objects`` filled in from ``results``.

    A model's plan names no calls up front; the report and resume then still say what each
    step did and which objects belong to it. Successful calls are appended (a refinement adds
    to the step's); a plan that came with its calls (the offline planner) keeps them as planned.
    """
    plan = [dict(s) for s in state["plan"]]
    entry = plan[index]
    planned = bool(entry.get("calls")) and not entry.get("calls_recorded")
    if not planned:
        made = [{"tool": r.tool, "args": r.args} for r in results if r.ok]
        entry["calls"] = [*(entry.get("calls") or []), *made]
        entry["calls_recorded"] = True
    entry["objects"] = list(dict.fromkeys([*(entry.get("objects") or []), *touched_objects(results)]))
    plan[index] = entry
    return plan
