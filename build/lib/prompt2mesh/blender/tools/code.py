"""The escape hatch: run arbitrary Python in the worker, only when the worker allows it."""

import contextlib
import io
import signal
import threading
import traceback
from collections.abc import Iterator
from typing import Annotated, Any

from pydantic import Field

from prompt2mesh.blender.errors import CodeExecutionDisabled
from prompt2mesh.blender.registry import tool
from prompt2mesh.blender.runtime import Worker


class CodeTimeout(BaseException):
    """Raised inside the user's code by the alarm; BaseException so a bare `except Exception` can't swallow it."""


@contextlib.contextmanager
def _time_limit(seconds: float) -> Iterator[None]:
    """Interrupt the calling (main) thread after ``seconds`` with :class:`CodeTimeout`."""
    if threading.current_thread() is not threading.main_thread():
        # Signals are only delivered to the main thread; without one we cannot interrupt.
        yield
        return

    def on_alarm(signum: int, frame: Any) -> None:
        raise CodeTimeout

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def _jsonable(value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    return repr(value)


@tool("advanced", mutates=True)
def execute_blender_code(
    worker: Worker,
    code: Annotated[
        str, Field(min_length=1, max_length=100_000, description="Python source; `bpy` is imported")
    ],
    timeout_s: Annotated[
        float,
        Field(gt=0, le=600, description="Seconds before the code is stopped (capped by the worker's limit)"),
    ] = 10.0,
) -> dict[str, Any]:
    """Run Python inside Blender when no typed tool can do the job (disabled unless --allow-code).

    `bpy`, `bmesh` and `mathutils` are available. Assign to a variable named `result` to return
    a JSON-able value. Returns {stdout, error, result}: error holds the traceback if the code
    raised or ran past the time limit (changes made before that stay; use undo).

    Raises:
        CodeExecutionDisabled: the worker was started without --allow-code.
    """
    if not worker.config.allow_code:
        raise CodeExecutionDisabled(
            "execute_blender_code is disabled on this worker (start it with --allow-code); use the typed tools"
        )
    import bmesh
    import bpy
    import mathutils

    limit = min(timeout_s, worker.config.code_timeout_s)
    namespace: dict[str, Any] = {"bpy": bpy, "bmesh": bmesh, "mathutils": mathutils, "__name__": "__p2m__"}
    out = io.StringIO()
    error: str | None = None
    try:
        compiled = compile(code, "<execute_blender_code>", "exec")
    except SyntaxError as exc:
        return {"stdout": "", "error": f"SyntaxError: {exc}", "result": None}
    try:
        with contextlib.redirect_stdout(out), _time_limit(limit):
            exec(compiled, namespace)
    except CodeTimeout:
        error = f"TimeoutError: the code ran longer than {limit:g} s and was stopped"
    except (Exception, SystemExit):
        error = traceback.format_exc(limit=-5)
    return {"stdout": out.getvalue()[-20_000:], "error": error, "result": _jsonable(namespace.get("result"))}
