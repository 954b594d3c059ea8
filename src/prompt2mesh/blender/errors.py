"""Errors raised by Blender tools. Converted to MCP tool errors only at the server edge.

ToolError                     base; ``code`` is stable, ``message`` says what was wrong
├── InvalidArgument           a value out of range, NaN, wrong shape, unknown enum
├── NotFound                  no object / material / modifier / file by that name
├── WrongType                 the object exists but is not the kind the tool needs
├── LimitExceeded             the call would exceed a memory or time limit of the worker
├── PathOutsideWorkspace      a path escapes the worker's workspace
├── CodeExecutionDisabled     execute_blender_code without ``--allow-code``
├── BlenderOperationFailed    Blender refused or failed the operation
├── BlenderUnavailable        Blender could not be loaded when the worker started
└── NotReady                  a spare worker called before its workspace was assigned

Messages never echo huge input: every ``ToolError`` message is passed through
:func:`clip_message` (quoted values cut to ``QUOTE_CHARS``, the whole text to
``MAX_ERROR_CHARS``), and the server edge does the same for errors raised by the MCP SDK.
"""

from __future__ import annotations

import re

QUOTE_CHARS = 200
"""A quoted value in an error keeps at most this many characters."""
MAX_ERROR_CHARS = 2000
"""No error text is longer than this (a fuzzed 10 MB argument once came back whole)."""

_LONG_QUOTED = re.compile(rf"'[^'\n]{{{QUOTE_CHARS + 1},}}'|\"[^\"\n]{{{QUOTE_CHARS + 1},}}\"")


def _cut_quoted(match: re.Match[str]) -> str:
    text = match.group(0)
    quote, body = text[0], text[1:-1]
    return f"{quote}{body[:QUOTE_CHARS]}{quote}... ({len(body) - QUOTE_CHARS:,} more characters)"


def clip_message(message: str) -> str:
    """``message`` with long quoted values cut and the whole text bounded by MAX_ERROR_CHARS."""
    if len(message) > 50 * MAX_ERROR_CHARS:
        # The regex is linear, but there is no point scanning megabytes that will be cut anyway.
        message = message[: 25 * MAX_ERROR_CHARS] + message[-25 * MAX_ERROR_CHARS :]
    message = _LONG_QUOTED.sub(_cut_quoted, message)
    if len(message) > MAX_ERROR_CHARS:
        cut = len(message) - MAX_ERROR_CHARS + 40
        head = (MAX_ERROR_CHARS - 40) * 3 // 4
        message = f"{message[:head]} ... ({cut:,} characters cut) ... {message[head + cut :]}"
    return message


class ToolError(Exception):
    """A tool call failed in a way the caller can understand and correct."""

    code = "tool_error"

    def __init__(self, message: str) -> None:
        message = clip_message(message)
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return f"[{self.code}] {self.message}"


class InvalidArgument(ToolError):
    code = "invalid_argument"


class NotFound(ToolError):
    code = "not_found"


class WrongType(ToolError):
    code = "wrong_type"


class LimitExceeded(ToolError):
    code = "limit_exceeded"


class PathOutsideWorkspace(ToolError):
    code = "path_outside_workspace"


class CodeExecutionDisabled(ToolError):
    code = "code_execution_disabled"


class NotAvailable(ToolError):
    """This worker cannot do it on this machine (EEVEE without a GPU), whatever the arguments."""

    code = "not_available"


class BlenderOperationFailed(ToolError):
    code = "blender_operation_failed"


class BlenderUnavailable(ToolError):
    code = "blender_unavailable"


class NotReady(ToolError):
    code = "not_ready"
