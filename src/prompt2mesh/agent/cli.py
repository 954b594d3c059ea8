"""``prompt2mesh make | resume | trace``: the agent's commands (registered by prompt2mesh.cli)."""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

from prompt2mesh.agent.errors import AgentError
from prompt2mesh.config import Settings, get_settings
from prompt2mesh.roles.errors import ModelsError
from prompt2mesh.roles.interface import Roles

SubParsers = argparse._SubParsersAction  # type: ignore[type-arg]

PROVIDERS = ("offline", "anthropic", "openai", "google", "ollama", "openai_compatible")
EXIT_BY_STATUS = {"completed": 0, "failed": 1, "halted": 2, "awaiting_review": 3}


def _settings(ns: argparse.Namespace) -> Settings:
    settings = get_settings()
    if getattr(ns, "provider", None):
        # model_copy, not re-validation: keys read through aliases (ANTHROPIC_API_KEY) must survive.
        settings = settings.model_copy(update={"provider": ns.provider})
    return settings


def _print_judgement(report: dict[str, Any]) -> None:
    """The final score next to what was not honoured and the run's warnings."""
    score = (report.get("totals") or {}).get("final_score")
    if score is not None:
        print(f"  final score: {score}/10 (the finished scene judged against the prompt)")
    for item in report.get("not_honoured") or []:
        print(f"  not honoured: {item}")
    warnings = list(report.get("warnings") or [])
    for item in warnings[:8]:
        print(f"  warning: {item}")
    if len(warnings) > 8:
        print(f"  ... and {len(warnings) - 8} more warnings in report.json")


def _print_outcome(report: dict[str, Any], out_dir: Path, settings: Settings) -> int:
    print(report["final_message"])
    _print_judgement(report)
    artifacts = report.get("artifacts") or {}
    for label in ("blend", "glb"):
        if artifacts.get(label):
            print(f"  {label}: {out_dir / artifacts[label]}")
    print(f"  report: {out_dir / 'report.json'}")
    if report["status"] == "awaiting_review":
        run_id = report["run_id"]
        print(f'plan awaiting review (nothing built yet); the plan is in {out_dir / "report.json"} ("plan")')
        print(f"  approve it: prompt2mesh resume {run_id} --approve")
        print(f"  or change it: prompt2mesh resume {run_id} --plan edited.json")
    if report["status"] == "failed":
        print(f"run stopped: {report['error']}", file=sys.stderr)
        print(_next_step(report["run_id"], settings), file=sys.stderr)
    return EXIT_BY_STATUS.get(report["status"], 1)


def _leaf_errors(exc: BaseException) -> list[BaseException]:
    """The real errors inside (nested) exception groups, e.g. a worker that died under the MCP
    client's task group: a person reads "WorkerUnavailable: ...", never "ExceptionGroup"."""
    if isinstance(exc, BaseExceptionGroup):
        return [leaf for inner in exc.exceptions for leaf in _leaf_errors(inner)]
    return [exc]


def _next_step(run_id: str | None, settings: Settings) -> str:
    """ "resume with ..." only for a run the checkpoint store holds; otherwise say so plainly."""
    from prompt2mesh.agent.runner import load_state

    if run_id:
        try:
            asyncio.run(load_state(run_id, settings))
        except Exception:  # noqa: BLE001  (no such run, or the store itself is unreachable)
            pass
        else:
            return f"resume with: prompt2mesh resume {run_id}"
    return (
        "nothing of this run was saved, so there is nothing to resume; start it again with the same command"
    )


def _run_and_report(
    run: Callable[[], dict[str, Any]], out_dir: Path, run_id: str | None, settings: Settings
) -> int:
    """Run, print the outcome; a lost worker ends in a clear next step instead of a traceback."""
    try:
        report = run()
    except Exception as exc:  # noqa: BLE001  (ExceptionGroup from the worker's client included)
        reasons = "; ".join(dict.fromkeys(f"{type(e).__name__}: {e}" for e in _leaf_errors(exc)))
        print(f"run stopped: {reasons}", file=sys.stderr)
        print(_next_step(run_id, settings), file=sys.stderr)
        return 1
    return _print_outcome(report, out_dir, settings)


async def _with_worker(out_dir: Path, settings: Settings, work: Callable[[Any], Any]) -> Any:
    from prompt2mesh.workers.session import open_local_worker

    async with open_local_worker(
        out_dir,
        allow_code=settings.worker_allow_code,
        timeout_s=settings.tool_timeout_s,
        extra_args=settings.worker_limit_args(),
    ) as session:
        return await work(session)


