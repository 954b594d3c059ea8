"""The Blender MCP server: publishes every registered tool over stdio or streamable HTTP."""

from __future__ import annotations

import functools
import inspect
import io
import json
import os
import sys
import typing
from collections.abc import Callable
from typing import Any, BinaryIO

import anyio
from mcp.server.fastmcp import FastMCP
from mcp.types import CallToolResult, TextContent, ToolAnnotations
from pydantic import ConfigDict

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
            return _as_result(func(worker, **kwargs))
        except ToolError:
            # Tools check their input before changing anything: the snapshot is not a step.
            if spec.mutates:
                worker.discard_snapshot(spec.name)
            raise
        except (Exception, SystemExit) as exc:
            # Blender reports refusals as RuntimeError; nothing a tool raises may kill the worker.
            # The snapshot stays: the scene may be half-changed and undo brings it back.
            raise BlenderOperationFailed(
                f"{spec.name} failed in Blender: {type(exc).__name__}: {exc}"
            ) from exc

    del call.__wrapped__  # FastMCP must see the signature below, not the original one
    call.__signature__ = signature  # type: ignore[attr-defined]
    call.__annotations__ = {p.name: p.annotation for p in params}
    if signature.return_annotation is not inspect.Signature.empty:
        call.__annotations__["return"] = signature.return_annotation
    return call


def _as_result(value: Any) -> Any:
    """A dict result goes out once, as compact JSON text.

    FastMCP's default sends the result twice (structured content and an indented text copy)
    and makes the client validate it against an output schema on every call; for a
    100-object scene that was most of the per-call overhead, and ``dict[str, Any]`` schemas
    check nothing anyway. Clients parse the one JSON text (``workers.session.parse_result``).
    """
    if isinstance(value, dict):
        text = json.dumps(value, separators=(",", ":"), default=str)
        return CallToolResult(content=[TextContent(type="text", text=text)])
    return value


def build_server(config: WorkerConfig) -> FastMCP:
    """Create the MCP server with every tool bound to one worker.

    The worker starts from an empty scene, not Blender's default cube, camera and light:
    whatever a client builds (and whatever a restarted worker reopens) is all there is.
    """
    worker = Worker(config)
    tools = all_tools()
    tools["new_scene"].func(worker)
    server = FastMCP(
        "prompt2mesh-blender",
        instructions=INSTRUCTIONS,
        host=config.host,
        port=config.port,
        log_level="WARNING",
    )
    for spec in tools.values():
        server.add_tool(
            _bind(worker, spec),
            name=spec.name,
            description=inspect.getdoc(spec.func) or spec.name,
            annotations=ToolAnnotations(readOnlyHint=not spec.mutates, openWorldHint=False),
            meta={"category": spec.category, "mutates": spec.mutates},
            structured_output=False,
        )
        _refuse_unknown_arguments(server, spec.name)
    return server


def _refuse_unknown_arguments(server: FastMCP, name: str) -> None:
    """Make a misspelt argument (``colour`` for ``color``) an error instead of silently using
    the default: the tool's argument model forbids extra keys, and its schema says so."""
    registered = server._tool_manager.get_tool(name)
    if registered is None:  # pragma: no cover (just added)
        return
    base = registered.fn_metadata.arg_model
    strict = type(base.__name__, (base,), {"model_config": ConfigDict(**base.model_config, extra="forbid")})
    registered.fn_metadata.arg_model = strict
    registered.parameters = registered.fn_metadata.arg_model.model_json_schema(by_alias=True)


def _reserve_stdout_for_protocol() -> BinaryIO:
    """Keep the process's stdout for MCP messages only; return the protocol stream.

    Blender prints render/export logs to C-level stdout (fd 1) and operator reports and add-on
    messages (e.g. the glTF exporter) through Python's ``sys.stdout``. Both now go to stderr:
    fd 1 becomes a copy of fd 2 and ``sys.stdout`` is stderr. The MCP messages are written to
    a private duplicate of the original fd 1, which nothing else knows about.
    """
    sys.stdout.flush()
    protocol_fd = os.dup(1)
    os.dup2(2, 1)
    sys.stdout = sys.stderr
    return os.fdopen(protocol_fd, "wb", buffering=0)


async def _serve_stdio(server: FastMCP, protocol: BinaryIO) -> None:
    from mcp.server.stdio import stdio_server

    stdout = anyio.wrap_file(io.TextIOWrapper(protocol, encoding="utf-8", newline="\n", write_through=True))
    async with stdio_server(stdout=stdout) as (read_stream, write_stream):
        await server._mcp_server.run(
            read_stream, write_stream, server._mcp_server.create_initialization_options()
        )


def run_worker(config: WorkerConfig) -> None:
    """Serve one Blender over the configured transport until the client goes away."""
    if config.transport == "stdio":
        protocol = _reserve_stdout_for_protocol()
        server = build_server(config)
        anyio.run(_serve_stdio, server, protocol)
    else:
        server = build_server(config)
        server.run("streamable-http")
