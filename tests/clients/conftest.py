"""Fixtures for the client-facing tests: a real server on loopback, real npm clients."""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest

from tests.conftest import IN_CI, SeededDatabase

REPO = Path(__file__).resolve().parents[2]


def missing(reason: str) -> None:
    """Skip on a laptop; in CI a missing tool is a failure."""
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: this test must run)")
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def serve(db_url: str, **env: str) -> Iterator[str]:
    """``commercegraph serve`` in a subprocess on a free loopback port; yields its base URL."""
    port = free_port()
    full_env = {**os.environ, "CG_DATABASE_URL": db_url, "CG_LOG_LEVEL": "WARNING", **env}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "commercegraph",
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
        ],
        env=full_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 40
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                out = proc.stdout.read().decode() if proc.stdout else ""
                pytest.fail(f"server exited: {out}")
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            pytest.fail("server did not start within 40 s")
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
        if proc.stdout:
            proc.stdout.close()


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
