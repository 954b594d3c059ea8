"""The agent package exports its public surface without importing LangGraph up front."""

from __future__ import annotations

import subprocess
import sys

import prompt2mesh.agent as agent


def test_every_exported_name_resolves() -> None:
    for name in agent.__all__:
        assert getattr(agent, name) is not None


def test_importing_the_package_does_not_load_langgraph() -> None:
    code = "import sys, prompt2mesh.agent; print('langgraph' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "False"
