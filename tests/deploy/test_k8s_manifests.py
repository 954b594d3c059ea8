"""The Kubernetes manifests render with kustomize and pass strict schema validation, and the
objects the backend creates for a user pass it too; RBAC and NetworkPolicies say what they should."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml
from kubernetes import client

from prompt2mesh.workers.kubernetes import KubernetesWorkerManager

ROOT = Path(__file__).resolve().parents[2]
OVERLAY = ROOT / "deploy/k8s/overlays/production"
VERSIONS = ("1.25.0", kubernetes_validate.latest_version())
"""The oldest schema the validator ships, and the newest."""


@pytest.fixture(scope="module")
def rendered() -> list[dict[str, Any]]:
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        pytest.skip("kubectl (with its built-in kustomize) is not installed")
    out = subprocess.run([kubectl, "kustomize", str(OVERLAY)], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return [doc for doc in yaml.safe_load_all(out.stdout) if doc]


def _one(docs: list[dict[str, Any]], kind: str, name: str) -> dict[str, Any]:
    found = [d for d in docs if d["kind"] == kind and d["metadata"]["name"] == name]
    assert len(found) == 1, f"{kind}/{name}"
    return found[0]


@pytest.mark.parametrize("version", VERSIONS)
def test_every_rendered_object_passes_strict_validation(rendered: list[dict[str, Any]], version: str) -> None:
    kinds = {doc["kind"] for doc in rendered}
    assert {
        "Deployment", "Service", "Ingress", "Secret", "StatefulSet", "Role", "RoleBinding",
        "ServiceAccount", "NetworkPolicy", "PodTemplate", "PersistentVolumeClaim", "Namespace",
    } <= kinds  # fmt: skip
    for doc in rendered:
        kubernetes_validate.validate(doc, version, strict=True)


@pytest.mark.parametrize("version", VERSIONS)
def test_the_objects_the_backend_creates_pass_strict_validation(tmp_path: Path, version: str) -> None:
    manager = KubernetesWorkerManager(
        tmp_path,
        api_client=client.ApiClient(),
        namespace="prompt2mesh",
        image="prompt2mesh:1",
        storage_class="fast",
    )
    for doc in (
        manager.pod_manifest("Some_User-1", "t" * 43, restore=True),
        manager.service_manifest("Some_User-1"),
        manager.claim_manifest("Some_User-1"),
    ):
        kubernetes_validate.validate(doc, version, strict=True)


def test_every_container_says_when_to_pull_its_image(rendered: list[dict[str, Any]]) -> None:
    for doc in rendered:
        spec = doc.get("spec", {}).get("template", {}).get("spec") or doc.get("template", {}).get("spec")
        for container in (spec or {}).get("containers", []):
            assert container.get("imagePullPolicy") in ("IfNotPresent", "Never", "Always"), doc["metadata"][
                "name"
            ]


def test_the_service_may_manage_only_pods_services_and_claims_in_its_namespace(
    rendered: list[dict[str, Any]],
) -> None:
    assert not [d for d in rendered if d["kind"] in ("ClusterRole", "ClusterRoleBinding")]
    role = _one(rendered, "Role", "prompt2mesh-workers")
    resources = {r for rule in role["rules"] for r in rule["resources"]}
    assert resources == {"pods", "services", "persistentvolumeclaims"}
    assert all(rule["apiGroups"] == [""] for rule in role["rules"])
    verbs = {v for rule in role["rules"] for v in rule["verbs"]}
    assert "*" not in verbs and not verbs & {"update", "patch", "escalate", "bind", "impersonate"}
    binding = _one(rendered, "RoleBinding", "prompt2mesh-workers")
    assert binding["subjects"] == [
        {"kind": "ServiceAccount", "name": "prompt2mesh", "namespace": "prompt2mesh"}
    ]
    deployment = _one(rendered, "Deployment", "prompt2mesh")
    assert deployment["spec"]["template"]["spec"]["serviceAccountName"] == "prompt2mesh"


def test_only_the_service_reaches_workers_and_workers_reach_nothing(rendered: list[dict[str, Any]]) -> None:
    policy = _one(rendered, "NetworkPolicy", "prompt2mesh-workers")["spec"]
    assert policy["podSelector"]["matchLabels"] == {"app.kubernetes.io/name": "prompt2mesh-worker"}
    assert set(policy["policyTypes"]) == {"Ingress", "Egress"}
    assert policy["egress"] == []
    (rule,) = policy["ingress"]
    assert rule["from"] == [{"podSelector": {"matchLabels": {"app.kubernetes.io/name": "prompt2mesh"}}}]
    assert rule["ports"] == [{"protocol": "TCP", "port": 8765}]
    service_pods = _one(rendered, "Deployment", "prompt2mesh")["spec"]["template"]["metadata"]["labels"]
    assert service_pods["app.kubernetes.io/name"] == "prompt2mesh"
    database = _one(rendered, "NetworkPolicy", "prompt2mesh-postgres")["spec"]
    assert database["ingress"][0]["from"] == rule["from"]


def test_workers_run_the_image_the_overlay_sets_for_the_service(rendered: list[dict[str, Any]]) -> None:
    deployment = _one(rendered, "Deployment", "prompt2mesh")["spec"]["template"]["spec"]["containers"][0]
    env = {e["name"]: e.get("value") for e in deployment["env"]}
    template = _one(rendered, "PodTemplate", "prompt2mesh-worker")["template"]["spec"]["containers"][0]
    assert deployment["image"] == env["P2M_WORKER_IMAGE"] == template["image"]
    assert deployment["image"].startswith("registry.example.com/")
    assert env["P2M_WORKER_BACKEND"] == "kubernetes"
