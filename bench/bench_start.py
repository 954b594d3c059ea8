"""Benchmark of worker start-up: process start to the first ``tools/list`` answer and to the
first answer from Blender, for ``prompt2mesh mcp`` over stdio and over streamable HTTP, and for
the peer djeada/blender-mcp-server when it is installed (skipped cleanly when it is not).

Every contender is started the same way by the same minimal client (one JSON-RPC line at a
time over pipes; plain HTTP POSTs for the HTTP worker): ``initialize``, ``initialized``,
``tools/list``, then a scene-info call repeated until Blender answers it. Contenders are
alternated in blocks within one run, so load on the shared machine hits all alike.

The peer is two processes: its MCP server and its add-on inside a headless Blender
(``bench/peer_harness.py``), both started at the same instant. Install it outside the repo::

    git clone https://github.com/djeada/blender-mcp-server ~/.cache/prompt2mesh-bench-peer/src
    python3.11 -m venv ~/.cache/prompt2mesh-bench-peer/venv
    # its dependencies (mcp, pydantic, bpy) as in our venv, and its package on the path:
    echo "$PWD/.venv/lib/python3.11/site-packages" > ~/.cache/prompt2mesh-bench-peer/venv/lib/python3.11/site-packages/deps.pth
    echo ~/.cache/prompt2mesh-bench-peer/src/src > ~/.cache/prompt2mesh-bench-peer/venv/lib/python3.11/site-packages/peer.pth

Run: ``.venv/bin/python bench/bench_start.py``; writes ``bench/results/start.json``. With
``--baseline SRC`` the HTTP worker of another checkout (``git archive <commit> src``) is
alternated with the rest, to compare start and per-call cost before and after a change.
Targets: start to first tools/list <= 0.8x the peer's, start to first Blender answer <= 1.0x.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent
PEER_HOME = Path.home() / ".cache" / "prompt2mesh-bench-peer"
INITIALIZE = {
    "protocolVersion": "2025-06-18",
    "capabilities": {},
    "clientInfo": {"name": "bench", "version": "0"},
}
DEADLINE_S = 120.0
CALLS_AFTER_START = 20


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class LineClient:
    """JSON-RPC over a child's stdin/stdout, one message per line."""

    def __init__(self, proc: subprocess.Popen[bytes]) -> None:
        self.proc = proc
        self._next = 0

    def notify(self, method: str) -> None:
        self._write({"jsonrpc": "2.0", "method": method})

    def request(self, method: str, params: dict[str, Any] | None = None) -> dict[str, Any]:
        self._next += 1
        self._write({"jsonrpc": "2.0", "id": self._next, "method": method, "params": params or {}})
        assert self.proc.stdout is not None
        while True:
            line = self.proc.stdout.readline()
            if not line:
                raise RuntimeError(f"{method}: the server closed its output")
            reply = json.loads(line)
            if reply.get("id") == self._next:
                return dict(reply)

    def _write(self, message: dict[str, Any]) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write((json.dumps(message) + "\n").encode())
        self.proc.stdin.flush()


def _handshake_and_first_answer(
    request: Callable[[str, dict[str, Any] | None], dict[str, Any]],
    notify: Callable[[str], None],
    tool: str,
    started: float,
) -> dict[str, float]:
    request("initialize", INITIALIZE)
    initialized = time.perf_counter()
    notify("notifications/initialized")
    listed = request("tools/list", None)
    assert listed["result"]["tools"], listed
    tools_list = time.perf_counter()
    tries = 0
    while True:
        tries += 1
        answer = request("tools/call", {"name": tool, "arguments": {}})
        if not answer.get("result", {}).get("isError"):
            break
        if time.perf_counter() - started > DEADLINE_S:
            raise RuntimeError(f"{tool} never succeeded: {answer}")
        time.sleep(0.005)  # the peer answers "no Blender yet" at once; ask again
    blender = time.perf_counter()
    # Per-call cost once started (the same call, answered by Blender): a faster start must not
    # cost anything per call afterwards.
    durations = []
    for _ in range(CALLS_AFTER_START):
        before = time.perf_counter()
        answer = request("tools/call", {"name": tool, "arguments": {}})
        durations.append((time.perf_counter() - before) * 1000)
        assert not answer.get("result", {}).get("isError"), answer
    return {
        "initialize_ms": (initialized - started) * 1000,
        "tools_list_ms": (tools_list - started) * 1000,
        "first_blender_answer_ms": (blender - started) * 1000,
        "calls_until_blender": tries,
        "per_call_ms": statistics.median(durations),
    }


