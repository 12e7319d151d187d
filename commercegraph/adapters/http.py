"""The pooled HTTP client every vendor adapter's ``client.py`` starts from: explicit
timeouts, a bounded keep-alive pool, JSON accepted, the gateway named as the user agent."""

from __future__ import annotations

from collections.abc import Mapping

import httpx

KEEPALIVE_S = 30.0


def pooled_client(
    *,
    timeout_ms: int,
    connect_timeout_ms: int,
    max_connections: int,
    base_url: str = "",
    headers: Mapping[str, str] | None = None,
    transport: httpx.AsyncBaseTransport | None = None,
    keepalive_s: float = KEEPALIVE_S,
) -> httpx.AsyncClient:
    return httpx.AsyncClient(
        base_url=base_url.rstrip("/"),
        headers={"Accept": "application/json", "User-Agent": "commercegraph", **(headers or {})},
        timeout=httpx.Timeout(timeout_ms / 1000, connect=connect_timeout_ms / 1000),
        limits=httpx.Limits(
            max_connections=max_connections,
            max_keepalive_connections=max_connections,
            keepalive_expiry=keepalive_s,
        ),
        transport=transport,
    )
