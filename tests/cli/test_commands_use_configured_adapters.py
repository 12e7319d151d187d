"""Commands run on the adapters ``CG_ADAPTERS__*`` chooses, as the server does: over REST
they reach the backend, and a command that needs the gateway's own store refuses."""

from __future__ import annotations

import asyncio
import json
import os
import socket
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import jwt
import pytest

from commercegraph import bootstrap
from commercegraph.adapters.base import PointsEarning
from commercegraph.backends import BackendServers
from commercegraph.cli import main
from commercegraph.config import Settings
from commercegraph.demo import DEVI_ID
from commercegraph.gateway.settings import OtelSettings
from commercegraph.store.models.base import utcnow
from commercegraph.telemetry import configure_telemetry
from tests.factories import demo_database

DEVI_EMAIL = "devi@example.com"
PENDING_POINTS = 120


@dataclass
class Outcome:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def cli(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> Callable[..., Outcome]:
    for name in list(os.environ):
        if name.startswith("CG_"):
            monkeypatch.delenv(name)

    def run(*args: str, env: dict[str, str]) -> Outcome:
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        capsys.readouterr()
        try:
            code = main(list(args))
        finally:
            for name in env:
                monkeypatch.delenv(name)
        out, err = capsys.readouterr()
        return Outcome(code, out, err)

    return run


async def _seed_with_pending_points(url: str) -> None:
    from commercegraph.demo import seed_demo

    async with bootstrap.open(Settings(database_url=url)) as container:
        await seed_demo(container.store, customers=3, seed=7)
        await container.registry.wallet.earn_points(
            PointsEarning(DEVI_ID, PENDING_POINTS, 12_000, "ORDER", utcnow(), "ord_cli", 30),
            "cli-earn",
        )


@pytest.fixture(params=["sqlite", "postgresql"])
def small_store(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[str]:
    """A migrated store with three customers and Devi's points pending, of its own."""
    directory = tmp_path_factory.mktemp("adapters")
    with demo_database(request.param, directory, customers=None) as db:
        asyncio.run(_seed_with_pending_points(db.url))
        yield db.url


@pytest.fixture
def backends(small_store: str) -> Iterator[BackendServers]:
    configure_telemetry(OtelSettings())  # as `commercegraph backends serve` does first
    with BackendServers(Settings(database_url=small_store)) as servers:
        yield servers


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _subject(token: str) -> str:
    claims = jwt.decode(token.strip(), options={"verify_signature": False})
    return str(claims["sub"])


def test_token_finds_the_customer_through_the_rest_customer_backend(
    cli: Callable[..., Outcome], small_store: str, backends: BackendServers
) -> None:
    native = cli("token", "--customer", DEVI_EMAIL, env={"CG_DATABASE_URL": small_store})
    assert native.returncode == 0, native.stderr
    assert backends.calls["customer"]["resolve_identifiers"] == 0

    rest_env = {
        "CG_DATABASE_URL": small_store,
        "CG_ADAPTERS__CUSTOMER": "rest",
        "CG_REST__CUSTOMER__URL": backends.urls["customer"],
    }
    over_rest = cli("token", "--customer", DEVI_EMAIL, env=rest_env)
    assert over_rest.returncode == 0, over_rest.stderr
    assert _subject(over_rest.stdout) == _subject(native.stdout) == DEVI_ID
    assert backends.calls["customer"]["resolve_identifiers"] == 1

    unreachable = {**rest_env, "CG_REST__CUSTOMER__URL": f"http://127.0.0.1:{_closed_port()}"}
    down = cli("token", "--customer", DEVI_EMAIL, env=unreachable)
    assert down.returncode == 1 and down.stdout == ""
    assert "customer backend is unreachable" in down.stderr and down.stderr.count("\n") == 1


def test_loyalty_maintenance_moves_points_through_the_rest_wallet_backend(
    cli: Callable[..., Outcome], small_store: str, backends: BackendServers
) -> None:
    env = {
        "CG_DATABASE_URL": small_store,
        "CG_ADAPTERS__WALLET": "rest",
        "CG_REST__WALLET__URL": backends.urls["wallet"],
    }
    later = (datetime.now(UTC) + timedelta(days=45)).isoformat()
    first = cli("loyalty-maintenance", "--now", later, env=env)
    assert first.returncode == 0, first.stderr
    assert json.loads(first.stdout.strip().splitlines()[-1])["released_points"] == PENDING_POINTS
    calls = backends.calls["wallet"]
    assert calls["release_pending_points"] == calls["expire_points"] == 1
    assert calls["purge_idempotency_records"] == 1

    again = cli("loyalty-maintenance", "--now", later, env={"CG_DATABASE_URL": small_store})
    assert again.returncode == 0, again.stderr
    summary = json.loads(again.stdout.strip().splitlines()[-1])
    assert summary["released_points"] == 0 and summary["expired_points"] == 0


def test_a_command_on_the_gateways_own_store_refuses_a_foreign_adapter(
    cli: Callable[..., Outcome], small_store: str
) -> None:
    env = {"CG_DATABASE_URL": small_store, "CG_ADAPTERS__COMMERCE": "rest"}
    refused = cli("segments", "refresh", env=env)
    assert refused.returncode == 2 and refused.stdout == ""
    assert refused.stderr.count("\n") == 1
    assert "`segments refresh`" in refused.stderr
    assert "CG_ADAPTERS__COMMERCE=rest" in refused.stderr
