"""The commands a person types: ``prompt2mesh make|resume|edit|chat|eval|mcp|serve|trace|setup|doctor``.

Each command's work lives in its own package; this module only parses arguments and imports
lazily, so ``prompt2mesh mcp`` starts Blender without loading the agent and vice versa.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

Handler = Callable[[argparse.Namespace], int]


def _cmd_mcp(ns: argparse.Namespace) -> int:
    import os

    from prompt2mesh.blender.http import TOKEN_ENV, TokenRequired
    from prompt2mesh.blender.runtime import WorkerConfig
    from prompt2mesh.blender.startup import run_worker

    config = WorkerConfig(
        workspace=Path(ns.workspace),
        allow_code=ns.allow_code,
        code_timeout_s=ns.code_timeout,
        transport="http" if ns.http else "stdio",
        host=ns.host,
        port=ns.port,
        restore=ns.restore,
        hold_blender=Path(ns.test_hold_blender) if ns.test_hold_blender else None,
        spare_root=Path(ns.spare_root) if ns.spare_root else None,
        allow_software_eevee=ns.allow_software_eevee,
        # The worker takes plain flags; its one secret comes from the environment (a flag would
        # be readable by every user of the machine in /proc).
        token=os.environ.get(TOKEN_ENV) or None,
        **{
            k.removeprefix("limit_"): v
            for k, v in vars(ns).items()
            if k.startswith("limit_") and v is not None
        },
    )
    if config.spare_root is not None and config.transport != "stdio":
        print("prompt2mesh mcp: --spare-root needs stdio (the parent assigns the workspace)", file=sys.stderr)
        return 2
    try:
        run_worker(config)
    except TokenRequired as exc:
        print(f"prompt2mesh mcp: {exc}", file=sys.stderr)
        return 2
    return 0


def _add_mcp(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("mcp", help="run a headless Blender MCP worker (stdio by default)")
    p.add_argument("--workspace", default="workspace", help="directory every tool path is confined to")
    p.add_argument("--allow-code", action="store_true", help="enable execute_blender_code (off by default)")
    p.add_argument(
        "--allow-software-eevee",
        action="store_true",
        help="render with EEVEE on a machine without a GPU (very slow; refused by default)",
    )
    p.add_argument("--code-timeout", type=float, default=10.0, help="seconds execute_blender_code may run")
    p.add_argument(
        "--http",
        action="store_true",
        help="serve streamable HTTP instead of stdio (needs P2M_WORKER_TOKEN beyond loopback)",
    )
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8765)
    p.add_argument("--restore", action="store_true", help="reopen the scene of the previous worker")
    p.add_argument(
        "--spare-root",
        metavar="DIR",
        default=None,
        help="start as a spare: --workspace is a placeholder until the parent assigns a folder under DIR",
    )
    # Tests only (not shown in --help): see prompt2mesh.blender.loader.BlenderLoader.
    p.add_argument("--test-hold-blender", metavar="FIFO", default=None, help=argparse.SUPPRESS)
    # Limits (defaults in WorkerConfig, documented in the README's "Limits" paragraph).
    for flag, kind in (
        ("max-vertices", int),
        ("max-objects", int),
        ("max-render-pixel-samples", int),
        ("history-max-bytes", int),
        ("max-workspace-bytes", int),
        ("max-file-bytes", int),
        ("max-string-chars", int),
    ):
        p.add_argument(f"--{flag}", dest="limit_" + flag.replace("-", "_"), type=kind, default=None)
    p.set_defaults(handler=_cmd_mcp)


# Other rooms add their commands here (agent: make/resume/trace/eval, editing: edit/chat,
# service: serve). Each entry is a function taking the subparsers object.
_COMMANDS: list[Callable[[argparse._SubParsersAction], None]] = [_add_mcp]  # type: ignore[type-arg]


def _optional_commands() -> list[Callable[[argparse._SubParsersAction], None]]:  # type: ignore[type-arg]
    import importlib

    found: list[Callable[[argparse._SubParsersAction], None]] = []  # type: ignore[type-arg]
    for module in (
        "prompt2mesh.agent.cli",
        "prompt2mesh.agent.editing.cli",
        "prompt2mesh.service.cli",
        "prompt2mesh.evaluation.cli",
        "prompt2mesh.install.cli",
    ):
        try:
            mod = importlib.import_module(module)
        except ModuleNotFoundError as exc:
            if exc.name != module:
                raise
            continue
        found.extend(mod.COMMANDS)
    return found


def build_parser(*, worker_only: bool = False) -> argparse.ArgumentParser:
    """The argument parser; ``worker_only`` skips the agent/service commands.

    A Blender worker is started often (one per user) and must be ready fast, so
    ``prompt2mesh mcp`` does not import the agent, the models or the service at all.
    """
    from prompt2mesh import __version__

    parser = argparse.ArgumentParser(prog="prompt2mesh", description="Turn words into editable 3D models.")
    parser.add_argument("--version", action="version", version=f"prompt2mesh {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)
    for add in _COMMANDS if worker_only else [*_COMMANDS, *_optional_commands()]:
        add(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    ns = build_parser(worker_only=bool(args) and args[0] == "mcp").parse_args(args)
    handler: Handler = ns.handler
    try:
        return handler(ns)
    except ModuleNotFoundError as exc:
        from prompt2mesh.extras import missing_extra_message

        message = missing_extra_message(exc)
        if message is None:
            raise
        print(f"prompt2mesh {ns.command}: {message}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130
