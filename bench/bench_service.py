"""Service benchmark: N users (1, 4, 8, 16) each start a run at the same moment.

Starts ``prompt2mesh serve`` (a fresh data directory and server for every N, so earlier
workers do not count), signs N users up and logs them in, then releases all N run requests
at once through a barrier and follows each run's SSE stream to its end, ``--rounds`` times.

Two worker conditions (``--workers``): ``warm`` (log-in warms each user's worker and the
benchmark waits until all are ready before the burst) and ``cold`` (no warming: every
worker boots inside the first burst; later rounds find them running).
All users come from one address (loopback), so the per-address quotas are raised for it.

Reports per N: time to first event (the service's ``queued`` status) and to the agent's
first event (``run_started``), total run time, throughput (runs/minute over the wall time
of the burst), peak memory of the server's process tree (RSS and PSS), idle memory per
logged-in user, errors (HTTP errors, runs not ``completed``) and how often the server
logged "database is locked" (retried writes). Not a test: it writes
``bench/results/service.json`` and prints a table.

    .venv/bin/python bench/bench_service.py [--levels 1 4 8 16] [--rounds 4] [--workers warm cold]
        [--prompt "..."]
        [--postgres-url postgresql://postgres@127.0.0.1:55432/postgres]   # also on PostgreSQL
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import queue
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "benchmark password"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _tree(root: int) -> list[int]:
    """``root`` and all its descendants (from /proc)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(entry.name))
    out, todo = [], [root]
    while todo:
        pid = todo.pop()
        out.append(pid)
        todo.extend(children.get(pid, []))
    return out


def _memory(pids: list[int]) -> dict[str, int]:
    """Summed RSS and PSS (bytes) of ``pids``; PSS splits shared pages fairly."""
    rss = pss = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
                if line.startswith("Rss:"):
                    rss += int(line.split()[1]) * 1024
                elif line.startswith("Pss:"):
                    pss += int(line.split()[1]) * 1024
        except OSError:
            continue
    return {"rss": rss, "pss": pss}


class Server:
    def __init__(self, data_dir: Path, database_url: str | None = None, *, warm: bool = True) -> None:
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.log: list[str] = []
        env = {k: v for k, v in os.environ.items() if not k.startswith("P2M_")}
        env.update(
            P2M_DATA_DIR=str(data_dir),
            P2M_SECRET_KEY="bench-" + os.urandom(16).hex(),
            P2M_MAX_WORKERS="16",
            P2M_WARM_WORKER_ON_LOGIN="true" if warm else "false",
            # Every simulated user comes from 127.0.0.1.
            P2M_MAX_ACTIVE_RUNS_PER_ADDRESS="1000",
            P2M_SIGNUPS_PER_HOUR_PER_ADDRESS="1000",
        )
        if database_url:
            env["P2M_DATABASE_URL"] = database_url
        self.proc = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "prompt2mesh",
                "serve",
                "--port",
                str(self.port),
                "--log-level",
                "warning",
            ],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            start_new_session=True,
        )
        self.lines: queue.Queue[str | None] = queue.Queue()
        threading.Thread(target=self._drain, daemon=True).start()
        while (line := self.lines.get(timeout=120)) is not None:
            if "prompt2mesh serve: http" in line:
                break
        with httpx.Client(timeout=5) as client:
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                try:
                    client.get(f"{self.url}/health").raise_for_status()
                    return
                except httpx.TransportError:
                    time.sleep(0.1)
        raise RuntimeError("server did not start")

    def _drain(self) -> None:
        assert self.proc.stderr is not None
        for line in self.proc.stderr:
            self.log.append(line)
            self.lines.put(line)
        self.lines.put(None)

    def memory(self) -> dict[str, int]:
        return _memory(_tree(self.proc.pid))

    def stop(self) -> None:
        self.proc.send_signal(signal.SIGTERM)
        try:
            self.proc.wait(60)
        except subprocess.TimeoutExpired:
            os.killpg(self.proc.pid, signal.SIGKILL)


