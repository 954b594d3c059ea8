"""The run context: every tool call is traced once, whoever reports it."""

from __future__ import annotations

from pathlib import Path

from prompt2mesh.agent.context import ArtisanContext
from prompt2mesh.agent.trace import TraceWriter, read_events


async def test_a_call_is_traced_once_even_when_the_role_reports_it_too(
    runner, settings, roles_for, kit, tmp_path: Path
) -> None:
    trace = TraceWriter(tmp_path / "trace.jsonl", "r1")
    roles = roles_for(kit.script())
    ctx = ArtisanContext(roles, runner, settings, trace, tmp_path)
    rc = ctx.role_context(step=3, attempt="execute")

    result = await rc.runner.call("create_primitive", {"kind": "cube", "name": "Once"})
    rc.emit("tool_call", {"tool": "create_primitive", "args": result.args, "ok": True})
    rc.emit("tool_call", {"tool": "delete_everything", "args": {}, "ok": False, "error": "not offered"})
    rc.emit("model_call", {"input_tokens": 5, "output_tokens": 2})

    events = read_events(tmp_path / "trace.jsonl")
    calls = [e for e in events if e["type"] == "tool_call"]
    assert [(c["tool"], c["ok"], c["step"]) for c in calls] == [
        ("create_primitive", True, 3),
        ("delete_everything", False, 3),
    ]
    assert calls[0]["result"]["name"] == "Once" and calls[0]["duration_s"] >= 0
    assert [e["type"] for e in events][-1] == "model_call"


def test_the_artifact_prefix_is_a_folder_with_or_without_its_trailing_slash(
    runner, settings, roles_for, kit, tmp_path: Path
) -> None:
    trace = TraceWriter(tmp_path / "trace.jsonl", "r1")
    roles = roles_for(kit.script())

    def artifact(prefix: str) -> str:
        return ArtisanContext(roles, runner, settings, trace, tmp_path, artifact_prefix=prefix).artifact(
            "scene.glb"
        )

    assert artifact("runs/abc") == "runs/abc/scene.glb"
    assert artifact("runs/abc/") == "runs/abc/scene.glb"
    assert artifact("") == "scene.glb"
