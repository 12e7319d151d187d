"""``/readyz`` names the part that is not ready: store, migrations or a backend."""

from __future__ import annotations

import asyncio
import socket
from pathlib import Path
from typing import Any

import httpx
from alembic import command
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from commercegraph.app import create_app
from commercegraph.config import DOMAINS, AdapterChoice, Settings
from commercegraph.gateway.circuit import CircuitState
from commercegraph.gateway.guard import GuardedAdapter
from commercegraph.gateway.settings import RestBackend, RestSettings
from commercegraph.store.migrate import alembic_config, upgrade
from tests.conftest import SeededDatabase


async def _readyz(settings: Settings, *, open_circuit: str | None = None) -> httpx.Response:
    app = create_app(settings)
    if open_circuit:
        guard = getattr(app.state.registry, open_circuit)
        assert isinstance(guard, GuardedAdapter)
        breaker = guard.resilience.breaker
        for _ in range(breaker.failure_threshold):
            breaker.record_failure()
        assert breaker.state is CircuitState.OPEN
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://gateway.test") as c:
            return await c.get("/readyz")
    finally:
        await app.state.registry.aclose()
        await app.state.store.dispose()


def _dead_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return f"http://127.0.0.1:{s.getsockname()[1]}"  # closed again: nothing listens


async def test_an_unmigrated_database_is_not_ready(tmp_path: Path) -> None:
    response = await _readyz(Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'new.db'}"))
    body: dict[str, Any] = response.json()
    assert response.status_code == 503
    assert body["status"] == "unavailable" and body["failing"] == ["migrations"]
    assert body["store"]["current"] == [] and len(body["store"]["head"]) == 1
    assert "commercegraph migrate" in body["store"]["error"]


async def test_a_database_behind_the_head_is_not_ready(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'old.db'}"
    await asyncio.to_thread(upgrade, url, "head")
    head = (await _readyz(Settings(database_url=url))).json()["store"]["revision"]
    await asyncio.to_thread(command.downgrade, alembic_config(url), "-1")
    response = await _readyz(Settings(database_url=url))
    body = response.json()
    assert response.status_code == 503 and body["failing"] == ["migrations"]
    assert body["store"]["head"] == head and body["store"]["current"] != head


async def test_a_migrated_database_is_ready(sqlite_db: SeededDatabase) -> None:
    response = await _readyz(Settings(database_url=sqlite_db.url))
    body = response.json()
    assert response.status_code == 200 and body["status"] == "ready" and body["failing"] == []
    assert body["store"]["ok"] is True
    assert set(body["backends"]) == set(DOMAINS)
    assert all(b["ok"] and b["circuit"] == "CLOSED" for b in body["backends"].values())


async def test_an_unreachable_store_is_named(tmp_path: Path) -> None:
    missing = tmp_path / "no" / "such" / "dir" / "x.db"
    response = await _readyz(Settings(database_url=f"sqlite+aiosqlite:///{missing}"))
    assert response.status_code == 503 and response.json()["failing"] == ["store"]


async def test_an_open_circuit_is_named_and_degrades(sqlite_db: SeededDatabase) -> None:
    response = await _readyz(Settings(database_url=sqlite_db.url), open_circuit="pricing")
    body = response.json()
    assert response.status_code == 200 and body["status"] == "degraded"
    assert body["failing"] == ["backend:pricing"]
    assert body["backends"]["pricing"] == {
        "ok": False,
        "adapter": "native",
        "circuit": "OPEN",
        "error": "circuit OPEN",
    }


async def test_a_rest_backend_that_does_not_answer_fails_its_health_call(
    sqlite_db: SeededDatabase,
) -> None:
    settings = Settings(
        database_url=sqlite_db.url,
        adapters=AdapterChoice(content="rest"),
        rest=RestSettings(content=RestBackend(url=_dead_url())),
    )
    body = (await _readyz(settings)).json()
    assert body["status"] == "degraded" and body["failing"] == ["backend:content"]
    assert body["backends"]["content"]["circuit"] == "CLOSED"
    assert body["backends"]["content"]["error"] == "BackendUnavailable"
    strict = settings.model_copy(update={"ready_requires_backends": True})
    response = await _readyz(strict)
    assert response.status_code == 503 and response.json()["status"] == "unavailable"


async def test_rest_backends_that_answer_are_ready_and_probes_are_not_traced(
    sqlite_db: SeededDatabase, backends: Any, span_exporter: InMemorySpanExporter
) -> None:
    settings = Settings(
        database_url=sqlite_db.url,
        adapters=AdapterChoice(**dict.fromkeys(DOMAINS, "rest")),
        rest=RestSettings(**{d: RestBackend(url=u) for d, u in backends.urls.items()}),
        ready_requires_backends=True,
    )
    span_exporter.clear()
    response = await _readyz(settings)
    assert response.status_code == 200, response.text
    assert all(b["adapter"] == "rest" and b["ok"] for b in response.json()["backends"].values())
    probes = [
        s.name
        for s in span_exporter.get_finished_spans()
        if s.kind is SpanKind.CLIENT or s.name.startswith("GET /healthz")
    ]
    assert probes == [], probes
