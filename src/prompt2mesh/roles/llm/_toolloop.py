"""The model -> tool calls -> results -> model loop shared by the executor and the improver."""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from langchain_core.messages import BaseMessage, ToolMessage

from prompt2mesh.roles.interface import RoleContext, ToolInfo, ToolResult
from prompt2mesh.roles.llm._base import LLMRole, scene_text
from prompt2mesh.roles.llm._disclosure import FIND_TOOLS, find_tools, find_tools_info
from prompt2mesh.roles.prompts import tool_schemas

MAX_RESULT_CHARS = 4000
"""Tool results are cut to this length before going back to the model (token budget)."""


_DEFAULTS: dict[str, Any] = {"rotation": [0.0, 0.0, 0.0], "scale": [1.0, 1.0, 1.0], "visible": True}


def _lean(value: Any) -> Any:
    """A tool result without what says nothing: empty lists, nulls and default transforms
    (every object summary carries ``rotation: [0, 0, 0]``, ``modifiers: []``, ``visible: true``)."""
    if isinstance(value, list):
        return [_lean(v) for v in value]
    if not isinstance(value, dict):
        return value
    return {
        k: _lean(v)
        for k, v in value.items()
        if v is not None and v != [] and v != {} and not (k in _DEFAULTS and v == _DEFAULTS[k])
    }


def result_text(result: ToolResult) -> str:
    """What the model reads back for one tool call: JSON on success, the error otherwise."""
    if not result.ok:
        return f"ERROR: {result.error or 'the tool failed'}"
    try:
        text = json.dumps(_lean(result.result), ensure_ascii=False, default=str, separators=(",", ":"))
    except (TypeError, ValueError):
        text = str(result.result)
    if len(text) > MAX_RESULT_CHARS:
        text = text[:MAX_RESULT_CHARS] + f"... [cut, {len(text)} chars in all]"
    if result.images:
        text += f" [{len(result.images)} image(s) not shown]"
    return text


def tool_event(result: ToolResult, ctx: RoleContext, role: str) -> dict[str, Any]:
    """The ``tool_call`` trace event for one call."""
    return {
        "role": role,
        "step": ctx.step_index,
        "tool": result.tool,
        "args": result.args,
        "ok": result.ok,
        "error": result.error,
        "duration_s": round(result.duration_s, 4),
    }


async def scene_summary(ctx: RoleContext) -> str:
    """The scene as it is now, for the task message (names to build on, sizes, positions).

    Read-only and not part of the step's results; an unreadable scene gives "" and the
    model can still inspect it with tools.
    """
    result = await ctx.runner.call("get_scene_info", {"limit": 60})
    if not result.ok or not isinstance(result.result, dict):
        return ""
    return scene_text(result.result)


async def run_tool_loop(
    role: LLMRole,
    messages: list[BaseMessage],
    tools: Sequence[ToolInfo],
    ctx: RoleContext,
    *,
    max_rounds: int,
) -> list[ToolResult]:
    """Let the model call ``tools`` until it stops asking or ``max_rounds`` replies are used.

    Only ``tools`` are bound; a call to any other name is answered with an error (and kept
    in the results) rather than run. Every result, failed ones included, goes back to the
    model as a ``ToolMessage`` so it can correct itself.

    Args:
        role: The calling role (model, retries, caching, name).
        messages: System and task messages; the loop appends to this list.
        tools: The tools offered for this step (already filtered by the agent).
        ctx: Runs the tools; receives usage and ``tool_call`` events.
        max_rounds: The most model replies in this loop.

    Returns:
        Every tool call made, in order.

    Raises:
        RetriesExhaustedError: A model call outlasted the backoff.
        WorkerUnavailable: The worker died (raised by ``ctx.runner``).
    """
    bound = list(tools)
    extra = [t for t in ctx.loadable if t.name not in {b.name for b in bound}]
    if extra:
        # The meta tool goes first: the stable head of the list stays a cacheable prefix.
        bound.insert(0, find_tools_info(ctx.loadable))
    offered = {t.name for t in bound}

    def bind(infos: list[ToolInfo]) -> Any:
        return role.model.bind_tools(tool_schemas(infos, cache=role.cache, gemini=role.gemini_schemas))

    runnable = bind(bound) if bound else None
    results: list[ToolResult] = []
    for _round in range(max_rounds):
        reply = await role.invoke(messages, ctx, runnable=runnable)
        messages.append(reply)
        if not reply.tool_calls and not reply.invalid_tool_calls:
            return results
        # Calls whose arguments were not valid JSON still need an answer: providers reject
        # a conversation in which a tool call has no result.
        for n, bad in enumerate(reply.invalid_tool_calls):
            name = bad.get("name") or "unknown"
            result = ToolResult(
                tool=name,
                args={"_raw": bad.get("args")},
                ok=False,
                error=f"the arguments were not valid JSON ({bad.get('error') or 'unparsable'}); send a JSON object",
            )
            results.append(result)
            ctx.emit("tool_call", tool_event(result, ctx, role.role))
            messages.append(
                ToolMessage(
                    content=result_text(result),
                    tool_call_id=bad.get("id") or f"{name}_invalid_{n}",
                    name=name,
                    status="error",
                )
            )
        loaded: list[ToolInfo] = []
        for n, call in enumerate(reply.tool_calls):
            name, args = call["name"], dict(call.get("args") or {})
            if name == FIND_TOOLS and FIND_TOOLS in offered:
                new, text = find_tools(args, ctx.loadable, offered)
                loaded += new
                offered |= {t.name for t in new}
                ctx.emit("tools_loaded", {"role": role.role, "query": args, "loaded": [t.name for t in new]})
                messages.append(
                    ToolMessage(content=text, tool_call_id=call.get("id") or f"{name}_{n}", name=name)
                )
                continue
            known = next((t for t in ctx.loadable if t.name == name), None)
            if name not in offered and known is not None:
                # A loadable tool called by name (the planner's catalogue lists them all):
                # run it, and bind its schema from now on.
                loaded.append(known)
                offered.add(name)
            if name in offered:
                result = await ctx.runner.call(name, args)
            else:
                result = ToolResult(
                    tool=name,
                    args=args,
                    ok=False,
                    error=f"tool {name!r} is not available in this step; use one of: {', '.join(sorted(offered))}",
                )
            results.append(result)
            ctx.emit("tool_call", tool_event(result, ctx, role.role))
            messages.append(
                ToolMessage(
                    content=result_text(result),
                    tool_call_id=call.get("id") or f"{name}_{len(results)}_{n}",
                    name=name,
                    status="success" if result.ok else "error",
                )
            )
        if loaded:
            bound += loaded
            runnable = bind(bound)
    ctx.emit(
        "warning",
        {"message": f"{role.role} stopped after {max_rounds} model rounds with tool calls still coming"},
    )
    return results
