"""A plan that needs no planner call: the person's own (``make --plan FILE``) or a cached one.

The ``plan`` node asks here first. A given plan is validated like a generated one and an
invalid one halts the run with the reasons (the person asked for exactly that plan); a cached
plan that no longer fits the worker's tools is skipped with a warning, and the planner plans.
"""

from __future__ import annotations

from collections.abc import Collection
from typing import Any

from prompt2mesh.agent.context import ArtisanContext
from prompt2mesh.agent.plan_validation import validate_plan
from prompt2mesh.agent.state import ArtisanState
from prompt2mesh.roles.interface import Plan, RefinedPrompt


def _numbered(steps: list[dict[str, Any]]) -> dict[str, Any]:
    return {"steps": [{**s, "number": i} for i, s in enumerate(steps, start=1)]}


async def starting_plan(
    ctx: ArtisanContext, state: ArtisanState, requirement: RefinedPrompt, known: Collection[str]
) -> tuple[Plan | None, dict[str, Any], list[str]]:
    """The plan to start from without the planner, its source, and the problems found.

    Returns:
        ``(plan, source, errors)``: ``plan`` None means "ask the planner" (``source`` then
        says why the cache was not used); ``errors`` are set only for an unusable given plan.
    """
    settings = ctx.settings
    limits = {"min_steps": settings.min_plan_steps, "max_steps": settings.max_plan_steps}
    given = state.get("given_plan")
    if given:
        errors = validate_plan(_numbered(given), known, **limits)
        if errors:
            return None, {"kind": "given"}, errors
        return Plan.model_validate(_numbered(given)), {"kind": "given"}, []
    if ctx.plan_cache is None:
        return None, {"kind": "planner"}, []
    if state.get("fresh_plan"):
        return None, {"kind": "planner", "cache": "skipped: a fresh plan was asked for"}, []
    hit = await ctx.plan_cache.lookup(requirement.refined, requirement.original)
    if hit is None:
        return None, {"kind": "planner", "cache": "miss"}, []
    errors = validate_plan(_numbered(hit.plan), known, **limits)
    if errors:
        ctx.trace.event("warning", message=f"cached plan of run {hit.run_id} no longer fits", errors=errors)
        return None, {"kind": "planner", "cache": f"the cached plan of run {hit.run_id} no longer fits"}, []
    mine = hit.owner == ctx.plan_cache.owner
    # Another user's run (a shared cache) is named by neither its id nor its words.
    source = {
        "kind": "cache",
        "run_id": hit.run_id if mine else None,
        "prompt": hit.prompt if mine else None,
        "final_score": hit.final_score,
        "shared": not mine,
    }
    return Plan.model_validate(_numbered(hit.plan)), source, []
