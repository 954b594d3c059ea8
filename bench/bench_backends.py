"""Worker start time, memory and CPU per backend (local process, docker container).

Run: ``.venv/bin/python bench/bench_backends.py [--starts 3] [--parallel 4]``. Writes
``bench/results/backends.json``. Through each backend's WorkerManager, as the service uses it:

- cold start: ``acquire`` of a user without a worker until the first tool answer;
- parallel start: ``--parallel`` users acquiring at once, until the last one answers;
- memory: the worker process's PSS and peak RSS when idle after start, and after a typical
  modelling session (~30 tool calls, a viewport screenshot, a glb export);
- CPU: the worker's CPU seconds for that session (user + system).

The docker backend runs workers from the test image (``tests/docker_worker_image.py``: Debian
minbase with this checkout's venv mounted read-only) unless ``P2M_TEST_WORKER_IMAGE`` names
the project image. Kubernetes is measured only against a real cluster, which this benchmark
does not create.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import platform
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests"))

from prompt2mesh.workers.base import WorkerManager  # noqa: E402
from prompt2mesh.workers.local import LocalWorkerManager  # noqa: E402

SESSION: list[tuple[str, dict[str, Any]]] = [
    ("get_scene_info", {}),
    *[
        ("create_primitive", {"kind": kind, "name": f"P{i}", "location": [i * 1.5, 0, 0.5]})
        for i, kind in enumerate(["cube", "uv_sphere", "cylinder", "cone", "torus"] * 4)
    ],
    *[
        ("create_material", {"name": f"M{i}", "color": "#aa3322", "roughness": 0.4, "assign_to": [f"P{i}"]})
        for i in range(5)
    ],
    ("get_viewport_screenshot", {}),
    ("export_scene", {"format": "glb", "filename": "runs/bench/scene.glb"}),
    ("save_blend", {"filename": "runs/bench/scene.blend"}),
]


def _proc(pid: int) -> dict[str, float]:
    """PSS, peak RSS (MiB) and CPU seconds of one process (Linux /proc)."""
    out: dict[str, float] = {}
    for line in Path(f"/proc/{pid}/smaps_rollup").read_text().splitlines():
        if line.startswith("Pss:"):
            out["pss_mib"] = round(int(line.split()[1]) / 1024, 1)
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            out["peak_rss_mib"] = round(int(line.split()[1]) / 1024, 1)
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    out["cpu_s"] = round((int(fields[11]) + int(fields[12])) / ticks, 2)
    return out


async def _worker_pid(manager: WorkerManager, user: str) -> int:
    from prompt2mesh.workers.docker import DockerWorkerManager

    if isinstance(manager, DockerWorkerManager):
        details = await manager.engine.inspect_container(manager.container_name(user))
        assert details is not None
        return int(details["State"]["Pid"])
    pid = manager.info(user).pid
    assert pid is not None
    return pid


async def _cold_start(manager: WorkerManager, user: str) -> float:
    started = time.perf_counter()
    async with manager.lease(user) as handle:
        answered = await handle.runner.call("get_scene_info", {})
        assert answered.ok, answered.error
    return time.perf_counter() - started


async def measure(manager: WorkerManager, starts: int, parallel: int) -> dict[str, Any]:
    await manager.start()
    try:
        cold = []
        for i in range(starts):
            cold.append(await _cold_start(manager, f"bench-{i}"))
            await manager.stop_worker(f"bench-{i}")
        started = time.perf_counter()
        await asyncio.gather(*(_cold_start(manager, f"par-{i}") for i in range(parallel)))
        parallel_s = time.perf_counter() - started
        for i in range(parallel):
            await manager.stop_worker(f"par-{i}")

        async with manager.lease("session") as handle:
            assert (await handle.runner.call("get_scene_info", {})).ok
            pid = await _worker_pid(manager, "session")
            idle = _proc(pid)
            began = time.perf_counter()
            failed = [t for t, a in SESSION if not (await handle.runner.call(t, a)).ok]
            session_s = time.perf_counter() - began
            after = _proc(pid)
        await manager.stop_worker("session")
        return {
            "cold_start_s": {
                "median": round(statistics.median(cold), 2),
                "min": round(min(cold), 2),
                "max": round(max(cold), 2),
                "samples": [round(c, 2) for c in cold],
            },
            f"parallel_start_{parallel}_s": round(parallel_s, 2),
            "idle": idle,
            "after_session": after,
            "session": {
                "calls": len(SESSION),
                "failed_calls": failed,
                "wall_s": round(session_s, 2),
                "worker_cpu_s": round(after["cpu_s"] - idle["cpu_s"], 2),
            },
        }
    finally:
        await manager.shutdown()


async def main_async(args: argparse.Namespace) -> dict[str, Any]:
    results: dict[str, Any] = {
        "machine": {
            "cpus": os.cpu_count(),
            "python": platform.python_version(),
            "load_1m": os.getloadavg()[0],
        },
        "conditions": "a shared 2-core machine with other work running; medians of --starts cold starts",
    }
    with tempfile.TemporaryDirectory(prefix="p2m-bench-backends-") as tmp:
        local = LocalWorkerManager(Path(tmp) / "local", max_workers=args.parallel + 2, start_timeout_s=180)
        results["local"] = await measure(local, args.starts, args.parallel)
        print(json.dumps({"local": results["local"]}, indent=1), flush=True)

        from docker_worker_image import docker_available, worker_image

        if docker_available():
            from prompt2mesh.workers.docker import DockerWorkerManager

            image = await asyncio.to_thread(worker_image)
            docker = DockerWorkerManager(
                Path(tmp) / "docker",
                image=image.image,
                command=image.command,
                mounts=image.mounts,
                prefix="p2m-backends-bench",
                cpus=2.0,
                memory_mb=2048,
                max_workers=args.parallel + 2,
                start_concurrency=args.parallel,
                start_timeout_s=180,
            )
            try:
                results["docker"] = await measure(docker, args.starts, args.parallel)
                results["docker"]["image"] = image.image
                results["docker"]["limits"] = {"cpus": docker.cpus, "memory_mib": docker.memory_mb}
            finally:
                for user in ["session", *(f"bench-{i}" for i in range(args.starts))] + [
                    f"par-{i}" for i in range(args.parallel)
                ]:
                    await docker._delete_volume(user)
                await docker.engine.aclose()
        else:
            results["docker"] = {"skipped": "no Docker engine answers"}
    results["kubernetes"] = {"skipped": "no real cluster reachable; see docs/capacity.md for the pod sizing"}
    return results


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--starts", type=int, default=3)
    parser.add_argument("--parallel", type=int, default=4)
    args = parser.parse_args()
    results = asyncio.run(main_async(args))
    out = HERE / "results" / "backends.json"
    out.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps(results, indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
