"""The Blender worker: the only package that imports ``bpy``. An MCP server over typed tools."""

from prompt2mesh.blender.errors import ToolError
from prompt2mesh.blender.runtime import Worker, WorkerConfig

__all__ = ["ToolError", "Worker", "WorkerConfig"]
