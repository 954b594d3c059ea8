"""Plan-cache benchmark: what reusing a passing plan saves on a repeated prompt set.

The LLM roles run against the scripted chat model of ``tests/fakes`` (no provider key here), with
token counts that are *measured*, not invented: each answer's input tokens are counted from the
very messages the product sent (tiktoken cl100k when its data is available offline, else
bytes / 4) and its output tokens from the answer. The refiner answers with the offline
understander's description of the prompt and the planner with the offline planner's steps, so
paraphrases refine alike and different requests differently. The executor carries out the offline
planner's calls for each step and the critic answers 8, so that the cold runs really build
(the final score also weighs measured facts, so an empty scene never passes). Blender is real (a local worker).

Arms, on the same prompts in the same process:

1. cold: every prompt of ``PROMPTS`` run to the end (no cached plan yet; passing plans stored);
2. warm: each paraphrase in ``REPEATS`` up to its plan (``review``), cache on;
3. fresh: the same paraphrases with ``fresh_plan`` (cache bypassed): the baseline for 2.

Time: the scripted model answers at once, so the plan-node time measured here is local work
only; a real provider's planner latency (seconds per call) is *not* measured by this bench.

    .venv/bin/python bench/bench_plan_cache.py [--out bench/results/plan_cache.json]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import re
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from langchain_core.messages import ToolMessage  # noqa: E402

from fakes.chat import ScriptedChatModel, critique, json_reply, text, tool_calls  # noqa: E402
from prompt2mesh.agent.plan_cache import JsonPlanCacheStore, PlanCache  # noqa: E402
from prompt2mesh.agent.runner import RunRequest, run_make  # noqa: E402
from prompt2mesh.agent.trace import read_events  # noqa: E402
from prompt2mesh.config import Settings  # noqa: E402
from prompt2mesh.roles.factory import make_roles  # noqa: E402
from prompt2mesh.roles.offline.planner import make_plan  # noqa: E402
from prompt2mesh.roles.offline.understanding import understand  # noqa: E402
from prompt2mesh.workers.session import open_local_worker  # noqa: E402

PROMPTS = [
    "Create a decorated Christmas tree",
    "a red cube on a blue table",
    "a wooden chair with four legs",
    "a small house with a chimney",
    "a snowman",
    "a red mushroom with white spots",
]
# Same requests in other words (case, articles, punctuation, plural forms), and two that differ
# in a colour or a count: the rule must miss those.
REPEATS = [
    ("a decorated christmas tree", True),
    ("A red cube on the blue table.", True),
    ("A wooden chair with 4 legs", True),
    ("A small house with a chimney!", True),
    ("Snowman", True),
    ("a red mushroom with white spots, please", True),
    ("a blue cube on a red table", False),
    ("a wooden chair with three legs", False),
]


def _counter() -> tuple[str, Any]:
    try:
        import tiktoken

        encoding = tiktoken.get_encoding("cl100k_base")
        return "tiktoken cl100k_base", lambda s: len(encoding.encode(s))
    except Exception:  # noqa: BLE001 (no offline encoding data: estimate)
        return "bytes/4 estimate", lambda s: len(s.encode()) // 4


TOKENIZER, count = _counter()


def _said(messages: list[Any]) -> str:
    return "\n".join(str(m.content) for m in messages)


class _Model:
    """A scripted model for one run, recording the tokens of every planner answer."""

    def __init__(self) -> None:
        self.planner: list[tuple[int, int]] = []
        self.steps: list[Any] = []
        self.chat = ScriptedChatModel(
            roles={
                "refiner": [self.refine] * 50,
                "planner": [self.plan] * 50,
                "executor": [self.execute] * 500,
            },
            default=critique(8),
        )

    def refine(self, messages: list[Any]) -> Any:
        asked = _said(messages)
        prompt = re.findall(r"Request: (.+)", asked)[-1].strip()
        answer = {"refined": understand(prompt).describe(), "details": {}, "warnings": []}
        return json_reply(answer, input_tokens=count(asked), output_tokens=count(json.dumps(answer)))

    def plan(self, messages: list[Any]) -> Any:
        asked = _said(messages)
        original = re.findall(r"Original request: (.+)", asked)[-1].strip()
        self.steps = make_plan(understand(original)).steps
        answer = {"steps": [s.model_dump(exclude={"calls"}) for s in self.steps]}
        tokens = (count(asked), count(json.dumps(answer)))
        self.planner.append(tokens)
        return json_reply(answer, input_tokens=tokens[0], output_tokens=tokens[1])

    def execute(self, messages: list[Any]) -> Any:
        """Build the step with the calls the offline planner worked out for it (then "done")."""
        if isinstance(messages[-1], ToolMessage):
            return text("done")
        number = int(re.findall(r"Step (\d+)", _said(messages))[-1])
        calls = [(c.tool, dict(c.args)) for c in self.steps[number - 1].calls]
        return tool_calls(*calls) if calls else text("done")


def _plan_phase(out_dir: Path, model: _Model, report: dict[str, Any]) -> dict[str, Any]:
    events = read_events(out_dir / "trace.jsonl")
    plan_s = sum(e["duration_s"] for e in events if e["type"] == "node_finished" and e["node"] == "plan")
    source = report.get("plan_source") or {}
    return {
        "plan_source": source.get("kind"),
        "reused_from": source.get("run_id"),
        "planner_calls": len(model.planner),
        "planner_input_tokens": sum(i for i, _ in model.planner),
        "planner_output_tokens": sum(o for _, o in model.planner),
        "plan_node_s": round(plan_s, 4),
    }


async def _run(
    session: Any, settings: Settings, cache: PlanCache, folder: Path, run_id: str, prompt: str, **options: Any
) -> dict[str, Any]:
    await session.call("new_scene", {})
    model = _Model()
    roles = make_roles(settings, chat_model=model.chat)
    out = folder / run_id
    request = RunRequest(
        prompt=prompt, out_dir=out, artifact_prefix=f"runs/{run_id}/", run_id=run_id, **options
    )
    started = time.perf_counter()
    report = await run_make(request, settings, session, roles=roles, plan_cache=cache)
    row = {"run_id": run_id, "prompt": prompt, "status": report["status"], **_plan_phase(out, model, report)}
    row["wall_s"] = round(time.perf_counter() - started, 3)
    row["final_score"] = (report.get("totals") or {}).get("final_score")
    return row


async def bench(folder: Path) -> dict[str, Any]:
    settings = Settings(data_dir=folder / "data", screenshot_size=96)
    cache = PlanCache(
        JsonPlanCacheStore(folder / "plan_cache.json"), owner="bench", pass_score=settings.pass_score
    )
    cold, warm, fresh = [], [], []
    async with open_local_worker(folder / "workspace") as session:
        for i, prompt in enumerate(PROMPTS):
            cold.append(await _run(session, settings, cache, folder, f"cold-{i}", prompt))
        for i, (prompt, _) in enumerate(REPEATS):
            warm.append(await _run(session, settings, cache, folder, f"warm-{i}", prompt, review=True))
            fresh.append(
                await _run(
                    session, settings, cache, folder, f"fresh-{i}", prompt, review=True, fresh_plan=True
                )
            )
    for row, (_, expected) in zip(warm, REPEATS, strict=True):
        row["expected_hit"] = expected
    hits = [r for r in warm if r["plan_source"] == "cache"]

    def total(rows: list[dict[str, Any]], key: str) -> float:
        return round(sum(r[key] for r in rows), 4)

    return {
        "model": "scripted chat model (tests/fakes/chat.py); token counts measured from the real requests",
        "tokenizer": TOKENIZER,
        "time_note": "the scripted model answers instantly: plan_node_s is local work only; "
        "a provider's planner latency is not measured here",
        "cold": cold,
        "warm": warm,
        "fresh": fresh,
        "summary": {
            "cold_runs_passing": sum(
                1 for r in cold if r["status"] == "completed" and (r["final_score"] or 0) >= 6
            ),
            "repeats": len(REPEATS),
            "hits": len(hits),
            "rule_agreed_with_expectation": sum(
                1 for r in warm if (r["plan_source"] == "cache") == r["expected_hit"]
            ),
            "planner_calls_warm": total(warm, "planner_calls"),
            "planner_calls_fresh": total(fresh, "planner_calls"),
            "planner_tokens_saved": total(fresh, "planner_input_tokens")
            + total(fresh, "planner_output_tokens")
            - total(warm, "planner_input_tokens")
            - total(warm, "planner_output_tokens"),
            "planner_tokens_per_hit": round(
                sum(
                    f["planner_input_tokens"] + f["planner_output_tokens"]
                    for f, w in zip(fresh, warm, strict=True)
                    if w["plan_source"] == "cache"
                )
                / max(1, len(hits))
            ),
            "plan_node_s_warm": total(warm, "plan_node_s"),
            "plan_node_s_fresh": total(fresh, "plan_node_s"),
        },
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(ROOT / "bench" / "results" / "plan_cache.json"))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="p2m-bench-cache-") as tmp:
        result = asyncio.run(bench(Path(tmp)))
    Path(args.out).write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result["summary"], indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
