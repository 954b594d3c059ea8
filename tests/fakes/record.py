"""Record a scenario of :mod:`fakes.scenarios` against a relay and compile it into a cassette.

    cd tests && ../.venv/bin/python -m fakes.record make  http://127.0.0.1:8781/v1 /work/relay/make

runs the scenario with a real worker (a fresh Blender, its workspace in a temporary folder)
and the model behind the relay (answers may take minutes: the model timeout is an hour), then
writes ``tests/cassettes/<scenario's cassette>.json`` from the relay folder's req/resp pairs.
Start the relay first: ``python3 ../shared/tools/llm_relay.py /work/relay/make 8781``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import threading
import time
from pathlib import Path

from fakes.cassette import compile_recording
from fakes.scenarios import (
    EDIT_JUDGE_RECORD_SIZE,
    EDIT_SCREENSHOT_SIZE,
    EDIT_SESSIONS,
    RECORD_SCREENSHOT_SIZE,
    TREE_EDITS,
    Place,
    build_room,
    cli_env,
    edit_session,
    is_kill_point,
    kill,
    make_settings,
    make_tree,
    model_settings,
    resume,
    start_make,
    tree_edit_session,
)
from prompt2mesh.workers.blocking import BlockingWorker

CASSETTES = Path(__file__).resolve().parents[1] / "cassettes"


def _write(folder: Path, name: str, first: int = 1, last: int | None = None) -> Path:
    out = CASSETTES / f"{name}.json"
    cassette = compile_recording(folder, first, last)
    out.write_text(json.dumps(cassette, indent=1, ensure_ascii=False) + "\n")
    print(f"{out}: {len(cassette['exchanges'])} exchanges")
    return out


def _numbers(folder: Path) -> list[int]:
    return sorted(int(p.name[4:-5]) for p in folder.glob("req-*.json"))


async def _record_make(base_url: str, relay_dir: Path, work: Path) -> None:
    from async_worker import AsyncWorker

    settings = make_settings(base_url, work / "data", screenshot_size=RECORD_SCREENSHOT_SIZE, timeout_s=3600)
    first = max(_numbers(relay_dir), default=0) + 1
    with BlockingWorker(work / "workspace", timeout_s=600) as worker:
        runner = AsyncWorker(worker)
        report = await make_tree(runner, settings, Place(work / "out", "make/"))
        print(json.dumps({k: report[k] for k in ("status", "error", "totals")}, indent=1), flush=True)
        _write(relay_dir, "christmas_tree_make", first)
        session = tree_edit_session(
            runner, settings, work / "workspace" / "make", "make/", EDIT_JUDGE_RECORD_SIZE
        )
        for i, command in enumerate(TREE_EDITS, 1):
            first = max(_numbers(relay_dir), default=0) + 1
            outcome = await session.handle(command)
            print(f"{command!r}: {outcome.status} {outcome.message}", flush=True)
            _write(relay_dir, f"christmas_tree_edit{i}", first)


def _record_resume(base_url: str, relay_dir: Path, work: Path) -> None:
    """A make SIGKILLed at :func:`is_kill_point`, then resumed: two cassettes (before, after)."""
    env = cli_env(base_url, work / "data", screenshot_size=RECORD_SCREENSHOT_SIZE, timeout_s=3600)
    first = max(_numbers(relay_dir), default=0) + 1  # the relay numbers on from what it holds
    make = start_make(env, work / "out")
    log: list[str] = []
    assert make.stderr is not None
    threading.Thread(target=lambda: log.extend(make.stderr or []), daemon=True).start()
    held = None
    while held is None:
        if make.poll() is not None:
            raise SystemExit("the make ended before the kill point:\n" + "".join(log))
        for n in _numbers(relay_dir):
            if n >= first and is_kill_point(json.loads((relay_dir / f"req-{n}.json").read_text())):
                held = n
                break
        time.sleep(0.2)
    print(f"request {held} is the kill point: SIGKILL -> {kill(make)}")
    print("".join(log))
    resumed = resume(env, timeout_s=4 * 3600)
    print(resumed.stdout[-3000:], resumed.stderr[-3000:])
    while not (relay_dir / f"resp-{held}.json").exists():  # the model answers it all the same
        time.sleep(1)
    _write(relay_dir, "killed_make_before", first, held)
    _write(relay_dir, "killed_make_resumed", held + 1)


async def _record_edits(base_url: str, relay_dir: Path, work: Path, names: list[str]) -> None:
    """Each edit session from a fresh room; one cassette per session (``edits_<name>.json``)."""
    from async_worker import AsyncWorker

    settings = model_settings(base_url, work / "data", screenshot_size=EDIT_SCREENSHOT_SIZE, timeout_s=3600)
    with BlockingWorker(work / "workspace", timeout_s=600) as worker:
        runner = AsyncWorker(worker)
        for name in names:
            first = max(_numbers(relay_dir), default=0) + 1
            await build_room(runner)
            session = edit_session(runner, settings, work / name, f"{name}/")
            for command in EDIT_SESSIONS[name]:
                outcome = await session.handle(command)
                actions = [
                    (op.action, op.target) for op in (outcome.taskspec.operations if outcome.taskspec else [])
                ]
                print(f"{command!r}: {outcome.status} {actions} {outcome.message}", flush=True)
            _write(relay_dir, f"edits_{name}", first)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("scenario", choices=["make", "resume", "edits"])
    parser.add_argument("base_url", help="the relay's /v1 URL")
    parser.add_argument("relay_dir", type=Path, help="the relay's folder (req-N.json, resp-N.json)")
    parser.add_argument("--session", action="append", help="edits: only these sessions (default: all)")
    parser.add_argument("--keep", type=Path, help="keep the run's files here (default: a temporary folder)")
    ns = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="p2m-record-") as tmp:
        work = ns.keep or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        if ns.scenario == "make":
            asyncio.run(_record_make(ns.base_url, ns.relay_dir, work))
        elif ns.scenario == "resume":
            _record_resume(ns.base_url, ns.relay_dir, work)
        elif ns.scenario == "edits":
            names = ns.session or list(EDIT_SESSIONS)
            asyncio.run(_record_edits(ns.base_url, ns.relay_dir, work, names))
    return 0


if __name__ == "__main__":
    sys.exit(main())
