"""What every LLM-backed role shares: one chat model call with retries, token counting and
trace events, and asking for JSON with one repair round."""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from langchain_core.language_models import BaseChatModel, LanguageModelInput
from langchain_core.messages import AIMessage, BaseMessage, HumanMessage
from langchain_core.runnables import Runnable
from pydantic import BaseModel, ValidationError

from prompt2mesh.roles.errors import ModelOutputError
from prompt2mesh.roles.interface import RoleContext
from prompt2mesh.roles.retry import RetryPolicy

M = TypeVar("M", bound=BaseModel)

ROLE_METADATA_KEY = "p2m_role"
"""Run-config metadata naming the calling role (LangSmith shows it; the scripted test model
routes on it)."""

_FENCE = re.compile(r"```(?:json)?\s*(.*?)```", re.DOTALL)


def message_text(message: BaseMessage) -> str:
    """The text of a message whose content may be a string or a list of content blocks."""
    content = message.content
    if isinstance(content, str):
        return content
    parts = []
    for block in content:
        if isinstance(block, str):
            parts.append(block)
        elif isinstance(block, dict) and block.get("type") == "text":
            parts.append(str(block.get("text", "")))
    return "".join(parts)


def extract_json(text: str) -> Any:
    """The JSON value in a reply that may wrap it in prose or a Markdown code fence.

    Raises:
        ValueError: No JSON object or array could be found.
    """
    candidates = [m.group(1) for m in _FENCE.finditer(text)] + [text]
    for candidate in candidates:
        candidate = candidate.strip()
        try:
            return json.loads(candidate)
        except json.JSONDecodeError:
            pass
        start = min((i for i in (candidate.find("{"), candidate.find("[")) if i >= 0), default=-1)
        if start < 0:
            continue
        closing = "}" if candidate[start] == "{" else "]"
        end = candidate.rfind(closing)
        if end > start:
            try:
                return json.loads(candidate[start : end + 1])
            except json.JSONDecodeError:
                continue
    raise ValueError("no JSON object found in the reply")


@dataclass
class LLMRole:
    """Base of the LLM roles: a chat model, its name, the retry policy and the caching flag."""

    model: BaseChatModel
    model_label: str = ""
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    cache: bool = False
    role: str = "model"
    gemini_schemas: bool = False

    async def invoke(
        self,
        messages: Sequence[BaseMessage],
        ctx: RoleContext,
        *,
        runnable: Runnable[LanguageModelInput, BaseMessage] | None = None,
    ) -> AIMessage:
        """One model call under the retry policy; counts tokens and emits ``model_call``.

        Args:
            messages: The conversation so far.
            ctx: Usage counter and event sink.
            runnable: The model with tools bound, when the role offers tools.

        Returns:
            The model's reply.

        Raises:
            RetriesExhaustedError: Rate limits or transient errors outlasted the backoff.
        """
        target = runnable if runnable is not None else self.model
        config: Any = {"metadata": {ROLE_METADATA_KEY: self.role}, "run_name": f"p2m.{self.role}"}
        started = time.perf_counter()

        def on_retry(attempt: int, delay: float, exc: BaseException) -> None:
            ctx.emit(
                "warning",
                {
                    "message": f"{self.role} model call failed ({type(exc).__name__}); "
                    f"retry {attempt} in {delay:g} s",
                    "role": self.role,
                    "attempt": attempt,
                    "delay_s": delay,
                    "error": str(exc)[:300],
                },
            )

        async def call() -> BaseMessage:
            return await target.ainvoke(list(messages), config=config)

        reply = await self.retry.run(call, on_retry=on_retry, what=f"{self.role} model call")
        if not isinstance(reply, AIMessage):
            reply = AIMessage(content=reply.content)
        usage: dict[str, Any] = dict(reply.usage_metadata or {})
        input_tokens = int(usage.get("input_tokens", 0) or 0)
        output_tokens = int(usage.get("output_tokens", 0) or 0)
        ctx.usage.add(input_tokens, output_tokens)
        details: dict[str, Any] = dict(usage.get("input_token_details") or {})
        ctx.emit(
            "model_call",
            {
                "role": self.role,
                "model": self.model_label,
                "step": ctx.step_index,
                "input_tokens": input_tokens,
                "output_tokens": output_tokens,
                "cache_read_tokens": int(details.get("cache_read", 0) or 0),
                "cache_creation_tokens": int(details.get("cache_creation", 0) or 0),
                "tool_calls": len(reply.tool_calls),
                "duration_s": round(time.perf_counter() - started, 3),
            },
        )
        return reply

    async def ask_json(
        self,
        messages: Sequence[BaseMessage],
        ctx: RoleContext,
        parse: Callable[[Any], M],
    ) -> M:
        """Ask for JSON and parse it; on a bad reply, say what was wrong and ask once more.

        Args:
            messages: The conversation asking for the JSON reply.
            ctx: Usage counter and event sink.
            parse: Turns the decoded JSON into the role's model (raises ValueError /
                ValidationError when it does not fit).

        Returns:
            The parsed reply.

        Raises:
            ModelOutputError: The second reply was unusable too.
            RetriesExhaustedError: Rate limits or transient errors outlasted the backoff.
        """
        conversation = list(messages)
        problem = ""
        for attempt in range(2):
            reply = await self.invoke(conversation, ctx)
            text = message_text(reply)
            try:
                return parse(extract_json(text))
            except (ValueError, ValidationError, TypeError) as exc:
                problem = _describe(exc)
                if attempt == 0:
                    ctx.emit(
                        "warning", {"message": f"{self.role} reply was not usable: {problem}; asking again"}
                    )
                    conversation += [
                        reply,
                        HumanMessage(
                            content=f"That reply could not be used: {problem}. "
                            "Answer again with only the JSON object described above."
                        ),
                    ]
        raise ModelOutputError(
            f"the {self.role} did not answer with the JSON asked for (twice): {problem}",
            role=self.role,
            reply=text[:2000],
        )