def _user(url: str, name: str) -> httpx.Client:
    client = httpx.Client(base_url=url, timeout=httpx.Timeout(600))
    client.post("/auth/signup", json={"username": name, "password": PASSWORD}).raise_for_status()
    token = client.post("/auth/login", json={"username": name, "password": PASSWORD})
    token.raise_for_status()
    client.headers["Authorization"] = f"Bearer {token.json()['access_token']}"
    return client


def _one_run(client: httpx.Client, prompt: str, barrier: threading.Barrier, out: dict[str, Any]) -> None:
    barrier.wait()
    t0 = time.perf_counter()
    out["t0"] = time.time()
    try:
        started = client.post("/runs", json={"prompt": prompt})
        if started.status_code != 202:
            out["error"] = f"POST /runs -> {started.status_code}: {started.text[:200]}"
            return
        run_id = started.json()["id"]
        with client.stream("GET", f"/runs/{run_id}/events") as response:
            name = ""
            for line in response.iter_lines():
                if line.startswith("event:"):
                    name = line[6:].strip()
                    now = time.perf_counter() - t0
                    out.setdefault("first_event_s", now)
                    if name == "run_started":
                        out.setdefault("first_agent_event_s", now)
                elif line.startswith("data:") and name == "end":
                    out["status"] = json.loads(line[5:])["status"]
                    break
        out["total_s"] = time.perf_counter() - t0
        if out.get("status") != "completed":
            reason = client.get(f"/runs/{run_id}").json().get("error") or ""
            out["error"] = f"run ended {out.get('status')}: {reason[:200]}"
    except Exception as exc:  # noqa: BLE001  every failure is counted, none stops the benchmark
        out["error"] = f"{type(exc).__name__}: {exc}"


