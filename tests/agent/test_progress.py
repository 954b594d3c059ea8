"""The terminal display: step i/N, the current node and the last score."""

from __future__ import annotations

import io

from prompt2mesh.agent.progress import ProgressDisplay


def feed(display: ProgressDisplay) -> None:
    display({"type": "plan", "steps": [{"number": 1, "action": "Build"}, {"number": 2, "action": "Paint"}]})
    display({"type": "node_started", "node": "execute_step", "step": 1, "total_steps": 2})
    display({"type": "critique", "step": 1, "score": 6})
    display({"type": "node_started", "node": "refine_step", "step": 1, "total_steps": 2})
    display({"type": "step_accepted", "step": 1, "status": "accepted", "scores": [6, 8], "refinements": 1})
    display({"type": "run_finished", "status": "completed", "message": "2 steps executed"})


def test_a_terminal_sees_a_live_status_line_with_step_node_and_score() -> None:
    out = io.StringIO()
    feed(ProgressDisplay(out, live=True))
    text = out.getvalue()
    assert "[step 1/2] refine_step" in text and "last score 6/10" in text
    assert "step 1/2 accepted (scores [6, 8], 1 refinements)" in text


def test_a_pipe_gets_plain_lines_without_control_codes() -> None:
    out = io.StringIO()
    feed(ProgressDisplay(out, live=False))
    lines = out.getvalue().splitlines()
    assert lines == [
        "plan (2 steps):",
        "  1. Build",
        "  2. Paint",
        "step 1/2 accepted (scores [6, 8], 1 refinements)",
        "completed: 2 steps executed",
    ]
