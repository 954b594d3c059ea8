"""A scripted chat model: the only fake allowed for the model side.

``ScriptedChatModel`` is a real LangChain ``BaseChatModel`` that answers from a script instead
of a provider, so the LLM roles and the agent graph run unchanged against it::

    from fakes.chat import ScriptedChatModel, critique, plan, rate_limit_error, text, tool_calls

    model = ScriptedChatModel(
        script=[
            text('{"refined": "a red cube, 1 m"}'),                # refiner
            plan("Build the cube", "Light the scene"),             # planner: {"steps": [...]}
            tool_calls(("create_primitive", {"kind": "cube"})),    # executor, round 1
            text("done"),                                          # executor, round 2: no calls
            rate_limit_error(),                                    # critic call 1 raises 429...
            critique(8),                                           # ...its retry answers
        ]
    )
    roles = make_roles(settings, chat_model=model, sleep=recorder)

Script entries, consumed one per model call in order:

- an ``AIMessage`` (``text(...)``, ``json_reply(...)``, ``tool_calls(...)``, ``plan(...)``,
  ``critique(...)``, ``refined(...)`` build them, with token usage), or a plain ``str``;
- an exception instance (``rate_limit_error()``, ``server_error()``, any ``Exception``):
  raised by that call, e.g. to exercise the retry backoff;
- a callable ``(messages) -> AIMessage | str`` for answers that depend on the input.

Per-role queues make long agent scripts readable: ``roles={"critic": [critique(8)] * 5,
"executor": [...]}`` answers a call from that role (named in the run config's
``metadata["p2m_role"]`` by every LLM role) from its own queue, falling back to ``script``.
``default`` answers once the queues are empty; without it an exhausted script fails the
test with :class:`ScriptExhausted` naming the role and the last message.

What it saw is recorded for assertions: ``turns`` (one :class:`Turn` per call with the role,
the messages and the tool names offered), ``received`` (the message lists), ``offered``
(the tool names of every ``bind_tools`` call) and helpers such as :meth:`images_sent`.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import httpx
from langchain_core.callbacks import AsyncCallbackManagerForLLMRun, CallbackManagerForLLMRun
from langchain_core.language_models import BaseChatModel, LanguageModelInput
from langchain_core.messages import AIMessage, BaseMessage
from langchain_core.outputs import ChatGeneration, ChatResult
from langchain_core.runnables import Runnable
from langchain_core.utils.function_calling import convert_to_openai_tool
from pydantic import ConfigDict, Field

ROLE_METADATA_KEY = "p2m_role"  # same value as prompt2mesh.roles.llm.ROLE_METADATA_KEY

Entry = AIMessage | str | BaseException | Callable[[list[BaseMessage]], "AIMessage | str"]

_ids = itertools.count(1)


class ScriptExhausted(AssertionError):
    """The code under test made more model calls than the script has answers for."""


# --- building script entries -------------------------------------------------------------


def _usage(input_tokens: int, output_tokens: int) -> dict[str, int]:
    return {
        "input_tokens": input_tokens,
        "output_tokens": output_tokens,
        "total_tokens": input_tokens + output_tokens,
    }


def text(content: str, *, input_tokens: int = 100, output_tokens: int = 20) -> AIMessage:
    """A plain text answer (no tool calls) with token usage."""
    return AIMessage(content=content, usage_metadata=_usage(input_tokens, output_tokens))  # type: ignore[arg-type]


def json_reply(value: Any, **usage: int) -> AIMessage:
    """An answer that is ``value`` as JSON text."""
    return text(json.dumps(value), **usage)


def tool_calls(
    *calls: tuple[str, dict[str, Any]] | str,
    content: str = "",
    input_tokens: int = 100,
    output_tokens: int = 20,
) -> AIMessage:
    """An answer asking for tool calls: ``tool_calls(("create_primitive", {"kind": "cube"}), "new_scene")``."""
    parsed = []
    for call in calls:
        name, args = (call, {}) if isinstance(call, str) else call
        parsed.append({"name": name, "args": dict(args), "id": f"call_{next(_ids)}", "type": "tool_call"})
    return AIMessage(
        content=content,
        tool_calls=parsed,
        usage_metadata=_usage(input_tokens, output_tokens),  # type: ignore[arg-type]
    )


def plan_step(
    number: int, action: str, tools: Sequence[str] = ("create_primitive",), **fields: Any
) -> dict[str, Any]:
    """One step of a planner answer, with the fields the planner prompt asks for."""
    return {
        "number": number,
        "action": action,
        "description": fields.pop("description", f"{action}."),
        "tools": list(tools),
        "rationale": fields.pop("rationale", ""),
        "expected_outcome": fields.pop("expected_outcome", ""),
        **fields,
    }


def plan(*steps: str | dict[str, Any], tools: Sequence[str] = ("create_primitive",)) -> AIMessage:
    """A planner answer: ``plan("Build the base", "Add the roof")`` or full step dicts."""
    rows = [
        plan_step(i, s, tools) if isinstance(s, str) else {"number": i, **s}
        for i, s in enumerate(steps, start=1)
    ]
    return json_reply({"steps": rows})


def critique(
    score: int, issues: Iterable[str] = (), suggestions: Iterable[str] = (), analysis: str = ""
) -> AIMessage:
    """A critic answer with a 1-10 score."""
    return json_reply(
        {
            "score": score,
            "analysis": analysis or f"Scored {score}/10.",
            "issues": list(issues),
            "suggestions": list(suggestions),
        }
    )


def refined(brief: str, warnings: Iterable[str] = (), **details: Any) -> AIMessage:
    """A prompt refiner answer."""
    return json_reply({"refined": brief, "details": details, "warnings": list(warnings)})


def rate_limit_error(provider: str = "anthropic", message: str = "rate limited") -> Exception:
    """A real SDK rate-limit error (HTTP 429), as the provider's client raises it."""
    return _sdk_error(provider, 429, message)


