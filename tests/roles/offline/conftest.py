"""Fixtures for the offline role tests: the shared real worker as an async ToolRunner and a
small driver that builds a prompt the way the agent does (refine, plan, execute each step)."""

from __future__ import annotations

from typing import Any

from async_worker import AsyncWorker
from prompt2mesh.roles.interface import Plan, RefinedPrompt, RoleContext, Roles
from prompt2mesh.roles.offline import make_offline_roles


class Built:
    """A prompt built step by step with the offline roles, without refinement."""

    def __init__(self, roles: Roles, ctx: RoleContext, requirement: RefinedPrompt, plan: Plan) -> None:
        self.roles, self.ctx, self.requirement, self.plan = roles, ctx, requirement, plan

    def step(self, action_start: str) -> Any:
        return next(s for s in self.plan.steps if s.action.startswith(action_start))


async def build(runner: AsyncWorker, prompt: str, *, upto: int | None = None, refine: bool = False) -> Built:
    """Refine, plan and execute the plan's steps (all, or the first ``upto``); with ``refine``
    every step is critiqued and improved once when it scores below 7."""
    roles = make_offline_roles()
    ctx = RoleContext(runner=runner)
    requirement = await roles.refiner.refine(prompt, ctx)
    ctx.requirement = requirement
    plan = await roles.planner.plan(requirement, {}, ctx)
    for step in plan.steps[:upto]:
        results = await roles.executor.execute(step, ctx)
        assert all(r.ok for r in results), [r.error for r in results if not r.ok]
        if refine:
            shot = await runner.call("get_viewport_screenshot", {"max_size": 128})
            critique = await roles.critic.critique(step, shot.images[0], ctx)
            if critique.score < 7:
                await roles.improver.improve(step, critique, ctx)
    return Built(roles, ctx, requirement, plan)
