"""``prompt2mesh eval``: runs a suite and prints the pass-rate table."""

from __future__ import annotations

import argparse
import json
from pathlib import Path

import pytest

from prompt2mesh.cli import main
from prompt2mesh.evaluation import check as check_module
from prompt2mesh.evaluation.cli import add_eval


def test_eval_prints_a_row_per_prompt_and_the_pass_rate(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    suite = tmp_path / "suite.jsonl"
    suite.write_text(
        json.dumps(
            {
                "id": "c1",
                "prompt": "A red lantern next to a blue barrel",
                "expect": [
                    {"object": "lantern"},
                    {"object": "barrel", "color": "blue"},
                    {"relation": "next_to", "a": "lantern", "b": "barrel"},
                    {"grounded": True},
                ],
            }
        )
        + "\n",
        encoding="utf-8",
    )
    # --checker loads a check.py by path; the package's own copy stands in for the shared one
    checker = str(Path(check_module.__file__ or ""))
    code = main(
        ["eval", str(suite), "--provider", "offline", "--out", str(tmp_path / "out"), "--checker", checker]
    )
    out = capsys.readouterr().out
    assert code == 0, out
    assert "PASS  c1" in out
    assert "pass rate 100% (1/1 prompts), checks 4/4" in out


def test_eval_refuses_a_missing_suite_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    # The eval command alone: prompt2mesh.cli.main builds its parser once per process.
    parser = argparse.ArgumentParser()
    add_eval(parser.add_subparsers())
    ns = parser.parse_args(["eval", str(tmp_path / "nope.jsonl")])
    assert ns.handler(ns) == 2
    assert "cannot read the suite" in capsys.readouterr().err
