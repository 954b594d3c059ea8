"""``prompt2mesh edit`` (one command, typed or spoken) and ``prompt2mesh chat`` (a loop)."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from prompt2mesh.agent.editing.errors import EditError, NoSceneToEdit
from prompt2mesh.agent.editing.pipeline import CommandOutcome, EditSession, SessionFiles


@asynccontextmanager
async def open_scene_session(scene_dir: Path, provider: str | None) -> AsyncIterator[EditSession]:
    """A worker on ``scene_dir`` with its scene.blend loaded, and the session's history.

    Raises:
        NoSceneToEdit: the folder has no scene.blend.
    """
    from prompt2mesh.agent.editing.factory import make_evaluator, make_translator
    from prompt2mesh.config import Settings, get_settings
    from prompt2mesh.workers.session import open_local_worker

    if not (scene_dir / "scene.blend").is_file():
        raise NoSceneToEdit(
            f'{scene_dir} has no scene.blend; build one first: prompt2mesh make "..." --out {scene_dir}'
        )
    settings: Settings = get_settings()
    if provider:
        settings = settings.model_copy(update={"provider": provider})
    async with open_local_worker(
        scene_dir.resolve(),
        allow_code=settings.worker_allow_code,
        timeout_s=settings.tool_timeout_s,
        extra_args=settings.worker_limit_args(),
    ) as runner:
        opened = await runner.call("open_blend", {"filename": "scene.blend"})
        if not opened.ok:
            raise NoSceneToEdit(f"could not open {scene_dir / 'scene.blend'}: {opened.error}")
        yield EditSession(
            runner,
            SessionFiles(folder=scene_dir.resolve()),
            make_translator(settings, runner),
            evaluator=make_evaluator(settings, runner),
            screenshot_size=settings.screenshot_size,
        )


def _append_to_report(scene_dir: Path, outcome: CommandOutcome) -> None:
    report_path = scene_dir / "report.json"
    report: dict[str, Any] = json.loads(report_path.read_text()) if report_path.exists() else {}
    report.setdefault("edits", []).append(outcome.to_dict())
    tmp = report_path.with_suffix(".tmp")
    tmp.write_text(json.dumps(report, indent=2))
    tmp.replace(report_path)


def _show(outcome: CommandOutcome, out: Callable[[str], None] = print) -> None:
    spec = outcome.taskspec
    if spec is not None:
        ops = ", ".join(f"{o.action}({o.target or '-'})" for o in spec.operations) or "none"
        out(
            f"understood: {spec.task_type} · targets {spec.target_objects or '-'} · {ops} · confidence {spec.confidence:.2f}"
        )
    if outcome.evaluation:
        ev = outcome.evaluation
        done = "carried out" if ev.get("carried_out") else "NOT carried out"
        out(
            f"evaluation: {done}, match {ev['match_score']:.0%} after {outcome.attempts} attempt(s)"
            + (f" · issues: {'; '.join(ev['issues'])}" if ev["issues"] else "")
        )
    out(f"{outcome.status}: {outcome.message}")


EXIT_BY_STATUS = {"applied": 0, "answered": 0, "undone": 0, "clarify": 3, "new_request": 4}
"""``prompt2mesh edit``'s exit status: 0 carried out; 1 not carried out (partial, not_done,
failed); 3 needs clarifying; 4 describes a new model (nothing was changed)."""


def exit_code(status: str) -> int:
    return EXIT_BY_STATUS.get(status, 1)


def _command_text(ns: argparse.Namespace) -> str:
    if ns.audio:
        from prompt2mesh.roles.speech import transcribe

        text = transcribe(Path(ns.audio)).text
        print(f"heard: {text!r}")
        return text
    if not ns.command:
        raise SystemExit(
            'give a command, e.g. prompt2mesh edit --scene out "make it taller", or --audio FILE'
        )
    return " ".join(ns.command)


async def _edit(ns: argparse.Namespace) -> int:
    scene_dir = Path(ns.scene)
    text = _command_text(ns)
    async with open_scene_session(scene_dir, ns.provider) as session:
        outcome = await session.handle(text)
    _append_to_report(scene_dir, outcome)
    _show(outcome)
    return exit_code(outcome.status)


async def _chat(ns: argparse.Namespace) -> int:
    scene_dir = Path(ns.scene)
    async with open_scene_session(scene_dir, ns.provider) as session:
        print("Talk to your scene ('exit' to stop). Try: make it taller · now make that one gold · undo")
        loop = asyncio.get_running_loop()
        while True:
            print("> ", end="", flush=True)
            line = await loop.run_in_executor(None, sys.stdin.readline)
            if not line or line.strip().lower() in {"exit", "quit"}:
                return 0
            if not line.strip():
                continue
            outcome = await session.handle(line)
            _append_to_report(scene_dir, outcome)
            _show(outcome)


def _run(coro_fn: Callable[[argparse.Namespace], Any]) -> Callable[[argparse.Namespace], int]:
    def handler(ns: argparse.Namespace) -> int:
        try:
            return int(asyncio.run(coro_fn(ns)))
        except EditError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 2

    return handler


def add_edit(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("edit", help="change a built scene with one typed or spoken command")
    p.add_argument("command", nargs="*", help='e.g. "make it taller"')
    p.add_argument("--scene", required=True, help="output folder of `prompt2mesh make` (holds scene.blend)")
    p.add_argument("--audio", help="a recording of the command (wav/mp3/ogg/webm), transcribed locally")
    p.add_argument("--provider", help="override P2M_PROVIDER for interpreting the command")
    p.set_defaults(handler=_run(_edit))


def add_chat(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("chat", help="keep talking to a built scene, one command per line")
    p.add_argument("--scene", required=True, help="output folder of `prompt2mesh make`")
    p.add_argument("--provider", help="override P2M_PROVIDER for interpreting commands")
    p.set_defaults(handler=_run(_chat))


COMMANDS = [add_edit, add_chat]
