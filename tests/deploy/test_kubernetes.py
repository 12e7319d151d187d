"""The kustomize base and overlays render to manifests the Kubernetes schemas accept, and
hold what running the gateway needs: probes, resources, autoscaling, disruption budgets,
a migration Job and workers, configuration from a ConfigMap and a Secret."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path
from typing import Any

import kubernetes_validate
import pytest
import yaml

from tests.deploy.kustomize import render

ROOT = Path(__file__).resolve().parents[2] / "docker" / "kubernetes"
TREES = ["base", "overlays/staging", "overlays/production"]
KUBERNETES_VERSION = "1.31"


def _by_kind(docs: list[dict[str, Any]]) -> dict[tuple[str, str], dict[str, Any]]:
    return {(d["kind"], d["metadata"]["name"]): d for d in docs}


@pytest.mark.parametrize("tree", TREES)
def test_every_manifest_passes_the_kubernetes_schema(tree: str) -> None:
    docs = render(ROOT / tree)
    assert len(docs) == 8
    for doc in docs:
        kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)


@pytest.mark.parametrize("tree", TREES)
def test_kubectl_renders_the_same(tree: str) -> None:
    kubectl = shutil.which("kubectl")
    if kubectl is None:
        pytest.skip("kubectl is not installed: the Python renderer alone is checked")
    out = subprocess.run(
        [kubectl, "kustomize", str(ROOT / tree)], capture_output=True, text=True, timeout=60
    )
    assert out.returncode == 0, out.stderr
    assert _by_kind(list(yaml.safe_load_all(out.stdout))) == _by_kind(render(ROOT / tree))


def _container(docs: dict[tuple[str, str], dict[str, Any]], kind: str, name: str) -> Any:
    return docs[(kind, name)]["spec"]["template"]["spec"]["containers"][0]


def test_the_gateway_is_probed_sized_and_configured() -> None:
    docs = _by_kind(render(ROOT / "overlays/production"))
    gateway = _container(docs, "Deployment", "commercegraph-gateway")
    assert gateway["livenessProbe"]["httpGet"]["path"] == "/healthz"
    assert gateway["readinessProbe"]["httpGet"]["path"] == "/readyz"
    assert gateway["resources"]["requests"] == {"cpu": "1", "memory": "512Mi"}
    assert gateway["image"] == "registry.example.com/commercegraph:0.1.0"
    sources = {next(iter(s)): next(iter(s.values()))["name"] for s in gateway["envFrom"]}
    assert sources == {"configMapRef": "commercegraph-config", "secretRef": "commercegraph-secrets"}
    assert ("ConfigMap", "commercegraph-config") in docs
    assert all(d["metadata"]["namespace"] == "commercegraph" for d in docs.values())
    assert "migrate" not in gateway["args"]


def test_autoscaling_disruption_budget_workers_and_migration_job() -> None:
    docs = _by_kind(render(ROOT / "overlays/staging"))
    hpa = docs[("HorizontalPodAutoscaler", "commercegraph-gateway")]["spec"]
    assert hpa["scaleTargetRef"]["name"] == "commercegraph-gateway"
    assert (hpa["minReplicas"], hpa["maxReplicas"]) == (2, 4)
    pdb = docs[("PodDisruptionBudget", "commercegraph-gateway")]["spec"]
    deployment = docs[("Deployment", "commercegraph-gateway")]["spec"]
    assert pdb["minAvailable"] < deployment["replicas"] <= hpa["maxReplicas"]
    assert pdb["selector"]["matchLabels"] == deployment["selector"]["matchLabels"]
    worker = _container(docs, "Deployment", "commercegraph-worker")
    assert worker["args"] == ["worker"] and "resources" in worker
    job = docs[("Job", "commercegraph-migrate")]["spec"]["template"]["spec"]
    assert job["containers"][0]["args"] == ["migrate"] and job["restartPolicy"] == "Never"
    for kind, name in [("Deployment", "commercegraph-gateway"), ("Job", "commercegraph-migrate")]:
        spec = docs[(kind, name)]["spec"]["template"]["spec"]
        assert spec["securityContext"]["runAsNonRoot"] is True
