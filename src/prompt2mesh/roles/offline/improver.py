"""The offline improver (refine_step): runs the critic's fix calls, and nothing else.

A refinement answers a measured fault (a gap in metres, a wrong colour, an object off the
frame); with no fix calls there is nothing to improve and nothing is run.
"""

from __future__ import annotations

from prompt2mesh.roles.interface import Critique, PlanStep, RoleContext, ToolResult


class OfflineImprover:
    """Enhances a step's work from a critique; never rebuilds what is already there."""

    async def improve(self, step: PlanStep, critique: Critique, ctx: RoleContext) -> list[ToolResult]:
        """Run ``critique.fix_calls`` in order.

        Raises:
            prompt2mesh.workers.session.WorkerUnavailable: when the worker dies mid-way.
        """
        return [await ctx.runner.call(call.tool, dict(call.args)) for call in critique.fix_calls]
