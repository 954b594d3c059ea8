"""Kubernetes backend (``P2M_WORKER_BACKEND=kubernetes``): per user a Pod, a Service, a PVC.

The user's worker is a Pod running ``prompt2mesh mcp --http`` with the user's workspace on a
PersistentVolumeClaim (kept across reaps, deleted with the account) and a ClusterIP Service in
front of it; the NetworkPolicies in ``deploy/k8s`` let only the service's pods reach it. Names
are hashes of the user id, so they are valid RFC 1123 labels whatever the id looks like.

The official ``kubernetes`` client is blocking: each call runs in a worker thread. Its
readiness is the Pod's ``Ready`` condition (a TCP probe on the MCP port), polled until the
start timeout.
"""

from __future__ import annotations

import asyncio
import time
from pathlib import Path
from typing import Any

from prompt2mesh.config import Settings
from prompt2mesh.workers.docker import DATA_MOUNT, WORKSPACE, user_label
from prompt2mesh.workers.errors import WorkerStartFailed
from prompt2mesh.workers.local import pool_options
from prompt2mesh.workers.remote import WORKER_PORT, Endpoint, RemoteWorkerManager, resource_name

LABEL_APP = "app.kubernetes.io/name"
APP = "prompt2mesh-worker"
DEFAULT_URL = "http://{service}.{namespace}.svc:{port}/mcp"
_POLL_S = 0.5


def _is_missing(exc: BaseException) -> bool:
    return getattr(exc, "status", None) == 404


def _is_conflict(exc: BaseException) -> bool:
    return getattr(exc, "status", None) == 409


