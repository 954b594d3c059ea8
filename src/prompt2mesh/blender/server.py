"""The Blender MCP server: publishes every registered tool over stdio or streamable HTTP."""

from __future__ import annotations

import contextlib
import functools
import inspect
import io
import json
import os
import re
import sys
import typing
from collections.abc import Callable, Sequence
from typing import Any, BinaryIO

import anyio
from mcp.server.fastmcp import FastMCP
from mcp.types import CallToolResult, ContentBlock, JSONRPCRequest, TextContent, ToolAnnotations
from pydantic import ConfigDict, ValidationError

from prompt2mesh.blender.arguments import NON_FINITE_MARK, screen_arguments
from prompt2mesh.blender.errors import BlenderOperationFailed, ToolError, clip_message
from prompt2mesh.blender.files import register_file_resources
from prompt2mesh.blender.http import check_token_policy, serve_http
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
        worker.before_call(spec.name, kwargs)
        measured = (0, 0)
        if spec.mutates:
            measured = worker.measure()
            worker.before_mutation(spec.name)
        try:
            result = func(worker, **kwargs)
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
        if spec.mutates:
            worker.after_mutation(spec.name, measured)
        return _as_result(result)

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


_ABSOLUTE_PATH = re.compile(r"(?<![\w.:])(/[^\s'\"/:,;()\[\]]+){2,}")


