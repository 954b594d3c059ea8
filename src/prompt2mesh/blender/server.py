"""The Blender MCP server: publishes every registered tool over stdio or streamable HTTP."""

from __future__ import annotations

import contextlib
import functools
import inspect
import json
import os
import re
import sys
import typing
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, cast

import anyio
from mcp.server.fastmcp import FastMCP
from mcp.types import CallToolResult, ContentBlock, JSONRPCRequest, TextContent, ToolAnnotations
from mcp.types import Tool as MCPTool
from pydantic import ConfigDict, ValidationError

from prompt2mesh.blender.arguments import NON_FINITE_MARK, screen_arguments
from prompt2mesh.blender.catalogue import Catalogue, library_version, load_catalogue
from prompt2mesh.blender.errors import (
    BlenderOperationFailed,
    BlenderUnavailable,
    NotReady,
    ToolError,
    clip_message,
)
from prompt2mesh.blender.files import register_file_resources
from prompt2mesh.blender.front import ASSIGN_WORKSPACE, REPLAYED_INITIALIZE_ID, StdioFront
from prompt2mesh.blender.http import serve_http
from prompt2mesh.blender.http_front import HttpFront
from prompt2mesh.blender.loader import BlenderLoader, BlenderLoadFailed
from prompt2mesh.blender.registry import ToolSpec, all_tools, tools_of
from prompt2mesh.blender.runtime import Worker, WorkerConfig
from prompt2mesh.blender.workspace import Workspace

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


_SWITCH_INTERVAL_S = 0.005
"""Python's default thread switch interval (see startup.run_worker)."""

_ABSOLUTE_PATH = re.compile(r"(?<![\w.:])(/[^\s'\"/:,;()\[\]]+){2,}")


