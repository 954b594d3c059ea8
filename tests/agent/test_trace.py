"""The JSONL trace: every event to the file and the live sink, readable after a kill."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from prompt2mesh.agent.trace import TraceWriter, compact, find_traces, read_events, summarize


def test_every_event_goes_to_the_file_and_to_emit_with_run_id_and_time(tmp_path: Path) -> None:
    seen: list[dict[str, Any]] = []
    trace = TraceWriter(tmp_path / "trace.jsonl", "r1", emit=seen.append, clock=lambda: 42.0)
    trace.event("plan", steps=[{"number": 1}])
    trace.event("tool_call", tool="create_primitive", ok=True)
    assert read_events(tmp_path / "trace.jsonl") == seen
    assert seen[0] == {"ts": 42.0, "run_id": "r1", "type": "plan", "steps": [{"number": 1}]}


def test_a_broken_live_viewer_does_not_stop_the_trace(tmp_path: Path) -> None:
    def broken(event: dict[str, Any]) -> None:
        raise RuntimeError("viewer gone")

    trace = TraceWriter(tmp_path / "trace.jsonl", "r1", emit=broken)
    trace.event("warning", message="x")
    assert len(read_events(tmp_path / "trace.jsonl")) == 1


def test_a_torn_last_line_from_a_killed_writer_is_skipped(tmp_path: Path) -> None:
    path = tmp_path / "trace.jsonl"
    TraceWriter(path, "r1").event("run_started")
    with path.open("a") as fh:
        fh.write('{"ts": 1, "type": "tool_ca')
    assert [e["type"] for e in read_events(path)] == ["run_started"]


def test_large_results_are_cut_in_the_trace() -> None:
    assert compact({"a": 1}) == {"a": 1}
    cut = compact({"objects": ["x" * 50] * 100}, limit=200)
    assert isinstance(cut, str) and len(cut) < 260 and "more chars" in cut


def test_folders_are_searched_for_trace_files_only(tmp_path: Path) -> None:
    TraceWriter(tmp_path / "a" / "trace.jsonl", "r1").event("run_started")
    (tmp_path / "b").mkdir()
    (tmp_path / "b" / "other.jsonl").write_text("{}\n")
    assert find_traces([tmp_path]) == [tmp_path / "a" / "trace.jsonl"]


def test_summary_of_no_traces_is_empty_not_an_error(tmp_path: Path) -> None:
    summary = summarize([tmp_path])
    assert summary["runs"] == 0 and summary["average_score_before_refinement"] is None
