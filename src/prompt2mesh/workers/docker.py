"""Docker backend (``P2M_WORKER_BACKEND=docker``): one container per user.

Each user's worker is a container of the project image running ``prompt2mesh mcp --http``,
with the user's workspace on a named volume (``<prefix>-ws-<hash>``, kept across restarts and
removed with the account), CPU and memory limits, ``AutoRemove`` (``--rm``) and labels. Its MCP
port is published on 127.0.0.1 only, or on nothing at all when ``P2M_DOCKER_NETWORK`` names a
private network the service shares with the workers. The engine is driven asynchronously over
its unix socket (:mod:`prompt2mesh.workers.docker_api`).
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
from pathlib import Path
from typing import Any

from prompt2mesh.config import Settings
from prompt2mesh.workers.docker_api import DockerEngine, DockerError
from prompt2mesh.workers.errors import WorkerStartFailed
from prompt2mesh.workers.local import pool_options
from prompt2mesh.workers.remote import WORKER_PORT, Endpoint, RemoteWorkerManager, resource_name

DATA_MOUNT = "/data"
"""Where the user's volume is mounted. The image declares ``VOLUME /data``: mounting the named
volume there means no anonymous volume is made, and a new volume takes the folder's owner from
the image (a non-root worker can write it)."""
WORKSPACE = f"{DATA_MOUNT}/workspace"
log = logging.getLogger(__name__)
LABEL_PREFIX = "p2m.prefix"
LABEL_USER = "p2m.user"
LABEL_ROLE = "p2m.role"


def user_label(user_id: str) -> str:
    """The user's label value: a hash, since a label is readable by anyone who lists containers."""
    return hashlib.sha256(user_id.encode()).hexdigest()[:20]


