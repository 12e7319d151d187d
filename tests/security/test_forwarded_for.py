"""X-Forwarded-For counts only from CG_TRUSTED_PROXIES: rotating it buys no fresh bucket."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from commercegraph.config import Settings
from commercegraph.security.ratelimit import caller_key, client_address, trusted_networks
from tests.serving import serve

QUERY = {"query": "{ __typename }"}


def scope(peer: str, *forwarded: str) -> dict[str, object]:
    headers = [(b"x-forwarded-for", value.encode()) for value in forwarded]
    return {"type": "http", "headers": headers, "client": (peer, 40000)}


def test_forwarded_for_is_ignored_unless_the_peer_is_a_trusted_proxy() -> None:
    none = trusted_networks(())
    assert client_address(scope("127.0.0.1", "198.51.100.7"), none) == "127.0.0.1"
    proxies = trusted_networks(("10.0.0.0/8", "127.0.0.1"))
    assert client_address(scope("203.0.113.5", "198.51.100.7"), proxies) == "203.0.113.5"
    assert client_address(scope("10.1.2.3", "198.51.100.7"), proxies) == "198.51.100.7"
    # a client behind the proxy writes the left part; the proxies append what they saw
    spoofed = scope("10.1.2.3", "1.2.3.4, 198.51.100.7, 10.9.9.9")
    assert client_address(spoofed, proxies) == "198.51.100.7"
    assert client_address(scope("10.1.2.3", "1.2.3.4", "198.51.100.7"), proxies) == (
        "198.51.100.7"
    ), "repeated headers are read as one list"
    assert client_address(scope("10.1.2.3"), proxies) == "10.1.2.3"


def test_trusted_proxies_come_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CG_TRUSTED_PROXIES", "10.0.0.0/8, ::1")
    settings = Settings()
    assert settings.trusted_proxies == ("10.0.0.0/8", "::1")
    assert caller_key(settings, scope("10.0.0.2", "198.51.100.7")) == "ip:198.51.100.7"
    assert caller_key(Settings(trusted_proxies=()), scope("10.0.0.2", "198.51.100.7")) == (
        "ip:10.0.0.2"
    )
    monkeypatch.setenv("CG_TRUSTED_PROXIES", "10.0.0.0/33")
    with pytest.raises(ValueError):
        Settings()


@contextmanager
def serving(tmp_path: Path, **env: str) -> Iterator[str]:
    """``commercegraph serve`` on loopback with a small anonymous budget."""
    environment = {
        **os.environ,
        "CG_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'serve.db'}",
        "CG_RATE_LIMIT_ENABLED": "true",
        "CG_RATE_LIMIT_PER_SECOND": "0.01",
        "CG_RATE_LIMIT_BURST": "2",
        **env,
    }
    environment.pop("CG_REDIS_URL", None)
    if "CG_TRUSTED_PROXIES" not in env:
        environment.pop("CG_TRUSTED_PROXIES", None)
    with serve(environment) as base:
        yield base


def _statuses(base: str, forwarded: list[str]) -> list[int]:
    with httpx.Client(base_url=base, timeout=10) as http:
        return [
            http.post("/graphql", json=QUERY, headers={"X-Forwarded-For": f}).status_code
            for f in forwarded
        ]


def test_serve_ignores_forwarded_for_from_loopback_by_default(tmp_path: Path) -> None:
    rotating = [f"198.51.100.{i}" for i in range(1, 5)]
    with serving(tmp_path) as base:
        assert _statuses(base, rotating) == [200, 200, 429, 429]


def test_serve_believes_a_configured_proxy(tmp_path: Path) -> None:
    with serving(tmp_path, CG_TRUSTED_PROXIES="127.0.0.1/32") as base:
        assert _statuses(base, [f"198.51.100.{i}" for i in range(1, 5)]) == [200] * 4
        assert _statuses(base, ["203.0.113.1"] * 3) == [200, 200, 429]
