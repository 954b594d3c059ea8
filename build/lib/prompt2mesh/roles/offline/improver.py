"""The offline improver (refine_step): runs the critic's fix calls; with none, raises detail."""

from __future__ import annotations

from prompt2mesh.roles.interface import Critique, PlanStep, RoleContext, ToolCall, ToolResult
from prompt2mesh.roles.offline.build import detail_calls, max_detail
from prompt2mesh.roles.offline.critic import DetailState
from prompt2mesh.roles.offline.understanding import understand


class OfflineImprover:
    """Enhances a step's work from a critique; never rebuilds what is already there."""

    def __init__(self, state: DetailState | None = None) -> None:
        self.state = state or DetailState()

    async def improve(self, step: PlanStep, critique: Critique, ctx: RoleContext) -> list[ToolResult]:
        """Run ``critique.fix_calls`` (or one more detail level for the step's objects).

        Raises:
            prompt2mesh.workers.session.WorkerUnavailable: when the worker dies mid-way.
        """
        calls = list(critique.fix_calls) or self._more_detail(step, ctx)
        results = [await ctx.runner.call(call.tool, dict(call.args)) for call in calls]
        raised = {str(r.args.get("object") or r.args.get("name")) for r in results if r.ok}
        for name, level in list(self.state.pending.items()):
            if any(n == name or n.startswith(name + "_") for n in raised):
                self.state.levels[name] = level
            del self.state.pending[name]
        return results

    def _more_detail(self, step: PlanStep, ctx: RoleContext) -> list[ToolCall]:
        req = ctx.requirement
        if req is None or not step.objects:
            return []
        u = understand(req.original, req.details.get("spec"))
        calls: list[ToolCall] = []
        for p in u.placements_for(step.objects):
            level = self.state.levels.get(p.name, 0) + 1
            if level <= max_detail(p):
                calls.extend(detail_calls(p, level))
                self.state.pending[p.name] = level
        return calls