class DockerWorkerManager(RemoteWorkerManager):
    """Per-user Blender workers as Docker containers, reached over MCP on HTTP."""

    def __init__(
        self,
        root: Path,
        *,
        image: str,
        command: list[str] | None = None,
        prefix: str = "p2m-worker",
        cpus: float = 2.0,
        memory_mb: int = 2048,
        network: str | None = None,
        mounts: list[str] | None = None,
        socket: Path = Path("/var/run/docker.sock"),
        **kwargs: Any,
    ) -> None:
        super().__init__(root, **kwargs)
        self.image = image
        self.command = list(command or ["prompt2mesh"])
        self.prefix = prefix
        self.cpus = cpus
        self.memory_mb = memory_mb
        self.network = network
        self.mounts = list(mounts or [])
        self.engine = DockerEngine(socket)

    @classmethod
    def from_settings(cls, settings: Settings) -> DockerWorkerManager:
        return cls(
            settings.data_dir / "workspaces",
            image=settings.worker_image,
            command=settings.worker_command,
            prefix=settings.worker_name_prefix,
            cpus=settings.worker_cpus,
            memory_mb=settings.worker_memory_mb,
            network=settings.docker_network,
            mounts=settings.docker_mounts,
            socket=settings.docker_socket,
            max_fetch_bytes=settings.worker_max_fetch_bytes,
            **pool_options(settings),
        )

    # --- names --------------------------------------------------------------------------------

    def container_name(self, user_id: str) -> str:
        return resource_name(self.prefix, user_id)

    def volume_name(self, user_id: str) -> str:
        return resource_name(f"{self.prefix}-ws", user_id)

    def labels(self, user_id: str, role: str) -> dict[str, str]:
        return {LABEL_PREFIX: self.prefix, LABEL_USER: user_label(user_id), LABEL_ROLE: role}

    # --- RemoteWorkerManager ------------------------------------------------------------------

    def container_config(self, user_id: str, token: str, restore: bool) -> dict[str, Any]:
        """The engine's create-container body for the user's worker."""
        args = ["mcp", "--http", "--host", "0.0.0.0", "--port", str(WORKER_PORT), "--workspace", WORKSPACE]
        if restore:
            args.append("--restore")
        if self.allow_code:
            args.append("--allow-code")
        args.extend(self.limit_args)
        mounts: list[dict[str, Any]] = [
            {"Type": "volume", "Source": self.volume_name(user_id), "Target": DATA_MOUNT}
        ]
        for bind in self.mounts:
            source, _, target = bind.partition(":")
            mounts.append({"Type": "bind", "Source": source, "Target": target or source, "ReadOnly": True})
        host: dict[str, Any] = {
            "AutoRemove": True,
            "Mounts": mounts,
            "NanoCpus": int(self.cpus * 1e9),
            "Memory": self.memory_mb * 1024 * 1024,
            "MemorySwap": self.memory_mb * 1024 * 1024,
            "PidsLimit": 1024,
            "SecurityOpt": ["no-new-privileges"],
            "CapDrop": ["ALL"],
            "CapAdd": ["CHOWN", "DAC_OVERRIDE", "FOWNER", "SETUID", "SETGID"],
        }
        if self.network:
            host["NetworkMode"] = self.network
        else:
            # An ephemeral port on loopback: reachable from this machine only.
            host["PortBindings"] = {f"{WORKER_PORT}/tcp": [{"HostIp": "127.0.0.1", "HostPort": ""}]}
        return {
            "Image": self.image,
            "Cmd": [*self.command, *args],
            "Env": [f"P2M_WORKER_TOKEN={token}", "PYTHONUNBUFFERED=1"],
            "Labels": self.labels(user_id, "worker"),
            "ExposedPorts": {f"{WORKER_PORT}/tcp": {}},
            "HostConfig": host,
        }

    async def _provision(self, user_id: str, token: str, restore: bool) -> Endpoint:
        name = self.container_name(user_id)
        await self.engine.remove_container(name)  # a left-over of a crash or a killed worker
        await self.engine.create_volume(self.volume_name(user_id), self.labels(user_id, "workspace"))
        config = self.container_config(user_id, token, restore)
        for _ in range(50):
            try:
                ident = await self.engine.create_container(name, config)
                break
            except DockerError as exc:
                # The old container's removal may still be in progress: its name is taken.
                if exc.status != 409:
                    raise
                await self.engine.remove_container(name)
                await asyncio.sleep(0.1)
        else:
            raise WorkerStartFailed(f"the name {name} stayed taken by an old container")
        await self.engine.start_container(ident)
        details = await self.engine.inspect_container(ident)
        if details is None or not details.get("State", {}).get("Running"):
            raise WorkerStartFailed(f"worker container {name} exited at once (image {self.image})")
        if self.network:
            return Endpoint(f"http://{name}:{WORKER_PORT}/mcp", token)
        bindings = (details.get("NetworkSettings", {}).get("Ports") or {}).get(f"{WORKER_PORT}/tcp") or []
        port = next((b["HostPort"] for b in bindings if b.get("HostIp") in ("127.0.0.1", "")), None)
        if not port:
            raise WorkerStartFailed(f"worker container {name} has no published port")
        return Endpoint(f"http://127.0.0.1:{port}/mcp", token)

    async def start(self) -> None:
        """Remove worker containers a previous run of the service left (a crash, a kill -9),
        then start housekeeping. Containers are named per user and prefix, so a second service
        with the same prefix on this engine would clash anyway: the prefix is this service's."""
        for container in await self.engine.list_containers({LABEL_PREFIX: self.prefix}):
            log.info("removing the left-over worker container %s", container.get("Names"))
            await self.engine.remove_container(str(container["Id"]))
        await super().start()

    async def _deprovision(self, user_id: str) -> None:
        await self.engine.remove_container(self.container_name(user_id))

    async def _delete_volume(self, user_id: str) -> None:
        await self.engine.remove_volume(self.volume_name(user_id))

    async def shutdown(self) -> None:
        await super().shutdown()
        await self.engine.aclose()


WorkerManagerImpl = DockerWorkerManager
