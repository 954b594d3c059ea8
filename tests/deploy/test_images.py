"""The images `make images` builds: a Debian base without any registry, and one slim app image
that runs both the service and a Blender MCP worker."""

from __future__ import annotations

import json
import secrets
import subprocess
from typing import Any

import anyio
import pytest
from mcp import ClientSession, StdioServerParameters
from mcp.client.stdio import stdio_client

from deploy.containers import Images, docker, images_script, needs_docker, now, unique_name, wait_for_health
from prompt2mesh.blender.registry import all_tools

pytestmark = [pytest.mark.docker, pytest.mark.slow, needs_docker, pytest.mark.timeout(1800)]

MAX_APP_BYTES = 1.6e9
WORKER = ("prompt2mesh", "mcp")


def inspect(ref: str) -> dict[str, Any]:
    return json.loads(docker("image", "inspect", ref).stdout)[0]


def in_container(image: str, script: str, *, user: str | None = None) -> str:
    args = ["run", "--rm", *(["--user", user] if user else []), "--entrypoint", "sh", image, "-c", script]
    return docker(*args).stdout


def test_the_base_image_is_debian_bookworm_with_python_and_merged_usr(images: Images) -> None:
    out = in_container(
        images.base,
        ". /etc/os-release; echo $VERSION_CODENAME; readlink /bin; python3 -c 'import sys, venv, ssl;"
        "print(sys.version_info[:2])'",
    )
    assert out.split("\n")[:3] == ["bookworm", "usr/bin", "(3, 11)"]


def test_the_app_image_is_under_the_size_target_and_runs_as_a_user_with_a_healthcheck(images: Images) -> None:
    info = inspect(images.app)
    config = info["Config"]
    assert info["Size"] < MAX_APP_BYTES, f"{info['Size'] / 1e9:.2f} GB"
    assert config["User"] == "p2m"
    assert config["Healthcheck"]["Test"][0] == "CMD"
    # A VOLUME would leave one anonymous volume behind per container.
    assert not config.get("Volumes")
    assert config["Cmd"] == ["prompt2mesh", "serve"]
    assert config["Labels"]["org.prompt2mesh.source-hash"] == images.source_hash
    assert in_container(
        images.app, "id -u; id -g; touch /data/ok /workspace/ok && echo writable"
    ).split() == [
        "10001",
        "10001",
        "writable",
    ]


def test_the_app_image_holds_no_build_tools(images: Images) -> None:
    found = in_container(images.app, "for t in node npm git gcc; do command -v $t; done; true")
    assert found.strip() == ""


def test_the_image_is_not_rebuilt_for_the_same_sources(images: Images) -> None:
    again = images_script("app", timeout=120)
    assert "exists (same sources): not rebuilt" in again.stderr


def test_the_service_in_the_image_refuses_to_start_in_production_without_a_secret(images: Images) -> None:
    done = docker("run", "--rm", "-e", "P2M_ENVIRONMENT=production", images.app, check=False, timeout=180)
    assert done.returncode == 2
    assert "P2M_SECRET_KEY" in done.stderr


async def test_the_worker_in_the_image_lists_every_tool_and_renders_over_stdio(images: Images) -> None:
    name = unique_name("stdio")
    server = StdioServerParameters(
        command="docker",
        args=[
            "run",
            "-i",
            "--rm",
            "--init",
            "--name",
            name,
            images.app,
            *WORKER,
            "--workspace",
            "/workspace",
        ],
    )
    try:
        with anyio.fail_after(240):
            async with stdio_client(server) as (read, write), ClientSession(read, write) as session:
                await session.initialize()
                listed = await session.list_tools()
                cube = await session.call_tool("create_primitive", {"kind": "cube"})
                # Workbench through EGL and Mesa's software renderer: the image's GL libraries.
                shot = await session.call_tool("get_viewport_screenshot", {"max_size": 128})
    finally:
        docker("rm", "-f", name, check=False)
    assert sorted(t.name for t in listed.tools) == sorted(all_tools())
    assert not cube.isError, cube.content
    assert not shot.isError, shot.content
    assert any(c.type == "image" and c.mimeType == "image/png" for c in shot.content)


def test_a_worker_over_http_becomes_healthy_and_leaves_nothing_behind(images: Images) -> None:
    name = unique_name("http")
    volumes_before = set(docker("volume", "ls", "-q").stdout.split())
    started = now()
    docker(
        "run", "-d", "--rm", "--init", "--name", name, "--health-interval", "1s",
        # A worker bound beyond loopback refuses to start without its secret.
        "-e", f"P2M_WORKER_TOKEN={secrets.token_urlsafe(24)}",
        images.app, *WORKER, "--http", "--host", "0.0.0.0", "--workspace", "/workspace",
    )  # fmt: skip
    try:
        status = wait_for_health(name, started, timeout=180)
        logs = docker("logs", name, check=False).stderr
        assert status == "health_status: healthy", logs
    finally:
        docker("rm", "-f", name, check=False)
    leftovers = docker("ps", "-aq", "--filter", f"name={name}").stdout.strip()
    assert leftovers == ""
    assert set(docker("volume", "ls", "-q").stdout.split()) <= volumes_before


def test_the_debian_postgres_image_honours_the_postgres_settings(images: Images) -> None:
    import psycopg

    name = unique_name("pg")
    started = now()
    docker(
        "run", "-d", "--rm", "--name", name, "-p", "127.0.0.1::5432", "--health-interval", "1s",
        "-e", "POSTGRES_USER=alice", "-e", "POSTGRES_PASSWORD=wonderland", "-e", "POSTGRES_DB=shop",
        images.postgres,
    )  # fmt: skip
    try:
        assert wait_for_health(name, started, timeout=120) == "health_status: healthy"
        port = docker("port", name, "5432/tcp").stdout.split(":")[-1].strip()
        url = f"postgresql://alice:wonderland@127.0.0.1:{port}/shop"
        with psycopg.connect(url, connect_timeout=10) as conn:
            assert conn.execute("select current_user, current_database()").fetchone() == ("alice", "shop")
        with pytest.raises(psycopg.OperationalError, match="password authentication failed"):
            psycopg.connect(url.replace("wonderland", "wrong"), connect_timeout=10)
    finally:
        docker("rm", "-f", name, check=False)


def test_the_debian_postgres_image_says_what_is_missing_without_a_password(images: Images) -> None:
    done = subprocess.run(
        ["docker", "run", "--rm", images.postgres], capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 1
    assert "POSTGRES_PASSWORD is not set" in done.stderr