def _stop(*procs: subprocess.Popen[bytes]) -> None:
    for proc in procs:
        if proc.poll() is None:
            proc.kill()
        proc.wait(timeout=30)


_TIMELINE = re.compile(r"start-up \(ms\): (.*)")


def _timeline(log: Path) -> dict[str, float]:
    match = _TIMELINE.search(log.read_text(errors="replace"))
    if not match:
        return {}
    steps = {}
    for part in match.group(1).split(", "):
        name, _, ms = part.rpartition(" ")
        steps[name.replace(" ", "_") + "_ms"] = float(ms)
    return steps


def start_stdio(tmp: Path) -> dict[str, float]:
    log = tmp / "stdio.log"
    started = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "prompt2mesh", "mcp", "--workspace", str(tmp / "ws")],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=open(log, "wb"),  # noqa: SIM115
    )
    try:
        client = LineClient(proc)
        out = _handshake_and_first_answer(client.request, client.notify, "get_scene_info", started)
    finally:
        _stop(proc)
    return {**out, **{"worker_" + k: v for k, v in _timeline(log).items()}}


def start_http(tmp: Path, source: Path | None = None) -> dict[str, float]:
    """``source``: another checkout's ``src`` to run instead of this one (``--baseline``)."""
    import httpx

    port = _free_port()
    log = tmp / "http.log"
    env = {k: v for k, v in os.environ.items() if not k.startswith("P2M_")}
    if source is not None:
        env["PYTHONPATH"] = str(source)
    # The client is made before the clock starts: building it (an SSL context, ~0.1-0.4 s) is
    # the client's cost, not the worker's, as the stdio client's pipes are.
    http = httpx.Client(timeout=DEADLINE_S)
    started = time.perf_counter()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "prompt2mesh",
            "mcp",
            "--http",
            "--port",
            str(port),
            "--workspace",
            str(tmp / "ws"),
        ],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=open(log, "wb"),  # noqa: SIM115
        env=env,
    )
    url = f"http://127.0.0.1:{port}/mcp"
    headers = {"accept": "application/json, text/event-stream", "content-type": "application/json"}
    ids = iter(range(1, 1_000_000))
    try:
        with http:
            while True:  # what an HTTP client does: try until the port answers
                try:
                    socket.create_connection(("127.0.0.1", port), timeout=1).close()
                    break
                except OSError:
                    if proc.poll() is not None or time.perf_counter() - started > DEADLINE_S:
                        raise RuntimeError(log.read_text(errors="replace")) from None
                    time.sleep(0.005)

            def request(method: str, params: dict[str, Any] | None) -> dict[str, Any]:
                message = {"jsonrpc": "2.0", "id": next(ids), "method": method, "params": params or {}}
                reply = http.post(url, json=message, headers=headers)
                reply.raise_for_status()
                if "mcp-session-id" in reply.headers:
                    headers["mcp-session-id"] = reply.headers["mcp-session-id"]
                return _json_or_sse(reply.text)

            def notify(method: str) -> None:
                http.post(url, json={"jsonrpc": "2.0", "method": method}, headers=headers)

            out = _handshake_and_first_answer(request, notify, "get_scene_info", started)
    finally:
        _stop(proc)
    return {**out, **{"worker_" + k: v for k, v in _timeline(log).items()}}


def _json_or_sse(text: str) -> dict[str, Any]:
    if text.lstrip().startswith("{"):
        return dict(json.loads(text))
    for line in text.splitlines():
        if line.startswith("data:"):
            return dict(json.loads(line[5:]))
    raise RuntimeError(f"no message in {text[:200]!r}")


def peer_python() -> Path | None:
    python = PEER_HOME / "venv" / "bin" / "python"
    if not python.exists():
        return None
    found = subprocess.run(
        [str(python), "-c", "import blender_mcp_server.server, bpy"], capture_output=True, check=False
    )
    return python if found.returncode == 0 and (PEER_HOME / "src" / "addon").is_dir() else None


