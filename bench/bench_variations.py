"""Variations of one prompt with the offline modeller: do they differ, and do they still
honour the prompt? For each prompt of a suite and each variation 0..N, build the model in one
local worker, check it with the suite's independent checker and record the run's own final
score, then compare each variation's glb with the plain one's.

usage: bench_variations.py [SUITE.jsonl] [--prompts K] [--variations N]
Writes bench/results/variations.json.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import sys
import tempfile
import time
from pathlib import Path

from prompt2mesh.config import Settings


async def main(suite: Path, prompts: int, variations: int) -> dict[str, object]:
    from prompt2mesh.agent.runner import RunRequest, run_make
    from prompt2mesh.evaluation.check import check_scene
    from prompt2mesh.evaluation.suite import load_suite
    from prompt2mesh.roles.factory import make_roles
    from prompt2mesh.workers.session import open_local_worker

    settings = Settings(provider="offline", screenshot_size=256)
    items = load_suite(suite)[:prompts]
    rows = []
    with tempfile.TemporaryDirectory(prefix="p2m-variations-") as folder:
        out = Path(folder)
        async with open_local_worker(out, timeout_s=settings.tool_timeout_s) as worker:
            for item in items:
                digests: list[str | None] = []
                for v in range(variations + 1):
                    await worker.call("new_scene", {})
                    name = f"{item.id}_v{v}"
                    started = time.perf_counter()
                    request = RunRequest(
                        prompt=item.prompt, out_dir=out / name, artifact_prefix=f"{name}/", variation=v
                    )
                    report = await run_make(request, settings, worker, roles=make_roles(settings))
                    glb = (report.get("artifacts") or {}).get("glb")
                    checks = check_scene(str(out / glb), item.expect) if glb else [(False, "no glb")]
                    digest = hashlib.sha256((out / glb).read_bytes()).hexdigest() if glb else None
                    digests.append(digest)
                    totals = report.get("totals") or {}
                    rows.append(
                        {
                            "id": item.id,
                            "prompt": item.prompt,
                            "variation": v,
                            "checker_passed": all(ok for ok, _ in checks),
                            "failed_checks": [text for ok, text in checks if not ok],
                            "final_score": totals.get("final_score"),
                            "not_honoured": report.get("not_honoured") or [],
                            "differs_from_plain": v > 0 and digest != digests[0],
                            "seconds": round(time.perf_counter() - started, 2),
                        }
                    )
                    print(json.dumps(rows[-1]), flush=True)
    varied = [r for r in rows if r["variation"] > 0]
    plain = [r for r in rows if r["variation"] == 0]
    summary = {
        "suite": str(suite),
        "prompts": len(items),
        "variations_per_prompt": variations,
        "plain_checker_pass_rate": sum(r["checker_passed"] for r in plain) / max(1, len(plain)),
        "variation_checker_pass_rate": sum(r["checker_passed"] for r in varied) / max(1, len(varied)),
        "variations_differing_from_plain": sum(r["differs_from_plain"] for r in varied) / max(1, len(varied)),
        "plain_mean_final_score": _mean([r["final_score"] for r in plain]),
        "variation_mean_final_score": _mean([r["final_score"] for r in varied]),
        "rows": rows,
    }
    return summary


def _mean(values: list[object]) -> float | None:
    numbers = [float(v) for v in values if isinstance(v, int | float)]
    return round(sum(numbers) / len(numbers), 2) if numbers else None


if __name__ == "__main__":
    args = sys.argv[1:]
    suite = (
        Path(args[0])
        if args and not args[0].startswith("--")
        else Path(__file__).parent / "suites" / "unseen-offline.jsonl"
    )
    k = int(args[args.index("--prompts") + 1]) if "--prompts" in args else 8
    n = int(args[args.index("--variations") + 1]) if "--variations" in args else 3
    result = asyncio.run(main(suite, k, n))
    results = Path(__file__).parent / "results"
    results.mkdir(exist_ok=True)
    (results / "variations.json").write_text(json.dumps(result, indent=2))
    print({k: v for k, v in result.items() if k != "rows"})
