"""Runs every benchmark in turn (`make bench`); each writes its JSON under bench/results/.

Benchmarks are never part of the test run's pass/fail: they measure, they do not judge.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHMARKS = (
    "bench_worker.py",
    "bench_start.py",
    "bench_service.py",
    "bench_fuzz.py",
    "bench_backends.py",
    "capacity.py",
    "bench_plan_cache.py",
)


def main() -> int:
    failed = []
    for name in BENCHMARKS:
        print(f"== {name}", flush=True)
        if subprocess.run([sys.executable, str(HERE / name)], check=False).returncode != 0:
            failed.append(name)
    if failed:
        print(f"failed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
