"""Several gateway replicas and a worker on one PostgreSQL and Redis, behind HAProxy.

Used by the several-replicas test and by ``bench/replicas.py``. Every process binds
127.0.0.1 on a free port and is stopped by its own PID.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from tests.serving import free_port

JWT_SECRET = "replica-test-secret-0123456789abcdef0123456789"
START_TIMEOUT_S = 60.0


def haproxy_binary() -> str | None:
    return shutil.which("haproxy") or next(
        (p for p in ("/usr/sbin/haproxy", "/usr/local/sbin/haproxy") if Path(p).exists()), None
    )


HAPROXY_CONFIG = """\
global
    maxconn 4096
defaults
    mode http
    timeout connect 1s
    # a busy replica is slow to answer its check, not down: a dead one refuses at once
    timeout check 5s
    timeout client 30s
    timeout server 30s
    # a replica that refuses or drops a connection before answering: try another one
    retries 3
    option redispatch 1
    retry-on conn-failure empty-response
frontend gateway
    bind 127.0.0.1:{port}
    default_backend replicas
backend replicas
    balance roundrobin
    option httpchk GET /readyz
    http-check expect status 200
    default-server check inter 1s fall 2 rise 2
{servers}
"""


def _wait_http(url: str, proc: subprocess.Popen[bytes], what: str, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_S
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            out = log.read_text(errors="replace")[-2000:]
            raise RuntimeError(f"{what} exited with {proc.returncode}: {out}")
        try:
            if httpx.get(url, timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{what} did not answer {url} within {START_TIMEOUT_S} s")


@dataclass
class Cluster:
    database_url: str
    redis_url: str
    replicas: int = 3
    workers: int = 1
    extra_env: dict[str, str] = field(default_factory=dict)
    prefix: str = field(default_factory=lambda: f"cg:replicas:{uuid.uuid4().hex[:10]}:")
    ports: list[int] = field(default_factory=list)
    servers: list[subprocess.Popen[bytes]] = field(default_factory=list)
    others: list[subprocess.Popen[bytes]] = field(default_factory=list)
    logs: dict[int, Path] = field(default_factory=dict)  # each process's output, by its id
    balancer_port: int = 0
    _dir: tempfile.TemporaryDirectory[str] | None = None

    @property
    def env(self) -> dict[str, str]:
        return {
            **os.environ,
            "CG_DATABASE_URL": self.database_url,
            "CG_REDIS_URL": self.redis_url,
            "CG_REDIS_KEY_PREFIX": self.prefix,
            "CG_CACHE_PREFIX": f"{self.prefix}cache:",
            "CG_JWT_SECRET": JWT_SECRET,
            "CG_LOG_LEVEL": "WARNING",
            **self.extra_env,
        }

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.balancer_port}"

    def replica_url(self, n: int) -> str:
        return f"http://127.0.0.1:{self.ports[n]}"

    def start(self) -> Cluster:
        binary = haproxy_binary()
        if binary is None:
            raise RuntimeError("haproxy is not installed (scripts/test-tools/haproxy.sh)")
        self._dir = tempfile.TemporaryDirectory(prefix="cg-replicas-")
        try:
            for _ in range(self.replicas):
                self._start_replica()
            for n, proc in enumerate(self.servers):
                _wait_http(
                    f"{self.replica_url(n)}/readyz", proc, f"replica {n}", self.logs[proc.pid]
                )
            self.balancer_port = free_port()
            servers = "\n".join(
                f"    server r{n} 127.0.0.1:{port}" for n, port in enumerate(self.ports)
            )
            config = Path(self._dir.name) / "haproxy.cfg"
            config.write_text(HAPROXY_CONFIG.format(port=self.balancer_port, servers=servers))
            balancer = self._spawn([binary, "-db", "-f", str(config)])
            _wait_http(f"{self.url}/healthz", balancer, "haproxy", self.logs[balancer.pid])
            for n in range(self.workers):
                self._spawn([sys.executable, "-m", "commercegraph", "worker", "--name", f"w{n}"])
        except BaseException:
            self.stop()
            raise
        return self

    def _popen(self, argv: list[str]) -> subprocess.Popen[bytes]:
        """A process of the cluster writing to a log file of its own: a pipe nobody reads
        fills up after 64 KiB of warnings, and the process then blocks on its next line."""
        assert self._dir is not None
        log_path = Path(self._dir.name) / f"process-{len(self.logs)}.log"
        with log_path.open("wb") as log:
            proc = subprocess.Popen(argv, env=self.env, stdout=log, stderr=subprocess.STDOUT)
        self.logs[proc.pid] = log_path
        return proc

    def _spawn(self, argv: list[str]) -> subprocess.Popen[bytes]:
        proc = self._popen(argv)
        self.others.append(proc)
        return proc

    def _start_replica(self) -> None:
        port = free_port()
        argv = [sys.executable, "-m", "commercegraph", "serve", "--host", "127.0.0.1"]
        proc = self._popen([*argv, "--port", str(port)])
        self.ports.append(port)
        self.servers.append(proc)

    def kill_replica(self, n: int) -> None:
        self.servers[n].send_signal(signal.SIGKILL)
        self.servers[n].wait(timeout=10)

    def stop(self) -> None:
        for proc in [*self.others, *self.servers]:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in [*self.others, *self.servers]:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=5)
        if self._dir is not None:
            self._dir.cleanup()
            self._dir = None

    def __enter__(self) -> Cluster:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