class _GuardedServer(FastMCP):
    """FastMCP with one guarded entry for every tool call.

    Raw arguments are screened before any validation (NaN, Infinity, control characters and
    oversized values never reach a tool, see :mod:`prompt2mesh.blender.arguments`), and every
    error text leaving the worker is bounded and free of absolute server paths, whichever layer
    (the SDK's validation, a tool, Blender) wrote it.
    """

    def __init__(self, worker: Worker, *, catalogue: Catalogue | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.worker = worker
        self.catalogue = catalogue
        self.specs: dict[str, ToolSpec] = {}
        """Every tool (filled by :meth:`load_blender`; registered with the SDK on first use)."""
        self.blender_error: str | None = None
        self._listed: list[MCPTool] | None = None
        root = str(worker.workspace.root)
        self._root_prefix = re.compile(re.escape(root) + r"/?")

    @property
    def tool_names(self) -> set[str]:
        return set(self.catalogue.tool_names) if self.catalogue else set(self.specs)

    def _spec(self, name: str) -> ToolSpec | None:
        """The tool ``name``, importing its module on first use when the catalogue names it."""
        spec = self.specs.get(name)
        if spec is None and self.catalogue is not None and name in self.catalogue.modules:
            self.specs = tools_of(self.catalogue.modules[name])
            spec = self.specs.get(name)
        return spec

    def load_blender(self, loader: BlenderLoader) -> None:
        """Initialise Blender, import the tools and start from an empty scene.

        The worker starts from an empty scene, not Blender's default cube, camera and light:
        whatever a client builds (and whatever a restarted worker reopens) is all there is. A
        failure is kept and answered to every tool call (the protocol itself keeps working).
        """
        try:
            loader.load()
            # With the catalogue, a tool's module is imported on its first call only.
            new_scene = self._spec("new_scene") if self.catalogue else all_tools()["new_scene"]
            if self.catalogue is None:
                self.specs = all_tools()
            loader.mark("tools imported")
            assert new_scene is not None
            new_scene.func(self.worker)
            if self.worker.config.restore:
                self.worker.history.restore_recovery()
            loader.mark("scene ready")
        except BlenderLoadFailed as exc:
            self.blender_error = str(exc)
        except Exception as exc:  # noqa: BLE001  (a broken installation must not kill the worker)
            self.blender_error = f"{type(exc).__name__}: {exc}"
        if self.blender_error is not None:
            print(f"prompt2mesh worker: Blender could not be loaded: {self.blender_error}", file=sys.stderr)

    def assign_workspace(self, line: bytes) -> None:
        """Apply the parent's :data:`ASSIGN_WORKSPACE` notification (a spare worker only).

        ``log`` names a file in the new workspace that takes over stderr (and fd 1, where
        Blender logs), so the worker's log lands with its user from then on.
        """
        try:
            params = json.loads(line).get("params") or {}
            path = Path(params["workspace"])
            self.worker.assign_workspace(path)
        except (ToolError, ValueError, KeyError, TypeError, AttributeError) as exc:
            print(f"prompt2mesh worker: workspace assignment refused: {exc}", file=sys.stderr)
            return
        self._root_prefix = re.compile(re.escape(str(self.worker.workspace.root)) + r"/?")
        log = params.get("log")
        if isinstance(log, str) and log:
            fd = os.open(self.worker.workspace.resolve(log), os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
            sys.stderr.flush()
            os.dup2(fd, 2)
            os.dup2(fd, 1)
            os.close(fd)

    def register_all_tools(self) -> None:
        """Give every tool its SDK form now (otherwise each gets it on its first call)."""
        self.specs = all_tools()
        for name in self.specs:
            self._register(name)

    def _register(self, name: str) -> None:
        spec = self._spec(name)
        if spec is None or self._tool_manager.get_tool(name) is not None:
            return
        self.add_tool(
            _bind(self.worker, spec),
            name=spec.name,
            description=inspect.getdoc(spec.func) or spec.name,
            annotations=ToolAnnotations(readOnlyHint=not spec.mutates, openWorldHint=False),
            meta={"category": spec.category, "mutates": spec.mutates},
            structured_output=False,
        )
        _refuse_unknown_arguments(self, spec.name)

    async def list_tools(self) -> list[MCPTool]:
        """The shipped catalogue's tools when it is current, else the SDK's own listing.

        Building the SDK form of 74 tools (an argument model and a schema each) takes longer
        than loading Blender; with the catalogue a tool gets it on its first call only.
        """
        if self.catalogue is None:
            self.register_all_tools()
            return await super().list_tools()
        if self._listed is None:
            self._listed = [MCPTool.model_validate(t) for t in self.catalogue.tools["tools"]]
        return self._listed

    async def call_tool(
        self, name: str, arguments: dict[str, Any]
    ) -> Sequence[ContentBlock] | dict[str, Any]:
        if not self.worker.assigned:
            return self._error(
                f"Error executing tool {name}: {NotReady('this spare worker has no workspace yet')}"
            )
        if self.blender_error is not None:
            unavailable = BlenderUnavailable(
                f"Blender could not be loaded, so no tool can run: {self.blender_error}"
            )
            return self._error(f"Error executing tool {name}: {unavailable}")
        try:
            self._register(name)
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


class _LiveWorkspace:
    """The worker's current workspace, looked up on every use."""

    def __init__(self, worker: Worker) -> None:
        self._worker = worker

    def __getattr__(self, name: str) -> Any:
        return getattr(self._worker.workspace, name)


def build_server(
    config: WorkerConfig, *, catalogue: Catalogue | None = None, loader: BlenderLoader | None = None
) -> _GuardedServer:
    """Create the MCP server for one worker and load Blender into it (on this thread).

    ``catalogue`` answers ``tools/list`` without building every tool's schema (see
    :mod:`prompt2mesh.blender.catalogue`); ``loader`` may have started mapping Blender already.
    """
    worker = Worker(config)
    server = _GuardedServer(
        worker,
        catalogue=catalogue,
        name="prompt2mesh-blender",
        instructions=INSTRUCTIONS,
        host=config.host,
        port=config.port,
        log_level="WARNING",
    )
    _guard_incoming(server._mcp_server)
    # The SDK would look its own version up through importlib.metadata on every
    # initialization (a scan of the installed distributions, ~15-80 ms); the same value, cheaply.
    server._mcp_server.version = library_version("mcp")
    server.load_blender(loader or BlenderLoader())
    # Remote clients read the workspace's files (glb, blend, exports) through resources; they
    # follow the worker's workspace (a spare's is assigned after start).
    register_file_resources(server, cast(Workspace, _LiveWorkspace(worker)))
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


async def _serve_front(server: _GuardedServer, front: StdioFront) -> None:
    """Serve the stream :class:`StdioFront` hands over (what ``stdio_server`` did before, with
    the front reading stdin and writing the protocol stream)."""
    import asyncio
    import math

    from mcp.shared.message import SessionMessage
    from mcp.types import JSONRPCError, JSONRPCMessage, JSONRPCResponse

    loop = asyncio.get_running_loop()
    send, receive = anyio.create_memory_object_stream[SessionMessage | Exception](math.inf)
    out_send, out_receive = anyio.create_memory_object_stream[SessionMessage](0)

    def deliver(line: bytes | None) -> None:  # on the event loop's thread
        if line is None:
            send.close()
            return
        if ASSIGN_WORKSPACE.encode() in line:
            # Applied here, in order: every call after it runs in the assigned workspace.
            server.assign_workspace(line)
            return
        try:
            item: SessionMessage | Exception = SessionMessage(JSONRPCMessage.model_validate_json(line))
        except Exception as exc:  # noqa: BLE001  (the SDK's stdio transport passes these on too)
            item = exc
        with contextlib.suppress(anyio.ClosedResourceError):
            send.send_nowait(item)

    async def write() -> None:
        async with out_receive:
            async for item in out_receive:
                message = item.message.root
                if (
                    isinstance(message, JSONRPCResponse | JSONRPCError)
                    and message.id == REPLAYED_INITIALIZE_ID
                ):
                    if isinstance(message, JSONRPCError):
                        print(
                            f"prompt2mesh worker: replayed initialize refused: {message.error}",
                            file=sys.stderr,
                        )
                    continue  # the front answered the client's initialize already
                front.write_line(item.message.model_dump_json(by_alias=True, exclude_none=True).encode())

    def hand_over(line: bytes | None) -> None:
        loop.call_soon_threadsafe(deliver, line)

    front.attach(hand_over)
    async with anyio.create_task_group() as tg:
        tg.start_soon(write)
        async with receive:
            await server._mcp_server.run(
                receive, out_send, server._mcp_server.create_initialization_options()
            )
        tg.cancel_scope.cancel()


def serve(
    config: WorkerConfig,
    *,
    front: StdioFront | None,
    loader: BlenderLoader,
    http_front: HttpFront | None = None,
) -> None:
    """Load Blender and serve it: over ``front`` (stdio) or streamable HTTP (``http_front``
    answers the handshake until uvicorn takes its socket over).

    Called by :func:`prompt2mesh.blender.startup.run_worker` once a front answers and
    Blender's library is being mapped.
    """
    loader.mark("sdk imported")
    if front is not None:
        catalogue = front.catalogue
    elif http_front is not None:
        catalogue = http_front.catalogue
    else:
        catalogue = load_catalogue()
    server = build_server(config, catalogue=catalogue, loader=loader)
    # Back to the interpreter's default once the front no longer races Blender for the GIL.
    sys.setswitchinterval(_SWITCH_INTERVAL_S)

    def report() -> None:
        print(f"prompt2mesh worker start-up (ms): {loader.timeline()}", file=sys.stderr)

    if front is not None:
        report()
        anyio.run(_serve_front, server, front)
    else:
        serve_http(server, config.host, config.port, config.token, front=http_front, ready=report)