def _stats(values: list[float]) -> dict[str, float] | None:
    if not values:
        return None
    ordered = sorted(values)
    return {
        "mean": round(statistics.fmean(ordered), 3),
        "p50": round(ordered[len(ordered) // 2], 3),
        "max": round(ordered[-1], 3),
    }


def _fresh_postgres(admin_url: str, name: str) -> str:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')
    return admin_url.rpartition("/")[0] + "/" + name


def bench_level(
    n: int, prompt: str, postgres_url: str | None = None, *, warm: bool = True, rounds: int = 1
) -> dict[str, Any]:
    database_url = _fresh_postgres(postgres_url, f"p2m_bench_{n}") if postgres_url else None
    with tempfile.TemporaryDirectory(prefix=f"p2m-bench-{n}-") as tmp:
        server = Server(Path(tmp) / "data", database_url, warm=warm)
        try:
            baseline = server.memory()
            clients = [_user(server.url, f"user{i:02d}") for i in range(n)]
            ready_t0 = time.perf_counter()
            if warm:
                # Log-in already started each worker; this waits until all are ready.
                threads = [threading.Thread(target=c.post, args=("/workers/me",)) for c in clients]
                for t in threads:
                    t.start()
                for t in threads:
                    t.join()
            workers_ready_s = time.perf_counter() - ready_t0
            idle = server.memory()
            results: list[dict[str, Any]] = []
            first_round: list[dict[str, Any]] = []
            peak = dict(idle)
            stop = threading.Event()

            def sample() -> None:
                while not stop.wait(0.25):
                    now = server.memory()
                    for key in peak:
                        peak[key] = max(peak[key], now[key])

            sampler = threading.Thread(target=sample, daemon=True)
            sampler.start()
            wall0 = time.perf_counter()
            for round_ in range(rounds):
                barrier = threading.Barrier(n)
                batch: list[dict[str, Any]] = [{} for _ in range(n)]
                runners = [
                    threading.Thread(target=_one_run, args=(clients[i], prompt, barrier, batch[i]))
                    for i in range(n)
                ]
                for t in runners:
                    t.start()
                for t in runners:
                    t.join()
                results.extend(batch)
                if round_ == 0:
                    first_round = batch
            wall = time.perf_counter() - wall0
            stop.set()
            sampler.join()
            for c in clients:
                c.close()
        finally:
            server.stop()
    errors = [r["error"] for r in results if "error" in r]
    completed = sum(r.get("status") == "completed" for r in results)
    return {
        "users": n,
        "workers": "warm" if warm else "cold",
        "rounds": rounds,
        "runs": len(results),
        "errors": len(errors),
        "database_locked_log_lines": sum("database is locked" in line for line in server.log),
        "first_round_time_to_first_agent_event_s": _stats(
            [r["first_agent_event_s"] for r in first_round if "first_agent_event_s" in r]
        ),
        "error_messages": errors[:5],
        "completed": completed,
        "time_to_first_event_s": _stats([r["first_event_s"] for r in results if "first_event_s" in r]),
        "time_to_first_agent_event_s": _stats(
            [r["first_agent_event_s"] for r in results if "first_agent_event_s" in r]
        ),
        "total_s": _stats([r["total_s"] for r in results if "total_s" in r]),
        "wall_s": round(wall, 2),
        "throughput_runs_per_min": round(completed / wall * 60, 2),
        "workers_ready_after_login_s": round(workers_ready_s, 2),
        "memory_mb": {
            "server_alone_rss": round(baseline["rss"] / 2**20, 1),
            "idle_logged_in_rss": round(idle["rss"] / 2**20, 1),
            "idle_logged_in_pss": round(idle["pss"] / 2**20, 1),
            "idle_per_user_rss": round((idle["rss"] - baseline["rss"]) / n / 2**20, 1),
            "idle_per_user_pss": round((idle["pss"] - baseline["pss"]) / n / 2**20, 1),
            "peak_rss": round(peak["rss"] / 2**20, 1),
            "peak_pss": round(peak["pss"] / 2**20, 1),
        },
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--levels", type=int, nargs="+", default=[1, 4, 8, 16])
    parser.add_argument("--rounds", type=int, default=1, help="bursts per level on one server")
    parser.add_argument("--workers", nargs="+", choices=["warm", "cold"], default=["warm", "cold"])
    parser.add_argument("--prompt", default="a red cube on a blue table")
    parser.add_argument(
        "--postgres-url", default=None, help="also run every level on a fresh PostgreSQL database"
    )
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "service.json")
    args = parser.parse_args()
    runs = []
    for database in ["sqlite"] + (["postgresql"] if args.postgres_url else []):
        levels = []
        for mode in args.workers:
            for n in args.levels:
                result = bench_level(
                    n,
                    args.prompt,
                    args.postgres_url if database == "postgresql" else None,
                    warm=mode == "warm",
                    rounds=args.rounds,
                )
                levels.append(result)
                print(database, json.dumps(result), flush=True)
        runs.append({"database": database, "levels": levels})
    report = {
        "benchmark": "service: N users start a run at the same moment against one server",
        "prompt": args.prompt,
        "provider": "offline",
        "conditions": "one server process, offline provider, all users on loopback; warm = workers "
        "started before the burst, cold = workers boot inside the first burst",
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "platform": platform.platform(),
        },
        "targets": {
            "errors_at_16_users": 0,
            "idle_memory_per_logged_in_user_mb": 350,
            "time_to_first_event_at_8_users_s": 2.0,
        },
        "runs": runs,
        "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n")
    print(
        f"{'db':>10} {'workers':>7} {'users':>5} {'runs':>4} {'errors':>6} {'locked':>6} {'first ev p50':>12} {'agent ev p50':>12} {'total p50':>9} {'runs/min':>8} {'idle MB/user (pss)':>18} {'peak MB (pss)':>13}"
    )
    for r, database in ((r, run["database"]) for run in runs for r in run["levels"]):
        print(
            f"{database:>10} {r['workers']:>7} {r['users']:>5} {r['runs']:>4} {r['errors']:>6} "
            f"{r['database_locked_log_lines']:>6} {(r['time_to_first_event_s'] or {}).get('p50', '-'):>12} "
            f"{(r['time_to_first_agent_event_s'] or {}).get('p50', '-'):>12} {(r['total_s'] or {}).get('p50', '-'):>9} "
            f"{r['throughput_runs_per_min']:>8} {r['memory_mb']['idle_per_user_pss']:>18} {r['memory_mb']['peak_pss']:>13}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
