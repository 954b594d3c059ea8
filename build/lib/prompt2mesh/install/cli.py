"""``prompt2mesh setup`` (write the worker into MCP clients' configuration) and
``prompt2mesh doctor`` (check the install and say how to fix it)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

from prompt2mesh.install.clients import STYLES, Client, custom_client, known_clients
from prompt2mesh.install.configure import Change, ConfigFileError, apply_change, plan_change
from prompt2mesh.install.launch import DEFAULT_HTTP_PORT, default_workspace, server_entry


def _chosen_clients(ns: argparse.Namespace) -> tuple[list[Client], list[str]]:
    """The clients to configure and the problems with the choice (unknown names)."""
    known = {c.key: c for c in known_clients()}
    problems = [f"unknown client {k!r}; known: {', '.join(known)}" for k in ns.client if k not in known]
    chosen = [known[k] for k in ns.client if k in known]
    chosen += [custom_client(Path(p).expanduser(), ns.format) for p in ns.config]
    if not ns.client and not ns.config:
        chosen = [c for c in known.values() if c.installed]
    return chosen, problems


def _describe(change: Change) -> str:
    where = change.client.path
    if change.action == "unchanged":
        return f"  {change.client.label}: already set up ({where})"
    if change.action == "absent":
        return f"  {change.client.label}: nothing to remove ({where})"
    verb = {"add": "add to", "update": "update in", "remove": "remove from"}[change.action]
    shown = "" if change.after is None else f"\n      {change.after}"
    return f"  {change.client.label}: {verb} {where}{shown}"


def _confirm(ns: argparse.Namespace) -> bool:
    if ns.yes:
        return True
    if not sys.stdin.isatty():
        print("not a terminal: re-run with --yes to write these changes", file=sys.stderr)
        return False
    return input("Write these changes? [y/N] ").strip().lower() in ("y", "yes")


def _cmd_setup(ns: argparse.Namespace) -> int:
    clients, problems = _chosen_clients(ns)
    for problem in problems:
        print(f"prompt2mesh setup: {problem}", file=sys.stderr)
    if problems:
        return 2
    if not clients:
        names = ", ".join(c.key for c in known_clients())
        print(
            "prompt2mesh setup: found no MCP client for this user; name one with --client "
            f"({names}) or give a file with --config PATH --format {'|'.join(STYLES)}",
            file=sys.stderr,
        )
        return 1
    entry = (
        None
        if ns.remove
        else server_entry(Path(ns.workspace), http=ns.http, port=ns.port, allow_code=ns.allow_code)
    )
    changes: list[Change] = []
    failed = False
    for client in clients:
        try:
            changes.append(plan_change(client, ns.name, entry))
        except (ConfigFileError, ValueError) as exc:
            print(f"  {client.label}: {exc}", file=sys.stderr)
            failed = True
    print(f"prompt2mesh setup: server {ns.name!r}")
    for change in changes:
        print(_describe(change))
    pending = [c for c in changes if c.writes]
    if pending and not ns.dry_run:
        if not _confirm(ns):
            return 1
        for change in pending:
            backup = apply_change(change, ns.name)
            print(f"  wrote {change.client.path}" + (f" (backup: {backup.name})" if backup else ""))
    if entry is not None and not ns.remove:
        Path(ns.workspace).expanduser().mkdir(parents=True, exist_ok=True)
        if ns.http:
            print(
                f"start the worker with: prompt2mesh mcp --http --port {ns.port} --workspace {ns.workspace}"
            )
        print("restart the client(s) to load the server; `prompt2mesh doctor` checks the setup")
    return 1 if failed else 0


def _add_setup(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("setup", help="add the Blender MCP worker to your MCP clients (Claude, Cursor, ...)")
    p.add_argument(
        "--client", action="append", default=[], help="a client to configure (repeatable); default: all found"
    )
    p.add_argument("--config", action="append", default=[], help="any other client's configuration file")
    p.add_argument("--format", choices=STYLES, default="mcpServers", help="the shape of --config files")
    p.add_argument(
        "--workspace", default=str(default_workspace()), help="the folder the worker's tools may use"
    )
    p.add_argument(
        "--http", action="store_true", help="connect over HTTP to `prompt2mesh mcp --http` instead of stdio"
    )
    p.add_argument("--port", type=int, default=DEFAULT_HTTP_PORT)
    p.add_argument(
        "--allow-code", action="store_true", help="let the client run Python in Blender (off by default)"
    )
    p.add_argument("--name", default="prompt2mesh", help="the server's name in the clients")
    p.add_argument("--remove", action="store_true", help="remove the server from the clients instead")
    p.add_argument("--dry-run", action="store_true", help="show what would change, write nothing")
    p.add_argument("--yes", "-y", action="store_true", help="write without asking")
    p.set_defaults(handler=_cmd_setup)


def _cmd_doctor(ns: argparse.Namespace) -> int:
    from pydantic import ValidationError

    from prompt2mesh.config import Settings
    from prompt2mesh.install import doctor

    rows = [*doctor.check_python(), *doctor.check_extras(), *doctor.check_workspace(Path(ns.workspace))]
    if not ns.skip_worker:
        rows += doctor.check_worker()
    try:
        settings = Settings()
    except ValidationError as exc:
        rows.append(doctor.Finding("settings", False, f"P2M_ settings are invalid: {exc.errors()[0]['msg']}"))
    else:
        rows += doctor.check_provider(settings)
        rows += doctor.check_service(settings)
    rows += doctor.check_clients(known_clients(), ns.name)
    marks = {True: "ok  ", False: "FAIL", None: "note"}
    for row in rows:
        print(f"{marks[row.ok]} {row.check:<18} {row.detail}")
        if row.fix and row.ok is not True:
            print(f"     {'':<18} fix: {row.fix}")
    failures = sum(row.ok is False for row in rows)
    print(f"{failures} problem(s) found" if failures else "everything needed works")
    return 1 if failures else 0


def _add_doctor(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "doctor", help="check the install (Python, Blender, MCP, workspace, providers, clients)"
    )
    p.add_argument("--workspace", default=str(default_workspace()), help="the workspace to check")
    p.add_argument("--name", default="prompt2mesh", help="the server's name in the clients")
    p.add_argument("--skip-worker", action="store_true", help="do not start a Blender worker")
    p.set_defaults(handler=_cmd_doctor)


COMMANDS: list[Callable[[argparse._SubParsersAction], None]] = [_add_setup, _add_doctor]  # type: ignore[type-arg]
