"""The gateway as a client meets it: a real uvicorn server on loopback, and the CLI."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.conftest import SeededDatabase
from tests.serving import serve


def _cli(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "commercegraph", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture(scope="module")
def server(sqlite_db: SeededDatabase) -> Iterator[tuple[str, dict[str, str]]]:
    env = {**os.environ, "CG_DATABASE_URL": sqlite_db.url, "CG_LOG_LEVEL": "WARNING"}
    with serve(env) as base:
        yield base, env


def test_token_and_me_query_over_loopback(server: tuple[str, dict[str, str]]) -> None:
    base, env = server
    token = _cli("token", "--customer", "devi@example.com", env=env)
    assert token.returncode == 0, token.stderr
    query = "{ me { email wallet { balance { amount } } loyalty { points } orders(first: 2) { totalCount } identities { kind } } }"
    response = httpx.post(
        f"{base}/graphql",
        json={"query": query},
        headers={"Authorization": f"Bearer {token.stdout.strip()}"},
        timeout=10,
    )
    assert response.status_code == 200
    me = response.json()["data"]["me"]
    assert me["email"] == "devi@example.com"
    assert me["wallet"]["balance"]["amount"] > 0 and me["loyalty"]["points"] > 0
    assert me["orders"]["totalCount"] > 0 and len(me["identities"]) == 5


def test_health_readiness_and_graphiql(server: tuple[str, dict[str, str]]) -> None:
    base, _ = server
    assert httpx.get(f"{base}/healthz").json() == {"status": "ok"}
    ready = httpx.get(f"{base}/readyz")
    assert ready.status_code == 200 and ready.json()["adapters"]["commerce"] == "native"
    page = httpx.get(f"{base}/graphql", headers={"Accept": "text/html"})
    assert page.status_code == 200 and "graphiql" in page.text.lower()


async def test_readyz_reports_an_unreachable_store(tmp_path: Path) -> None:
    from commercegraph.app import create_app
    from commercegraph.config import Settings

    missing_dir = tmp_path / "no" / "such" / "dir" / "x.db"
    app = create_app(Settings(database_url=f"sqlite+aiosqlite:///{missing_dir}"))
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://gateway.test") as client:
        response = await client.get("/readyz")
    await app.state.store.dispose()
    assert response.status_code == 503 and response.json()["status"] == "unavailable"


def test_cli_refuses_dev_tokens_in_production(sqlite_db: SeededDatabase) -> None:
    env = {**os.environ, "CG_DATABASE_URL": sqlite_db.url, "CG_ENV": "production"}
    result = _cli("token", "--staff", env=env)
    assert result.returncode == 2 and "refused" in result.stderr
    unknown = _cli(
        "token",
        "--customer",
        "nobody@example.com",
        env={**os.environ, "CG_DATABASE_URL": sqlite_db.url},
    )
    assert unknown.returncode == 1 and "no customer" in unknown.stderr


def test_seed_refuses_to_overwrite_without_reset(sqlite_db: SeededDatabase) -> None:
    env = {**os.environ, "CG_DATABASE_URL": sqlite_db.url}
    assert _cli("seed", "--customers", "5", env=env).returncode == 2
    skipped = _cli("seed", "--if-empty", env=env)
    assert skipped.returncode == 0 and "not seeding" in skipped.stdout
