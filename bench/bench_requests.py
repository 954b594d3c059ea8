"""Request-size benchmark: bytes and tokens per role of a recorded real-model run, before/after.

Reads a relay recording (``req-N.json`` as the product sent them, see
``../shared/tools/llm_relay.py``) and reports, per role: request count, bytes (median, max,
total), tool-schema bytes and an estimated token count (``tiktoken``'s cl100k when its data is
available offline, else bytes / 4). For the executor and improver requests it also rebuilds
each request's tool list the way the code before progressive disclosure did (every tool of
the step's keyword categories, full docstrings, full pydantic schemas) from the worker's live
catalogue, so "before" and "after" share every message and differ only in the tools: that is
the figure the README quotes. Finally it checks that the per-step schema bytes do not grow
when 40 more tools in new categories join the catalogue. Not a test; writes
``bench/results/requests.json``.

    .venv/bin/python bench/bench_requests.py RELAY_DIR [--out bench/results/requests.json]
"""

from __future__ import annotations

import argparse
import json
import re
import statistics
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))

from fakes.cassette import role_of  # noqa: E402
from prompt2mesh.agent.tool_filter import (  # noqa: E402
    _KEYWORDS,
    RESERVED,
    loadable_tools,
    tools_for_refinement,
    tools_for_step,
)
from prompt2mesh.roles.interface import PlanStep, ToolInfo  # noqa: E402
from prompt2mesh.roles.llm._base import scene_text  # noqa: E402
from prompt2mesh.roles.llm._disclosure import find_tools_info  # noqa: E402
from prompt2mesh.roles.prompts import tool_schemas  # noqa: E402
from prompt2mesh.workers.blocking import BlockingWorker  # noqa: E402


def _tokens() -> Any:
    try:
        import tiktoken

        encoding = tiktoken.get_encoding("cl100k_base")
        return "tiktoken cl100k_base", lambda text: len(encoding.encode(text))
    except Exception:  # noqa: BLE001 (no offline encoding data: estimate)
        return "bytes/4 estimate", lambda text: len(text) // 4


def _without_images(body: dict[str, Any]) -> str:
    """The request as JSON with image data left out (an image is billed per pixel, not per byte)."""
    text = json.dumps(body)
    return re.sub(r'"data:image/png;base64,[^"]*"', '"<image>"', text)


def _without_details(message: dict[str, Any]) -> dict[str, Any]:
    content = message.get("content")
    if message.get("role") != "user" or not isinstance(content, str):
        return message
    return {**message, "content": re.sub(r"\nDetails: \{.*\}(?=\n)", "", content)}


_LISTING = re.compile(r"Objects in the scene \((\d+)\):\n((?:\{.*\}(?:\n|$))+)")


def _with_todays_listing(message: dict[str, Any]) -> dict[str, Any]:
    """A recorded task message with its scene listing (a JSON object per row, as recorded
    before the compact table) written the way today's roles write it."""
    content = message.get("content")
    if message.get("role") != "user" or not isinstance(content, str):
        return message

    def table(match: re.Match[str]) -> str:
        rows = [json.loads(line) for line in match.group(2).splitlines() if line.strip()]
        return scene_text({"objects": rows, "total": int(match.group(1))}, limit=len(rows)) + "\n"

    return {**message, "content": _LISTING.sub(table, content)}


def _old_tools_for_step(step: PlanStep, catalogue: list[ToolInfo]) -> list[ToolInfo]:
    """The tool filter before progressive disclosure (main @ 8bb5e7e): whole categories."""
    by_name = {t.name: t.category for t in catalogue}
    named = {t for t in [*step.tools, *(c.tool for c in step.calls)] if t in by_name}
    categories = {"inspection"} | {by_name[t] for t in named}
    text = " ".join([step.action, step.description, step.expected_outcome]).lower()
    keyword = ("materials", "lighting", "camera") if named else tuple(_KEYWORDS)
    for category in keyword:
        if any(re.search(rf"\b{re.escape(w)}", text) for w in _KEYWORDS[category]):
            categories.add(category)
    if categories <= {"inspection"}:
        categories |= {"creation", "modification", "materials"}
    return [t for t in catalogue if (t.category in categories or t.name in named) and t.name not in RESERVED]


def _old_schemas(tools: list[ToolInfo]) -> list[dict[str, Any]]:
    return [
        {
            "type": "function",
            "function": {
                "name": t.name,
                "description": t.description or t.name,
                "parameters": t.input_schema or {"type": "object", "properties": {}},
            },
        }
        for t in tools
    ]


def _stats(values: list[int]) -> dict[str, Any]:
    if not values:
        return {"n": 0}
    return {
        "n": len(values),
        "median": int(statistics.median(values)),
        "min": min(values),
        "max": max(values),
        "total": sum(values),
    }


