"""One follow-up command, end to end: resolve -> translate -> generate -> apply -> evaluate.

The session (focus stack and command history) is saved as JSON beside the scene after every
command, so a restarted CLI or service continues the same conversation. Before each command
that changes the scene, the scene is saved to ``.p2m/edits/before_<n>.blend``; "undo"
reopens the latest of those, which undoes the whole command however many calls it took.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

from prompt2mesh.agent.editing.codegen import CodeGenerator, GeneratedEdit
from prompt2mesh.agent.editing.errors import EditToolFailed
from prompt2mesh.agent.editing.evaluator import MAX_ATTEMPTS, Evaluation, OfflineEvaluator
from prompt2mesh.agent.editing.focus import FocusStack
from prompt2mesh.agent.editing.scene_state import SceneState, read_scene
from prompt2mesh.agent.editing.taskspec import Operation, TaskSpec
from prompt2mesh.roles.interface import ToolCall, ToolResult, ToolRunner


class Translator(Protocol):
    async def translate(self, text: str, scene: SceneState, focus: FocusStack) -> TaskSpec: ...


class Evaluator(Protocol):
    needs_screenshot: bool

    async def judge(
        self,
        spec: TaskSpec,
        before: SceneState,
        after: SceneState,
        created: list[str],
        screenshot: bytes | None,
    ) -> Evaluation: ...


@dataclass
class CommandOutcome:
    """What happened to one command (shown to the user, stored in the history)."""

    command: str
    status: str  # applied | partial | not_done | new_request | clarify | answered | undone | failed
    taskspec: TaskSpec | None = None
    message: str = ""
    evaluation: dict[str, Any] | None = None
    attempts: int = 0
    tool_calls: list[dict[str, Any]] = field(default_factory=list)
    screenshot: str | None = None
    snapshot: str | None = None
    """Worker-side .blend saved before the command (what "undo" reopens)."""
    duration_s: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        return {
            "command": self.command,
            "status": self.status,
            "taskspec": self.taskspec.model_dump() if self.taskspec else None,
            "message": self.message,
            "evaluation": self.evaluation,
            "attempts": self.attempts,
            "tool_calls": self.tool_calls,
            "screenshot": self.screenshot,
            "snapshot": self.snapshot,
            "duration_s": round(self.duration_s, 3),
        }


@dataclass
class SessionFiles:
    """Where a session keeps its files: agent-side folder and worker-side prefix."""

    folder: Path
    """Agent-side folder: session.json, screenshots/."""
    prefix: str = ""
    """Worker-side folder (relative to the worker workspace) of scene.blend / scene.glb."""

    @property
    def state(self) -> Path:
        return self.folder / "session.json"


class EditSession:
    """A conversation with one scene."""

    def __init__(
        self,
        runner: ToolRunner,
        files: SessionFiles,
        translator: Translator,
        *,
        evaluator: Evaluator | None = None,
        emit: Callable[[dict[str, Any]], None] | None = None,
        screenshot_size: int = 384,
    ) -> None:
        self.runner = runner
        self.files = files
        self.translator = translator
        self.evaluator: Evaluator = evaluator or OfflineEvaluator()
        self.codegen = CodeGenerator()
        self.emit = emit or (lambda event: None)
        self.screenshot_size = screenshot_size
        self.focus = FocusStack()
        self.history: list[dict[str, Any]] = []
        self._load()

    # --- persistence -------------------------------------------------------------------------

    def _load(self) -> None:
        if self.files.state.exists():
            data = json.loads(self.files.state.read_text())
            self.focus = FocusStack.from_dict(data.get("focus", {}))
            self.history = list(data.get("history", []))

    def save(self) -> None:
        self.files.folder.mkdir(parents=True, exist_ok=True)
        tmp = self.files.state.with_suffix(".tmp")
        tmp.write_text(json.dumps({"focus": self.focus.to_dict(), "history": self.history}, indent=2))
        tmp.replace(self.files.state)

    def _snapshots(self) -> list[str]:
        return [
            h["snapshot"]
            for h in self.history
            if h.get("snapshot") and h.get("status") in {"applied", "partial"} and not h.get("undone")
        ]

    # --- the command -------------------------------------------------------------------------

    async def handle(self, text: str) -> CommandOutcome:
        """Interpret and carry out one command.

        Raises:
            EditToolFailed: the worker could not read the scene (the command changed nothing).
        """
        started = time.perf_counter()
        text = text.strip()
        self.focus.record_command(text)
        before = await read_scene(self.runner)
        if before.selected:
            self.focus.set_selection(before.selected, before.active)
        spec = await self.translator.translate(text, before, self.focus)
        spec = spec.model_copy(update={"command": text})
        self.emit({"type": "taskspec", "command": text, "taskspec": spec.model_dump()})
        if spec.new_request:
            outcome = CommandOutcome(
                text,
                "new_request",
                spec,
                message=(
                    f"This describes a new model ({spec.target_concept or text}), not a change to the open "
                    "scene; nothing was changed. Start a new model with it (prompt2mesh make, or "
                    "'+ New model' in the web app)."
                ),
            )
        elif any(op.action == "undo" for op in spec.operations):
            outcome = await self._undo(text, spec)
        elif spec.needs_clarification:
            question = "; ".join(spec.ambiguities) or "what should change?"
            outcome = CommandOutcome(
                text,
                "clarify",
                spec,
                message=f"Not sure what you mean ({question}). Please name the object or say it differently.",
            )
        else:
            outcome = await self._apply(text, spec, before)
        outcome.duration_s = time.perf_counter() - started
        self.history.append(outcome.to_dict())
        self.save()
        self.emit({"type": "command_finished", "outcome": outcome.to_dict()})
        return outcome

    async def _run(self, calls: list[ToolCall], log: list[dict[str, Any]]) -> list[ToolResult]:
        results = []
        for call in calls:
            result = await self.runner.call(call.tool, call.args)
            log.append({"tool": call.tool, "args": call.args, "ok": result.ok, "error": result.error})
            self.emit(
                {
                    "type": "tool_call",
                    "tool": call.tool,
                    "args": call.args,
                    "ok": result.ok,
                    "error": result.error,
                }
            )
            results.append(result)
        return results

    async def _must(self, tool: str, args: dict[str, Any]) -> ToolResult:
        result = await self.runner.call(tool, args)
        if not result.ok:
            raise EditToolFailed(f"{tool} failed: {result.error}")
        return result

    async def _apply(self, text: str, spec: TaskSpec, before: SceneState) -> CommandOutcome:
        outcome = CommandOutcome(text, "applied", spec)
        if spec.task_type == "query":
            answer = self.codegen.generate(spec, before)
            outcome.status, outcome.message = "answered", " ".join(answer.notes)
            return outcome
        n = len(self.history) + 1
        snapshot = f"{self.files.prefix}.p2m/edits/before_{n}.blend"
        await self._must("save_blend", {"filename": snapshot})
        outcome.snapshot = snapshot
        state, created, evaluation = before, [], Evaluation(score=0.0)
        shot: bytes | None = None
        pending = spec
        for attempt in range(1, MAX_ATTEMPTS + 1):
            gen: GeneratedEdit = self.codegen.generate(pending, state)
            results = await self._run(gen.calls, outcome.tool_calls)
            created += [n for n in gen.created_roots if n not in created]
            self.focus.forget(gen.deleted)
            state = await read_scene(self.runner)
            shot = await self._look() if self.evaluator.needs_screenshot else None
            evaluation = await self.evaluator.judge(spec, before, state, created, shot)
            outcome.attempts = attempt
            failed = [r for r in results if not r.ok]
            self.emit({"type": "evaluation", "attempt": attempt, **evaluation.to_dict()})
            if gen.notes:
                outcome.message = " ".join(gen.notes)
            if not evaluation.retry or failed and attempt == MAX_ATTEMPTS:
                break
            operations = evaluation.refinements or await self._suggested(evaluation, state)
            if not operations:
                break
            pending = spec.model_copy(update={"operations": operations})
        outcome.evaluation = evaluation.to_dict()
        passed = sum(c.passed for c in evaluation.checks)
        outcome.status = "applied" if evaluation.carried_out else "partial" if passed else "not_done"
        self._update_focus(spec, created, state)
        # The evaluator's look at the final state is the published screenshot too.
        outcome.screenshot = await self._publish(n, shot)
        if not evaluation.carried_out:
            why = "; ".join(evaluation.issues) or "the judge found it not done"
            outcome.message = f"Not done as asked: {why}." + (
                f" {outcome.message}" if outcome.message else ""
            )
        elif not outcome.message:
            outcome.message = f"Done: {spec.intent} (match {evaluation.score:.0%})."
        return outcome

    async def _suggested(self, evaluation: Evaluation, state: SceneState) -> list[Operation]:
        """A judge's suggested refinements (words) as operations: each read like a command."""
        ops: list[Operation] = []
        for text in evaluation.suggestions[:3]:
            spec = await self.translator.translate(text, state, self.focus)
            if not spec.needs_clarification and not spec.new_request:
                ops.extend(op for op in spec.operations if op.action != "undo")
        return ops

    def _update_focus(self, spec: TaskSpec, created: list[str], state: SceneState) -> None:
        if created:
            self.focus.record_created(created)
        touched = [
            n
            for n in spec.target_objects
            if n in state.objects and any(op.target == n for op in spec.operations)
        ]
        if touched:
            self.focus.record_modified(touched)
        if spec.resolution_source == "named":
            self.focus.record_mentioned([n for n in spec.target_objects if n in state.objects])

    async def _look(self) -> bytes | None:
        shot = await self.runner.call("get_viewport_screenshot", {"max_size": self.screenshot_size})
        return shot.images[0] if shot.ok and shot.images else None

    async def _publish(self, n: int, png: bytes | None = None) -> str | None:
        """Save .blend and .glb, and a screenshot of the result (``png`` if already taken)."""
        await self._must("save_blend", {"filename": f"{self.files.prefix}scene.blend"})
        await self._must("export_scene", {"format": "glb", "filename": f"{self.files.prefix}scene.glb"})
        png = png or await self._look()
        if png is None:
            return None
        rel = f"screenshots/edit_{n}.png"
        path = self.files.folder / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(png)
        self.emit({"type": "screenshot", "file": rel})
        return rel

    async def _undo(self, text: str, spec: TaskSpec) -> CommandOutcome:
        snapshots = self._snapshots()
        if not snapshots:
            return CommandOutcome(text, "failed", spec, message="Nothing to undo yet.")
        latest = snapshots[-1]
        await self._must("open_blend", {"filename": latest})
        for entry in reversed(self.history):
            if entry.get("snapshot") == latest:
                entry["undone"] = True
                break
        outcome = CommandOutcome(text, "undone", spec, message="Undid the last command.")
        outcome.screenshot = await self._publish(len(self.history) + 1)
        return outcome
