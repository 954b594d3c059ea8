"""Two service replicas on one PostgreSQL: how fast events cross replicas, and how long a
run stalls when its replica is killed.

Run: ``P2M_TEST_POSTGRES_URL=postgresql://... .venv/bin/python bench/bench_replicas.py
[--ttl 5] [--scan 1]``. Prints a JSON summary and writes ``bench/results/replicas.json``.

Two real ``prompt2mesh serve`` processes (replicas A and B) share a fresh database (also the
checkpoint store) and one data directory, offline models. Measured:

- event delay: for every event of one offline run executed by A, the time from its ``ts``
  (stamped by A when emitted) to its arrival on a stream through A and on one through B
  (one machine, one clock; includes A's 50 ms write batching);
- takeover: a second run is watched through B, A is SIGKILLed at a step-2 tool call; the
  time from the kill to the ``taken_over`` event, to the first resumed step event, and to the
  end (with the lease TTL and the scan interval used).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import threading
import time
import uuid
from pathlib import Path
from typing import Any

import httpx
import psycopg

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT.parent / "tests"))

from service.live import ServeProcess, User, free_port, iter_sse, signup_and_login  # noqa: E402


def _watch(
    user: User, url: str, run_id: str, out: list[tuple[float, dict[str, Any]]], on_event: Any = None
) -> None:
    with httpx.Client(base_url=url, headers=user.auth(), timeout=httpx.Timeout(600)) as client:
        with client.stream("GET", f"/runs/{run_id}/events") as response:
            for name, event in iter_sse(response):
                out.append((time.time(), {"type": "end", **event} if name == "end" else event))
                if name == "end":
                    return
                if on_event is not None:
                    on_event(event)


def _delays(seen: list[tuple[float, dict[str, Any]]]) -> dict[str, float]:
    values = sorted(t - e["ts"] for t, e in seen if "ts" in e)
    return {
        "events": len(values),
        "median_ms": round(statistics.median(values) * 1000, 1),
        "p95_ms": round(values[int(0.95 * (len(values) - 1))] * 1000, 1),
        "max_ms": round(values[-1] * 1000, 1),
    }


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--ttl", type=float, default=5.0, help="P2M_RUN_LEASE_TTL_S")
    parser.add_argument("--scan", type=float, default=1.0, help="P2M_RUN_LEASE_SCAN_S")
    parser.add_argument("--prompt", default="a red cube on a blue table")
    ns = parser.parse_args()
    base = os.environ.get("P2M_TEST_POSTGRES_URL")
    if not base:
        print("set P2M_TEST_POSTGRES_URL", file=sys.stderr)
        return 2
    name = f"p2m_bench_replicas_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(base, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    database = f"{base.rpartition('/')[0]}/{name}"
    data_dir = Path(os.environ.get("TMPDIR", "/tmp")) / name / "data"
    env = {
        "P2M_DATABASE_URL": database,
        "P2M_CHECKPOINT_URL": database,
        "P2M_RUN_LEASE_TTL_S": str(ns.ttl),
        "P2M_RUN_LEASE_SCAN_S": str(ns.scan),
    }
    a = ServeProcess(data_dir, free_port(), P2M_REPLICA_ID="replica-a", **env).start()
    b = ServeProcess(data_dir, free_port(), P2M_REPLICA_ID="replica-b", **env).start()
    try:
        user = signup_and_login(a.url, "bench")
        # 1. One run on A, watched through A and through B at once.
        run_id = user.client.post("/runs", json={"prompt": ns.prompt}).json()["id"]
        on_a: list[tuple[float, dict[str, Any]]] = []
        on_b: list[tuple[float, dict[str, Any]]] = []
        watchers = [
            threading.Thread(target=_watch, args=(user, a.url, run_id, on_a)),
            threading.Thread(target=_watch, args=(user, b.url, run_id, on_b)),
        ]
        for w in watchers:
            w.start()
        for w in watchers:
            w.join()
        # 2. A second run, A killed at a step-2 tool call, watched through B.
        run_id = user.client.post("/runs", json={"prompt": ns.prompt}).json()["id"]
        killed: list[float] = []

        def kill_at_step_two(event: dict[str, Any]) -> None:
            if not killed and event["type"] == "tool_call" and (event.get("step") or 0) >= 2:
                killed.append(time.time())
                a.kill()

        taken: list[tuple[float, dict[str, Any]]] = []
        _watch(user, b.url, run_id, taken, kill_at_step_two)
        t_kill = killed[0]
        t_over = next(t for t, e in taken if e["type"] == "taken_over")
        t_step = next(t for t, e in taken if t > t_over and e["type"] == "tool_call")
        result = {
            "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
            "settings": {"lease_ttl_s": ns.ttl, "scan_s": ns.scan, "heartbeat_s": round(ns.ttl / 3, 2)},
            "prompt": ns.prompt,
            "event_delay_stream_on_owner": _delays(on_a),
            "event_delay_stream_on_other_replica": _delays(on_b),
            "takeover": {
                "kill_to_taken_over_s": round(t_over - t_kill, 2),
                "kill_to_first_resumed_tool_call_s": round(t_step - t_kill, 2),
                "kill_to_end_s": round(taken[-1][0] - t_kill, 2),
                "end": taken[-1][1],
                "events_after_kill": sum(1 for t, _ in taken if t > t_kill),
            },
        }
    finally:
        a.stop()
        b.stop()
        with psycopg.connect(base, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    text = json.dumps(result, indent=2)
    print(text)
    (ROOT / "results").mkdir(exist_ok=True)
    (ROOT / "results" / "replicas.json").write_text(text + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