def _describe(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        parts = [f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()[:5]]
        return "; ".join(parts)
    return str(exc)


def brief_text(ctx: RoleContext, *, details: bool = True) -> str:
    """The refined brief the whole run works towards, for the task messages.

    ``details=False`` leaves out the refiner's detail JSON: the modeller's step already carries
    the planner's specifics (names, sizes, colours), and the JSON would ride on every turn.
    """
    req = ctx.requirement
    if req is None:
        return ""
    text = f"The whole model (brief): {req.refined or req.original}"
    if req.details and details:
        text += f"\nDetails: {json.dumps(req.details, ensure_ascii=False, default=str)}"
    return text


SCENE_COLUMNS = "name | type | location x,y,z (m) | dimensions x,y,z (m) | parent | materials"
"""The scene listing's columns, named once in its header ('-' = none)."""


def _numbers(value: Any) -> str:
    if not isinstance(value, (list, tuple)):
        return "-"
    return ",".join(f"{round(float(v), 3):g}" if isinstance(v, (int, float)) else str(v) for v in value)


def scene_text(scene: dict[str, Any], *, limit: int = 60) -> str:
    """A compact scene summary, one row per object under a header that names the columns once
    (a JSON object per row repeated every key on every row of every turn: half the bytes)."""
    objects = scene.get("objects") or []
    if not objects:
        return "The scene is empty."
    rows = []
    for obj in objects[:limit]:
        if not isinstance(obj, dict):
            continue
        materials = ", ".join(str(m) for m in obj.get("materials") or []) or "-"
        rows.append(
            " | ".join(
                [
                    str(obj.get("name")),
                    str(obj.get("type") or "-"),
                    _numbers(obj.get("location")),
                    _numbers(obj.get("dimensions")),
                    str(obj.get("parent") or "-"),
                    materials,
                ]
            )
        )
    total = scene.get("total", len(objects))
    more = f"\n... and {total - len(rows)} more" if isinstance(total, int) and total > len(rows) else ""
    return f"Objects in the scene ({total}): {SCENE_COLUMNS}\n" + "\n".join(rows) + more