def _roles_or_none(settings: Settings, verb: str) -> Roles | None:
    """The run's roles, after one cheap question to the provider so that a missing key or an
    unreachable server is one clear line now, not a retried failure minutes into the run."""
    from prompt2mesh.roles.factory import make_roles
    from prompt2mesh.roles.providers import check_provider

    try:
        roles = make_roles(settings)
        if settings.provider != "offline":
            asyncio.run(check_provider(settings))
    except ModelsError as exc:
        print(f"cannot {verb}: {exc.message}", file=sys.stderr)
        return None
    return roles


def _plan_cache(settings: Settings, ns: argparse.Namespace) -> Any:
    """The CLI's plan cache (a JSON file in the data dir), or None when it is off."""
    from prompt2mesh.agent.plan_cache import LOCAL_OWNER, JsonPlanCacheStore, PlanCache, planner_of

    if not settings.plan_cache:
        return None
    store = JsonPlanCacheStore(settings.data_dir / "plan_cache.json")
    return PlanCache(store, owner=LOCAL_OWNER, pass_score=settings.pass_score, planner=planner_of(settings))


def _given_plan(ns: argparse.Namespace) -> list[dict[str, Any]] | None:
    """The steps of ``--plan FILE`` (None without it).

    Raises:
        ValueError: the file cannot be read or holds no steps.
    """
    from prompt2mesh.agent.review_cli import load_plan_file

    return load_plan_file(Path(ns.plan)) if getattr(ns, "plan", None) else None


async def _answer_reviews(
    report: dict[str, Any],
    ns: argparse.Namespace,
    settings: Settings,
    session: Any,
    out_dir: Path,
    roles: Roles,
    emit: Any,
    given: list[dict[str, Any]] | None,
) -> dict[str, Any]:
    """While the run waits for its review: answer from ``--plan``/``--approve`` or the terminal."""
    import os

    from prompt2mesh.agent.errors import PlanEditRejected
    from prompt2mesh.agent.review_cli import review_in_terminal
    from prompt2mesh.agent.review_run import approve_plan, edit_plan, request_replan
    from prompt2mesh.agent.runner import resume_run

    cache = _plan_cache(settings, ns)
    run_id = report["run_id"]
    while report["status"] == "awaiting_review":
        if given is not None or getattr(ns, "approve", False):
            steps, replan, approve = given, None, True
            given = None
        elif sys.stdin.isatty():
            decision = await asyncio.to_thread(
                review_in_terminal,
                report,
                ask=input,
                say=print,
                editor=os.environ.get("VISUAL") or os.environ.get("EDITOR"),
                folder=out_dir,
            )
            if decision.kind == "quit":
                return report
            steps, replan, approve = decision.steps, decision.refined_prompt, decision.kind == "approve"
        else:
            return report  # no terminal to ask: the run stays paused, the outcome says how to go on
        try:
            if steps is not None:
                report = await edit_plan(run_id, steps, settings, provider=roles.provider)
                for change in (report.get("review") or {}).get("changes", []):
                    print(f"  changed: {change}")
            if replan:
                await request_replan(run_id, replan, settings, provider=roles.provider)
            elif approve:
                await approve_plan(run_id, settings, provider=roles.provider)
        except PlanEditRejected as exc:
            print(f"plan refused: {'; '.join(exc.errors)}", file=sys.stderr)
            if not sys.stdin.isatty():
                return report
            continue
        report = await resume_run(
            run_id, settings, session, out_dir=out_dir, roles=roles, emit=emit, plan_cache=cache
        )
    return report


def _cmd_make(ns: argparse.Namespace) -> int:
    from prompt2mesh.agent.progress import ProgressDisplay
    from prompt2mesh.agent.runner import RunRequest, new_run_id, run_make

    settings = _settings(ns)
    out_dir = Path(ns.out).resolve()
    roles = _roles_or_none(settings, "start")
    if roles is None:
        return 2
    try:
        given = _given_plan(ns)
    except ValueError as exc:
        print(f"cannot start: {exc}", file=sys.stderr)
        return 2
    request = RunRequest(
        prompt=ns.prompt,
        out_dir=out_dir,
        run_id=ns.run_id or new_run_id(),
        max_refinements=ns.max_refinements,
        refine=not ns.no_refine,
        review=ns.review,
        given_plan=given,
        fresh_plan=ns.fresh_plan,
    )
    cache = _plan_cache(settings, ns)
    print(f"run {request.run_id} ({roles.provider}) -> {out_dir}", flush=True)
    display = ProgressDisplay()

    async def make(session: Any) -> dict[str, Any]:
        # A fresh worker opens Blender's default scene; a new model starts from an empty one.
        cleared = await session.call("new_scene", {})
        if not cleared.ok:
            raise RuntimeError(f"could not empty the scene: {cleared.error}")
        report = await run_make(request, settings, session, roles=roles, emit=display, plan_cache=cache)
        return await _answer_reviews(report, ns, settings, session, out_dir, roles, display, None)

    return _run_and_report(
        lambda: asyncio.run(_with_worker(out_dir, settings, make)), out_dir, request.run_id, settings
    )


