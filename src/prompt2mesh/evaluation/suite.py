"""Run a prompt suite through the agent (``run_make``) and check every ``scene.glb``.

One worker serves the whole suite (Blender starts once); each prompt gets an empty scene,
fresh roles, and its own folder ``OUT/<id>/`` with report, trace, screenshots and artifacts.
"""

from __future__ import annotations

import json
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from prompt2mesh.config import Settings
from prompt2mesh.evaluation.calibration import calibrate
from prompt2mesh.evaluation.check import check_scene
from prompt2mesh.evaluation.errors import SuiteFormatError

Checker = Callable[[str, list[dict[str, Any]]], list[tuple[bool, str]]]


def load_checker(path: Path) -> Checker:
    """``check_scene`` from a checker file given on the command line (the shared one, say).

    Raises:
        SuiteFormatError: the file cannot be loaded or has no ``check_scene``.
    """
    import importlib.util

    spec = importlib.util.spec_from_file_location("p2m_external_checker", path)
    if spec is None or spec.loader is None:
        raise SuiteFormatError(f"{path}: not a Python file")
    module = importlib.util.module_from_spec(spec)
    try:
        spec.loader.exec_module(module)
    except (OSError, SyntaxError, ImportError) as exc:
        raise SuiteFormatError(f"{path}: cannot load the checker ({exc})") from exc
    check = getattr(module, "check_scene", None)
    if not callable(check):
        raise SuiteFormatError(f"{path}: has no check_scene(path, expects)")
    return check  # type: ignore[no-any-return]


@dataclass(frozen=True)
class SuiteItem:
    id: str
    prompt: str
    expect: list[dict[str, Any]]


@dataclass
class PromptOutcome:
    item: SuiteItem
    checks: list[tuple[bool, str]] = field(default_factory=list)
    seconds: float = 0.0
    status: str = "not run"
    average_score: float | None = None
    final_score: float | None = None
    """The run's own judgement of the finished scene against the prompt (report totals)."""
    not_honoured: list[str] = field(default_factory=list)
    error: str | None = None

    @property
    def passed(self) -> bool:
        return self.status == "completed" and bool(self.checks) and all(ok for ok, _ in self.checks)


def load_suite(path: Path) -> list[SuiteItem]:
    """Read a JSONL suite (blank lines skipped).

    Raises:
        SuiteFormatError: a line is not JSON or lacks ``prompt``; ``expect`` is not a list.
    """
    items: list[SuiteItem] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            raise SuiteFormatError(f"{path}:{number}: not JSON ({exc.msg})") from exc
        if not isinstance(data, dict) or not isinstance(data.get("prompt"), str):
            raise SuiteFormatError(f"{path}:{number}: each line needs a 'prompt' string")
        expect = data.get("expect", [])
        if not isinstance(expect, list) or not all(isinstance(e, dict) for e in expect):
            raise SuiteFormatError(f"{path}:{number}: 'expect' must be a list of objects")
        items.append(
            SuiteItem(id=str(data.get("id") or f"p{number:02d}"), prompt=data["prompt"], expect=expect)
        )
    return items


async def run_suite(
    items: list[SuiteItem],
    settings: Settings,
    out_dir: Path,
    *,
    on_outcome: Callable[[PromptOutcome], None] | None = None,
    checker: Checker | None = None,
) -> list[PromptOutcome]:
    """Build every prompt with ``settings.provider`` in one local worker and check it
    (with the vendored checker, or ``checker``: e.g. one loaded by :func:`load_checker`).

    Raises:
        prompt2mesh.workers.session.WorkerUnavailable: when the worker dies.
    """
    from prompt2mesh.agent.runner import RunRequest, run_make
    from prompt2mesh.roles.factory import make_roles
    from prompt2mesh.workers.session import open_local_worker

    out_dir.mkdir(parents=True, exist_ok=True)
    outcomes: list[PromptOutcome] = []
    async with open_local_worker(
        out_dir,
        allow_code=settings.worker_allow_code,
        timeout_s=settings.tool_timeout_s,
        extra_args=settings.worker_limit_args(),
    ) as worker:
        for item in items:
            outcome = PromptOutcome(item)
            started = time.perf_counter()
            cleared = await worker.call("new_scene", {})
            if not cleared.ok:
                outcome.error = f"could not empty the scene: {cleared.error}"
            else:
                request = RunRequest(
                    prompt=item.prompt, out_dir=out_dir / item.id, artifact_prefix=f"{item.id}/"
                )
                report = await run_make(request, settings, worker, roles=make_roles(settings))
                outcome.status = str(report.get("status"))
                outcome.error = report.get("error")
                totals = report.get("totals") or {}
                outcome.average_score = totals.get("average_score")
                outcome.final_score = totals.get("final_score")
                outcome.not_honoured = [str(i) for i in report.get("not_honoured") or []]
                glb = (report.get("artifacts") or {}).get("glb")
                if glb:
                    judge = checker or check_scene
                    outcome.checks = [
                        (bool(ok), str(text)) for ok, text in judge(str(out_dir / glb), item.expect)
                    ]
                else:
                    outcome.checks = [(False, "no scene.glb was exported")]
            outcome.seconds = time.perf_counter() - started
            outcomes.append(outcome)
            if on_outcome is not None:
                on_outcome(outcome)
    return outcomes


def outcome_line(o: PromptOutcome) -> str:
    """One row of the table: verdict, id, seconds, checks, prompt and the failed checks."""
    passed = sum(ok for ok, _ in o.checks)
    failed = "; ".join(text for ok, text in o.checks if not ok)
    if o.error:
        failed = f"{o.status}: {o.error}; {failed}"
    score = f"{o.final_score:4.1f}" if isinstance(o.final_score, int | float) else "   -"
    return (
        f"{'PASS' if o.passed else 'FAIL'}  {o.item.id:<8} {o.seconds:6.1f}s  {passed:>2}/{len(o.checks):<2} "
        f"final score {score}  {o.item.prompt!r}"
        + (f"\n      {failed[:400]}" if failed and not o.passed else "")
        + (
            f"\n      not honoured (own judgement): {'; '.join(o.not_honoured)[:400]}"
            if o.not_honoured
            else ""
        )
    )


def summary_table(outcomes: list[PromptOutcome]) -> str:
    """The pass-rate table printed by ``prompt2mesh eval``."""
    if not outcomes:
        return "no prompts"
    passed = sum(o.passed for o in outcomes)
    checks = sum(len(o.checks) for o in outcomes)
    ok = sum(sum(c for c, _ in o.checks) for o in outcomes)
    times = [o.seconds for o in outcomes]
    calibration = calibrate([(o.passed, o.final_score) for o in outcomes if o.status == "completed"])
    return (
        f"pass rate {passed / len(outcomes):.0%} ({passed}/{len(outcomes)} prompts), checks {ok}/{checks}, "
        f"median {statistics.median(times):.1f}s, slowest {max(times):.1f}s\n{calibration.text()}"
    )
