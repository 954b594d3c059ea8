"""Which tool errors halt a critical step (SPEC: not found / no attribute / key error)."""

from __future__ import annotations

import pytest

from prompt2mesh.agent.nodes._shared import is_critical_error


@pytest.mark.parametrize(
    "error",
    [
        "[not_found] no object named 'Trunk'",
        "AttributeError: 'NoneType' object has no attribute 'data'",
        "KeyError: 'Material'",
    ],
)
def test_missing_things_are_critical_errors(error: str) -> None:
    assert is_critical_error(error)


@pytest.mark.parametrize("error", ["[invalid_argument] radius must be > 0", None, ""])
def test_bad_values_are_not_critical(error: str | None) -> None:
    assert not is_critical_error(error)