def _plan_steps(bodies: list[tuple[int, dict[str, Any]]], folder: Path) -> list[PlanStep]:
    """The plan the recorded planner answered with (its resp-N.json)."""
    for n, body in bodies:
        if role_of(body) == "planner":
            reply = json.loads((folder / f"resp-{n}.json").read_text())
            text = reply.get("content") or ""
            data = json.loads(text[text.find("{") : text.rfind("}") + 1])
            return [PlanStep.model_validate({**s, "number": i}) for i, s in enumerate(data["steps"], start=1)]
    return []


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("relay_dir", type=Path)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "results" / "requests.json")
    args = parser.parse_args()
    tokenizer, count = _tokens()
    bodies = [
        (int(p.stem.split("-")[1]), json.loads(p.read_text()))
        for p in sorted(args.relay_dir.glob("req-*.json"), key=lambda p: int(p.stem.split("-")[1]))
    ]
    with BlockingWorker(Path(tempfile.mkdtemp(prefix="p2m-bench-"))) as worker:
        catalogue = worker.list_tools()
    steps = _plan_steps(bodies, args.relay_dir)

    roles: dict[str, dict[str, list[int]]] = {}
    tool_roles = {"executor", "improver"}
    step_of_request: list[int] = []
    for _n, body in bodies:
        role = role_of(body)
        row = roles.setdefault(
            role,
            {
                "bytes": [],
                "tokens": [],
                "schema_bytes": [],
                "before_bytes": [],
                "before_tokens": [],
                "before_schema_bytes": [],
                "now_bytes": [],
                "now_tokens": [],
                "now_schema_bytes": [],
            },
        )
        text = _without_images(body)
        schemas = json.dumps(body.get("tools") or [])
        row["bytes"].append(len(text))
        row["tokens"].append(count(text))
        row["schema_bytes"].append(len(schemas))
        if role in tool_roles and steps:
            task = next((m for m in body["messages"] if m.get("role") == "user"), {})
            match = re.search(r"Step (\d+)", str(task.get("content")))
            number = int(match.group(1)) if match else 1
            step_of_request.append(number)
            step = steps[min(number, len(steps)) - 1]
            old = _old_tools_for_step(step, catalogue)
            if role == "improver":
                old = [
                    t
                    for t in catalogue
                    if (t in old or t.category in {"modification", "materials"}) and t.name not in RESERVED
                ]
            old_schemas = json.dumps(_old_schemas(old))
            before = {**body, "tools": _old_schemas(old)}
            before_text = _without_images(before)
            row["before_bytes"].append(len(before_text))
            row["before_tokens"].append(count(before_text))
            row["before_schema_bytes"].append(len(old_schemas))
            # Today's scheme on the same messages (the recording may predate the last change).
            new = (
                tools_for_refinement(step, catalogue)
                if role == "improver"
                else tools_for_step(step, catalogue)
            )
            offered = [find_tools_info(loadable_tools(catalogue)), *new]
            now = {**body, "tools": tool_schemas(offered, cache=False)}
            if role == "executor":
                # Today's executor leaves the refiner's detail JSON out of its task message.
                now["messages"] = [_without_details(m) for m in body["messages"]]
            # And every role lists the scene as a table that names its columns once.
            now["messages"] = [_with_todays_listing(m) for m in now.get("messages", body["messages"])]
            now_text = _without_images(now)
            row["now_bytes"].append(len(now_text))
            row["now_tokens"].append(count(now_text))
            row["now_schema_bytes"].append(len(json.dumps(now["tools"])))

    grown = [
        ToolInfo(
            name=f"synthetic_{c}_{i}",
            description=f"A {c} tool. " + "It has a long description. " * 8,
            category=c,
            input_schema={
                "type": "object",
                "properties": {f"p{k}": {"type": "number", "description": "a value"} for k in range(6)},
            },
        )
        for i, c in enumerate(
            [
                "constraints",
                "animation",
                "materials",
                "modification",
                "creation",
                "scene",
                "rendering",
                "lighting",
            ]
            * 5
        )
    ]
    growth = []
    for step in steps:
        now = len(json.dumps(tool_schemas(tools_for_step(step, catalogue), cache=False)))
        later = len(json.dumps(tool_schemas(tools_for_step(step, [*catalogue, *grown]), cache=False)))
        old_now = len(json.dumps(_old_schemas(_old_tools_for_step(step, catalogue))))
        old_later = len(json.dumps(_old_schemas(_old_tools_for_step(step, [*catalogue, *grown]))))
        growth.append(
            {
                "step": step.number,
                "action": step.action,
                "schema_bytes": now,
                "with_40_more_tools": later,
                "before_scheme": old_now,
                "before_scheme_with_40_more": old_later,
            }
        )

    result: dict[str, Any] = {
        "recording": str(args.relay_dir),
        "tokenizer": tokenizer,
        "catalogue_tools": len(catalogue),
        "catalogue_schema_bytes_before": len(
            json.dumps(_old_schemas([t for t in catalogue if t.name not in RESERVED]))
        ),
        "catalogue_schema_bytes_after": len(
            json.dumps(tool_schemas([t for t in catalogue if t.name not in RESERVED], cache=False))
        ),
        "roles": {role: {k: _stats(v) for k, v in row.items() if v} for role, row in roles.items()},
        "schema_growth_per_step": growth,
        "requests": len(bodies),
    }
    executor = result["roles"].get("executor", {})
    if executor.get("bytes") and executor.get("before_bytes"):
        before_median = executor["before_bytes"]["median"]
        result["executor_median_cut_as_recorded"] = round(1 - executor["bytes"]["median"] / before_median, 3)
        result["executor_median_cut"] = round(1 - executor["now_bytes"]["median"] / before_median, 3)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")
    for role, row in result["roles"].items():
        b = row.get("bytes", {})
        before, now = row.get("before_bytes", {}), row.get("now_bytes", {})
        extra = f"  before median {before['median']}  now median {now['median']}" if before.get("n") else ""
        print(f"{role:10} n={b.get('n')}  median {b.get('median')} B  max {b.get('max')} B{extra}")
    print(
        f"executor median cut: {result.get('executor_median_cut')} (as recorded {result.get('executor_median_cut_as_recorded')})"
    )
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
