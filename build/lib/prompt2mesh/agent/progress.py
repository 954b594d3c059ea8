"""The live terminal display of a run: step i/N, the current node, the last score.

A listener on the trace events. On a terminal the status line is redrawn in place; into a
pipe or file it prints one line per notable event, so logs stay readable.
"""

from __future__ import annotations

import sys
from typing import Any, TextIO


class ProgressDisplay:
    """Shows a run's progress from its events (pass as a trace listener or ``emit``)."""

    def __init__(self, stream: TextIO | None = None, *, live: bool | None = None) -> None:
        self.stream = stream or sys.stderr
        self.live = self.stream.isatty() if live is None else live
        self.step: int | None = None
        self.total = 0
        self.node = ""
        self.score: int | None = None
        self._status_shown = False

    def __call__(self, event: dict[str, Any]) -> None:
        kind = event.get("type")
        if kind == "node_started":
            self.node = str(event.get("node", ""))
            self.total = int(event.get("total_steps") or self.total)
            if event.get("step") is not None:
                self.step = int(event["step"])
            self._status()
        elif kind == "critique":
            self.score = int(event["score"])
            self._status()
        elif kind == "prompt_refined":
            self._line(f"refined prompt: {event.get('refined')}")
        elif kind == "plan":
            steps = event.get("steps", [])
            self.total = len(steps)
            self._line(f"plan ({len(steps)} steps):")
            for step in steps:
                self._line(f"  {step.get('number')}. {step.get('action')}")
        elif kind == "step_accepted":
            scores = event.get("scores") or []
            self._line(
                f"step {event.get('step')}/{self.total} {event.get('status')}"
                f" (scores {scores or '-'}, {event.get('refinements', 0)} refinements)"
            )
        elif kind == "warning":
            self._line(f"warning: {event.get('message')}")
        elif kind == "error":
            self._line(f"error: {event.get('message')}")
        elif kind == "run_resumed":
            self._line(f"resuming at {', '.join(event.get('next', []))}")
        elif kind == "run_finished":
            self._line(f"{event.get('status')}: {event.get('message')}")

    def _status_text(self) -> str:
        step = f"step {self.step}/{self.total}" if self.step is not None else "preparing"
        score = f"last score {self.score}/10" if self.score is not None else "no score yet"
        return f"[{step}] {self.node:<18} {score}"

    def _status(self) -> None:
        if not self.live:
            return
        self.stream.write("\r\x1b[2K" + self._status_text())
        self.stream.flush()
        self._status_shown = True

    def _line(self, text: str) -> None:
        if self.live and self._status_shown:
            self.stream.write("\r\x1b[2K")
        self.stream.write(text + "\n")
        if self.live and self._status_shown:
            self.stream.write(self._status_text())
        self.stream.flush()
