"""The vendor harness starts a process in its own group, waits for it, and reaps it on stop
or kill (an unreaped child would warn, which the test settings turn into an error)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import httpx
import pytest

from commercegraph.adapters import harness


def serve(tmp_path: Path) -> harness.Started:
    port = harness.free_port()
    return harness.start(
        "probe",
        [sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1"],
        cwd=tmp_path,
        port=port,
        url=f"http://127.0.0.1:{port}/",
        timeout=30,
    )


def test_stop_ends_the_process_it_started(tmp_path: Path) -> None:
    started = serve(tmp_path)
    assert httpx.get(started.url, timeout=5).status_code == 200
    assert harness.stop(started.pid) is True
    with pytest.raises(httpx.ConnectError):
        httpx.get(started.url, timeout=2)
    assert harness.stop(started.pid) is False


def test_kill_ends_it_at_once(tmp_path: Path) -> None:
    started = serve(tmp_path)
    harness.kill(started.pid)
    with pytest.raises(httpx.ConnectError):
        httpx.get(started.url, timeout=2)
    assert harness.stop(started.pid) is False


def test_a_process_that_exits_before_answering_is_reported(tmp_path: Path) -> None:
    with pytest.raises(harness.HarnessError, match="exited with 3"):
        harness.start(
            "probe",
            [sys.executable, "-c", "raise SystemExit(3)"],
            cwd=tmp_path,
            port=1,
            url="http://127.0.0.1:1/",
            timeout=30,
        )


def test_kill_returns_once_every_process_of_the_group_is_gone(tmp_path: Path) -> None:
    port = harness.free_port()
    # a parent that forks a child holding the same listening socket, as a pre-fork server does
    script = (
        "import http.server, os, sys\n"
        f"server = http.server.HTTPServer(('127.0.0.1', {port}), http.server.SimpleHTTPRequestHandler)\n"
        "os.fork()\n"
        "server.serve_forever()\n"
    )
    started = harness.start(
        "probe",
        [sys.executable, "-c", script],
        cwd=tmp_path,
        port=port,
        url=f"http://127.0.0.1:{port}/",
        timeout=30,
    )
    harness.kill(started.pid)
    assert not harness._group_running(started.pid)
    with pytest.raises(httpx.ConnectError):
        httpx.get(started.url, timeout=2)


def test_an_install_lock_holds_a_second_process_until_the_first_lets_go(tmp_path: Path) -> None:
    lock = harness.install_lock(tmp_path / "vendor-1.0")
    log = tmp_path / "order.log"
    waiter = (
        "import sys\n"
        "from pathlib import Path\n"
        "from commercegraph.adapters import harness\n"
        "with harness.exclusive(Path(sys.argv[1])):\n"
        "    with open(sys.argv[2], 'a') as log: log.write('second\\n')\n"
    )
    with harness.exclusive(lock):
        second = subprocess.Popen([sys.executable, "-c", waiter, str(lock), str(log)])
        with pytest.raises(subprocess.TimeoutExpired):
            second.wait(timeout=1.0)  # it waits for the lock this process holds
        log.write_text("first\n")
    assert second.wait(timeout=30) == 0
    assert log.read_text().split() == ["first", "second"]
