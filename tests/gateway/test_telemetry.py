"""The span tree of a journey, trace context on the wire, and the gateway's metrics."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind
from prometheus_client.openmetrics.parser import (
    text_string_to_metric_families as openmetrics_families,
)
from prometheus_client.parser import text_string_to_metric_families

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
CALLER_TRACE_ID = 0x4BF92F3577B34DA6A3CE929D0E0E4736
CALLER_SPAN_ID = 0x00F067AA0BA902B7
TRACEPARENT = f"00-{CALLER_TRACE_ID:032x}-{CALLER_SPAN_ID:016x}-01"


async def _settled(exporter: InMemorySpanExporter) -> list[ReadableSpan]:
    """The finished spans once no more arrive for a moment (bounded): a backend in this
    process ends its server span after the response is on its way, so the gateway can have
    its answer before the last backend span is finished."""
    deadline = time.monotonic() + 5.0
    spans = list(exporter.get_finished_spans())
    while time.monotonic() < deadline:
        await asyncio.sleep(0.2)
        now = list(exporter.get_finished_spans())
        if len(now) == len(spans):
            return now
        spans = now
    return spans


def _children(spans: list[ReadableSpan], parent: ReadableSpan) -> list[ReadableSpan]:
    return [s for s in spans if s.parent is not None and s.parent.span_id == parent.context.span_id]


async def test_journey_span_tree(
    seeded_db: SeededDatabase, backends: BackendServers, span_exporter: InMemorySpanExporter
) -> None:
    async with gateway(rest_settings(seeded_db.url, backends.urls)) as client:
        span_exporter.clear()
        token = client.token(DEVI_ID)
        response = await client.http.post(
            "/graphql",
            json={"query": DEVI_JOURNEY},
            headers={"Authorization": f"Bearer {token}", "traceparent": TRACEPARENT},
        )
        assert response.status_code == 200 and "errors" not in response.json()
    spans = [s for s in await _settled(span_exporter) if s.context.trace_id == CALLER_TRACE_ID]
    # The caller's traceparent is the parent of the gateway's server span.
    (server,) = [s for s in spans if s.name == "POST /graphql"]
    assert server.kind is SpanKind.SERVER and server.parent is not None
    assert server.parent.span_id == CALLER_SPAN_ID and server.parent.is_remote
    server_attrs: Any = server.attributes
    assert server_attrs["http.request.method"] == "POST"
    assert server_attrs["http.route"] == "/graphql"
    assert server_attrs["http.response.status_code"] == 200
    (operation,) = [s for s in spans if s.name == "query DeviJourney"]
    assert operation.parent is not None
    op_attrs: Any = operation.attributes
    assert op_attrs["graphql.operation.type"] == "query"
    assert op_attrs["graphql.operation.name"] == "DeviJourney"
    calls = [s for s in spans if s.attributes and "backend.name" in s.attributes]
    assert {s.name for s in calls} >= {
        "customer.customers_by_id",
        "customer.identities",
        "wallet.wallets",
        "wallet.transactions",
        "commerce.orders_for_customers",
        "commerce.products_by_sku",
    }
    for call in calls:
        assert call.kind is SpanKind.CLIENT
        assert call.parent is not None and call.parent.span_id == operation.context.span_id
        assert ATTRIBUTES <= set(call.attributes or {}), call.name
        attrs: Any = call.attributes
        assert call.name == f"{attrs['backend.name']}.{attrs['backend.operation']}"
        assert attrs["backend.adapter"] == "rest" and attrs["backend.circuit"] == "CLOSED"
        assert attrs["backend.outcome"] in ("ok", "cache_hit") and attrs["backend.attempt"] >= 0
    (orders,) = [s for s in calls if s.name == "commerce.orders_for_customers"]
    assert orders.attributes and orders.attributes["backend.batch_size"] == 1
    # Each call that reached a backend: an HTTP client span with the HTTP and server
    # conventions, whose traceparent made the backend's server span its child, and under
    # that the backend's own database spans.
    reached = [c for c in calls if c.attributes and c.attributes["backend.attempt"]]
    assert reached
    for call in reached:
        (http,) = _children(spans, call)
        http_attrs: Any = http.attributes
        assert http.kind is SpanKind.CLIENT and http_attrs["server.address"] == "127.0.0.1"
        assert http_attrs["http.request.method"] in ("GET", "POST")
        assert http_attrs["http.response.status_code"] == 200
        (backend_server,) = _children(spans, http)
        assert backend_server.kind is SpanKind.SERVER
        assert backend_server.name == f"{http_attrs['http.request.method']} " + str(
            (backend_server.attributes or {})["http.route"]
        )
    db_spans = [s for s in spans if s.attributes and "db.system.name" in s.attributes]
    system = "sqlite" if seeded_db.kind == "sqlite" else "postgresql"
    assert db_spans and all((s.attributes or {})["db.system.name"] == system for s in db_spans)
    assert any("db.query.text" in (s.attributes or {}) for s in db_spans)


async def test_metrics_endpoint_exposes_backend_and_operation_metrics(
    seeded_db: SeededDatabase, backends: BackendServers
) -> None:
    async with gateway(rest_settings(seeded_db.url, backends.urls)) as client:
        await client.post(
            "query Page { products(first: 5) { edges { node { price { final { amount } } } } } }"
        )
        response = await client.http.get("/metrics")
        openmetrics = await client.http.get(
            "/metrics", headers={"Accept": "application/openmetrics-text; version=1.0.0"}
        )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain; version=")
    families = {f.name: f for f in text_string_to_metric_families(response.text)}
    for family in families.values():
        assert family.documentation, f"{family.name} has no HELP"
    calls = families["commercegraph_backend_calls"]
    assert calls.type == "counter"
    assert any(
        s.name == "commercegraph_backend_calls_total"
        and s.labels == {"backend": "pricing", "operation": "price_rows", "outcome": "ok"}
        and s.value >= 1
        for s in calls.samples
    )
    duration = families["commercegraph_backend_call_duration_seconds"]
    assert duration.type == "histogram"
    bounds = {float(s.labels["le"]) for s in duration.samples if s.name.endswith("_bucket")}
    assert 0.005 in bounds and max(b for b in bounds if b != float("inf")) == 10.0
    operation = families["commercegraph_graphql_operation_duration_seconds"]
    assert any(
        s.name.endswith("_count")
        and s.labels.get("graphql_operation_name") == "Page"
        and s.labels.get("graphql_operation_type") == "query"
        and s.labels.get("outcome") == "ok"
        for s in operation.samples
    )
    batch = families["commercegraph_backend_batch_size"]
    batch_bounds = {float(s.labels["le"]) for s in batch.samples if s.name.endswith("_bucket")}
    assert {1.0, 2.0, 5.0, 1000.0} <= batch_bounds
    # HTTP server metrics from the ASGI instrumentation, in seconds, and process metrics.
    http = families["http_server_request_duration_seconds"]
    assert any(
        s.labels.get("http_request_method") == "POST"
        and s.labels.get("http_response_status_code") == "200"
        for s in http.samples
    )
    assert families["process_resident_memory_bytes"].samples[0].value > 0
    assert families["process_cpu_seconds"].type == "counter"
    # OpenMetrics, on request, states each unit.
    assert openmetrics.headers["content-type"].startswith("application/openmetrics-text")
    units = {f.name: f.unit for f in openmetrics_families(openmetrics.text)}
    assert units["commercegraph_backend_call_duration_seconds"] == "seconds"
    assert units["http_server_request_duration_seconds"] == "seconds"
