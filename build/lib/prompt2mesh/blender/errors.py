"""Errors raised by Blender tools. Converted to MCP tool errors only at the server edge.

ToolError                     base; ``code`` is stable, ``message`` says what was wrong
├── InvalidArgument           a value out of range, NaN, wrong shape, unknown enum
├── NotFound                  no object / material / modifier / file by that name
├── WrongType                 the object exists but is not the kind the tool needs
├── LimitExceeded             the call would exceed a memory or time limit of the worker
├── PathOutsideWorkspace      a path escapes the worker's workspace
├── CodeExecutionDisabled     execute_blender_code without ``--allow-code``
└── BlenderOperationFailed    Blender refused or failed the operation
"""

from __future__ import annotations


class ToolError(Exception):
    """A tool call failed in a way the caller can understand and correct."""

    code = "tool_error"

    def __init__(self, message: str) -> None:
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


class BlenderOperationFailed(ToolError):
    code = "blender_operation_failed"