def _cmd_resume(ns: argparse.Namespace) -> int:
    from prompt2mesh.agent.progress import ProgressDisplay
    from prompt2mesh.agent.runner import load_state, resume_run

    settings = _settings(ns)
    try:
        state = asyncio.run(load_state(ns.run_id, settings))
    except AgentError as exc:
        print(f"cannot resume: {exc.message}", file=sys.stderr)
        return 2
    roles = _roles_or_none(settings, "resume")
    if roles is None:
        return 2
    out_dir = Path(ns.out).resolve() if ns.out else Path(state["out_dir"])
    try:
        given = _given_plan(ns)
    except ValueError as exc:
        print(f"cannot resume: {exc}", file=sys.stderr)
        return 2
    cache = _plan_cache(settings, ns)
    print(f"resuming run {ns.run_id} ({roles.provider}) in {out_dir}", flush=True)
    display = ProgressDisplay()

    async def resume(session: Any) -> dict[str, Any]:
        # The new worker opens Blender's default scene; the saved anchor (or, for a run cut off
        # before its first node, nothing at all) is what the run must continue from.
        await session.call("new_scene", {})
        report = await resume_run(
            ns.run_id, settings, session, out_dir=out_dir, roles=roles, emit=display, plan_cache=cache
        )
        return await _answer_reviews(report, ns, settings, session, out_dir, roles, display, given)

    return _run_and_report(
        lambda: asyncio.run(_with_worker(out_dir, settings, resume)), out_dir, ns.run_id, settings
    )


def _cmd_trace(ns: argparse.Namespace) -> int:
    from prompt2mesh.agent.trace import find_traces, format_summary, summarize

    paths = [Path(p) for p in ns.paths] or [Path("."), get_settings().data_dir]
    if not find_traces(paths):
        print("no trace files found (looked for trace.jsonl under " + ", ".join(map(str, paths)) + ")")
        return 1
    summary = summarize(paths, top=ns.top)
    print(json.dumps(summary, indent=2) if ns.json else format_summary(summary))
    return 0


def _add_make(sub: SubParsers) -> None:
    if "make" in sub.choices:  # prompt2mesh.cli may register the optional commands twice
        return
    p = sub.add_parser("make", help="model a prompt in a private Blender and save .blend/.glb/report")
    p.add_argument("prompt", help='what to make, e.g. "Create a decorated Christmas tree"')
    p.add_argument("--out", required=True, help="folder for scene.blend, scene.glb, screenshots, report")
    p.add_argument("--provider", choices=PROVIDERS, help="model provider (default: settings, offline)")
    p.add_argument("--max-refinements", type=int, default=None, help="refinements per step (default 2)")
    p.add_argument("--no-refine", action="store_true", help="accept every step as first built")
    p.add_argument("--run-id", default=None, help="use this run id (default: generated)")
    p.add_argument(
        "--review", action="store_true", help="show the plan and wait for approval or changes before building"
    )
    p.add_argument(
        "--plan", default=None, metavar="FILE", help="build this plan (JSON/YAML steps), no planner"
    )
    p.add_argument("--fresh-plan", action="store_true", help="never start from a cached plan")
    p.set_defaults(handler=_cmd_make)


def _add_resume(sub: SubParsers) -> None:
    if "resume" in sub.choices:  # prompt2mesh.cli may register the optional commands twice
        return
    p = sub.add_parser("resume", help="continue an interrupted run from its last checkpoint")
    p.add_argument("run_id")
    p.add_argument("--out", default=None, help="the run's folder (default: where it was started)")
    p.add_argument("--provider", choices=PROVIDERS, help="model provider (default: settings)")
    p.add_argument("--approve", action="store_true", help="a run awaiting review: approve its plan and build")
    p.add_argument(
        "--plan",
        default=None,
        metavar="FILE",
        help="a run awaiting review: build this plan instead (validated)",
    )
    p.set_defaults(handler=_cmd_resume)


def _add_trace(sub: SubParsers) -> None:
    if "trace" in sub.choices:  # prompt2mesh.cli may register the optional commands twice
        return
    p = sub.add_parser("trace", help="analyse run traces")
    tsub = p.add_subparsers(dest="trace_command", required=True)
    s = tsub.add_parser("summary", help="failure analysis across runs (failing tools, errors, scores)")
    s.add_argument("paths", nargs="*", help="trace files or folders (default: . and the data dir)")
    s.add_argument("--top", type=int, default=10)
    s.add_argument("--json", action="store_true", help="print JSON instead of text")
    s.set_defaults(handler=_cmd_trace)


COMMANDS: list[Callable[[SubParsers], None]] = [_add_make, _add_resume, _add_trace]
