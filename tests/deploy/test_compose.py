"""deploy/compose.yaml as an operator uses it: up, sign up, run, download the glb, down."""

from __future__ import annotations

import json
import os
import secrets
import subprocess
from collections.abc import Iterator
from dataclasses import dataclass

import httpx
import pytest

from deploy.containers import (
    COMPOSE_FILE,
    Images,
    compose_command,
    docker,
    free_port,
    needs_docker,
    now,
    unique_name,
    wait_for_health,
)
from service.live import signup_and_login, stream_events

COMPOSE = compose_command()
needs_compose = pytest.mark.skipif(
    COMPOSE is None,
    reason="neither `docker compose` nor docker-compose is installed (apt-get install docker-compose)",
)
pytestmark = [pytest.mark.docker, needs_docker, needs_compose, pytest.mark.timeout(1800)]


def compose(
    project: str, *args: str, env: dict[str, str], timeout: float = 300
) -> subprocess.CompletedProcess[str]:
    assert COMPOSE is not None
    # Only what an operator's shell would hold: no P2M_* from the test run leaks in.
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("P2M_", "POSTGRES_"))}
    return subprocess.run(
        [*COMPOSE, "-p", project, "-f", str(COMPOSE_FILE), *args],
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=timeout,
    )


def test_the_defaults_pull_the_official_postgres_and_publish_on_loopback_only() -> None:
    done = compose(unique_name("config"), "config", env={})
    assert done.returncode == 0, done.stderr
    text = done.stdout
    assert "image: postgres:15" in text
    assert "image: prompt2mesh:latest" in text
    # v1 prints "127.0.0.1:8000:8000/tcp"; v2 a long form with host_ip.
    assert "127.0.0.1:8000:8000" in text or "host_ip: 127.0.0.1" in text
    assert "0.0.0.0" not in text


def service_container(project: str, service: str) -> str:
    """The id of a compose service's container (v1 and v2 name them differently)."""
    found = docker(
        "ps", "-aq",
        "--filter", f"label=com.docker.compose.project={project}",
        "--filter", f"label=com.docker.compose.service={service}",
    ).stdout.split()  # fmt: skip
    assert len(found) == 1, f"{project} has {len(found)} {service} containers"
    return found[0]


@dataclass
class Deployment:
    project: str
    url: str
    env: dict[str, str]


def postgres_image(images: Images) -> str:
    """The official image where this Docker has it; the Debian-built fallback otherwise."""
    has_official = docker("image", "inspect", "postgres:15", check=False).returncode == 0
    return "postgres:15" if has_official else images.postgres


@pytest.fixture
def deployment(images: Images) -> Iterator[Deployment]:
    project = unique_name("compose")
    port = free_port()
    env = {
        "P2M_SECRET_KEY": secrets.token_urlsafe(48),
        "P2M_IMAGE": images.app,
        "P2M_POSTGRES_IMAGE": postgres_image(images),
        "P2M_PUBLISH_PORT": str(port),
    }
    started = now()
    try:
        up = compose(project, "up", "-d", "--no-build", env=env)
        assert up.returncode == 0, up.stderr
        app = service_container(project, "app")
        status = wait_for_health(app, started, timeout=240)
        if status != "health_status: healthy":
            logs = compose(project, "logs", "--no-color", env=env).stdout
            pytest.fail(f"the app is not healthy ({status}):\n{logs[-4000:]}")
        yield Deployment(project=project, url=f"http://127.0.0.1:{port}", env=env)
    finally:
        # Also when the test failed half-way; a no-op after the test's own `down`.
        compose(project, "down", "-v", "--remove-orphans", env={})


def test_compose_serves_a_user_from_sign_up_to_glb_and_down_leaves_nothing(deployment: Deployment) -> None:
    project = deployment.project
    label = f"label=com.docker.compose.project={project}"
    ports = docker("inspect", "-f", "{{json .NetworkSettings.Ports}}", service_container(project, "app"))
    bindings = [b for found in json.loads(ports.stdout).values() for b in found or []]
    assert {b["HostIp"] for b in bindings} == {"127.0.0.1"}, bindings
    health = httpx.get(f"{deployment.url}/health", timeout=30).json()
    assert health["status"] == "ok" and health["database"] == "ok"

    user = signup_and_login(deployment.url, "composer")
    started = user.client.post("/runs", json={"prompt": "a red cube"})
    assert started.status_code == 202, started.text
    run_id = started.json()["id"]
    events = stream_events(user, run_id, timeout=400)
    run = user.client.get(f"/runs/{run_id}").json()
    assert run["status"] == "completed", (run, events[-3:])
    files = {f["name"] for f in user.client.get(f"/runs/{run_id}/files").json()}
    glb_name = next(name for name in files if name.endswith(".glb"))
    glb = user.client.get(f"/runs/{run_id}/files/{glb_name}")
    assert glb.status_code == 200 and glb.content[:4] == b"glTF"

    # `down` as an operator runs it later: without the secret in the environment.
    down = compose(project, "down", "-v", env={})
    assert down.returncode == 0, down.stderr
    assert docker("ps", "-aq", "--filter", label).stdout.strip() == ""
    assert docker("volume", "ls", "-q", "--filter", label).stdout.strip() == ""
    assert docker("network", "ls", "-q", "--filter", label).stdout.strip() == ""
