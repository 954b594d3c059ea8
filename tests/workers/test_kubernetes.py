"""The kubernetes backend against the kmock API emulator (over real HTTP, official client).

The emulator stores objects but runs no pods, so these tests play the kubelet: when the
backend creates a worker pod, :class:`Kubelet` starts a real ``prompt2mesh mcp --http``
process with the token from the pod's spec and marks the pod Ready. Everything the backend
does (objects, readiness, deletion) goes through the API; every tool call goes over MCP on
HTTP with that token.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
import yaml
from kmock import KubernetesEmulator, Server
from kubernetes import client

from http_worker import free_port, http_worker
from prompt2mesh.workers.base import WorkerState
from prompt2mesh.workers.errors import WorkerStartFailed
from prompt2mesh.workers.kubernetes import KubernetesWorkerManager
from prompt2mesh.workers.remote import resource_name

pytestmark = [pytest.mark.timeout(180)]

NS = "p2m-test"
ROOT = Path(__file__).resolve().parents[2]
RFC1123 = re.compile(r"^[a-z0-9]([-a-z0-9]*[a-z0-9])?$")


class Kubelet:
    """Runs each pod the backend creates as a local worker process and reports it Ready."""

    def __init__(self, core: client.CoreV1Api, root: Path, port: int) -> None:
        self.core = core
        self.root = root
        self.port = port
        self.started: dict[str, str] = {}
        self._stack = contextlib.ExitStack()
        self._task: asyncio.Task[None] | None = None

    async def __aenter__(self) -> Kubelet:
        self._task = asyncio.create_task(self._run())
        return self

    async def __aexit__(self, *exc: object) -> None:
        assert self._task is not None
        failed = self._task.done() and not self._task.cancelled() and self._task.exception()
        self._task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await self._task
        await asyncio.to_thread(self._stack.close)
        if failed:
            raise failed

    async def _run(self) -> None:
        while True:
            pods = await asyncio.to_thread(self.core.list_namespaced_pod, NS)
            for pod in pods.items:
                # The token tells pods of one name apart (each new pod gets a fresh one).
                token = next(e.value for e in pod.spec.containers[0].env if e.name == "P2M_WORKER_TOKEN")
                if self.started.get(pod.metadata.name) == token:
                    continue
                await asyncio.to_thread(self._stack.close)  # one worker at a time on the one port
                self._stack = contextlib.ExitStack()
                workspace = self.root / pod.metadata.name
                await asyncio.to_thread(
                    self._stack.enter_context, http_worker(workspace, token, port=self.port)
                )
                ready = {"status": {"phase": "Running", "conditions": [{"type": "Ready", "status": "True"}]}}
                await asyncio.to_thread(self.core.patch_namespaced_pod_status, pod.metadata.name, NS, ready)
                self.started[pod.metadata.name] = token
            await asyncio.sleep(0.1)


@pytest_asyncio.fixture
async def core() -> AsyncIterator[client.CoreV1Api]:
    async with KubernetesEmulator() as emulator, Server(emulator) as server:
        for plural in ("pods", "services", "persistentvolumeclaims"):
            emulator.resources[f"v1/{plural}"] = {}
        config = client.Configuration()
        config.host = str(server.url).rstrip("/")
        api = client.ApiClient(config)
        yield client.CoreV1Api(api)
        api.close()


def _manager(core: client.CoreV1Api, root: Path, port: int, **kwargs: Any) -> KubernetesWorkerManager:
    return KubernetesWorkerManager(
        root,
        api_client=core.api_client,
        namespace=NS,
        image="prompt2mesh:test",
        image_pull_policy="Never",
        url_template=f"http://127.0.0.1:{port}/mcp",
        start_timeout_s=kwargs.pop("start_timeout_s", 90),
        health_interval_s=3600,
        **kwargs,
    )


def _names(items: list[Any]) -> list[str]:
    return sorted(item.metadata.name for item in items)


def test_names_are_valid_rfc_1123_labels_whatever_the_user_id() -> None:
    ids = ["Alice@Example.com", "UPPER_case", "ü" * 200, "-", "user.with.dots", "a" * 500, "7"]
    names = [resource_name("p2m-worker-ws", user) for user in ids]
    for name in names:
        assert RFC1123.fullmatch(name) and len(name) <= 63, name
    assert len(set(names)) == len(ids)


async def test_a_user_gets_a_pod_a_service_and_a_claim_and_works_over_mcp(
    core: client.CoreV1Api, tmp_path: Path
) -> None:
    port = free_port()
    manager = _manager(core, tmp_path / "service", port)
    user = "Dana_Upper-Case_1"
    async with Kubelet(core, tmp_path / "pods", port):
        async with manager.lease(user) as handle:
            made = await handle.runner.call("create_primitive", {"kind": "cube", "name": "PodCube"})
            assert made.ok, made.error
            exported = await handle.runner.call(
                "export_scene", {"format": "glb", "filename": "runs/r1/scene.glb"}
            )
            assert exported.ok, exported.error
            assert (handle.workspace / "runs" / "r1" / "scene.glb").read_bytes()[:4] == b"glTF"

            name = manager.pod_name(user)
            pod = await asyncio.to_thread(core.read_namespaced_pod, name, NS)
            container = pod.spec.containers[0]
            assert container.image_pull_policy == "Never"
            assert pod.spec.restart_policy == "Never"
            assert pod.spec.volumes[0].persistent_volume_claim.claim_name == manager.claim_name(user)
            service = await asyncio.to_thread(core.read_namespaced_service, name, NS)
            assert service.spec.type == "ClusterIP"
            assert service.spec.selector == pod.metadata.labels
            claim = await asyncio.to_thread(
                core.read_namespaced_persistent_volume_claim, manager.claim_name(user), NS
            )
            assert claim.spec.resources.requests["storage"] == "2Gi"
        await manager.shutdown()
    assert _names((await asyncio.to_thread(core.list_namespaced_pod, NS)).items) == []
    assert _names((await asyncio.to_thread(core.list_namespaced_service, NS)).items) == []


async def test_every_pod_gets_its_own_token(core: client.CoreV1Api, tmp_path: Path) -> None:
    port = free_port()
    manager = _manager(core, tmp_path / "service", port)
    tokens = []
    async with Kubelet(core, tmp_path / "pods", port):
        for _ in range(2):
            async with manager.lease("erin"):
                pod = await asyncio.to_thread(core.read_namespaced_pod, manager.pod_name("erin"), NS)
                tokens.append(pod.spec.containers[0].env[0].value)
            await manager.stop_worker("erin")
        await manager.shutdown()
    assert len(set(tokens)) == 2 and all(len(t) >= 32 for t in tokens)


async def test_a_pod_that_never_becomes_ready_fails_the_start_and_is_deleted(
    core: client.CoreV1Api, tmp_path: Path
) -> None:
    manager = _manager(core, tmp_path / "service", free_port(), start_timeout_s=2)
    with pytest.raises(WorkerStartFailed):
        await manager.acquire("frank")
    assert manager.info("frank").state is WorkerState.STOPPED
    assert _names((await asyncio.to_thread(core.list_namespaced_pod, NS)).items) == []
    await manager.shutdown()


async def test_reaping_deletes_the_pod_and_service_and_keeps_the_claim_until_the_account_goes(
    core: client.CoreV1Api, tmp_path: Path
) -> None:
    now = [0.0]
    port = free_port()
    manager = _manager(core, tmp_path / "service", port, idle_timeout_s=60, clock=lambda: now[0])
    async with Kubelet(core, tmp_path / "pods", port):
        async with manager.lease("gina"):
            pass
        now[0] += 61
        assert await manager.reap() == ["gina"]
        assert _names((await asyncio.to_thread(core.list_namespaced_pod, NS)).items) == []
        assert _names((await asyncio.to_thread(core.list_namespaced_service, NS)).items) == []
        claims = await asyncio.to_thread(core.list_namespaced_persistent_volume_claim, NS)
        assert _names(claims.items) == [manager.claim_name("gina")]
        await manager.delete_workspace("gina")
        claims = await asyncio.to_thread(core.list_namespaced_persistent_volume_claim, NS)
        assert claims.items == []
        await manager.shutdown()


def test_the_pod_the_backend_creates_is_the_template_in_the_manifests(tmp_path: Path) -> None:
    manager = KubernetesWorkerManager(
        tmp_path, api_client=client.ApiClient(), namespace=NS, image="prompt2mesh:latest"
    )
    made = manager.pod_manifest("someone", "secret-token", restore=False)
    template = yaml.safe_load((ROOT / "deploy/k8s/base/worker-template.yaml").read_text())["template"]
    made_container, template_container = made["spec"]["containers"][0], template["spec"]["containers"][0]
    # Per-pod values differ by design: the token and the claim's name.
    made_container["env"] = template_container["env"]
    made["spec"]["volumes"][0]["persistentVolumeClaim"] = template["spec"]["volumes"][0][
        "persistentVolumeClaim"
    ]
    assert made["spec"] == template["spec"]
    for key, value in template["metadata"]["labels"].items():
        assert made["metadata"]["labels"][key] == value


def test_the_operators_budgets_and_a_restore_reach_the_worker_pod(tmp_path: Path) -> None:
    manager = KubernetesWorkerManager(
        tmp_path,
        api_client=client.ApiClient(),
        namespace=NS,
        image="prompt2mesh:latest",
        limit_args=["--max-vertices", "1000"],
    )
    args = manager.pod_manifest("someone", "secret-token", restore=True)["spec"]["containers"][0]["args"]
    assert args[-3:] == ["--restore", "--max-vertices", "1000"]
