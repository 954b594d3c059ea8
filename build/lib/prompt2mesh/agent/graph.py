"""The Artisan graph: exactly the spec's nodes and edges, with routing visible in types.

START -> analyze_scene -> plan -> execute_step -> capture_feedback -> assess_quality
assess_quality --(needs refinement)--> refine_step -> capture_feedback   (loop)
assess_quality --(acceptable)--> evaluate_progress
evaluate_progress --(steps remain)--> execute_step
evaluate_progress --(all done, or critical error)--> complete -> END
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable
from typing import Any

from langgraph.checkpoint.base import BaseCheckpointSaver
from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph
from langgraph.runtime import Runtime

from prompt2mesh.agent import nodes
from prompt2mesh.agent.context import ArtisanContext
from prompt2mesh.agent.state import ArtisanState, replace_step

NODE_NAMES = (
    "analyze_scene",
    "plan",
    "execute_step",
    "capture_feedback",
    "assess_quality",
    "refine_step",
    "evaluate_progress",
    "complete",
)
_STEP_NODES = frozenset(
    {"execute_step", "capture_feedback", "assess_quality", "refine_step", "evaluate_progress"}
)

Node = Callable[[ArtisanState, Runtime[ArtisanContext]], Awaitable[dict[str, Any]]]


def _timed(name: str, node: Node) -> Node:
    """Emit node_started/node_finished and add the node's time to the run and its step."""

    @functools.wraps(node)
    async def run(state: ArtisanState, runtime: Runtime[ArtisanContext]) -> dict[str, Any]:
        ctx = runtime.context
        index = state.get("current", 0)
        plan = state.get("plan", [])
        step = plan[index]["number"] if name in _STEP_NODES and index < len(plan) else None
        ctx.trace.event("node_started", node=name, step=step, total_steps=len(plan))
        started = ctx.clock()
        update = await node(state, runtime)
        elapsed = ctx.clock() - started
        update["elapsed_s"] = float(state.get("elapsed_s", 0.0)) + elapsed
        if step is not None:
            steps_state: ArtisanState = {**state, **update}  # type: ignore[typeddict-item]
            record = steps_state["steps"][index]
            update["steps"] = replace_step(steps_state, index, duration_s=record["duration_s"] + elapsed)
        ctx.trace.event("node_finished", node=name, step=step, duration_s=round(elapsed, 4))
        return update

    return run


def build_graph(
    checkpointer: BaseCheckpointSaver[Any] | None = None,
) -> CompiledStateGraph[Any, Any, Any, Any]:
    """Compile the Artisan graph (thread id = run id; ``checkpointer`` None = no durability)."""
    graph = StateGraph(ArtisanState, context_schema=ArtisanContext)
    for name in NODE_NAMES:
        graph.add_node(name, _timed(name, getattr(nodes, name)))  # type: ignore[call-overload]
    graph.add_edge(START, "analyze_scene")
    graph.add_edge("analyze_scene", "plan")
    graph.add_edge("plan", "execute_step")
    graph.add_edge("execute_step", "capture_feedback")
    graph.add_edge("capture_feedback", "assess_quality")
    graph.add_conditional_edges(
        "assess_quality", nodes.route_after_assess, ["refine_step", "evaluate_progress"]
    )
    graph.add_edge("refine_step", "capture_feedback")
    graph.add_conditional_edges("evaluate_progress", nodes.route_after_progress, ["execute_step", "complete"])
    graph.add_edge("complete", END)
    return graph.compile(checkpointer=checkpointer)
