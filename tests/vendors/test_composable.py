"""``commercegraph serve-composable`` (``make run-composable``): the journey over real Vendure
and Strapi systems, and nothing left running after SIGTERM."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from commercegraph.adapters.harness import free_port
from tests.conftest import IN_CI, SeededDatabase

pytestmark = [pytest.mark.vendor, pytest.mark.slow]

PRODUCT = (
    '{ product(sku: "SKU-RUN-0001") { name variants { sku } content(locale: "de-DE") { title } } }'
)


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def test_the_composable_demo_serves_and_stops_its_systems(
    sqlite_db: SeededDatabase, tmp_path: Path
) -> None:
    if shutil.which("npm") is None and not IN_CI:
        pytest.skip("Node and npm are needed for Vendure and Strapi")
    port = free_port()
    log = (tmp_path / "composable.log").open("w+")
    env = {**os.environ, "CG_DATABASE_URL": sqlite_db.url}
    process = subprocess.Popen(
        [sys.executable, "-m", "commercegraph", "serve-composable", "--port", str(port)],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        deadline = time.monotonic() + 600
        body = None
        while time.monotonic() < deadline and process.poll() is None:
            try:
                answer = httpx.post(
                    f"http://127.0.0.1:{port}/graphql", json={"query": PRODUCT}, timeout=10
                )
                body = answer.json()
                break
            except httpx.HTTPError:
                time.sleep(1)
        log.seek(0)
        output = log.read()
        assert body is not None, output
        product = body["data"]["product"]
        assert product["variants"], "variants come from Vendure"
        assert product["content"]["title"], "content comes from Strapi"
        pids = [int(p) for p in re.findall(r"\(pid (\d+)", output)]
        assert len(pids) == 2, output
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=60)
        log.close()
    deadline = time.monotonic() + 20
    while any(_alive(pid) for pid in pids) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not any(_alive(pid) for pid in pids)