def server_error(provider: str = "anthropic", status: int = 529, message: str = "overloaded") -> Exception:
    """A real SDK server error (5xx; 529 is Anthropic's 'overloaded')."""
    return _sdk_error(provider, status, message)


def _sdk_error(provider: str, status: int, message: str) -> Exception:
    request = httpx.Request("POST", "https://api.example.invalid/v1/messages")
    response = httpx.Response(status, request=request, json={"error": {"message": message}})
    if provider == "anthropic":
        import anthropic

        cls: Any = anthropic.RateLimitError if status == 429 else anthropic.InternalServerError
    elif provider == "openai":
        import openai

        cls = openai.RateLimitError if status == 429 else openai.InternalServerError
    else:
        raise ValueError(f"no SDK error for provider {provider!r}")
    return cls(message, response=response, body={"error": {"message": message}})  # type: ignore[no-any-return]


# --- the model --------------------------------------------------------------------------


@dataclass
class Turn:
    """One call of the model: who called, what it was sent, which tools it was offered."""

    role: str | None
    messages: list[BaseMessage]
    tools: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        """All text of the messages (to search for a phrase of the prompt)."""
        parts = []
        for message in self.messages:
            content = message.content
            if isinstance(content, str):
                parts.append(content)
            else:
                parts.extend(str(b.get("text", "")) for b in content if isinstance(b, dict))
        return "\n".join(parts)


def _tool_name(tool: Any) -> str:
    if isinstance(tool, dict) and "name" in tool:
        return str(tool["name"])
    return str(convert_to_openai_tool(tool)["function"]["name"])


class ScriptedChatModel(BaseChatModel):
    """A chat model that answers from a script and records what it was sent (see module doc)."""

    model_config = ConfigDict(arbitrary_types_allowed=True)

    script: list[Any] = Field(default_factory=list)
    roles: dict[str, list[Any]] = Field(default_factory=dict)
    default: Any = None
    model: str = "scripted"
    turns: list[Turn] = Field(default_factory=list)
    offered: list[list[str]] = Field(default_factory=list)

    @property
    def _llm_type(self) -> str:
        return "scripted"

    # -- what the tests read ---------------------------------------------------------------

    @property
    def received(self) -> list[list[BaseMessage]]:
        """The message list of every call, in order."""
        return [t.messages for t in self.turns]

    @property
    def remaining(self) -> int:
        """Script entries not used yet (all queues)."""
        return len(self.script) + sum(len(q) for q in self.roles.values())

    def turns_of(self, role: str) -> list[Turn]:
        """The calls one role made."""
        return [t for t in self.turns if t.role == role]

    def images_sent(self) -> list[dict[str, Any]]:
        """Every image content block sent to the model (the critic's screenshots)."""
        return [
            block
            for turn in self.turns
            for message in turn.messages
            if not isinstance(message.content, str)
            for block in message.content
            if isinstance(block, dict) and block.get("type") in ("image", "image_url")
        ]

    # -- BaseChatModel ---------------------------------------------------------------------

    def bind_tools(
        self, tools: Sequence[Any], *, tool_choice: str | None = None, **kwargs: Any
    ) -> Runnable[LanguageModelInput, AIMessage]:
        names = [_tool_name(t) for t in tools]
        self.offered.append(names)
        return self.bind(tools=list(tools), **kwargs)

    def _next(
        self, messages: list[BaseMessage], metadata: dict[str, Any], tools: Sequence[Any]
    ) -> ChatResult:
        role = metadata.get(ROLE_METADATA_KEY)
        self.turns.append(Turn(role=role, messages=list(messages), tools=[_tool_name(t) for t in tools]))
        queue = self.roles.get(role) if role is not None else None
        if queue:
            entry = queue.pop(0)
        elif self.script:
            entry = self.script.pop(0)
        elif self.default is not None:
            entry = self.default
        else:
            last = self.turns[-1].text[-300:]
            raise ScriptExhausted(
                f"ScriptedChatModel has no answer for call {len(self.turns)} (role {role!r}); "
                f"the last message ended with: {last!r}"
            )
        if callable(entry) and not isinstance(entry, BaseMessage):
            entry = entry(list(messages))
        if isinstance(entry, BaseException):
            raise entry
        message = AIMessage(content=entry) if isinstance(entry, str) else entry.model_copy(deep=True)
        return ChatResult(generations=[ChatGeneration(message=message)])

    def _generate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: CallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        metadata = run_manager.metadata if run_manager is not None else {}
        return self._next(messages, metadata, kwargs.get("tools") or [])

    async def _agenerate(
        self,
        messages: list[BaseMessage],
        stop: list[str] | None = None,
        run_manager: AsyncCallbackManagerForLLMRun | None = None,
        **kwargs: Any,
    ) -> ChatResult:
        metadata = run_manager.metadata if run_manager is not None else {}
        return self._next(messages, metadata, kwargs.get("tools") or [])
