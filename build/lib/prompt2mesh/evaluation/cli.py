"""``prompt2mesh eval SUITE.jsonl [--provider P] [--out DIR] [--min-pass-rate R]``."""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

SubParsers = argparse._SubParsersAction  # type: ignore[type-arg]

PROVIDERS = ("offline", "anthropic", "openai", "google", "ollama", "openai_compatible")


def _cmd_eval(ns: argparse.Namespace) -> int:
    from prompt2mesh.config import Settings, get_settings
    from prompt2mesh.evaluation.errors import SuiteFormatError
    from prompt2mesh.evaluation.suite import load_checker, load_suite, outcome_line, run_suite, summary_table

    try:
        items = load_suite(Path(ns.suite))
        checker = load_checker(Path(ns.checker)) if ns.checker else None
    except (OSError, SuiteFormatError) as exc:
        print(f"cannot read the suite: {exc}", file=sys.stderr)
        return 2
    settings = get_settings()
    if ns.provider:
        settings = Settings.model_validate({**settings.model_dump(), "provider": ns.provider})
    out = Path(ns.out or tempfile.mkdtemp(prefix="p2m-eval-")).resolve()
    print(f"evaluating {len(items)} prompts with provider {settings.provider} -> {out}", flush=True)
    outcomes = asyncio.run(
        run_suite(
            items, settings, out, on_outcome=lambda o: print(outcome_line(o), flush=True), checker=checker
        )
    )
    print(summary_table(outcomes))
    rate = sum(o.passed for o in outcomes) / max(1, len(outcomes))
    return 0 if rate >= ns.min_pass_rate else 1


def add_eval(sub: SubParsers) -> None:
    p = sub.add_parser("eval", help="build every prompt of a JSONL suite and check its expectations")
    p.add_argument("suite", help="JSONL file: one {id, prompt, expect} per line")
    p.add_argument("--provider", choices=PROVIDERS, default=None, help="model provider (default: settings)")
    p.add_argument("--out", default=None, help="folder for each prompt's report, screenshots and scene")
    p.add_argument("--checker", default=None, help="check.py to judge with instead of the built-in copy")
    p.add_argument(
        "--min-pass-rate", type=float, default=1.0, help="exit 0 only when at least this share passes (0..1)"
    )
    p.set_defaults(handler=_cmd_eval)


COMMANDS: list[Callable[[SubParsers], None]] = [add_eval]
