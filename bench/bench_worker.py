"""Benchmark of the Blender MCP worker: protocol overhead, screenshot cost, start-up, idle memory.

Run: ``.venv/bin/python bench/bench_worker.py``. Prints a JSON summary and writes it to
``bench/results/worker.json``. The in-process baseline runs in a separate Python process
(``--in-process``) so that its Blender is as fresh as the worker's.

Targets: MCP overhead < 2 ms per call, screenshot <= 1.2x a bare render, worker ready < 1.5 s,
idle worker RSS < 350 MB.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent
OBJECTS = 100
REPEATS = 30
SHOTS = 10
STARTS = 5


def _median_ms(samples: list[float]) -> float:
    return round(statistics.median(samples) * 1000, 3)


def _scene_calls() -> list[tuple[str, dict[str, Any]]]:
    return [
        (
            "create_primitive",
            {"kind": "cube", "name": f"Obj{i}", "size": 0.5, "location": [i % 10, i // 10, 0.25]},
        )
        for i in range(OBJECTS)
    ]


# --- in-process baseline (separate process) -----------------------------------------------------
def in_process(workspace: Path) -> dict[str, Any]:
    """Time the same tool functions called directly, plus a bare render for the screenshot."""
    from prompt2mesh.blender.registry import all_tools
    from prompt2mesh.blender.runtime import Worker, WorkerConfig

    worker = Worker(WorkerConfig(workspace=workspace))
    tools = all_tools()

    def call(tool_name: str, /, **args: Any) -> Any:
        spec = tools[tool_name]
        if spec.mutates:
            worker.before_mutation(tool_name)
        return spec.func(worker, **args)

    call("new_scene")
    for name, args in _scene_calls():
        call(name, **args)
    call("get_scene_info")  # warm-up
    cpu = _cpu_s()
    info = [_timed(lambda: call("get_scene_info")) for _ in range(REPEATS)]
    info_cpu = (_cpu_s() - cpu) / REPEATS
    cpu = _cpu_s()
    create_transform = [
        _timed(lambda i=i: call("create_primitive", kind="cube", name=f"New{i}", location=[0, 0, 5]))
        + _timed(lambda i=i: call("set_transform", name=f"New{i}", location=[1, 1, 5]))
        for i in range(REPEATS)
    ]
    create_transform_cpu = (_cpu_s() - cpu) / REPEATS
    snapshots = [_timed(lambda: worker.history.snapshot("bench")) for _ in range(REPEATS)]
    undos = [_timed(lambda: worker.history.undo(1)) for _ in range(REPEATS // 2)]
    shots, bare, shots_cpu, bare_cpu = _screenshot_vs_bare(
        workspace, lambda: call("get_viewport_screenshot", max_size=512)
    )
    return {
        "get_scene_info_ms": _median_ms(info),
        "get_scene_info_cpu_ms": round(info_cpu * 1000, 3),
        "create_transform_ms": _median_ms(create_transform),
        "create_transform_cpu_ms": round(create_transform_cpu * 1000, 3),
        "undo_snapshot_ms": _median_ms(snapshots),
        "undo_restore_ms": _median_ms(undos),
        "screenshot_ms": _median_ms(shots),
        "bare_render_ms": _median_ms(bare),
        "screenshot_cpu_ms": _median_ms(shots_cpu),
        "bare_render_cpu_ms": _median_ms(bare_cpu),
    }


def _cpu_s() -> float:
    """CPU time of this process, all threads (the renderer is multi-threaded)."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _screenshot_vs_bare(
    workspace: Path, screenshot: Callable[[], Any]
) -> tuple[list[float], list[float], list[float], list[float]]:
    """Alternate the tool and a bare Workbench render of the same view (same size, same camera
    placement), so load changes on a shared machine hit both alike. Wall and CPU times."""
    import bpy
    from mathutils import Vector

    from prompt2mesh.blender.tools.scene import bounds_corners, frame, shape_objects

    scene = bpy.context.scene
    camera = bpy.data.objects.new("BenchCamera", bpy.data.cameras.new("BenchCamera"))
    frame(camera, bounds_corners(shape_objects()), Vector((1, -1, 0.7)), 1.15)
    path = workspace / "bare.png"

    def bare() -> None:
        # What a script would do by hand: the scene as it is plus a camera, one render, one file.
        scene.collection.objects.link(camera)
        scene.camera = camera
        scene.render.engine = "BLENDER_WORKBENCH"
        scene.render.resolution_x, scene.render.resolution_y = 512, 288
        scene.render.filepath = str(path)
        bpy.ops.render.render(write_still=True)
        path.read_bytes()
        scene.camera = None
        scene.collection.objects.unlink(camera)

    screenshot()  # warm-up: the first render initialises the GPU context
    bare()
    walls: dict[str, list[float]] = {"shot": [], "bare": []}
    cpus: dict[str, list[float]] = {"shot": [], "bare": []}
    for _ in range(SHOTS):
        for key, func in (("shot", screenshot), ("bare", bare)):
            started, cpu = time.perf_counter(), _cpu_s()
            func()
            walls[key].append(time.perf_counter() - started)
            cpus[key].append(_cpu_s() - cpu)
    return walls["shot"], walls["bare"], cpus["shot"], cpus["bare"]


