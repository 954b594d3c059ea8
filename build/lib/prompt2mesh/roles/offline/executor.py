"""The offline step executor: runs the step's pre-computed calls, in order, through the worker."""

from __future__ import annotations

from prompt2mesh.roles.interface import PlanStep, RoleContext, ToolResult


class OfflineExecutor:
    """Carries out an offline plan step; a failing call is recorded and the rest still run."""

    async def execute(self, step: PlanStep, ctx: RoleContext) -> list[ToolResult]:
        """Run ``step.calls`` through ``ctx.runner`` and return every result.

        Raises:
            prompt2mesh.workers.session.WorkerUnavailable: when the worker dies mid-step.
        """
        # Sequential on purpose: later calls refer to objects the earlier ones created.
        return [await ctx.runner.call(call.tool, dict(call.args)) for call in step.calls]
