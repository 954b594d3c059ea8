"""Fuzz benchmark of the Blender worker: thousands of hostile calls across every tool.

Run: ``.venv/bin/python bench/bench_fuzz.py [--calls 10000] [--seed 1]``. Prints a JSON summary
and writes it to ``bench/results/fuzz.json``. The calls come from ``tests/fuzz_calls.py`` (the
generator the fuzz test uses, driven by the tools' own schemas) with the worker's default
limits, through a real MCP session to a real Blender.

Reported: deaths (the connection to the worker was lost), hangs (a call that ran past the
per-call limit and was killed: the worker is restarted), slow calls (answered, but after more
than ``--hang-s``; on a loaded machine a valid render can be), internal errors
(``blender_operation_failed`` for bad input), errors over the cap, absolute paths shown,
the worker's peak resident memory (VmHWM) and the workspace's size at the end.
Target: 0 deaths, 0 hangs, 0 internal errors, 0 oversized errors, 0 path leaks.
"""

from __future__ import annotations

import argparse
import collections
import json
import os
import platform
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT.parent / "tests"))

from fuzz_calls import Finding, Fuzzer, check, describe, error_code  # noqa: E402
from prompt2mesh.workers.blocking import BlockingWorker  # noqa: E402
from prompt2mesh.workers.session import ToolTimedOut, WorkerUnavailable, find_child_pid  # noqa: E402


def _peak_rss(pid: int | None) -> int:
    if pid is None:
        return 0
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        return 0
    return 0


def _disk(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file())


def run(
    calls: int, seed: int, huge: int, hang_s: float, timeout_s: float, partial: Path | None = None
) -> dict[str, Any]:
    """Fuzz one worker with ``calls`` calls; every 500 calls the figures so far go to ``partial``."""
    workspace = Path(tempfile.mkdtemp(prefix="p2m-fuzz-")) / "ws"
    worker = BlockingWorker(workspace, timeout_s=timeout_s)
    pid = find_child_pid(workspace)
    tools = worker.list_tools()
    fuzzer = Fuzzer(tools, seed=seed, huge=huge)
    forbidden = [str(workspace.resolve()), str(Path(sys.prefix).resolve()), str(ROOT.parent)]
    findings: list[Finding] = []
    deaths = hangs = slow = 0
    peak = 0
    codes: collections.Counter[str] = collections.Counter()
    kinds: collections.Counter[str] = collections.Counter()
    accepted_by_kind: collections.Counter[str] = collections.Counter()
    slowest: list[tuple[float, str]] = []
    started = time.monotonic()

    def summarize(done: int) -> dict[str, Any]:
        wall = time.monotonic() - started
        problems = collections.Counter(f.problem for f in findings)
        return {
            "calls": done,
            "seed": seed,
            "tools": len(tools),
            "huge_string_chars": huge,
            "wall_s": round(wall, 1),
            "calls_per_s": round(done / wall, 2) if wall else 0.0,
            "deaths": deaths,
            "hangs": hangs,
            f"answered_after_over_{hang_s:.0f}_s": slow,
            "internal_errors": problems["internal_error"] + problems["traceback"],
            "errors_over_cap": problems["error_too_long"],
            "path_leaks": problems["absolute_path"],
            "peak_worker_rss_mb": round(max(peak, _peak_rss(pid)) / 2**20, 1),
            "workspace_mb": round(_disk(workspace) / 2**20, 1),
            "calls_by_kind": dict(kinds),
            "accepted_by_kind": dict(accepted_by_kind),
            "error_codes": dict(codes.most_common()),
            "slowest_calls": [{"s": round(s, 2), "call": c} for s, c in slowest],
            "findings": [
                {"problem": f.problem, "call": describe(f.call)[:300], "detail": f.detail}
                for f in findings[:50]
            ],
            "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "load": os.getloadavg()},
        }

    for i, call in enumerate(fuzzer.calls(calls)):
        if i % 25 == 0:
            if i % 200 == 0:
                worker.call("new_scene")
                worker.call("create_primitive", kind="cube")
            info = worker.call("get_scene_info")
            fuzzer.objects = [o["name"] for o in (info.result or {}).get("objects", [])] if info.ok else []
        t0 = time.monotonic()
        try:
            result = worker.call(call.tool, **call.args)
        except WorkerUnavailable as exc:
            hung = isinstance(exc, ToolTimedOut)
            hangs += hung
            deaths += not hung
            findings.append(Finding(call, "hang" if hung else "death", str(exc)[:300]))
            peak = max(peak, _peak_rss(pid))
            worker.close()
            worker = BlockingWorker(workspace, timeout_s=timeout_s)
            pid = find_child_pid(workspace)
            continue
        elapsed = time.monotonic() - t0
        slowest = sorted([*slowest, (elapsed, describe(call)[:160])], reverse=True)[:5]
        kinds[call.kind] += 1
        if result.ok:
            accepted_by_kind[call.kind] += 1
        else:
            codes[error_code(result.error) or "other"] += 1
        if elapsed > hang_s:
            # Answered, so not a hang; listed because a slow accepted call is worth a look.
            slow += 1
            findings.append(Finding(call, "slow", f"{elapsed:.1f} s"))
        findings.extend(check(call, result, forbidden))
        if i % 100 == 0:
            peak = max(peak, _peak_rss(pid))
            print(
                f"{i} calls, {time.monotonic() - started:.0f} s, {len(findings)} findings, slowest "
                f"{slowest[0][0] if slowest else 0:.1f} s",
                file=sys.stderr,
                flush=True,
            )
            if partial is not None and i % 500 == 0:
                partial.write_text(json.dumps({**summarize(i), "partial": True}, indent=2) + "\n")
    peak = max(peak, _peak_rss(pid))
    summary = summarize(calls)
    worker.close()
    return summary


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--huge", type=int, default=2_000_000, help="characters of a huge string")
    parser.add_argument("--hang-s", type=float, default=60.0, help="a slower call is listed as slow")
    parser.add_argument("--timeout-s", type=float, default=120.0, help="the per-call limit (killed past it)")
    parser.add_argument("--out", default=str(ROOT / "results" / "fuzz.json"))
    ns = parser.parse_args()
    summary = run(ns.calls, ns.seed, ns.huge, ns.hang_s, ns.timeout_s, partial=Path(ns.out))
    text = json.dumps(summary, indent=2)
    print(text)
    Path(ns.out).parent.mkdir(parents=True, exist_ok=True)
    Path(ns.out).write_text(text + "\n")


if __name__ == "__main__":
    main()
