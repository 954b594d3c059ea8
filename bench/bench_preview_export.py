"""What the live preview costs: the preview glb export after each accepted step
(agent/nodes/evaluate_progress.py), measured from the run traces of real offline builds.

usage: bench_preview_export.py [SUITE.jsonl] [--prompts K]
Writes bench/results/preview_export.json: per run, the preview exports' durations, their
share of the run's time and the glb sizes.
"""

from __future__ import annotations

import asyncio
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

from prompt2mesh.config import Settings


async def main(suite: Path, prompts: int) -> dict[str, object]:
    from prompt2mesh.agent.runner import RunRequest, run_make
    from prompt2mesh.evaluation.suite import load_suite
    from prompt2mesh.roles.factory import make_roles
    from prompt2mesh.workers.session import open_local_worker

    settings = Settings(provider="offline", screenshot_size=256)
    rows = []
    with tempfile.TemporaryDirectory(prefix="p2m-preview-") as folder:
        out = Path(folder)
        async with open_local_worker(out, timeout_s=settings.tool_timeout_s) as worker:
            for item in load_suite(suite)[:prompts]:
                await worker.call("new_scene", {})
                started = time.perf_counter()
                request = RunRequest(prompt=item.prompt, out_dir=out / item.id, artifact_prefix=f"{item.id}/")
                await run_make(request, settings, worker, roles=make_roles(settings))
                seconds = time.perf_counter() - started
                trace = [
                    json.loads(line) for line in (out / item.id / "trace.jsonl").read_text().splitlines()
                ]
                exports = [
                    e["duration_s"]
                    for e in trace
                    if e.get("type") == "tool_call"
                    and e.get("tool") == "export_scene"
                    and str((e.get("args") or {}).get("filename", "")).endswith("preview.glb")
                ]
                size = (out / item.id / "preview.glb").stat().st_size
                rows.append(
                    {
                        "id": item.id,
                        "prompt": item.prompt,
                        "previews": len(exports),
                        "export_ms_median": round(statistics.median(exports) * 1000, 1) if exports else None,
                        "export_ms_max": round(max(exports) * 1000, 1) if exports else None,
                        "share_of_run": round(sum(exports) / seconds, 4),
                        "last_preview_bytes": size,
                        "run_s": round(seconds, 2),
                    }
                )
                print(json.dumps(rows[-1]), flush=True)
    all_ms = [r["export_ms_median"] for r in rows if r["export_ms_median"] is not None]
    return {
        "suite": str(suite),
        "runs": len(rows),
        "median_export_ms": round(statistics.median(all_ms), 1) if all_ms else None,
        "max_share_of_run": max(r["share_of_run"] for r in rows) if rows else None,
        "rows": rows,
    }


if __name__ == "__main__":
    args = sys.argv[1:]
    default = Path(__file__).parent / "suites" / "unseen-offline.jsonl"
    suite = Path(args[0]) if args and not args[0].startswith("--") else default
    k = int(args[args.index("--prompts") + 1]) if "--prompts" in args else 6
    result = asyncio.run(main(suite, k))
    results = Path(__file__).parent / "results"
    results.mkdir(exist_ok=True)
    (results / "preview_export.json").write_text(json.dumps(result, indent=2))
    print({k: v for k, v in result.items() if k != "rows"})
