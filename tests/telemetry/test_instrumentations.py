"""The library instrumentations that configure_telemetry installs give Redis calls spans
with the database semantic conventions."""

from __future__ import annotations

import os
import uuid
from urllib.parse import urlsplit

from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind

from commercegraph.gateway.cache import RedisCache
from commercegraph.gateway.settings import OtelSettings
from commercegraph.telemetry import configure_telemetry, tracer

REDIS_URL = os.environ.get("CG_TEST_REDIS_URL", "redis://127.0.0.1:6379/0")


async def test_redis_calls_are_client_spans_under_the_caller(
    span_exporter: InMemorySpanExporter,
) -> None:
    configure_telemetry(OtelSettings())
    prefix = f"cg:test:{uuid.uuid4().hex}:"
    cache = RedisCache(REDIS_URL, ttl_s=30, prefix=prefix, secret="k1")
    try:
        span_exporter.clear()
        with tracer.start_as_current_span("caller") as caller:
            await cache.set_many({"content:a": 1})
            assert await cache.get_many(["content:a"]) == [1]
    finally:
        await cache.invalidate(None)
        await cache.aclose()
    spans = [
        s
        for s in span_exporter.get_finished_spans()
        if s.context.trace_id == caller.get_span_context().trace_id
        and (s.attributes or {}).get("db.system.name") == "redis"
    ]
    assert spans, "no Redis spans"
    for span in spans:
        assert span.kind is SpanKind.CLIENT
        assert span.parent is not None and span.parent.span_id == caller.get_span_context().span_id
        attrs = dict(span.attributes or {})
        where = urlsplit(REDIS_URL)
        assert attrs.get("server.address") == where.hostname
        assert attrs.get("server.port") == (where.port or 6379)
