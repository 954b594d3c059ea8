"""Seeded fuzzing of every published tool through a real MCP session (issue 15).

A few hundred hostile calls (wrong types, NaN/Infinity, huge strings, traversal paths, absurd
counts, control characters, unknown keys), generated from the tools' own schemas, so tools
added later are fuzzed too. The worker must never die or hang, never answer an internal error
(``blender_operation_failed``) for bad input, never send an error text over the cap, and never
show an absolute server path. The long run (10,000+ calls) is bench/bench_fuzz.py.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from fuzz_calls import Finding, Fuzzer, check, describe
from prompt2mesh.workers.blocking import BlockingWorker
from prompt2mesh.workers.session import WorkerUnavailable

pytestmark = pytest.mark.timeout(600)

SEED = 15
CALLS = 300
HANG_S = 30.0
"""A call slower than this is a hang (the worker's own per-call limit below is 60 s)."""
# Small budgets keep the accepted heavy calls fast here; the bench runs the defaults.
LIMITS = ["--max-vertices", "200000", "--max-render-pixel-samples", str(256 * 256 * 16)]


@pytest.fixture
def fuzz_worker(tmp_path: Path) -> Iterator[BlockingWorker]:
    with BlockingWorker(tmp_path / "ws", timeout_s=60, extra_args=LIMITS) as worker:
        yield worker


def scene_names(worker: BlockingWorker) -> list[str]:
    info = worker.call("get_scene_info")
    assert info.ok, info.error
    return [o["name"] for o in info.result.get("objects", [])]


def test_hundreds_of_hostile_calls_across_every_tool_break_nothing(fuzz_worker: BlockingWorker) -> None:
    tools = fuzz_worker.list_tools()
    assert len(tools) >= 30
    root = str(fuzz_worker.workspace.resolve())
    forbidden = [root, str(Path(sys.prefix).resolve()), str(Path(__file__).resolve().parents[2])]
    fuzzer = Fuzzer(tools, seed=SEED)
    findings: list[Finding] = []
    tools_called: set[str] = set()
    for i, call in enumerate(fuzzer.calls(CALLS)):
        if i % 25 == 0:
            if i % 100 == 0:
                assert fuzz_worker.call("new_scene").ok
                assert fuzz_worker.call("create_primitive", kind="cube").ok
            fuzzer.objects = scene_names(fuzz_worker)
        started = time.monotonic()
        try:
            result = fuzz_worker.call(call.tool, **call.args)
        except WorkerUnavailable as exc:
            pytest.fail(f"the worker died or hung on call {i}: {describe(call)}: {exc}")
        elapsed = time.monotonic() - started
        tools_called.add(call.tool)
        if elapsed > HANG_S:
            findings.append(Finding(call, "slow", f"{elapsed:.1f} s"))
        findings.extend(check(call, result, forbidden))
    assert fuzz_worker.alive and fuzz_worker.call("get_scene_info").ok
    assert not findings, "\n".join(f"{f.problem}: {describe(f.call)}: {f.detail}" for f in findings[:20])
    assert len(tools_called) >= len(tools) * 0.8, sorted({t.name for t in tools} - tools_called)
