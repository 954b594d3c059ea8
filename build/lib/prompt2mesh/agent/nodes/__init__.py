"""One module per node of the Artisan graph (SPEC section 1)."""

from prompt2mesh.agent.nodes.analyze_scene import analyze_scene
from prompt2mesh.agent.nodes.assess_quality import assess_quality, route_after_assess
from prompt2mesh.agent.nodes.capture_feedback import capture_feedback
from prompt2mesh.agent.nodes.complete import complete
from prompt2mesh.agent.nodes.evaluate_progress import evaluate_progress, route_after_progress
from prompt2mesh.agent.nodes.execute_step import execute_step
from prompt2mesh.agent.nodes.plan import plan
from prompt2mesh.agent.nodes.refine_step import refine_step

__all__ = [
    "analyze_scene",
    "assess_quality",
    "capture_feedback",
    "complete",
    "evaluate_progress",
    "execute_step",
    "plan",
    "refine_step",
    "route_after_assess",
    "route_after_progress",
]
