"""Benchmark of the HTTP worker's cost per call once started, against another checkout's.

Two ``prompt2mesh mcp --http`` workers run side by side: this checkout's and the one under
``--baseline SRC`` (e.g. ``git archive <commit> src`` of the commit before a change, run with
this venv). Each gets one session, opened while it starts (so on this checkout the session is
the one the start-up front opened and handed over), and its first call waits for Blender. Then
both answer the same scene-info call in alternated rounds, so load on the shared machine hits
both alike.

Run: ``.venv/bin/python bench/bench_http_calls.py --baseline SRC``; writes
``bench/results/http_calls.json``.
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
from bench_start import INITIALIZE, ROOT, _free_port, _json_or_sse

HEADERS = {"accept": "application/json, text/event-stream", "content-type": "application/json"}


class Worker:
    """One HTTP worker and one session on it."""

    def __init__(self, tmp: Path, source: Path | None) -> None:
        self.port = _free_port()
        env = {k: v for k, v in os.environ.items() if not k.startswith("P2M_")}
        if source is not None:
            env["PYTHONPATH"] = str(source)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "prompt2mesh", "mcp", "--http", "--port", str(self.port)]
            + ["--workspace", str(tmp / "ws")],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=open(tmp / "worker.log", "wb"),  # noqa: SIM115
        )
        self.url = f"http://127.0.0.1:{self.port}/mcp"
        self.http = httpx.Client(timeout=120)
        self.headers = dict(HEADERS)

    def open(self) -> None:
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.01)
        opened = self.http.post(
            self.url,
            json={"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": INITIALIZE},
            headers=self.headers,
        )
        self.headers["mcp-session-id"] = opened.headers["mcp-session-id"]
        self.http.post(
            self.url, json={"jsonrpc": "2.0", "method": "notifications/initialized"}, headers=self.headers
        )
        self.call()  # waits for Blender

    def call(self) -> float:
        message = {
            "jsonrpc": "2.0",
            "id": 1,
            "method": "tools/call",
            "params": {"name": "get_scene_info", "arguments": {}},
        }
        started = time.perf_counter()
        reply = self.http.post(self.url, json=message, headers=self.headers)
        elapsed = (time.perf_counter() - started) * 1000
        answer: dict[str, Any] = _json_or_sse(reply.text)
        assert answer["result"]["isError"] is False, answer
        return elapsed

    def stop(self) -> None:
        self.http.close()
        self.proc.kill()
        self.proc.wait(timeout=30)


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--baseline", type=Path, required=True, metavar="SRC")
    parser.add_argument("--rounds", type=int, default=12)
    parser.add_argument("--calls", type=int, default=40, help="calls per worker per round")
    parser.add_argument("--output", type=Path, default=ROOT / "results" / "http_calls.json")
    ns = parser.parse_args()
    load_before = [round(x, 2) for x in os.getloadavg()]
    with tempfile.TemporaryDirectory(prefix="p2m-bench-http-calls-") as tmp:
        workers = {}
        for name, source in (("http", None), ("http_baseline", ns.baseline.resolve())):
            (Path(tmp) / name).mkdir()
            workers[name] = Worker(Path(tmp) / name, source)
        try:
            for worker in workers.values():
                worker.open()
            samples: dict[str, list[float]] = {name: [] for name in workers}
            for round_ in range(ns.rounds):
                order = list(workers) if round_ % 2 == 0 else list(workers)[::-1]
                for name in order:
                    samples[name] += [workers[name].call() for _ in range(ns.calls)]
        finally:
            for worker in workers.values():
                worker.stop()
    summary: dict[str, Any] = {
        "calls_per_worker": ns.rounds * ns.calls,
        "load_average_before": load_before,
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "get_scene_info_ms": {
            name: {
                "median": round(statistics.median(values), 2),
                "p25": round(statistics.quantiles(values, n=4)[0], 2),
                "p75": round(statistics.quantiles(values, n=4)[2], 2),
            }
            for name, values in samples.items()
        },
    }
    summary["median_vs_baseline"] = round(
        summary["get_scene_info_ms"]["http"]["median"]
        / summary["get_scene_info_ms"]["http_baseline"]["median"],
        3,
    )
    ns.output.parent.mkdir(parents=True, exist_ok=True)
    ns.output.write_text(json.dumps(summary, indent=2) + "\n")
    print(json.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
