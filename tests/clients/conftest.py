"""Fixtures for the client-facing tests: a real server on loopback, real npm clients."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.conftest import IN_CI, SeededDatabase
from tests.serving import serve as serve_process

REPO = Path(__file__).resolve().parents[2]


def missing(reason: str) -> None:
    """Skip on a laptop; in CI a missing tool is a failure."""
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: this test must run)")
    pytest.skip(reason)


@contextmanager
def serve(db_url: str, **env: str) -> Iterator[str]:
    """``commercegraph serve`` over ``db_url`` with ``env`` added; yields its base URL."""
    full_env = {**os.environ, "CG_DATABASE_URL": db_url, "CG_LOG_LEVEL": "WARNING", **env}
    with serve_process(full_env) as base:
        yield base


@pytest.fixture
def server_factory(sqlite_db: SeededDatabase) -> Callable[..., Any]:
    def make(**env: str) -> Any:
        return serve(sqlite_db.url, **env)

    return make


def _node_packages(script: str) -> Path:
    if shutil.which("node") is None or shutil.which("npm") is None:
        missing("node and npm are needed to run the real JavaScript clients")
    result = subprocess.run(
        ["bash", str(REPO / "scripts" / "test-tools" / script)],
        capture_output=True,
        text=True,
        timeout=600,
    )
    if result.returncode != 0 or not result.stdout.strip():
        missing(f"{script} could not install the npm packages: {result.stderr[-2000:]}")
    return Path(result.stdout.strip().splitlines()[-1])


@pytest.fixture(scope="session")
def node_clients() -> Path:
    """Apollo Client, urql and graphql-ws, installed into the cache by the project's script."""
    return _node_packages("node-clients.sh")


@pytest.fixture(scope="session")
def gateway_packages() -> Path:
    return _node_packages("hive-gateway.sh")


def run_node(packages: Path, script: str, *args: str, timeout: float = 60) -> Any:
    """Runs a node script (ES module) from ``packages`` so its imports resolve there; the
    script prints one JSON document on its last line."""
    path = packages / f"cg-test-{os.getpid()}-{abs(hash(script))}.mjs"
    path.write_text(script)
    try:
        result = subprocess.run(
            ["node", str(path), *args], capture_output=True, text=True, timeout=timeout
        )
    finally:
        path.unlink(missing_ok=True)
    assert result.returncode == 0, f"node failed:\n{result.stdout}\n{result.stderr}"
    return json.loads(result.stdout.strip().splitlines()[-1])
