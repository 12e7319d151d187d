"""Install the OpenTelemetry SDK once per process: providers, exporters, instrumentations.

The exporters come from the standard ``OTEL_*`` variables (read by ``OtelSettings``); the
OTLP exporters, the sampler and the resource read the rest of ``OTEL_*`` themselves. Traces
are recorded only when a span exporter is configured (or ``OTEL_TRACES_SAMPLER`` asks for
it); otherwise every span is non-recording, decided once per request, while logs still carry
trace ids and backends still get a ``traceparent``. Metrics are always readable at
``/metrics`` (Prometheus); an OTLP or console exporter pushes them as well.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable, Sequence
from typing import Any

from opentelemetry import metrics, trace
from opentelemetry.context import Context
from opentelemetry.exporter.prometheus import PrometheusMetricReader
from opentelemetry.instrumentation import sqlalchemy as sqlalchemy_instrumentation
from opentelemetry.instrumentation.httpx import HTTPXClientInstrumentor
from opentelemetry.instrumentation.redis import RedisInstrumentor
from opentelemetry.instrumentation.sqlalchemy import SQLAlchemyInstrumentor
from opentelemetry.instrumentation.sqlalchemy.engine import EngineTracer
from opentelemetry.sdk.metrics import AlwaysOffExemplarFilter, ExemplarFilter
from opentelemetry.sdk.metrics import MeterProvider as SDKMeterProvider
from opentelemetry.sdk.metrics.export import (
    ConsoleMetricExporter,
    MetricExporter,
    MetricReader,
    PeriodicExportingMetricReader,
)
from opentelemetry.sdk.resources import SERVICE_NAME, Resource
from opentelemetry.sdk.trace import SpanProcessor
from opentelemetry.sdk.trace import TracerProvider as SDKTracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter, SpanExporter
from opentelemetry.sdk.trace.sampling import (
    ALWAYS_OFF,
    ALWAYS_ON,
    ParentBased,
    Sampler,
    SamplingResult,
)
from opentelemetry.trace import Link, SpanKind, get_current_span
from opentelemetry.trace.span import TraceState
from opentelemetry.util.types import Attributes

from commercegraph.gateway.settings import OtelSettings

INSTRUMENTATIONS = ("httpx", "sqlalchemy", "redis")
_lock = threading.Lock()


def _otlp_missing(signal: str) -> RuntimeError:
    return RuntimeError(f"OTEL_{signal}_EXPORTER=otlp needs: pip install 'commercegraph[otlp]'")


def _span_exporter(name: str, protocol: str) -> SpanExporter | None:
    if name in ("", "none"):
        return None
    if name == "console":
        return ConsoleSpanExporter()
    if name == "otlp":
        try:
            if protocol == "grpc":
                from opentelemetry.exporter.otlp.proto.grpc.trace_exporter import (
                    OTLPSpanExporter as GrpcExporter,
                )

                return GrpcExporter()
            from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

            return OTLPSpanExporter()
        except ImportError as exc:
            raise _otlp_missing("TRACES") from exc
    raise RuntimeError(f"OTEL_TRACES_EXPORTER={name!r}: use none, console or otlp")


def _metric_exporter(name: str, protocol: str) -> MetricExporter | None:
    if name in ("", "none", "prometheus"):  # /metrics is always served
        return None
    if name == "console":
        return ConsoleMetricExporter()
    if name == "otlp":
        try:
            if protocol == "grpc":
                from opentelemetry.exporter.otlp.proto.grpc.metric_exporter import (
                    OTLPMetricExporter as GrpcExporter,
                )

                return GrpcExporter()
            from opentelemetry.exporter.otlp.proto.http.metric_exporter import (
                OTLPMetricExporter,
            )

            return OTLPMetricExporter()
        except ImportError as exc:
            raise _otlp_missing("METRICS") from exc
    raise RuntimeError(f"OTEL_METRICS_EXPORTER={name!r}: use none, prometheus, console or otlp")


class RecordWhenExported(Sampler):
    """Records nothing until a span processor is added to the provider, then samples as the
    SDK's default does (parent-based, always on). A request's first span decides once; every
    span under a non-recording one (the guard's, the instrumentations') is non-recording and
    as cheap as a no-op. Trace ids are still generated and propagated, so logs and backends
    carry them."""

    def __init__(self) -> None:
        self.exporting = False
        self._exported = ParentBased(ALWAYS_ON)

    def should_sample(
        self,
        parent_context: Context | None,
        trace_id: int,
        name: str,
        kind: SpanKind | None = None,
        attributes: Attributes = None,
        links: Sequence[Link] | None = None,
        trace_state: TraceState | None = None,
    ) -> SamplingResult:
        sampler = self._exported if self.exporting else ALWAYS_OFF
        return sampler.should_sample(
            parent_context, trace_id, name, kind, attributes, links, trace_state
        )

    def get_description(self) -> str:
        return "RecordWhenExported"


class _TracerProvider(SDKTracerProvider):
    """Tells its ``RecordWhenExported`` sampler when spans have somewhere to go."""

    def add_span_processor(self, span_processor: SpanProcessor) -> None:
        super().add_span_processor(span_processor)
        if isinstance(self.sampler, RecordWhenExported):
            self.sampler.exporting = True


def _sampler() -> Sampler | None:
    """``RecordWhenExported`` unless ``OTEL_TRACES_SAMPLER`` names one (the SDK reads it)."""
    return None if os.environ.get("OTEL_TRACES_SAMPLER") else RecordWhenExported()


def _exemplar_filter(span_exporter: SpanExporter | None) -> ExemplarFilter | None:
    """Exemplars point at traces; with none exported (and no ``OTEL_METRICS_EXEMPLAR_FILTER``)
    every measurement skips offering one."""
    if span_exporter is None and not os.environ.get("OTEL_METRICS_EXEMPLAR_FILTER"):
        return AlwaysOffExemplarFilter()
    return None


def service_resource(default_name: str) -> Resource:
    """``OTEL_SERVICE_NAME``/``OTEL_RESOURCE_ATTRIBUTES`` when set, else ``default_name``."""
    resource = Resource.create()
    if str(resource.attributes.get(SERVICE_NAME, "")).startswith("unknown_service"):
        resource = resource.merge(Resource({SERVICE_NAME: default_name}))
    return resource


def _unsampled() -> bool:
    """Whether the current span belongs to a request the sampler decided not to record:
    then every span under it would be non-recording too."""
    current = get_current_span()
    return not current.is_recording() and current.get_span_context().is_valid


def _statements_follow_the_request() -> None:
    """A statement or connection checkout under a request that records nothing starts no
    span of its own.

    The SQLAlchemy instrumentation's ``before_cursor_execute`` listener parses the engine's
    URL and the statement's operation, starts a span and makes it current for every
    statement, and its wrapper of ``Engine.connect`` starts a ``connect`` span for every
    checkout, only to find them non-recording: the sampler decided against the whole
    request when its first span started (as ``RecordWhenExported`` does until spans are
    exported). The guard skips its backend spans on the same condition. A statement or
    checkout with no request around it, or under a recorded one, still gets its span with
    every attribute. Call before ``instrument()``: it wraps ``Engine.connect`` then, and
    engine tracers bind the listener when an engine is created."""
    before: Any = EngineTracer._before_cur_exec
    if getattr(before, "follows_the_request", False):
        return

    def before_cur_exec(
        self: Any,
        conn: Any,
        cursor: Any,
        statement: Any,
        params: Any,
        context: Any,
        executemany: bool,
    ) -> tuple[Any, Any]:
        if _unsampled():
            return statement, params
        result: tuple[Any, Any] = before(
            self, conn, cursor, statement, params, context, executemany
        )
        return result

    wrap_connect: Any = sqlalchemy_instrumentation._wrap_connect  # type: ignore[attr-defined]

    def wrap_connect_following(tracer: Any) -> Callable[..., Any]:
        traced = wrap_connect(tracer)

        def connect(func: Any, module: Any, args: Any, kwargs: Any) -> Any:
            if _unsampled():
                return func(*args, **kwargs)
            return traced(func, module, args, kwargs)

        return connect

    before_cur_exec.follows_the_request = True  # type: ignore[attr-defined]
    EngineTracer._before_cur_exec = before_cur_exec  # type: ignore[method-assign]
    sqlalchemy_instrumentation._wrap_connect = wrap_connect_following  # type: ignore[attr-defined]


def _instrument_libraries(otel: OtelSettings) -> None:
    disabled = {n.strip() for n in otel.python_disabled_instrumentations.split(",")}
    if "httpx" not in disabled and not HTTPXClientInstrumentor().is_instrumented_by_opentelemetry:
        HTTPXClientInstrumentor().instrument()
    if "sqlalchemy" not in disabled:
        sqlalchemy = SQLAlchemyInstrumentor()
        _statements_follow_the_request()
        if not sqlalchemy.is_instrumented_by_opentelemetry:
            # Its declared range stops below SQLAlchemy 2.1, whose engine events it uses are
            # unchanged; tests/telemetry prove the spans arrive.
            sqlalchemy.instrument(skip_dep_check=True)
    if "redis" not in disabled and not RedisInstrumentor().is_instrumented_by_opentelemetry:
        RedisInstrumentor().instrument()


def configure_telemetry(otel: OtelSettings, service_name: str = "commercegraph") -> None:
    """Install the SDK providers once per process; providers set earlier (tests) are kept."""
    with _lock:
        # The instrumentations read their convention version from the environment only,
        # once, when the first of them starts.
        os.environ.setdefault("OTEL_SEMCONV_STABILITY_OPT_IN", otel.semconv_stability_opt_in)
        resource = service_resource(service_name)
        span_exporter = _span_exporter(otel.traces_exporter, otel.exporter_otlp_protocol)
        if not isinstance(trace.get_tracer_provider(), SDKTracerProvider):
            provider = _TracerProvider(resource=resource, sampler=_sampler())
            if span_exporter is not None:
                provider.add_span_processor(BatchSpanProcessor(span_exporter))
            trace.set_tracer_provider(provider)
        if not isinstance(metrics.get_meter_provider(), SDKMeterProvider):
            # Scope labels only tell instrumentations apart, and no two here share a name.
            readers: list[MetricReader] = [PrometheusMetricReader(scope_info_enabled=False)]
            pushed = _metric_exporter(otel.metrics_exporter, otel.exporter_otlp_protocol)
            if pushed is not None:
                readers.append(PeriodicExportingMetricReader(pushed))
            metrics.set_meter_provider(
                SDKMeterProvider(
                    resource=resource,
                    metric_readers=readers,
                    exemplar_filter=_exemplar_filter(span_exporter),
                )
            )
        _instrument_libraries(otel)
