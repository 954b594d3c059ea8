"""LLM-backed roles: LangChain chat models with tool calling and a vision critic.

Every model call goes through the retry policy, adds its tokens to ``ctx.usage`` and emits
events through ``ctx.emit(kind, data)``:

- ``model_call`` ``{role, model, step, input_tokens, output_tokens, tool_calls, duration_s}``
- ``tool_call`` ``{role, step, tool, args, ok, error, duration_s}`` as each call returns
  (executor and improver; the same calls are also returned as ``ToolResult`` lists)
- ``warning`` ``{message, ...}`` for a retry after a rate limit, an unusable reply asked
  again, or a tool loop stopped at its round limit.

Calls carry ``{"metadata": {"p2m_role": <role>}}`` in their run config.
"""

from prompt2mesh.roles.llm._base import ROLE_METADATA_KEY, LLMRole
from prompt2mesh.roles.llm.critic import LLMCritic
from prompt2mesh.roles.llm.executor import LLMExecutor
from prompt2mesh.roles.llm.improver import LLMImprover
from prompt2mesh.roles.llm.planner import LLMPlanner
from prompt2mesh.roles.llm.refiner import LLMRefiner

__all__ = [
    "ROLE_METADATA_KEY",
    "LLMCritic",
    "LLMExecutor",
    "LLMImprover",
    "LLMPlanner",
    "LLMRefiner",
    "LLMRole",
]
