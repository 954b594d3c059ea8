"""The worker's answers to ``initialize`` and ``tools/list``, built once and shipped as JSON.

Both answers depend only on the tool functions' signatures and docstrings and on the MCP SDK,
never on the scene, so the worker can give them before it has imported the SDK or Blender
(see :mod:`prompt2mesh.blender.front`). ``catalogue.json`` holds them together with a
fingerprint of what they were built from: the sources of this package and the versions of
``mcp`` and ``pydantic``. A catalogue whose fingerprint differs from the running code is not
used (the worker then answers through the SDK, as before, only later), so an edited tool can
never be announced with a stale schema. Rebuild it after changing a tool::

    python -m prompt2mesh.blender.catalogue

``tests/blender/test_catalogue.py`` checks that the file matches the live registry.

This module imports the standard library only; :func:`build_catalogue` imports the rest.
"""

from __future__ import annotations

import hashlib
import importlib.util
import json
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

CATALOGUE_PATH = Path(__file__).with_name("catalogue.json")
_PACKAGE = Path(__file__).parent
_LIBRARIES = ("mcp", "pydantic", "pydantic_core")
_SOURCES = ("registry.py", "server.py", "catalogue.py", "arguments.py")


@dataclass(frozen=True)
class Catalogue:
    """The ready answers of one worker build."""

    initialize: dict[str, Any]
    """``InitializeResult`` without ``protocolVersion`` (that one is negotiated per client)."""
    protocol_versions: list[str]
    """Versions the SDK accepts; any other is answered with ``latest_version``."""
    latest_version: str
    tools: dict[str, Any]
    """The ``ListToolsResult`` exactly as the SDK sends it."""
    tool_names: frozenset[str]
    modules: dict[str, str]
    """Tool name -> the module under ``prompt2mesh.blender.tools`` that defines it."""

    def initialize_result(self, requested: str) -> dict[str, Any]:
        """The ``initialize`` answer for a client asking for protocol version ``requested``
        (the SDK's rule: that version if supported, else the latest)."""
        version = requested if requested in self.protocol_versions else self.latest_version
        return {"protocolVersion": version, **self.initialize}


def library_version(name: str) -> str:
    """The installed version of ``name`` from its ``.dist-info`` folder's name, without
    importing it (``importlib.metadata`` alone costs ~0.1 s at start-up)."""
    spec = importlib.util.find_spec(name)
    if spec is None or spec.origin is None:
        return "absent"
    site = Path(spec.origin).parent.parent
    for info in sorted(site.glob(f"{name}-*.dist-info")):
        return info.name[len(name) + 1 : -len(".dist-info")]
    return "unknown"


def fingerprint() -> str:
    """A digest of everything the answers are built from (the tools, the registry, the server
    that gives them their SDK form, the SDK's and pydantic's versions); ~2 ms."""
    digest = hashlib.sha256()
    for name in _LIBRARIES:
        digest.update(f"{name}={library_version(name)}\n".encode())
    sources = [_PACKAGE / name for name in _SOURCES] + sorted((_PACKAGE / "tools").rglob("*.py"))
    for path in sources:
        digest.update(str(path.relative_to(_PACKAGE)).encode() + b"\0")
        digest.update(path.read_bytes())
    return digest.hexdigest()


def load_catalogue(path: Path = CATALOGUE_PATH) -> Catalogue | None:
    """The shipped catalogue, or None when it is missing, unreadable or built from other code
    (said on stderr, which is the worker's log)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        print(f"prompt2mesh worker: no tool catalogue ({exc}); tools/list waits for Blender", file=sys.stderr)
        return None
    if data.get("fingerprint") != fingerprint():
        print(
            "prompt2mesh worker: the tool catalogue is stale (the tools changed since it was built; "
            "run `python -m prompt2mesh.blender.catalogue`); tools/list waits for Blender",
            file=sys.stderr,
        )
        return None
    tools = data["tools"]
    return Catalogue(
        initialize=data["initialize"],
        protocol_versions=list(data["protocol_versions"]),
        latest_version=data["latest_version"],
        tools=tools,
        tool_names=frozenset(t["name"] for t in tools["tools"]),
        modules=dict(data["modules"]),
    )


def build_catalogue() -> dict[str, Any]:
    """Build the catalogue from the live registry and SDK (imports Blender and every tool).

    The answers are produced by the SDK's own handlers and serialised the way its session
    serialises responses, so the shipped JSON is byte-for-byte what the SDK would send.
    """
    import asyncio
    import tempfile

    from mcp import types
    from mcp.shared.version import SUPPORTED_PROTOCOL_VERSIONS

    from prompt2mesh.blender.runtime import WorkerConfig
    from prompt2mesh.blender.server import build_server

    with tempfile.TemporaryDirectory(prefix="p2m-catalogue-") as tmp:
        server = build_server(WorkerConfig(workspace=Path(tmp)), catalogue=None)
        server.register_all_tools()  # type: ignore[attr-defined]
        lowlevel = server._mcp_server
        handler = lowlevel.request_handlers[types.ListToolsRequest]

        async def list_tools() -> types.ServerResult:
            return await handler(types.ListToolsRequest(method="tools/list"))

        listed = asyncio.run(list_tools())
        options = lowlevel.create_initialization_options()
    initialize = types.InitializeResult(
        protocolVersion=types.LATEST_PROTOCOL_VERSION,
        capabilities=options.capabilities,
        serverInfo=types.Implementation(
            name=options.server_name,
            version=options.server_version,
            websiteUrl=options.website_url,
            icons=options.icons,
        ),
        instructions=options.instructions,
    ).model_dump(by_alias=True, mode="json", exclude_none=True)
    del initialize["protocolVersion"]
    return {
        "fingerprint": fingerprint(),
        "initialize": initialize,
        "protocol_versions": list(SUPPORTED_PROTOCOL_VERSIONS),
        "latest_version": types.LATEST_PROTOCOL_VERSION,
        "tools": listed.model_dump(by_alias=True, mode="json", exclude_none=True),
        "modules": {name: spec.func.__module__.rsplit(".", 1)[-1] for name, spec in server.specs.items()},
    }


def write_catalogue(path: Path = CATALOGUE_PATH) -> Path:
    """Build the catalogue and write it to ``path``."""
    path.write_text(json.dumps(build_catalogue(), indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    return path


if __name__ == "__main__":
    print(f"wrote {write_catalogue()}")
