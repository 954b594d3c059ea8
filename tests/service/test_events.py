"""SSE framing and the step timeline built from a running run's events."""

from __future__ import annotations

import json

from prompt2mesh.service.events import format_sse, summarize_steps


def test_an_event_is_framed_with_its_seq_as_id_and_its_type_as_event_name() -> None:
    event = {"seq": 7, "type": "tool_call", "run_id": "r", "ts": 1.5, "tool": "create_primitive"}
    frame = format_sse(event)
    assert frame.endswith("\n\n")
    lines = frame.strip("\n").split("\n")
    assert lines[:2] == ["id: 7", "event: tool_call"]
    assert lines[2].startswith("data: ") and json.loads(lines[2][6:]) == event


def test_the_timeline_follows_plan_tool_calls_screenshots_critiques_and_acceptance() -> None:
    plan = [
        {"number": 1, "action": "Ground", "description": "a plane"},
        {"number": 2, "action": "Table", "description": "a blue table"},
        {"number": 3, "action": "Cube", "description": "a red cube"},
    ]
    events = [
        {"type": "node_started", "step": 1, "node": "execute_step"},
        {"type": "tool_call", "step": 1, "tool": "create_primitive", "args": {"kind": "plane"}, "ok": True},
        {"type": "screenshot", "step": 1, "file": "screenshots/step_1_screenshot_1.png"},
        {"type": "critique", "step": 1, "score": 5, "issues": ["too small"], "ts": 1.0, "seq": 3},
        {"type": "refinement", "step": 1},
        {"type": "critique", "step": 1, "score": 8, "issues": []},
        {"type": "step_accepted", "step": 1, "status": "accepted", "duration_s": 1.25},
        {"type": "node_started", "step": 2, "node": "execute_step"},
        {"type": "tool_call", "step": 2, "tool": "create_empty", "args": {}, "ok": False, "error": "bad"},
        {"type": "node_started", "step": None, "node": "plan"},
    ]
    first, second, third = summarize_steps(events, plan)
    assert (first.number, first.action, first.status) == (1, "Ground", "accepted")
    assert first.scores == [5, 8] and first.refinements == 1 and first.duration_s == 1.25
    assert first.screenshots == ["screenshots/step_1_screenshot_1.png"]
    assert first.tool_calls[0]["tool"] == "create_primitive" and len(first.critiques) == 2
    assert "seq" not in first.critiques[0] and first.critiques[0]["issues"] == ["too small"]
    assert second.status == "running" and second.tool_calls[0]["error"] == "bad"
    assert third.status == "pending" and third.tool_calls == []


def test_steps_seen_only_in_events_still_appear_without_a_plan() -> None:
    steps = summarize_steps([{"type": "tool_call", "step": 4, "tool": "undo"}], None)
    assert [(s.number, s.status) for s in steps] == [(4, "running")]


def test_only_the_calls_that_build_or_refine_a_step_count_like_the_report() -> None:
    events = [
        {"type": "node_started", "step": 1, "node": "execute_step"},
        {"type": "tool_call", "step": 1, "tool": "create_primitive"},
        {"type": "node_started", "step": 1, "node": "capture_feedback"},
        {"type": "tool_call", "step": 1, "tool": "get_viewport_screenshot"},
        {"type": "tool_call", "step": 1, "tool": "get_scene_info"},
        {"type": "node_started", "step": 1, "node": "refine_step"},
        {"type": "tool_call", "step": 1, "tool": "set_material"},
    ]
    (step,) = summarize_steps(events, None)
    assert [c["tool"] for c in step.tool_calls] == ["create_primitive", "set_material"]