def start_peer(tmp: Path, python: Path) -> dict[str, float]:
    port = _free_port()
    # The peer's server connects to a fixed port; point it at this run's harness.
    launch = (
        "import blender_mcp_server.server as s; "
        f"s.BlenderConnection.__init__.__defaults__ = ('127.0.0.1', {port}); s.main()"
    )
    started = time.perf_counter()
    blender = subprocess.Popen(
        [str(python), str(ROOT / "peer_harness.py"), str(port), str(PEER_HOME / "src")],
        stdin=subprocess.DEVNULL,
        stdout=subprocess.DEVNULL,
        stderr=open(tmp / "peer-blender.log", "wb"),  # noqa: SIM115
    )
    server = subprocess.Popen(
        [str(python), "-c", launch],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=open(tmp / "peer-server.log", "wb"),  # noqa: SIM115
    )
    try:
        client = LineClient(server)
        return _handshake_and_first_answer(client.request, client.notify, "blender_scene_get_info", started)
    finally:
        _stop(server, blender)


def _summary(samples: list[dict[str, float]]) -> dict[str, float]:
    keys = sorted({k for s in samples for k in s})
    return {k: round(statistics.median(s[k] for s in samples if k in s), 1) for k in keys}


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--blocks", type=int, default=4, help="rounds; each starts every contender")
    parser.add_argument("--per-block", type=int, default=2, help="starts of one contender in a row")
    parser.add_argument("--output", type=Path, default=ROOT / "results" / "start.json")
    parser.add_argument(
        "--baseline",
        type=Path,
        metavar="SRC",
        help="also start the HTTP worker from this src folder (e.g. `git archive` of the commit "
        "before a change) as `http_baseline`, alternated with the others",
    )
    ns = parser.parse_args()
    python = peer_python()
    contenders: dict[str, Callable[[Path], dict[str, float]]] = {"stdio": start_stdio, "http": start_http}
    if ns.baseline is not None:
        baseline = ns.baseline.resolve()
        contenders["http_baseline"] = lambda tmp: start_http(tmp, baseline)
    if python is not None:
        contenders["peer"] = lambda tmp: start_peer(tmp, python)
    else:
        print(f"peer not installed under {PEER_HOME}: measuring prompt2mesh only", file=sys.stderr)
    samples: dict[str, list[dict[str, float]]] = {name: [] for name in contenders}
    load_before = [round(x, 2) for x in os.getloadavg()]
    names = list(contenders)
    with tempfile.TemporaryDirectory(prefix="p2m-bench-start-") as tmp_root:
        for block in range(ns.blocks):
            order = names[block % len(names) :] + names[: block % len(names)]
            for name in order:
                for i in range(ns.per_block):
                    tmp = Path(tmp_root) / f"{name}-{block}-{i}"
                    tmp.mkdir()
                    samples[name].append(contenders[name](tmp))
                    print(name, {k: round(v) for k, v in samples[name][-1].items()}, file=sys.stderr)
    summary: dict[str, Any] = {
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
        },
        "runs_per_contender": ns.blocks * ns.per_block,
        "load_average_before": load_before,
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "median": {name: _summary(s) for name, s in samples.items()},
    }
    if "peer" in samples:
        peer = summary["median"]["peer"]
        ratios = {}
        for name in [n for n in summary["median"] if n != "peer"]:
            ours = summary["median"][name]
            ratios[name] = {
                "tools_list_vs_peer": round(ours["tools_list_ms"] / peer["tools_list_ms"], 3),
                "first_blender_answer_vs_peer": round(
                    ours["first_blender_answer_ms"] / peer["first_blender_answer_ms"], 3
                ),
            }
        summary["ratios"] = ratios
        summary["targets"] = {
            "stdio_tools_list_at_most_0_8x_peer": ratios["stdio"]["tools_list_vs_peer"] <= 0.8,
            "stdio_first_blender_answer_at_most_1_0x_peer": ratios["stdio"]["first_blender_answer_vs_peer"]
            <= 1.0,
            "http_tools_list_at_most_0_8x_peer": ratios["http"]["tools_list_vs_peer"] <= 0.8,
            "http_first_blender_answer_at_most_1_0x_peer": ratios["http"]["first_blender_answer_vs_peer"]
            <= 1.0,
        }
    if "http_baseline" in summary["median"]:
        now, before = summary["median"]["http"], summary["median"]["http_baseline"]
        summary["http_vs_baseline"] = {
            key: round(now[key] / before[key], 3)
            for key in ("tools_list_ms", "first_blender_answer_ms", "per_call_ms")
        }
    ns.output.parent.mkdir(parents=True, exist_ok=True)
    ns.output.write_text(json.dumps(summary, indent=2) + "\n")
    print(json.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
