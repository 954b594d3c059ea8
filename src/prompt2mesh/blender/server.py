"""The Blender MCP server: publishes every registered tool over stdio or streamable HTTP."""

from __future__ import annotations

import functools
import inspect
import os
import sys
import typing
from collections.abc import Callable
from typing import Any

from mcp.server.fastmcp import FastMCP
from mcp.types import ToolAnnotations

from prompt2mesh.blender.errors import BlenderOperationFailed, ToolError
from prompt2mesh.blender.registry import ToolSpec, all_tools
from prompt2mesh.blender.runtime import Worker, WorkerConfig

INSTRUCTIONS = (
    "Tools for a real, headless Blender 5 scene. Units are metres, Z is up, rotations are in "
    "degrees, colours are sRGB hex ('#cc2222') or [r, g, b] in 0..1. Objects are addressed by "
    "name. Primitives are created centred on their location; a 1 m cube at z=0.5 stands on the "
    "ground. Paths are relative to the worker's workspace. Call get_scene_info first, "
    "get_viewport_screenshot to look at the result, and undo to roll back a bad step."
)


def _bind(worker: Worker, spec: ToolSpec) -> Callable[..., Any]:
    """A wrapper without the ``worker`` parameter whose signature FastMCP can read."""
    func = spec.func
    hints = typing.get_type_hints(func, include_extras=True)
    params = [
        p.replace(annotation=hints.get(p.name, p.annotation))
        for p in list(inspect.signature(func).parameters.values())[1:]
    ]
    signature = inspect.Signature(params, return_annotation=hints.get("return", inspect.Signature.empty))

    @functools.wraps(func)
    def call(**kwargs: Any) -> Any:
        if spec.mutates:
            worker.before_mutation(spec.name)
        try:
            return func(worker, **kwargs)
        except ToolError:
            raise
        except (RuntimeError, ValueError, TypeError, KeyError, AttributeError, ReferenceError) as exc:
            # Blender reports refusals as RuntimeError; never let them kill the worker.
            raise BlenderOperationFailed(f"{spec.name} failed in Blender: {exc}") from exc

    del call.__wrapped__  # FastMCP must see the signature below, not the original one
    call.__signature__ = signature  # type: ignore[attr-defined]
    call.__annotations__ = {p.name: p.annotation for p in params}
    if signature.return_annotation is not inspect.Signature.empty:
        call.__annotations__["return"] = signature.return_annotation
    return call


def build_server(config: WorkerConfig) -> FastMCP:
    """Create the MCP server with every tool bound to one worker."""
    worker = Worker(config)
    server = FastMCP(
        "prompt2mesh-blender",
        instructions=INSTRUCTIONS,
        host=config.host,
        port=config.port,
        log_level="WARNING",
    )
    for spec in all_tools().values():
        server.add_tool(
            _bind(worker, spec),
            name=spec.name,
            description=inspect.getdoc(spec.func) or spec.name,
            annotations=ToolAnnotations(readOnlyHint=not spec.mutates, openWorldHint=False),
            meta={"category": spec.category, "mutates": spec.mutates},
        )
    return server


def _reserve_stdout_for_protocol() -> None:
    """Keep fd 1 for MCP messages only: Blender prints render/export logs to C-level stdout."""
    protocol_fd = os.dup(1)
    os.dup2(2, 1)
    sys.stdout = os.fdopen(protocol_fd, "w", buffering=1, encoding="utf-8")


def run_worker(config: WorkerConfig) -> None:
    """Serve one Blender over the configured transport until the client goes away."""
    if config.transport == "stdio":
        _reserve_stdout_for_protocol()
    server = build_server(config)
    server.run("stdio" if config.transport == "stdio" else "streamable-http")
