"""``commercegraph serve``: the gateway on uvicorn, in one process or several workers.

Workers share one listening socket made here rather than by uvicorn: uvicorn creates its
own with protocol 0, and asyncio turns Nagle's algorithm off (TCP_NODELAY) only on sockets
that say IPPROTO_TCP, so every small response would wait ~40 ms for the client's delayed
ACK. Each worker builds its own app (``create_app`` from the environment's settings) after
the fork, so nothing of one worker's event loop, pool or cache is shared.
"""

from __future__ import annotations

import socket

from commercegraph.config import Settings

LISTEN_BACKLOG = 2048  # what uvicorn uses: bursts from a load balancer queue, not fail


def listen(host: str, port: int) -> socket.socket:
    """A listening TCP socket (port 0 picks a free one), inheritable by worker processes."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind((host, port))
    sock.listen(LISTEN_BACKLOG)
    sock.set_inheritable(True)
    return sock


def serve(settings: Settings, host: str, port: int, workers: int = 1) -> None:
    import uvicorn
    from uvicorn.supervisors import Multiprocess

    # uvicorn trusts X-Forwarded-For from loopback by default; only configured proxies may
    # set the client address (the rate limit keys anonymous callers by it)
    proxies = list(settings.trusted_proxies)
    sock = listen(host, port)
    try:
        if workers <= 1:
            from commercegraph.app import create_app

            config = uvicorn.Config(
                create_app(settings),
                log_level="warning",
                proxy_headers=bool(proxies),
                forwarded_allow_ips=proxies,
            )
            uvicorn.Server(config).run(sockets=[sock])
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
        Multiprocess(config, sockets=[sock]).run()
    finally:
        sock.close()
