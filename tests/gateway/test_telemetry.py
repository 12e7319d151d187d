"""The span tree of a journey, trace context on the wire, and the gateway's metrics."""

from __future__ import annotations

from typing import Any

from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from commercegraph.backends import BackendServers
from commercegraph.demo import DEVI_ID
from tests.conftest import SeededDatabase
from tests.gateway.conftest import gateway, rest_settings
from tests.integration.test_journey import DEVI_JOURNEY

ATTRIBUTES = {
    "backend.name",
    "backend.adapter",
    "backend.operation",
    "backend.batch_size",
    "backend.attempt",
    "backend.cache_hit",
    "backend.circuit",
    "backend.outcome",
}


async def test_journey_span_tree(
    seeded_db: SeededDatabase, backends: BackendServers, span_exporter: InMemorySpanExporter
) -> None:
    async with gateway(rest_settings(seeded_db.url, backends.urls)) as client:
        span_exporter.clear()
        body = await client.post(DEVI_JOURNEY, token=client.token(DEVI_ID))
        assert "errors" not in body
    spans = span_exporter.get_finished_spans()
    (operation,) = [s for s in spans if s.name == "graphql.operation DeviJourney"]
    trace_id = operation.context.trace_id
    calls = [s for s in spans if s.kind is SpanKind.CLIENT and s.context.trace_id == trace_id]
    assert {s.name for s in calls} >= {
        "customer.customers_by_id",
        "customer.identities",
        "wallet.wallets",
        "wallet.transactions",
        "commerce.orders_for_customers",
        "commerce.products_by_sku",
    }
    for call in calls:
        assert call.parent is not None and call.parent.span_id == operation.context.span_id
        assert ATTRIBUTES <= set(call.attributes or {}), call.name
        attrs: Any = call.attributes
        assert call.name == f"{attrs['backend.name']}.{attrs['backend.operation']}"
        assert attrs["backend.adapter"] == "rest" and attrs["backend.circuit"] == "CLOSED"
        assert attrs["backend.outcome"] in ("ok", "cache_hit") and attrs["backend.attempt"] >= 0
    (orders,) = [s for s in calls if s.name == "commerce.orders_for_customers"]
    assert orders.attributes and orders.attributes["backend.batch_size"] == 1
    # W3C trace context reached the backends: their server spans are children of the calls.
    servers = [s for s in spans if s.kind is SpanKind.SERVER and s.context.trace_id == trace_id]
    call_ids = {c.context.span_id for c in calls}
    assert servers and all(s.parent is not None and s.parent.span_id in call_ids for s in servers)
    assert len(servers) == sum(1 for c in calls if c.attributes and c.attributes["backend.attempt"])


async def test_metrics_endpoint_exposes_backend_and_operation_metrics(
    seeded_db: SeededDatabase, backends: BackendServers
) -> None:
    async with gateway(rest_settings(seeded_db.url, backends.urls)) as client:
        await client.post(
            "query Page { products(first: 5) { edges { node { price { final { amount } } } } } }"
        )
        response = await client.http.get("/metrics")
    assert response.status_code == 200
    text = response.text
    assert (
        'commercegraph_backend_calls_total{backend="pricing",operation="price_rows",outcome="ok"}'
        in text
    )
    assert "commercegraph_backend_duration_bucket{" in text
    assert 'commercegraph_operation_duration_count{operation="Page",outcome="ok"}' in text
    assert 'commercegraph_loader_batch_size_sum{backend="pricing",operation="price_rows"}' in text
