"""A head start for the container images: ``scripts/images.sh`` in the background from the
moment pytest knows a container test is selected, while the Blender, service and browser tests
run in the foreground.

On a clean machine the images (the mmdebstrap base, the app image, the PostgreSQL fallback)
take many minutes, mostly downloads and layer writes that leave a core free; started when the
session starts they are ready (or nearly) when tests/deploy and the docker-backend tests
reach them, instead of being paid after everything else. Nothing here decides a test: the
fixtures wait for this build and then run ``scripts/images.sh`` themselves as before, which
finds the images built (a check of a few seconds) or, after a failed head start, builds and
reports in the foreground.
"""

from __future__ import annotations

import os
import subprocess
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
IMAGES_SCRIPT = ROOT / "scripts" / "images.sh"
# The base first (both images start from it), then the app and the PostgreSQL images side by
# side: the latter is mostly apt downloads and finishes well inside the app's build.
COMMAND = f"""set -e
bash {IMAGES_SCRIPT} base
bash {IMAGES_SCRIPT} postgres & postgres=$!
bash {IMAGES_SCRIPT} app
wait $postgres
"""
WAIT_TIMEOUT_S = 1800.0

_build: subprocess.Popen[bytes] | None = None
_log: Path | None = None
_started = 0.0


def start() -> None:
    """Start the build once per session (a no-op when it is already running or done)."""
    global _build, _log, _started
    if _build is not None:
        return
    env = {**os.environ, "P2M_BASE_FROM": os.environ.get("P2M_BASE_FROM", "debian")}
    handle, name = tempfile.mkstemp(prefix="p2m-images-prebuild-", suffix=".log")
    _log = Path(name)
    _started = time.monotonic()
    _build = subprocess.Popen(
        ["bash", "-c", COMMAND],
        cwd=ROOT,
        env=env,
        stdin=subprocess.DEVNULL,
        stdout=handle,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    os.close(handle)


def wait() -> str:
    """Block until the head start is over; says how it went (for a failing test's message).

    A failed or absent head start is not an error here: the caller builds in the foreground.
    """
    if _build is None:
        return "no head start"
    try:
        code = _build.wait(timeout=max(1.0, WAIT_TIMEOUT_S - (time.monotonic() - _started)))
    except subprocess.TimeoutExpired:
        stop()
        return "the head start ran out of time and was stopped"
    assert _log is not None
    tail = _log.read_text(errors="replace")[-2000:]
    return f"head start exited {code} after {time.monotonic() - _started:.0f} s:\n{tail}"


def stop() -> None:
    """End an unfinished build (the session is over or it ran out of time); the log of a
    build that went well is removed, a failed one's stays in the temp folder."""
    if _build is None:
        return
    if _build.poll() is None:
        os.killpg(_build.pid, 15)
        try:
            _build.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(_build.pid, 9)
            _build.wait()
    if _build.returncode == 0 and _log is not None:
        _log.unlink(missing_ok=True)
