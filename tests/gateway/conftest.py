"""Fixtures for the gateway core: reference backends on loopback, gateways in front of them."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from commercegraph.app import create_app
from commercegraph.backends import BackendServers
from commercegraph.config import DOMAINS, AdapterChoice, Settings
from commercegraph.gateway.guard import GuardedAdapter
from commercegraph.gateway.settings import OtelSettings, RestBackend, RestSettings
from commercegraph.telemetry import configure_telemetry
from tests.conftest import GraphQLClient, SeededDatabase


@pytest.fixture(scope="session")
def backends(seeded_db: SeededDatabase) -> Iterator[BackendServers]:
    """The six reference backends on ephemeral loopback ports, over the seeded store."""
    configure_telemetry(OtelSettings())  # as `commercegraph backends serve` does first
    with BackendServers(Settings(database_url=seeded_db.url)) as servers:
        yield servers


def rest_settings(db_url: str, urls: dict[str, str], **overrides: Any) -> Settings:
    return Settings(
        database_url=db_url,
        adapters=AdapterChoice(**dict.fromkeys(DOMAINS, "rest")),
        rest=RestSettings(**{d: RestBackend(url=u) for d, u in urls.items()}),
        **overrides,
    )


@asynccontextmanager
async def gateway(settings: Settings) -> AsyncIterator[GraphQLClient]:
    """A gateway app in-process; its adapters reach the backends over real HTTP."""
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://gateway.test") as http:
        client = GraphQLClient(http, settings)
        client.app = app  # type: ignore[attr-defined]
        try:
            yield client
        finally:
            await app.state.registry.aclose()
            await app.state.store.dispose()


def guard(client: GraphQLClient, domain: str) -> GuardedAdapter:
    adapter = getattr(client.app.state.registry, domain)  # type: ignore[attr-defined]
    assert isinstance(adapter, GuardedAdapter)
    return adapter


@pytest.fixture(scope="session")
def span_exporter() -> InMemorySpanExporter:
    """Spans of every test in this session, kept in memory."""
    provider = trace.get_tracer_provider()
    if not isinstance(provider, TracerProvider):
        provider = TracerProvider()
        trace.set_tracer_provider(provider)
    exporter = InMemorySpanExporter()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    return exporter
