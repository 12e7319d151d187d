"""Serve the six reference backends from the native store, one port each.

>>> servers = BackendServers(database_url, ports={"commerce": 9100, ...})
>>> servers.start()   # a background thread with its own event loop
>>> servers.urls      # {"commerce": "http://127.0.0.1:9100", ...}
>>> servers.stop()
"""

from __future__ import annotations

import asyncio
import socket
import threading
from collections import Counter
from typing import Any

import uvicorn

from commercegraph import bootstrap
from commercegraph.adapters.native import NATIVE_ADAPTERS
from commercegraph.backends.app import create_backend_app
from commercegraph.config import DOMAINS, Settings

START_TIMEOUT_S = 30.0  # uvicorn binds in well under a second; this is a hung-start guard


def bind(host: str, port: int) -> socket.socket:
    """A listening socket; port 0 picks a free ephemeral port."""
    # IPPROTO_TCP, not 0: asyncio turns Nagle off (TCP_NODELAY) only for sockets that say
    # TCP, and with Nagle on, every small response waits ~40 ms for a delayed ACK.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(1024)
    sock.set_inheritable(True)
    return sock


class BackendServers:
    """The six domains' backend apps on uvicorn, each on its own port."""

    def __init__(
        self,
        settings: Settings,
        *,
        host: str = "127.0.0.1",
        port_base: int | None = None,
        token: str | None = None,
        domains: tuple[str, ...] = DOMAINS,
    ) -> None:
        self.settings = settings
        self.host = host
        self.token = token
        self.domains = domains
        self.sockets = {
            d: bind(host, 0 if port_base is None else port_base + i) for i, d in enumerate(domains)
        }
        self.urls = {d: f"http://{host}:{s.getsockname()[1]}" for d, s in self.sockets.items()}
        self.calls: dict[str, Counter[str]] = {}
        self._servers: list[uvicorn.Server] = []
        self._thread: threading.Thread | None = None
        self._started = threading.Event()
        self._error: BaseException | None = None

    async def serve(self) -> None:
        """Run until ``stop()`` (or cancellation); usable directly from an event loop."""
        store = bootstrap.create_store(self.settings)
        try:
            for domain in self.domains:
                adapter = NATIVE_ADAPTERS[domain](store, self.settings)
                app = create_backend_app(domain, adapter, self.token)
                self.calls[domain] = app.state.calls
                config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="off")
                self._servers.append(uvicorn.Server(config))
            tasks = [
                asyncio.create_task(server.serve(sockets=[self.sockets[d]]))
                for d, server in zip(self.domains, self._servers, strict=True)
            ]
            while not all(s.started for s in self._servers):  # noqa: ASYNC110 uvicorn has no event
                await asyncio.sleep(0.01)
            self._started.set()
            await asyncio.gather(*tasks)
        finally:
            await store.dispose()

    def start(self) -> BackendServers:
        def run() -> None:
            try:
                asyncio.run(self.serve())
            except BaseException as exc:  # surfaced to the starting thread
                self._error = exc
                self._started.set()

        self._thread = threading.Thread(target=run, name="reference-backends", daemon=True)
        self._thread.start()
        if not self._started.wait(START_TIMEOUT_S) or self._error is not None:
            raise RuntimeError(f"reference backends did not start: {self._error!r}")
        return self

    def stop(self) -> None:
        for server in self._servers:
            server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout=10)
        for sock in self.sockets.values():
            sock.close()

    def reset_counts(self) -> None:
        for counter in self.calls.values():
            counter.clear()

    def total_calls(self) -> dict[str, int]:
        return {d: sum(c.values()) for d, c in self.calls.items()}

    def __enter__(self) -> BackendServers:
        return self.start()

    def __exit__(self, *_: Any) -> None:
        self.stop()