class _GuardedServer(FastMCP):
    """FastMCP with one guarded entry for every tool call.

    Raw arguments are screened before any validation (NaN, Infinity, control characters and
    oversized values never reach a tool, see :mod:`prompt2mesh.blender.arguments`), and every
    error text leaving the worker is bounded and free of absolute server paths, whichever layer
    (the SDK's validation, a tool, Blender) wrote it.
    """

    def __init__(self, worker: Worker, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.worker = worker
        self.tool_names: set[str] = set()
        root = str(worker.workspace.root)
        self._root_prefix = re.compile(re.escape(root) + r"/?")

    async def call_tool(
        self, name: str, arguments: dict[str, Any]
    ) -> Sequence[ContentBlock] | dict[str, Any]:
        try:
            screen_arguments(arguments, self.worker.config.argument_limits)
            result = await super().call_tool(name, arguments)
        except ToolError as exc:
            return self._error(f"Error executing tool {name}: {exc}")
        except Exception as exc:  # noqa: BLE001  (the SDK's own errors: unknown tool, validation)
            cause = exc.__cause__
            if isinstance(cause, ValidationError):
                return self._error(
                    f"Error executing tool {name}: [invalid_argument] {_validation_text(cause)}"
                )
            if name not in self.tool_names:
                return self._error(
                    f"[not_found] Unknown tool: {name!r}; call tools/list for the tools there are"
                )
            return self._error(str(exc))
        if isinstance(result, CallToolResult):
            for block in result.content:
                if isinstance(block, TextContent):
                    block.text = self._root_prefix.sub("", block.text)
        # The low-level handler passes a CallToolResult through as it is.
        return result  # type: ignore[return-value]

    def _error(self, text: str) -> Any:
        text = self._root_prefix.sub("", text)
        text = _ABSOLUTE_PATH.sub(lambda m: ".../" + m.group(0).rsplit("/", 1)[-1], text)
        return CallToolResult(content=[TextContent(type="text", text=clip_message(text))], isError=True)


def _validation_text(error: ValidationError, most: int = 5) -> str:
    """Pydantic's findings without the input they echo (it may be megabytes)."""
    parts = []
    for item in error.errors(include_url=False, include_input=False)[:most]:
        where = ".".join(str(p) for p in item["loc"]) or "arguments"
        if item["type"] == "extra_forbidden":
            parts.append(f"{where}: unknown argument (misspelt? the schema lists the accepted ones)")
        else:
            parts.append(f"{where}: {item['msg']}")
    more = error.error_count() - most
    return "; ".join(parts) + (f"; and {more} more" if more > 0 else "")


def _mark_non_finite_in(value: Any, depth: int = 0) -> None:
    """Replace NaN and Infinity inside ``value`` (in place) by a marker string."""
    if depth > 64:  # deeper than any tool accepts; screen_arguments refuses it anyway
        return
    # Replacing an item keeps the size, so walking while assigning is safe.
    pairs = value.items() if isinstance(value, dict) else enumerate(value)
    for key, item in pairs:
        if isinstance(item, float):
            if item - item != 0.0:  # NaN or +-Infinity
                value[key] = NON_FINITE_MARK + repr(item)
        elif isinstance(item, dict | list):
            _mark_non_finite_in(item, depth + 1)


def _mark_non_finite(item: Any) -> Any:
    """Keep NaN and Infinity visible in a raw tool call.

    The SDK re-encodes each request in JSON mode before dispatching it, which turns a literal
    ``NaN``, ``Infinity`` or ``1e999`` into ``null``, and ``null`` reads as "use the default"
    (a NaN size built a 2 m cube). They become a marker string here, which
    :func:`screen_arguments` refuses by name.
    """
    message = getattr(getattr(item, "message", None), "root", None)
    if isinstance(message, JSONRPCRequest) and message.method == "tools/call" and message.params:
        arguments = message.params.get("arguments")
        if isinstance(arguments, dict):
            _mark_non_finite_in(arguments)
    return item


def _guard_incoming(lowlevel: Any) -> None:
    """Route every transport's incoming messages through :func:`_mark_non_finite` (stdio and
    streamable HTTP both hand their streams to ``run`` of the low-level server)."""
    original = lowlevel.run

    async def run(read_stream: Any, write_stream: Any, *args: Any, **kwargs: Any) -> Any:
        send, receive = anyio.create_memory_object_stream[Any](0)

        async def relay() -> None:
            async with send:
                # An HTTP session's stream is closed, not ended, when its client says goodbye.
                with contextlib.suppress(anyio.ClosedResourceError, anyio.BrokenResourceError):
                    async for item in read_stream:
                        await send.send(_mark_non_finite(item))

        async with anyio.create_task_group() as tg:
            tg.start_soon(relay)
            try:
                return await original(receive, write_stream, *args, **kwargs)
            finally:
                tg.cancel_scope.cancel()

    lowlevel.run = run


def build_server(config: WorkerConfig) -> FastMCP:
    """Create the MCP server with every tool bound to one worker.

    The worker starts from an empty scene, not Blender's default cube, camera and light:
    whatever a client builds (and whatever a restarted worker reopens) is all there is.
    """
    worker = Worker(config)
    tools = all_tools()
    tools["new_scene"].func(worker)
    if config.restore:
        worker.history.restore_recovery()
    server = _GuardedServer(
        worker,
        name="prompt2mesh-blender",
        instructions=INSTRUCTIONS,
        host=config.host,
        port=config.port,
        log_level="WARNING",
    )
    _guard_incoming(server._mcp_server)
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
    server.tool_names = set(tools)
    # Remote clients read the workspace's files (glb, blend, exports) through resources.
    register_file_resources(server, worker.workspace)
    return server


def _refuse_unknown_arguments(server: FastMCP, name: str) -> None:
    """Make a misspelt argument (``colour`` for ``color``) an error instead of silently using
    the default: the tool's argument model forbids extra keys, and its schema says so."""
    registered = server._tool_manager.get_tool(name)
    if registered is None:  # pragma: no cover (just added)
        return
    base = registered.fn_metadata.arg_model
    # allow_inf_nan=False also refuses "NaN" sent as a string (the SDK parses JSON-looking
    # strings); real NaN and Infinity are refused before validation (see _mark_non_finite).
    config = ConfigDict(**base.model_config, extra="forbid", allow_inf_nan=False)  # type: ignore[typeddict-item]
    strict = type(base.__name__, (base,), {"model_config": config})
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
        check_token_policy(config.host, config.token)  # before Blender starts, not after
        server = build_server(config)
        serve_http(server, config.host, config.port, config.token)
