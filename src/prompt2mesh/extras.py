"""Which optional install ("extra") provides which import, and the one line a person reads
when one is missing.

The core install (``pip install prompt2mesh``) is what the MCP worker, the CLI agent and the
offline modeller need. The service, voice and each cloud provider are extras; code imports
them where it needs them, and the CLI turns the resulting ``ModuleNotFoundError`` into
:func:`missing_extra_message` instead of a traceback.
"""

from __future__ import annotations

import importlib.util

EXTRAS: dict[str, tuple[str, ...]] = {
    "service": (
        "fastapi",
        "uvicorn",
        "sse_starlette",
        "multipart",
        "sqlalchemy",
        "alembic",
        "psycopg",
        "argon2",
        "jwt",
        "langgraph.checkpoint.postgres",
    ),
    "voice": ("faster_whisper",),
    "anthropic": ("langchain_anthropic",),
    "openai": ("langchain_openai",),
    "google": ("langchain_google_genai",),
    "ollama": ("langchain_ollama",),
    "cluster": ("kubernetes",),
}
"""Extra name -> the top-level modules it installs (the first is the one to probe)."""

_WHAT = {
    "service": "the web service (prompt2mesh serve)",
    "voice": "spoken commands",
    "anthropic": "the anthropic provider",
    "openai": "the openai and openai_compatible providers",
    "google": "the google provider",
    "ollama": "the ollama provider",
    "cluster": "the kubernetes worker backend",
}


def install_command(extra: str) -> str:
    return f"pip install 'prompt2mesh[{extra}]'"


def extra_for_module(module: str | None) -> str | None:
    """The extra that provides ``module`` (a dotted name as ``ModuleNotFoundError.name`` has it)."""
    if not module:
        return None
    for extra, modules in EXTRAS.items():
        for provided in modules:
            if module == provided or module.startswith(provided + "."):
                return extra
    return None


def missing_extra_message(exc: ModuleNotFoundError) -> str | None:
    """One line naming the extra and its install command, or None when ``exc`` is not about one."""
    extra = extra_for_module(exc.name)
    if extra is None:
        return None
    return f"{_WHAT[extra]} needs the '{extra}' extra ({exc.name} is not installed): {install_command(extra)}"


def is_installed(extra: str) -> bool:
    """Whether every module of ``extra`` can be imported (without importing it)."""
    return all(_findable(module) for module in EXTRAS[extra])


def _findable(module: str) -> bool:
    try:
        return importlib.util.find_spec(module) is not None
    except ModuleNotFoundError:  # a parent package is missing
        return False
