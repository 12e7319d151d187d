"""The library instrumentations that configure_telemetry installs give Redis calls and SQL
statements spans with the database semantic conventions."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from opentelemetry import trace
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import NonRecordingSpan, SpanContext, SpanKind, TraceFlags
from sqlalchemy import event, literal, select

from commercegraph.gateway.cache import RedisCache
from commercegraph.gateway.settings import OtelSettings
from commercegraph.store.db import Store
from commercegraph.telemetry import configure_telemetry, tracer
from tests.factories import store_for

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


async def _checked_out_read(store: Store, value: int) -> Sequence[Any]:
    """A statement on a connection checked out for it (``Store.rows`` reuses the ones the
    store keeps, so it checks out only its first)."""
    async with store.engine.connect() as conn:
        return (await conn.execute(select(literal(value)))).all()


async def test_statements_get_spans_only_when_their_request_records(
    span_exporter: InMemorySpanExporter, tmp_path: Path
) -> None:
    """A statement under a recorded span is its client span, with the database attributes,
    and so is the checkout before it (``connect``); under a request the sampler decided not
    to record neither starts a span at all; with no request around them the sampler decides
    for them as before."""
    configure_telemetry(OtelSettings())
    store = store_for(f"sqlite+aiosqlite:///{tmp_path / 'spans.db'}")
    started: list[Any] = []
    checkouts: list[int] = []  # the current span's id in each checkout
    engine = store.engine.sync_engine
    event.listen(
        engine,
        "after_cursor_execute",
        lambda *args: started.append(getattr(args[4], "_otel_span", None)),
    )
    event.listen(
        engine,
        "checkout",
        lambda *_: checkouts.append(trace.get_current_span().get_span_context().span_id),
    )
    unsampled = NonRecordingSpan(
        SpanContext(trace_id=0x5EED, span_id=0x5EED, is_remote=False, trace_flags=TraceFlags(0))
    )
    try:
        span_exporter.clear()
        with tracer.start_as_current_span("caller") as caller:
            assert await _checked_out_read(store, 1) == [(1,)]
        with trace.use_span(unsampled):
            assert await _checked_out_read(store, 2) == [(2,)]
        assert await _checked_out_read(store, 3) == [(3,)]
    finally:
        await store.dispose()
    recorded, skipped, alone = started[-3:]  # each statement's span, ended by now
    assert recorded is not None and recorded.get_span_context().trace_flags.sampled
    assert skipped is None
    assert alone is not None and alone.get_span_context().trace_flags.sampled
    under_caller_checkout, unsampled_checkout, _ = checkouts[-3:]
    assert under_caller_checkout != caller.get_span_context().span_id  # its connect span
    assert unsampled_checkout == 0x5EED  # no connect span started: the request's is current
    db = [
        s
        for s in span_exporter.get_finished_spans()
        if s.kind is SpanKind.CLIENT and s.name.startswith("SELECT")
    ]
    traces = {s.context.trace_id for s in db}
    assert caller.get_span_context().trace_id in traces
    connects = [
        s
        for s in span_exporter.get_finished_spans()
        if s.name == "connect" and s.context.trace_id == caller.get_span_context().trace_id
    ]
    assert [s.context.span_id for s in connects] == [under_caller_checkout]
    assert 0x5EED not in traces
    under_caller = next(s for s in db if s.context.trace_id == caller.get_span_context().trace_id)
    assert under_caller.parent is not None
    assert under_caller.parent.span_id == caller.get_span_context().span_id
    attrs = dict(under_caller.attributes or {})
    # the stable conventions' name, or the old one when an instrumentation started first
    assert attrs.get("db.system.name", attrs.get("db.system")) == "sqlite"


_FIRST_APP = """
import asyncio, httpx
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from starlette.applications import Starlette
from starlette.responses import PlainTextResponse
from starlette.routing import Route
from commercegraph.telemetry.http import instrument_app

exporter = InMemorySpanExporter()
provider = TracerProvider()
provider.add_span_processor(SimpleSpanProcessor(exporter))
trace.set_tracer_provider(provider)
app = Starlette(routes=[Route("/ping", lambda _: PlainTextResponse("pong"))])
instrument_app(app)  # the process's first instrumentation, before configure_telemetry

async def main():
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://t") as c:
        await c.get("/ping")

asyncio.run(main())
(server,) = [s for s in exporter.get_finished_spans() if s.name == "GET /ping"]
print(sorted(server.attributes))
"""


def test_an_app_instrumented_before_telemetry_is_configured_still_uses_stable_conventions() -> None:
    # The instrumentations fix their conventions once per process, when the first starts.
    env = {k: v for k, v in os.environ.items() if k != "OTEL_SEMCONV_STABILITY_OPT_IN"}
    done = subprocess.run(
        [sys.executable, "-c", _FIRST_APP], env=env, capture_output=True, text=True, timeout=60
    )
    assert done.returncode == 0, done.stderr
    assert "'http.request.method'" in done.stdout and "'http.method'" not in done.stdout
