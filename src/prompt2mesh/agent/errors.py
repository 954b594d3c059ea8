"""Errors of the Artisan agent.

AgentError                    base; ``code`` is stable
├── PlanRejected              the planner's plan stayed invalid after the one re-ask
├── RunNotFound               ``resume`` named a run id the checkpoint store does not know
├── PlanEditRejected          a reviewed (edited or given) plan is invalid; ``errors`` says why
├── ReviewNotPending          a plan edit or approval for a run that is not awaiting review
└── CheckpointConfigError     the checkpoint URL names a store we cannot open

Tool failures are not exceptions here: the worker answers ``ok=False`` and the graph records
them. A dead worker surfaces as :class:`prompt2mesh.workers.session.WorkerUnavailable`.
"""

from __future__ import annotations


class AgentError(Exception):
    """Something the agent cannot go on from; the message says what to do."""

    code = "agent_error"

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class PlanRejected(AgentError):
    code = "plan_rejected"


class RunNotFound(AgentError):
    code = "run_not_found"


class PlanEditRejected(AgentError):
    code = "plan_edit_rejected"

    def __init__(self, errors: list[str]) -> None:
        super().__init__("the plan cannot be used: " + "; ".join(errors))
        self.errors = errors


class ReviewNotPending(AgentError):
    code = "review_not_pending"


class CheckpointConfigError(AgentError):
    code = "checkpoint_config"