class KubernetesWorkerManager(RemoteWorkerManager):
    """Per-user Blender workers as pods, created through the official client (in threads)."""

    def __init__(
        self,
        root: Path,
        *,
        api_client: Any,
        namespace: str,
        image: str,
        command: list[str] | None = None,
        prefix: str = "p2m-worker",
        image_pull_policy: str = "IfNotPresent",
        cpus: float = 2.0,
        cpu_request: float = 0.25,
        memory_mb: int = 2048,
        memory_request_mb: int = 512,
        storage_size: str = "2Gi",
        storage_class: str | None = None,
        url_template: str = DEFAULT_URL,
        **kwargs: Any,
    ) -> None:
        from kubernetes import client

        super().__init__(root, **kwargs)
        # Typed Any: the client takes plain dict bodies (its stubs ask for its model classes).
        self.core: Any = client.CoreV1Api(api_client)
        self.namespace = namespace
        self.image = image
        self.command = list(command or ["prompt2mesh"])
        self.prefix = prefix
        self.image_pull_policy = image_pull_policy
        self.cpus = cpus
        self.cpu_request = cpu_request
        self.memory_mb = memory_mb
        self.memory_request_mb = memory_request_mb
        self.storage_size = storage_size
        self.storage_class = storage_class
        self.url_template = url_template

    @classmethod
    def from_settings(cls, settings: Settings) -> KubernetesWorkerManager:
        from kubernetes import client, config

        if settings.k8s_in_cluster:
            config.load_incluster_config()
        else:
            config.load_kube_config()
        return cls(
            settings.data_dir / "workspaces",
            api_client=client.ApiClient(),
            namespace=settings.k8s_namespace,
            image=settings.worker_image,
            command=settings.worker_command,
            prefix=settings.worker_name_prefix,
            image_pull_policy=settings.k8s_image_pull_policy,
            cpus=settings.worker_cpus,
            cpu_request=settings.worker_cpu_request,
            memory_mb=settings.worker_memory_mb,
            memory_request_mb=settings.worker_memory_request_mb,
            storage_size=settings.k8s_storage_size,
            storage_class=settings.k8s_storage_class,
            url_template=settings.k8s_worker_url,
            max_fetch_bytes=settings.worker_max_fetch_bytes,
            **pool_options(settings),
        )

    # --- names and manifests ------------------------------------------------------------------

    def pod_name(self, user_id: str) -> str:
        return resource_name(self.prefix, user_id)

    def claim_name(self, user_id: str) -> str:
        return resource_name(f"{self.prefix}-ws", user_id)

    def labels(self, user_id: str) -> dict[str, str]:
        return {LABEL_APP: APP, "p2m.prefix": self.prefix, "p2m.user": user_label(user_id)}

    def claim_manifest(self, user_id: str) -> dict[str, Any]:
        spec: dict[str, Any] = {
            "accessModes": ["ReadWriteOnce"],
            "resources": {"requests": {"storage": self.storage_size}},
        }
        if self.storage_class:
            spec["storageClassName"] = self.storage_class
        return {
            "apiVersion": "v1",
            "kind": "PersistentVolumeClaim",
            "metadata": {"name": self.claim_name(user_id), "labels": self.labels(user_id)},
            "spec": spec,
        }

    def pod_manifest(self, user_id: str, token: str, restore: bool) -> dict[str, Any]:
        args = ["mcp", "--http", "--host", "0.0.0.0", "--port", str(WORKER_PORT), "--workspace", WORKSPACE]
        if restore:
            args.append("--restore")
        if self.allow_code:
            args.append("--allow-code")
        args.extend(self.limit_args)
        return {
            "apiVersion": "v1",
            "kind": "Pod",
            "metadata": {"name": self.pod_name(user_id), "labels": self.labels(user_id)},
            "spec": {
                # The manager restarts a dead worker itself (and counts it): the kubelet must not.
                "restartPolicy": "Never",
                "automountServiceAccountToken": False,
                "enableServiceLinks": False,
                # The image's user (uid/gid 10001); fsGroup makes the claim writable for it.
                "securityContext": {
                    "runAsNonRoot": True,
                    "runAsUser": 10001,
                    "runAsGroup": 10001,
                    "fsGroup": 10001,
                    "seccompProfile": {"type": "RuntimeDefault"},
                },
                "containers": [
                    {
                        "name": "blender",
                        "image": self.image,
                        "imagePullPolicy": self.image_pull_policy,
                        "command": self.command,
                        "args": args,
                        "env": [{"name": "P2M_WORKER_TOKEN", "value": token}],
                        "ports": [{"name": "mcp", "containerPort": WORKER_PORT}],
                        "resources": {
                            "requests": {
                                "cpu": str(self.cpu_request),
                                "memory": f"{self.memory_request_mb}Mi",
                            },
                            "limits": {"cpu": str(self.cpus), "memory": f"{self.memory_mb}Mi"},
                        },
                        "readinessProbe": {"tcpSocket": {"port": WORKER_PORT}, "periodSeconds": 2},
                        "securityContext": {
                            "allowPrivilegeEscalation": False,
                            "capabilities": {"drop": ["ALL"]},
                        },
                        "volumeMounts": [{"name": "workspace", "mountPath": DATA_MOUNT}],
                    }
                ],
                "volumes": [
                    {"name": "workspace", "persistentVolumeClaim": {"claimName": self.claim_name(user_id)}}
                ],
            },
        }

    def service_manifest(self, user_id: str) -> dict[str, Any]:
        return {
            "apiVersion": "v1",
            "kind": "Service",
            "metadata": {"name": self.pod_name(user_id), "labels": self.labels(user_id)},
            "spec": {
                "type": "ClusterIP",
                "selector": self.labels(user_id),
                "ports": [{"name": "mcp", "port": WORKER_PORT, "targetPort": WORKER_PORT}],
            },
        }

    # --- RemoteWorkerManager ------------------------------------------------------------------

    async def _provision(self, user_id: str, token: str, restore: bool) -> Endpoint:
        ns, name = self.namespace, self.pod_name(user_id)
        await self._delete_pod(name)  # a left-over of a crash
        try:
            await asyncio.to_thread(
                self.core.create_namespaced_persistent_volume_claim, ns, self.claim_manifest(user_id)
            )
        except Exception as exc:
            if not _is_conflict(exc):
                raise
        try:
            await asyncio.to_thread(self.core.create_namespaced_service, ns, self.service_manifest(user_id))
        except Exception as exc:
            if not _is_conflict(exc):
                raise
        await self._create_pod(self.pod_manifest(user_id, token, restore))
        await self._wait_ready(name)
        return Endpoint(self.url_template.format(service=name, namespace=ns, port=WORKER_PORT), token)

    async def _create_pod(self, manifest: dict[str, Any]) -> None:
        deadline = time.monotonic() + self.start_timeout_s
        while True:
            try:
                await asyncio.to_thread(self.core.create_namespaced_pod, self.namespace, manifest)
                return
            except Exception as exc:
                # The old pod is still terminating: its name is taken for a moment.
                if not _is_conflict(exc) or time.monotonic() > deadline:
                    raise
                await asyncio.sleep(_POLL_S)

    async def _wait_ready(self, name: str) -> None:
        deadline = time.monotonic() + self.start_timeout_s
        while True:
            pod = await asyncio.to_thread(self.core.read_namespaced_pod, name, self.namespace)
            status = pod.status
            phase = getattr(status, "phase", None)
            if phase in ("Failed", "Succeeded"):
                raise WorkerStartFailed(f"worker pod {name} ended ({phase}) before it was ready")
            conditions = getattr(status, "conditions", None) or []
            if any(c.type == "Ready" and c.status == "True" for c in conditions):
                return
            if time.monotonic() > deadline:
                raise WorkerStartFailed(
                    f"worker pod {name} was not ready within {self.start_timeout_s:.0f} s"
                )
            await asyncio.sleep(_POLL_S)

    async def _delete_pod(self, name: str) -> None:
        try:
            await asyncio.to_thread(
                self.core.delete_namespaced_pod, name, self.namespace, grace_period_seconds=0
            )
        except Exception as exc:
            if not _is_missing(exc):
                raise

    async def _deprovision(self, user_id: str) -> None:
        name = self.pod_name(user_id)
        await self._delete_pod(name)
        try:
            await asyncio.to_thread(self.core.delete_namespaced_service, name, self.namespace)
        except Exception as exc:
            if not _is_missing(exc):
                raise

    async def _delete_volume(self, user_id: str) -> None:
        try:
            await asyncio.to_thread(
                self.core.delete_namespaced_persistent_volume_claim, self.claim_name(user_id), self.namespace
            )
        except Exception as exc:
            if not _is_missing(exc):
                raise


WorkerManagerImpl = KubernetesWorkerManager
