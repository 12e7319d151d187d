"""``commercegraph serve`` in a child process on a free loopback port, for tests that need
the real server (uvicorn, its socket, start-up, signals)."""

from __future__ import annotations

import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

START_TIMEOUT_S = 60.0  # generous: a loaded CI machine imports slowly


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def running(
    command: list[str],
    ready_url: str,
    *,
    environment: dict[str, str] | None = None,
    cwd: Path | None = None,
) -> Iterator[subprocess.Popen[bytes]]:
    """``command`` as a child process until the block ends (the block gets the process);
    ready once ``ready_url`` answers over HTTP at all. Terminated afterwards (killed, if it
    will not stop)."""
    # its output goes to a file, not a pipe: a chatty process never blocks on a full pipe
    output = tempfile.TemporaryFile()
    proc = subprocess.Popen(
        command, env=environment, cwd=cwd, stdout=output, stderr=subprocess.STDOUT
    )
    try:
        deadline = time.monotonic() + START_TIMEOUT_S
        while time.monotonic() < deadline:
            if proc.poll() is not None:
                output.seek(0)
                out = output.read().decode(errors="replace")
                pytest.fail(f"{command[:3]} exited with {proc.returncode}: {out[-3000:]}")
            try:
                httpx.get(ready_url, timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            pytest.fail(f"{command[:3]} did not start within {START_TIMEOUT_S:.0f} s")
        yield proc
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(timeout=5)
        output.close()


@contextmanager
def serve(environment: dict[str, str]) -> Iterator[str]:
    """``commercegraph serve`` with exactly ``environment``; yields its base URL once it
    answers on ``/healthz``."""
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    command = [sys.executable, "-m", "commercegraph", "serve", "--host", "127.0.0.1"]
    with running([*command, "--port", str(port)], f"{base}/healthz", environment=environment):
        yield base
