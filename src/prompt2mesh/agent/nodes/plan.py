"""plan: Phase 0 prompt refinement, then a validated plan (re-asked once), then resume detection."""

from __future__ import annotations

from typing import Any

from langgraph.runtime import Runtime

from prompt2mesh.agent.context import ArtisanContext
from prompt2mesh.agent.nodes._shared import add_usage, warn
from prompt2mesh.agent.plan_source import starting_plan
from prompt2mesh.agent.plan_validation import is_fatal, salvage, validate_plan
from prompt2mesh.agent.state import ArtisanState, new_step_record
from prompt2mesh.agent.tool_filter import RESERVED
from prompt2mesh.roles.interface import Plan, RefinedPrompt, Usage


async def plan(state: ArtisanState, runtime: Runtime[ArtisanContext]) -> dict[str, Any]:
    ctx = runtime.context
    roles = ctx.roles
    settings = ctx.settings
    usage = Usage()
    warnings = list(state.get("warnings", []))

    refined_data = state.get("refined_prompt")
    if refined_data is None:
        rc = ctx.role_context()
        refined = await roles.refiner.refine(state["prompt"], rc)
        usage = rc.usage
        refined_data = refined.model_dump()
        ctx.trace.event(
            "prompt_refined", original=refined.original, refined=refined.refined, details=refined.details
        )
        warnings += refined.warnings
    requirement = RefinedPrompt.model_validate(refined_data)

    tools = await ctx.tools()
    known = [t.name for t in tools]
    # The planner's catalogue leaves out the scene lifecycle, which the agent owns.
    rc = ctx.role_context(tools=[t for t in tools if t.name not in RESERVED], requirement=refined_data)
    scene = state.get("scene", {})
    start, source, given_errors = await starting_plan(ctx, state, requirement, known)
    if given_errors:
        message = "the given plan cannot be used: " + "; ".join(given_errors)
        ctx.trace.event("error", message=message, errors=given_errors)
        return {
            "refined_prompt": refined_data,
            "plan": [],
            "steps": [],
            "current": 0,
            "critical_error": message,
            "warnings": warnings,
            "plan_source": source,
            "usage": add_usage(state, usage),
        }
    if start is not None:
        # Not "run_id": every event carries its own run's id under that name.
        ctx.trace.event(
            "plan_reused",
            kind=source["kind"],
            from_run=source.get("run_id"),
            shared=bool(source.get("shared")),
            final_score=source.get("final_score"),
        )
        proposal: Plan = start
        errors: list[str] = []
    else:
        proposal = await roles.planner.plan(requirement, scene, rc)
        errors = validate_plan(
            proposal, known, min_steps=settings.min_plan_steps, max_steps=settings.max_plan_steps
        )
    if errors:
        ctx.trace.event("warning", message="plan rejected; asking the planner again", errors=errors)
        proposal = await roles.planner.plan(requirement, scene, rc, errors=errors)
        errors = validate_plan(
            proposal, known, min_steps=settings.min_plan_steps, max_steps=settings.max_plan_steps
        )
    for message in proposal.warnings:
        warnings = warn(ctx, {"warnings": warnings}, message)
    if errors and is_fatal(errors):
        message = "the planner gave no usable plan after one re-ask: " + "; ".join(errors)
        ctx.trace.event("error", message=message, errors=errors)
        return {
            "refined_prompt": refined_data,
            "plan": [],
            "steps": [],
            "current": 0,
            "critical_error": message,
            "warnings": warnings,
            "plan_source": source,
            "usage": add_usage({"usage": add_usage(state, usage)}, rc.usage),
        }
    if errors:
        proposal, repairs = salvage(proposal, known, max_steps=settings.max_plan_steps)
        for message in [*errors, *repairs]:
            warnings = warn(ctx, {"warnings": warnings}, f"plan accepted with a problem: {message}")

    steps_data = [s.model_dump() for s in proposal.steps]
    records = [new_step_record(s) for s in steps_data]
    ctx.trace.event(
        "plan",
        steps=[
            {k: s[k] for k in ("number", "action", "description", "tools", "rationale", "expected_outcome")}
            for s in steps_data
        ],
    )

    if state.get("existing_work"):
        done = set(await roles.planner.completed_steps(proposal, scene, rc))
        for record in records:
            if record["number"] in done:
                record["status"] = "skipped_resumed"
        if done:
            warnings = warn(
                ctx,
                {"warnings": warnings},
                f"scene already holds steps {sorted(done)}; continuing after them",
            )
    first = next((i for i, r in enumerate(records) if r["status"] == "pending"), len(records))
    return {
        "refined_prompt": refined_data,
        "plan": steps_data,
        "steps": records,
        "current": first,
        "warnings": warnings,
        "plan_source": source,
        "usage": add_usage({"usage": add_usage(state, usage)}, rc.usage),
    }
