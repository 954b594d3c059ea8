"""Plan review in a terminal: a numbered prompt, or the plan as a JSON file in ``$EDITOR``.

:func:`review_in_terminal` shows the refined prompt and the steps and reads commands until
the person approves, asks for a new plan, or stops (the run then stays paused and
``prompt2mesh resume RUN`` asks again). It only decides; the caller writes the answer into
the run (``agent.review_run``) and reports a refused edit, so every edit is validated once,
by the same rules as a generated plan.
"""

from __future__ import annotations

import json
import shlex
import subprocess
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

HELP = """commands:
  a              approve the plan and build it
  e N TEXT       change step N's title to TEXT
  t N TEXT       change step N's description to TEXT
  d N            delete step N
  m N M          move step N to position M
  + TEXT         add a step at the end titled TEXT
  r TEXT         change the refined prompt to TEXT and make a new plan
  x              edit the whole plan as JSON in $EDITOR
  q              stop here; the run stays paused (prompt2mesh resume RUN)"""

PLAN_FILE = "plan.review.json"


@dataclass
class Decision:
    """What the person decided: approve (with the steps, when changed), re-plan, or stop."""

    kind: Literal["approve", "replan", "quit"]
    steps: list[dict[str, Any]] | None = None
    refined_prompt: str | None = None
    log: list[str] = field(default_factory=list)


def load_plan_file(path: Path) -> list[dict[str, Any]]:
    """Steps from a JSON (or YAML) file: a list of steps, ``{"steps": [...]}`` or a report.json.

    Raises:
        ValueError: the file cannot be read or holds no list of steps.
    """
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise ValueError(f"cannot read the plan file {path}: {exc.strerror}") from exc
    try:
        data = json.loads(text)
    except ValueError as exc:
        if path.suffix.lower() not in (".yaml", ".yml"):
            raise ValueError(f"{path} is not valid JSON: {exc}") from exc
        try:
            import yaml  # type: ignore[import-untyped]
        except ImportError:
            raise ValueError("YAML plans need PyYAML; write the plan as JSON instead") from None
        data = yaml.safe_load(text)
    if isinstance(data, dict):
        data = data.get("steps", data.get("plan"))
    if not isinstance(data, list) or not all(isinstance(s, dict) for s in data):
        raise ValueError(
            f"{path} holds no list of steps (expected [{{'action': ...}}, ...] or {{'steps': [...]}})"
        )
    return data


def show(refined_prompt: str | None, steps: list[dict[str, Any]], say: Callable[[str], None]) -> None:
    """Print the refined prompt and the numbered steps."""
    if refined_prompt:
        say(f"refined prompt: {refined_prompt}")
    for number, step in enumerate(steps, start=1):
        tools = ", ".join(step.get("tools") or []) or "-"
        say(f"  {number:>2}. {step.get('action', '')}  [{tools}]")
        if step.get("description"):
            say(f"      {step['description']}")


def _index(token: str, steps: list[dict[str, Any]]) -> int:
    number = int(token)
    if not 1 <= number <= len(steps):
        raise ValueError(f"there is no step {number} (1..{len(steps)})")
    return number - 1


def _edit_in_editor(editor: str, steps: list[dict[str, Any]], folder: Path) -> list[dict[str, Any]]:
    path = folder / PLAN_FILE
    path.write_text(json.dumps({"steps": steps}, indent=2), encoding="utf-8")
    subprocess.run([*shlex.split(editor), str(path)], check=False)
    return load_plan_file(path)


def review_in_terminal(
    report: dict[str, Any],
    *,
    ask: Callable[[str], str],
    say: Callable[[str], None],
    editor: str | None,
    folder: Path,
) -> Decision:
    """Read the person's review of ``report`` (an ``awaiting_review`` report) from the terminal."""
    # Each step remembers the number it had, so the report can say "step 3 edited", not
    # "deleted and added".
    original = [{**s, "origin": n} for n, s in enumerate(report.get("plan") or [], start=1)]
    steps = [dict(s) for s in original]
    log: list[str] = []
    show(report.get("refined_prompt"), steps, say)
    say(HELP)
    while True:
        try:
            line = ask("review> ").strip()
        except EOFError:
            line = "q"
        command, _, rest = line.partition(" ")
        rest = rest.strip()
        try:
            if command == "a":
                return Decision("approve", steps if steps != original else None, log=log)
            if command == "q":
                return Decision("quit", log=log)
            if command == "r" and rest:
                return Decision("replan", refined_prompt=rest, log=log)
            if command in ("e", "t"):
                number, _, text = rest.partition(" ")
                if not text.strip():
                    raise ValueError("say the new text after the step number")
                steps[_index(number, steps)]["action" if command == "e" else "description"] = text.strip()
            elif command == "d":
                del steps[_index(rest, steps)]
            elif command == "m":
                src, dst = rest.split()
                moved = steps.pop(_index(src, steps))
                steps.insert(max(0, min(int(dst) - 1, len(steps))), moved)
            elif command == "+" and rest:
                steps.append({"action": rest, "description": "", "tools": []})
            elif command == "x" and editor:
                steps = _edit_in_editor(editor, steps, folder)
            else:
                say(HELP if command not in ("x",) else "set $EDITOR to edit the plan in an editor")
                continue
        except ValueError as exc:
            say(f"not done: {exc}")
            continue
        log.append(line)
        show(None, steps, say)
