from __future__ import annotations

import subprocess
import sys

import prompt2mesh.roles as roles


def test_every_exported_name_of_the_roles_package_resolves() -> None:
    for name in roles.__all__:
        assert getattr(roles, name) is not None, name


def test_importing_the_role_interface_loads_no_provider_sdk() -> None:
    code = (
        "import sys, prompt2mesh.roles.interface; "
        "print(sorted(m for m in ('langchain_anthropic', 'langchain_openai', 'langchain_google_genai') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True)
    assert out.stdout.strip() == "[]"