def _timed(func: Callable[[], Any]) -> float:
    started = time.perf_counter()
    func()
    return time.perf_counter() - started


# --- through MCP stdio ------------------------------------------------------------------------
def _child() -> Path | None:
    """/proc entry of this process's worker child (the only child running `prompt2mesh mcp`)."""
    me = str(os.getpid())
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except OSError:
            continue
        if stat.rsplit(")", 1)[1].split()[1] == me and b"mcp" in cmdline:
            return entry
    return None


def _child_rss_mb() -> float | None:
    entry = _child()
    if entry is None:
        return None
    for line in (entry / "status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return round(int(line.split()[1]) / 1024, 1)
    return None


def _both_cpu_s() -> float:
    """CPU seconds of this process (the MCP client) plus the worker child (utime + stime)."""
    entry = _child()
    fields = (entry / "stat").read_text().rsplit(")", 1)[1].split() if entry else []
    worker = (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK") if fields else 0.0
    return _cpu_s() + worker


async def through_mcp(workspace: Path) -> dict[str, Any]:
    from prompt2mesh.workers.session import open_local_worker

    starts = []
    for i in range(STARTS):
        started = time.perf_counter()
        async with open_local_worker(workspace / f"start{i}") as session:
            first = await session.call("get_scene_info", {})
            assert first.ok, first.error
            starts.append(time.perf_counter() - started)
    async with open_local_worker(workspace / "main") as session:
        await session.call("get_scene_info", {})
        idle_rss = _child_rss_mb()
        await session.call("new_scene", {})
        for name, args in _scene_calls():
            result = await session.call(name, args)
            assert result.ok, result.error
        await session.call("get_scene_info", {})
        info, create_transform, shots, trivial = [], [], [], []
        for _ in range(REPEATS):
            started = time.perf_counter()
            result = await session.call("get_history", {})
            trivial.append(time.perf_counter() - started)
        cpu = _both_cpu_s()
        for _ in range(REPEATS):
            started = time.perf_counter()
            result = await session.call("get_scene_info", {})
            info.append(time.perf_counter() - started)
            assert result.ok and result.result["total"] == OBJECTS, result.error
        info_cpu = (_both_cpu_s() - cpu) / REPEATS
        cpu = _both_cpu_s()
        for i in range(REPEATS):
            started = time.perf_counter()
            created = await session.call(
                "create_primitive", {"kind": "cube", "name": f"New{i}", "location": [0, 0, 5]}
            )
            moved = await session.call("set_transform", {"name": f"New{i}", "location": [1, 1, 5]})
            create_transform.append(time.perf_counter() - started)
            assert created.ok and moved.ok, (created.error, moved.error)
        create_transform_cpu = (_both_cpu_s() - cpu) / REPEATS
        await session.call("get_viewport_screenshot", {"max_size": 512})
        for _ in range(SHOTS):
            started = time.perf_counter()
            shot = await session.call("get_viewport_screenshot", {"max_size": 512})
            shots.append(time.perf_counter() - started)
            assert shot.ok and shot.images, shot.error
        loaded_rss = _child_rss_mb()
    return {
        "start_to_first_answer_ms": _median_ms(starts),
        "idle_rss_mb": idle_rss,
        "rss_after_100_objects_and_screenshots_mb": loaded_rss,
        "trivial_call_ms": _median_ms(trivial),
        "trivial_call_min_ms": round(min(trivial) * 1000, 3),
        "get_scene_info_ms": _median_ms(info),
        "get_scene_info_cpu_ms": round(info_cpu * 1000, 3),
        "create_transform_ms": _median_ms(create_transform),
        "create_transform_cpu_ms": round(create_transform_cpu * 1000, 3),
        "screenshot_ms": _median_ms(shots),
    }


def start_breakdown() -> dict[str, float]:
    """Where the worker's start-up goes: median wall time of each import in a fresh interpreter."""
    probes = {
        "python_ms": "pass",
        "import_bpy_ms": "import bpy",
        "import_fastmcp_ms": "import mcp.server.fastmcp",
        "cli_parser_ms": "from prompt2mesh.cli import build_parser; build_parser()",
        "build_server_ms": (
            "from pathlib import Path; import tempfile\n"
            "from prompt2mesh.blender.runtime import WorkerConfig\n"
            "from prompt2mesh.blender.server import build_server\n"
            "build_server(WorkerConfig(workspace=Path(tempfile.mkdtemp())))"
        ),
    }
    out = {}
    for key, code in probes.items():
        samples = []
        for _ in range(3):
            started = time.perf_counter()
            subprocess.run([sys.executable, "-c", code], check=True, capture_output=True)
            samples.append(time.perf_counter() - started)
        out[key] = _median_ms(samples)
    return out


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--in-process", metavar="WORKSPACE", help=argparse.SUPPRESS)
    parser.add_argument("--output", type=Path, default=ROOT / "results" / "worker.json")
    ns = parser.parse_args()
    if ns.in_process:
        print(json.dumps(in_process(Path(ns.in_process))))
        return 0
    with tempfile.TemporaryDirectory(prefix="p2m-bench-") as tmp:
        workspace = Path(tmp)
        baseline_run = subprocess.run(
            [sys.executable, __file__, "--in-process", str(workspace / "inproc")],
            capture_output=True,
            text=True,
            check=True,
        )
        baseline = json.loads(baseline_run.stdout.strip().splitlines()[-1])
        mcp = asyncio.run(through_mcp(workspace))
    breakdown = start_breakdown()
    overhead_info = mcp["get_scene_info_ms"] - baseline["get_scene_info_ms"]
    # create+transform is two MCP calls, so its overhead is per pair.
    overhead_pair = mcp["create_transform_ms"] - baseline["create_transform_ms"]
    screenshot_ratio = baseline["screenshot_ms"] / baseline["bare_render_ms"]
    screenshot_cpu_ratio = baseline["screenshot_cpu_ms"] / baseline["bare_render_cpu_ms"]
    summary = {
        "machine": {
            "python": platform.python_version(),
            "cpus": os.cpu_count(),
            "platform": platform.platform(),
        },
        "scene_objects": OBJECTS,
        "mcp": mcp,
        "in_process": baseline,
        "start_breakdown": breakdown,
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "derived": {
            "mcp_overhead_get_scene_info_ms": round(overhead_info, 3),
            "mcp_overhead_per_call_create_transform_ms": round(overhead_pair / 2, 3),
            "mcp_cpu_overhead_get_scene_info_ms": round(
                mcp["get_scene_info_cpu_ms"] - baseline["get_scene_info_cpu_ms"], 3
            ),
            "mcp_cpu_overhead_per_call_create_transform_ms": round(
                (mcp["create_transform_cpu_ms"] - baseline["create_transform_cpu_ms"]) / 2, 3
            ),
            "mcp_ratio_get_scene_info": round(mcp["get_scene_info_ms"] / baseline["get_scene_info_ms"], 3),
            "screenshot_vs_bare_render_ratio": round(screenshot_ratio, 3),
            "screenshot_vs_bare_render_cpu_ratio": round(screenshot_cpu_ratio, 3),
            "mcp_screenshot_vs_bare_render_ratio": round(
                mcp["screenshot_ms"] / baseline["bare_render_ms"], 3
            ),
        },
        "targets": {
            "mcp_overhead_below_2ms": max(overhead_info, overhead_pair / 2) < 2.0,
            "mcp_cpu_overhead_below_2ms": max(
                mcp["get_scene_info_cpu_ms"] - baseline["get_scene_info_cpu_ms"],
                (mcp["create_transform_cpu_ms"] - baseline["create_transform_cpu_ms"]) / 2,
            )
            < 2.0,
            "screenshot_within_1_2x_bare_render": screenshot_ratio <= 1.2,
            "screenshot_cpu_within_1_2x_bare_render": screenshot_cpu_ratio <= 1.2,
            "worker_ready_below_1_5s": mcp["start_to_first_answer_ms"] < 1500,
            "idle_worker_below_350mb": (mcp["idle_rss_mb"] or 1e9) < 350,
        },
    }
    ns.output.parent.mkdir(parents=True, exist_ok=True)
    ns.output.write_text(json.dumps(summary, indent=2) + "\n")
    print(json.dumps(summary, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
