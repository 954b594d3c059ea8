"""execute_blender_code: off by default, captures output, time-limited."""

from collections.abc import Iterator
from pathlib import Path

import pytest

from prompt2mesh.workers.blocking import BlockingWorker


@pytest.fixture(scope="module")
def code_worker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BlockingWorker]:
    """A private worker started with --allow-code (the shared one keeps the default: off)."""
    with BlockingWorker(Path(tmp_path_factory.mktemp("code")), allow_code=True) as worker:
        yield worker


def test_code_execution_is_refused_unless_the_worker_allows_it(worker: BlockingWorker) -> None:
    result = worker.call("execute_blender_code", code="result = 1")
    assert not result.ok and "code_execution_disabled" in (result.error or "")


def test_code_runs_in_blender_and_returns_its_stdout_and_result(code_worker: BlockingWorker) -> None:
    code = "print('hello')\nbpy.ops.mesh.primitive_cube_add()\nresult = {'names': [o.name for o in bpy.data.objects]}"
    result = code_worker.call("execute_blender_code", code=code)
    assert result.ok, result.error
    assert result.result["stdout"] == "hello\n" and result.result["error"] is None
    assert "Cube" in result.result["result"]["names"]


def test_an_exception_in_the_code_comes_back_as_an_error_with_its_traceback(
    code_worker: BlockingWorker,
) -> None:
    result = code_worker.call("execute_blender_code", code="print('before')\n1 / 0")
    assert result.ok and result.result["stdout"] == "before\n"
    assert "ZeroDivisionError" in result.result["error"]
    syntax = code_worker.call("execute_blender_code", code="def (")
    assert syntax.ok and syntax.result["error"].startswith("SyntaxError")
    exiting = code_worker.call("execute_blender_code", code="raise SystemExit(3)")
    assert exiting.ok and "SystemExit" in exiting.result["error"]


def test_an_infinite_loop_is_stopped_at_the_time_limit_and_the_worker_keeps_answering(
    code_worker: BlockingWorker,
) -> None:
    looping = code_worker.call("execute_blender_code", code="while True:\n    pass", timeout_s=0.5)
    assert looping.ok and "TimeoutError" in looping.result["error"]
    assert looping.duration_s < 5
    swallowing = code_worker.call(
        "execute_blender_code",
        code="while True:\n    try:\n        pass\n    except Exception:\n        pass",
        timeout_s=0.5,
    )
    assert "TimeoutError" in swallowing.result["error"]
    after = code_worker.call("execute_blender_code", code="result = 2 + 2")
    assert after.ok and after.result["result"] == 4
