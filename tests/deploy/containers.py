"""Helpers for the container tests: the Docker CLI, the images under test, compose, events.

Everything goes through the real ``docker`` and ``docker-compose``/``docker compose``
commands, as an operator types them. Names of the images come from the same variables as
``scripts/images.sh`` (``P2M_IMAGE``, ``P2M_BASE_IMAGE``, ``P2M_POSTGRES_IMAGE``), so a test
run reuses what ``make images`` built; what the tests start is named ``p2m-images-test-*``.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import threading
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
IMAGES_SCRIPT = ROOT / "scripts" / "images.sh"
COMPOSE_FILE = ROOT / "deploy" / "compose.yaml"
PREFIX = "p2m-images-test"


def docker_problem() -> str | None:
    """Why no container test can run here (no CLI, no daemon), or None when Docker answers."""
    if shutil.which("docker") is None:
        return "the docker CLI is not installed (apt-get install docker.io; .ci/run does)"
    try:
        answer = subprocess.run(
            ["docker", "version", "--format", "{{.Server.Version}}"],
            capture_output=True,
            text=True,
            timeout=20,
        )
    except subprocess.TimeoutExpired:
        return "no Docker daemon answered within 20 s"
    if answer.returncode != 0:
        return f"no Docker daemon answers (start dockerd; .ci/run does): {answer.stderr.strip()[:200]}"
    return None


DOCKER_PROBLEM = docker_problem()
needs_docker = pytest.mark.skipif(DOCKER_PROBLEM is not None, reason=DOCKER_PROBLEM or "")


@dataclass(frozen=True)
class Images:
    app: str
    base: str
    postgres: str
    source_hash: str


def image_names() -> tuple[str, str, str]:
    return (
        os.environ.get("P2M_IMAGE", "prompt2mesh"),
        os.environ.get("P2M_BASE_IMAGE", "prompt2mesh-base:bookworm"),
        os.environ.get("P2M_POSTGRES_IMAGE", "prompt2mesh-postgres:15"),
    )


def images_script(*args: str, timeout: float = 1500) -> subprocess.CompletedProcess[str]:
    """``scripts/images.sh`` as ``make images`` runs it; the base always from Debian here,
    so the test covers the no-registry path whatever the machine can reach."""
    env = {**os.environ, "P2M_BASE_FROM": os.environ.get("P2M_BASE_FROM", "debian")}
    done = subprocess.run(
        ["bash", str(IMAGES_SCRIPT), *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
    )
    assert done.returncode == 0, f"scripts/images.sh {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    return done


def docker(*args: str, timeout: float = 120, check: bool = True) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(["docker", *args], capture_output=True, text=True, timeout=timeout)
    if check:
        assert done.returncode == 0, f"docker {' '.join(args)} failed:\n{done.stdout}\n{done.stderr}"
    return done


def unique_name(kind: str) -> str:
    return f"{PREFIX}-{kind}-{uuid.uuid4().hex[:8]}"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_for_health(container: str, since: float, timeout: float) -> str:
    """Block on Docker's own events until the container is healthy, unhealthy or dead.

    Returns the event (``health_status: healthy``, ``health_status: unhealthy`` or ``die``).

    Raises:
        TimeoutError: none came within ``timeout`` seconds.
    """
    events = subprocess.Popen(
        [
            "docker",
            "events",
            "--since",
            f"{since - 1:.0f}",
            "--filter",
            f"container={container}",
            "--filter",
            "event=health_status",
            "--filter",
            "event=die",
            "--format",
            "{{.Status}}",
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    timer = threading.Timer(timeout, events.kill)
    timer.start()
    try:
        assert events.stdout is not None
        for line in events.stdout:
            status = line.strip()
            if status in ("health_status: healthy", "health_status: unhealthy", "die"):
                return status
        raise TimeoutError(f"{container} reported no health within {timeout:.0f} s")
    finally:
        timer.cancel()
        events.kill()
        events.wait()


def compose_command() -> list[str] | None:
    """``docker compose`` (v2) when the plugin is there, else Debian's ``docker-compose`` (v1)."""
    if (
        shutil.which("docker")
        and subprocess.run(["docker", "compose", "version"], capture_output=True).returncode == 0
    ):
        return ["docker", "compose"]
    if shutil.which("docker-compose"):
        return ["docker-compose"]
    return None


def now() -> float:
    return time.time()
