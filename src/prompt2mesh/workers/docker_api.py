"""The few Docker Engine API calls the docker backend needs, async over the unix socket.

httpx speaks to ``/var/run/docker.sock`` directly: no blocking SDK, no thread pool whose size
would cap how many workers start at once (the SDK in asyncio's default pool started 6 at a time).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx

API_VERSION = "v1.41"
"""Docker 20.10 and later; every call here exists since then."""


class DockerError(RuntimeError):
    """The engine refused a request (``status`` is its HTTP status)."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(f"docker engine answered {status}: {message}")
        self.status = status


class DockerEngine:
    """An async client for one Docker engine."""

    def __init__(self, socket: Path = Path("/var/run/docker.sock"), *, timeout_s: float = 60.0) -> None:
        self.socket = socket
        self.timeout_s = timeout_s
        self._client: httpx.AsyncClient | None = None

    def _open(self) -> httpx.AsyncClient:
        # Opened on first use (and again after aclose): a manager shut down can still clean up.
        if self._client is None or self._client.is_closed:
            self._client = httpx.AsyncClient(
                transport=httpx.AsyncHTTPTransport(uds=str(self.socket)),
                base_url=f"http://docker/{API_VERSION}",
                timeout=self.timeout_s,
            )
        return self._client

    async def aclose(self) -> None:
        if self._client is not None:
            await self._client.aclose()

    async def _call(self, method: str, path: str, *, ok: tuple[int, ...] = (), **kwargs: Any) -> Any:
        response = await self._open().request(method, path, **kwargs)
        if response.status_code >= 400 and response.status_code not in ok:
            try:
                message = response.json().get("message", response.text)
            except ValueError:
                message = response.text
            raise DockerError(response.status_code, str(message)[:500])
        if response.status_code >= 400 or response.status_code == 204 or not response.content:
            return None  # an accepted refusal (404: already gone) carries nothing to read
        try:
            return response.json()
        except ValueError:
            return response.text

    async def ping(self) -> bool:
        try:
            return await self._call("GET", "/_ping") == "OK"
        except (httpx.TransportError, DockerError):
            return False

    async def create_volume(self, name: str, labels: dict[str, str]) -> None:
        """Create a named volume (creating one that exists is a no-op for the engine)."""
        await self._call("POST", "/volumes/create", json={"Name": name, "Labels": labels})

    async def remove_volume(self, name: str) -> None:
        """Remove a volume; a missing one is fine."""
        await self._call("DELETE", f"/volumes/{name}", ok=(404,))

    async def volume_exists(self, name: str) -> bool:
        return await self._call("GET", f"/volumes/{name}", ok=(404,)) is not None

    async def create_container(self, name: str, config: dict[str, Any]) -> str:
        created = await self._call("POST", "/containers/create", params={"name": name}, json=config)
        return str(created["Id"])

    async def start_container(self, ident: str) -> None:
        await self._call("POST", f"/containers/{ident}/start", ok=(304,))

    async def inspect_container(self, ident: str) -> dict[str, Any] | None:
        """The container's details, or None when there is no such container."""
        found = await self._call("GET", f"/containers/{ident}/json", ok=(404,))
        return found if isinstance(found, dict) else None

    async def remove_container(self, ident: str) -> None:
        """Kill and remove a container with its anonymous volumes; a missing one is fine."""
        await self._call(
            "DELETE", f"/containers/{ident}", params={"force": "true", "v": "true"}, ok=(404, 409)
        )

    async def kill_container(self, ident: str) -> None:
        await self._call("POST", f"/containers/{ident}/kill", ok=(404, 409))

    async def list_containers(self, labels: dict[str, str]) -> list[dict[str, Any]]:
        """Containers (running or not) carrying every one of ``labels``."""
        filters = json.dumps({"label": [f"{k}={v}" for k, v in labels.items()]})
        found = await self._call("GET", "/containers/json", params={"all": "true", "filters": filters})
        return list(found or [])

    async def list_volumes(self, labels: dict[str, str]) -> list[dict[str, Any]]:
        filters = json.dumps({"label": [f"{k}={v}" for k, v in labels.items()]})
        found = await self._call("GET", "/volumes", params={"filters": filters})
        return list((found or {}).get("Volumes") or [])

    async def stats(self, ident: str) -> dict[str, Any] | None:
        """One snapshot of the container's resource use (memory, CPU)."""
        found = await self._call(
            "GET", f"/containers/{ident}/stats", params={"stream": "false"}, ok=(404, 409)
        )
        return found if isinstance(found, dict) else None
