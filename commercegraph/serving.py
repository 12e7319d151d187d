"""``commercegraph serve``: the gateway on uvicorn, in one process or several workers.

The gateway makes its listening sockets itself rather than letting uvicorn bind: uvicorn
creates its own with protocol 0, and asyncio turns Nagle's algorithm off (TCP_NODELAY) only
on sockets that say IPPROTO_TCP, so every small response would wait ~40 ms for the client's
delayed ACK.

With several workers on Linux each worker has a socket of its own, all on one port with
SO_REUSEPORT, and the kernel spreads new connections across them. On one shared socket
whichever worker wakes first accepts every connection waiting (asyncio accepts up to the
backlog per wake-up), so clients that connect together — a load balancer's keep-alive pool,
a load generator — all land on one worker while the others idle: eight connections opened
at once went 8:0 to one of two workers every time they were counted. Where SO_REUSEPORT
does not spread connections (other systems), the workers share one socket as before.

Each worker builds its own app (``create_app`` from the environment's settings) after the
fork, so nothing of one worker's event loop, pool or cache is shared.
"""

from __future__ import annotations

import logging
import socket
import sys

import uvicorn
from uvicorn.config import STARTUP_FAILURE
from uvicorn.supervisors.multiprocess import Multiprocess, Process

from commercegraph.config import Settings

logger = logging.getLogger("uvicorn.error")

LISTEN_BACKLOG = 2048  # what uvicorn uses: bursts from a load balancer queue, not fail
# Linux balances connections across the listening sockets of one SO_REUSEPORT group
# (since 3.9); the BSDs and macOS accept the option but do not balance TCP connections.
SPREADS_CONNECTIONS = sys.platform == "linux" and hasattr(socket, "SO_REUSEPORT")


def listen(host: str, port: int, *, reuse_port: bool = False) -> socket.socket:
    """A listening TCP socket (port 0 picks a free one), inheritable by worker processes."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if reuse_port:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind((host, port))
        sock.listen(LISTEN_BACKLOG)
        sock.set_inheritable(True)
    except OSError:
        sock.close()
        raise
    return sock


def worker_sockets(host: str, port: int, workers: int) -> list[socket.socket]:
    """One listening socket per worker, all on one port (the first picks it when port is 0).

    Where the kernel does not spread connections across such sockets, one shared socket.
    """
    if workers <= 1 or not SPREADS_CONNECTIONS:
        return [listen(host, port)]
    first = listen(host, port, reuse_port=True)
    sockets = [first]
    try:
        bound = first.getsockname()[1]
        sockets.extend(listen(host, bound, reuse_port=True) for _ in range(workers - 1))
    except OSError:
        for sock in sockets:
            sock.close()
        raise
    return sockets


def serve(settings: Settings, host: str, port: int, workers: int = 1) -> None:
    # uvicorn trusts X-Forwarded-For from loopback by default; only configured proxies may
    # set the client address (the rate limit keys anonymous callers by it)
    proxies = list(settings.trusted_proxies)
    sockets = worker_sockets(host, port, workers)
    try:
        if workers <= 1:
            from commercegraph.app import create_app

            config = uvicorn.Config(
                create_app(settings),
                log_level="warning",
                proxy_headers=bool(proxies),
                forwarded_allow_ips=proxies,
            )
            uvicorn.Server(config).run(sockets=sockets)
            return
        # Workers import the factory and read the same environment this process did.
        config = uvicorn.Config(
            "commercegraph.app:create_app",
            factory=True,
            workers=workers,
            log_level="warning",
            proxy_headers=bool(proxies),
            forwarded_allow_ips=proxies,
        )
        SlotSupervisor(config, sockets).run()
    finally:
        for sock in sockets:
            sock.close()


class SlotSupervisor(Multiprocess):
    """uvicorn's worker supervisor, giving worker slot i the socket i when there is one
    socket per worker, and every worker the one socket otherwise.

    A worker that dies or is replaced (SIGHUP) keeps its slot's socket, so the connections
    the kernel queued on it are served by its successor. Workers added with SIGTTIN beyond
    the sockets made at start listen on all of them. Written against uvicorn 0.54's
    ``Multiprocess`` (the lock file pins it); ``tests/test_serving.py`` runs it.
    """

    def __init__(self, config: uvicorn.Config, sockets: list[socket.socket]) -> None:
        super().__init__(config, sockets)
        self.slot_sockets = sockets

    def _process(self, slot: int) -> Process:
        if len(self.slot_sockets) > 1 and slot < len(self.slot_sockets):
            return Process(self.config, [self.slot_sockets[slot]])
        return Process(self.config, self.slot_sockets)

    def init_processes(self) -> None:
        for slot in range(self.processes_num):
            process = self._process(slot)
            process.start()
            self.processes.append(process)

    def restart_all(self) -> None:
        for slot, old in enumerate(self.processes):
            if self.should_exit.is_set():
                return
            new = self._process(slot)
            new.start()
            if not new.wait_until_ready(self.config.timeout_worker_healthcheck, self.should_exit):
                new.kill()
                new.join()
                if not self.should_exit.is_set():
                    logger.error("worker %s was not ready in time; keeping %s", new.pid, old.pid)
                return
            old.terminate()
            old.join()
            self.processes[slot] = new

    def keep_subprocess_alive(self) -> None:
        if self.should_exit.is_set():
            return
        for slot, process in enumerate(self.processes):
            if process.is_alive(timeout=self.config.timeout_worker_healthcheck):
                continue
            process.kill()  # hung: end it
            process.join()
            if process.exitcode == STARTUP_FAILURE:
                # it failed before serving: the app or its settings are broken, and every
                # restart would fail the same way
                logger.error("worker %s failed to start; stopping", process.pid)
                self.should_exit.set()
                return
            if self.should_exit.is_set():
                return
            logger.info("worker %s died; restarting it", process.pid)
            replacement = self._process(slot)
            replacement.start()
            self.processes[slot] = replacement
