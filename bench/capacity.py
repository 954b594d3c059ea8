"""Cluster size for N concurrent users, from the measured per-worker memory and CPU.

Run: ``.venv/bin/python bench/capacity.py [--users 1000]`` after ``bench/bench_backends.py``.
Reads ``bench/results/backends.json`` (the docker figures when present, else the local ones),
writes ``bench/results/capacity.json``. The assumptions are the constants below; docs/capacity.md
explains them.
"""

from __future__ import annotations

import argparse
import json
import math
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent

ASSUMPTIONS: dict[str, Any] = {
    "active_share": 0.25,
    "active_share_why": "a quarter of logged-in users have a run or an edit going at any moment",
    "calls_per_run": 120,
    "calls_per_run_why": "13 steps x ~6 tool calls + saves, exports and inspections (seed: 13-step projects)",
    "screenshots_per_run": 20,
    "screenshots_per_run_why": "one per step and per refinement (seed: ~3 refinements per run)",
    "screenshot_cpu_s": 0.2,
    "screenshot_cpu_s_why": "bench/results/worker.json: 195 ms CPU per 512 px viewport screenshot",
    "run_minutes": 3.0,
    "run_minutes_why": "seed: 2.5-3.5 min for a 13-step project with a cloud model",
    "burst_factor": 4.0,
    "burst_factor_why": "tool calls come in bursts between model answers: size CPU for 4x the average",
    "memory_headroom": 1.25,
    "memory_headroom_why": "larger scenes than the benchmark's and renders near the 2 GiB limit",
    "node": {"vcpu": 16, "memory_gib": 64, "allocatable": 0.9, "max_pods": 110},
    "node_why": "a common 16 vCPU / 64 GiB machine; 10% kept for the kubelet and system; 110 pods per node default",
    "service_nodes": 2,
    "service_nodes_why": "service replicas and PostgreSQL on their own two nodes",
}


def plan(measured: dict[str, Any], users: int, a: dict[str, Any]) -> dict[str, Any]:
    idle_mib = measured["idle"]["pss_mib"]
    active_mib = measured["after_session"]["peak_rss_mib"]
    session = measured["session"]
    cpu_per_call = max(0.0, session["worker_cpu_s"] - 0.2) / max(1, session["calls"] - 1)
    run_cpu_s = a["calls_per_run"] * cpu_per_call + a["screenshots_per_run"] * a["screenshot_cpu_s"]
    active_cores = run_cpu_s / (a["run_minutes"] * 60)

    active = math.ceil(users * a["active_share"])
    idle = users - active
    memory_gib = (active * active_mib + idle * idle_mib) * a["memory_headroom"] / 1024
    cores = active * active_cores * a["burst_factor"]
    node = a["node"]
    by_memory = math.ceil(memory_gib / (node["memory_gib"] * node["allocatable"]))
    by_cpu = math.ceil(cores / (node["vcpu"] * node["allocatable"]))
    by_pods = math.ceil(users / node["max_pods"])
    worker_nodes = max(by_memory, by_cpu, by_pods)
    return {
        "users": users,
        "measured": {
            "idle_worker_pss_mib": idle_mib,
            "active_worker_peak_rss_mib": active_mib,
            "cpu_s_per_tool_call": round(cpu_per_call, 4),
            "cold_start_cpu_s": measured["idle"]["cpu_s"],
        },
        "derived": {
            "run_cpu_s": round(run_cpu_s, 1),
            "active_worker_cores": round(active_cores, 3),
            "active_users": active,
            "idle_users": idle,
            "worker_memory_gib": round(memory_gib, 1),
            "worker_cores": round(cores, 1),
            "pod_requests": {
                "cpu_m": max(50, math.ceil(1000 * cores / users)),
                "memory_mib": math.ceil(memory_gib * 1024 / users),
            },
        },
        "nodes": {
            "by_memory": by_memory,
            "by_cpu": by_cpu,
            "by_pod_count": by_pods,
            "worker_nodes": worker_nodes,
            "service_nodes": a["service_nodes"],
            "total": worker_nodes + a["service_nodes"],
        },
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--users", type=int, default=1000)
    args = parser.parse_args()
    results = json.loads((HERE / "results" / "backends.json").read_text())
    source = "docker" if "idle" in results.get("docker", {}) else "local"
    out = {"source": source, "assumptions": ASSUMPTIONS, **plan(results[source], args.users, ASSUMPTIONS)}
    (HERE / "results" / "capacity.json").write_text(json.dumps(out, indent=2) + "\n")
    print(json.dumps(out, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
