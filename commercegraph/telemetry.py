"""Logging and OpenTelemetry setup: JSON logs that carry the trace and span ids."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from opentelemetry import metrics, propagate, trace
from opentelemetry.sdk.metrics import MeterProvider as SDKMeterProvider
from opentelemetry.sdk.metrics.export import (
    ConsoleMetricExporter,
    Histogram,
    HistogramDataPoint,
    InMemoryMetricReader,
    MetricReader,
    NumberDataPoint,
    PeriodicExportingMetricReader,
    Sum,
)
from opentelemetry.sdk.trace import TracerProvider as SDKTracerProvider
from opentelemetry.sdk.trace.export import BatchSpanProcessor, ConsoleSpanExporter, SpanExporter
from strawberry.extensions import SchemaExtension

tracer = trace.get_tracer("commercegraph")


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        span = trace.get_current_span().get_span_context()
        if span.is_valid:
            entry["trace_id"] = f"{span.trace_id:032x}"
            entry["span_id"] = f"{span.span_id:016x}"
        if record.exc_info:
            entry["exc"] = self.formatException(record.exc_info)
        return json.dumps(entry)


def configure_logging(level: str) -> None:
    handler = logging.StreamHandler()
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger("commercegraph")
    root.handlers[:] = [handler]
    root.setLevel(level)
    root.propagate = False


MAX_OPERATION_LABELS = 500  # clients name operations; beyond this many they share "other"
_operation_labels: set[str] = set()


def _metric_name(name: str) -> str:
    if name in _operation_labels:
        return name
    if len(_operation_labels) < MAX_OPERATION_LABELS and len(name) <= 100:
        _operation_labels.add(name)
        return name
    return "other"


class OperationSpan(SchemaExtension):
    """One span per GraphQL operation, named by the operation name."""

    def on_operation(self) -> Iterator[None]:
        ctx = self.execution_context
        started = time.perf_counter()
        with tracer.start_as_current_span("graphql.operation") as span:
            yield
            # The document is parsed by now, so an unnamed request gets its operation's name.
            name = ctx.operation_name or "anonymous"
            span.update_name(f"graphql.operation {name}")
            span.set_attribute("graphql.operation.name", name)
            result = ctx.result
            errors = len(result.errors) if result is not None and result.errors else 0
            if errors:
                span.set_attribute("graphql.errors", errors)
        OPERATION_DURATION.record(
            (time.perf_counter() - started) * 1000,
            {"operation": _metric_name(name), "outcome": "error" if errors else "ok"},
        )


# --- gateway core (issue 3): exporters, metrics and trace context ---------------------

meter = metrics.get_meter("commercegraph")
OPERATION_DURATION = meter.create_histogram(
    "commercegraph.operation.duration", unit="ms", description="GraphQL operation latency"
)
BACKEND_DURATION = meter.create_histogram(
    "commercegraph.backend.duration", unit="ms", description="Backend call latency"
)
BACKEND_CALLS = meter.create_counter("commercegraph.backend.calls", description="Backend calls")
BACKEND_ERRORS = meter.create_counter(
    "commercegraph.backend.errors", description="Backend calls that failed, by outcome"
)
LOADER_BATCH_SIZE = meter.create_histogram(
    "commercegraph.loader.batch_size", description="Keys per batched backend call"
)

_pull_reader: InMemoryMetricReader | None = None


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

                return GrpcExporter()  # type: ignore[no-any-return, unused-ignore]
            from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

            return OTLPSpanExporter()  # type: ignore[no-any-return, unused-ignore]
        except ImportError as exc:
            raise RuntimeError(
                "OTEL_TRACES_EXPORTER=otlp needs: pip install 'commercegraph[otlp]'"
            ) from exc
    raise RuntimeError(f"OTEL_TRACES_EXPORTER={name!r}: use none, console or otlp")


def configure_telemetry(traces_exporter: str, metrics_exporter: str, protocol: str) -> None:
    """Install the SDK providers once per process; a provider set earlier (tests) is kept.

    The exporters come from the standard variables (read by ``Settings``); the OTLP exporters
    read ``OTEL_EXPORTER_OTLP_*`` themselves. Traces are recorded even with no exporter, so
    logs carry trace ids and REST backends receive a ``traceparent``.
    """
    global _pull_reader
    if not isinstance(trace.get_tracer_provider(), SDKTracerProvider):
        provider = SDKTracerProvider()
        exporter = _span_exporter(traces_exporter, protocol)
        if exporter is not None:
            provider.add_span_processor(BatchSpanProcessor(exporter))
        trace.set_tracer_provider(provider)
    if _pull_reader is None and not isinstance(metrics.get_meter_provider(), SDKMeterProvider):
        _pull_reader = InMemoryMetricReader()
        readers: list[MetricReader] = [_pull_reader]
        if metrics_exporter == "console":
            readers.append(PeriodicExportingMetricReader(ConsoleMetricExporter()))
        elif metrics_exporter == "otlp":
            try:
                from opentelemetry.exporter.otlp.proto.http.metric_exporter import (
                    OTLPMetricExporter,
                )
            except ImportError as exc:
                raise RuntimeError(
                    "OTEL_METRICS_EXPORTER=otlp needs: pip install 'commercegraph[otlp]'"
                ) from exc
            readers.append(PeriodicExportingMetricReader(OTLPMetricExporter()))
        metrics.set_meter_provider(SDKMeterProvider(metric_readers=readers))


def _escape(value: object) -> str:
    return str(value).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def _labels(attributes: Any) -> str:
    if not attributes:
        return ""
    pairs = ",".join(f'{k.replace(".", "_")}="{_escape(v)}"' for k, v in sorted(attributes.items()))
    return "{" + pairs + "}"


def render_prometheus() -> str:
    """The gateway's own metrics in the Prometheus text exposition format."""
    if _pull_reader is None:
        return ""
    data = _pull_reader.get_metrics_data()
    lines: list[str] = []
    for resource_metrics in data.resource_metrics if data else ():
        for scope in resource_metrics.scope_metrics:
            for metric in scope.metrics:
                name = metric.name.replace(".", "_")
                points = metric.data.data_points
                if isinstance(metric.data, Histogram):
                    lines.append(f"# TYPE {name} histogram")
                    for p in points:
                        assert isinstance(p, HistogramDataPoint)
                        cumulative = 0
                        for bound, count in zip(
                            (*p.explicit_bounds, "+Inf"), p.bucket_counts, strict=True
                        ):
                            cumulative += count
                            labels = {**dict(p.attributes or {}), "le": bound}
                            lines.append(f"{name}_bucket{_labels(labels)} {cumulative}")
                        lines.append(f"{name}_sum{_labels(p.attributes)} {p.sum}")
                        lines.append(f"{name}_count{_labels(p.attributes)} {p.count}")
                elif isinstance(metric.data, Sum):
                    lines.append(f"# TYPE {name}_total counter")
                    for p in points:
                        assert isinstance(p, NumberDataPoint)
                        lines.append(f"{name}_total{_labels(p.attributes)} {p.value}")
    return "\n".join(lines) + "\n"


def inject_trace_headers(headers: dict[str, str]) -> dict[str, str]:
    """W3C ``traceparent``/``tracestate`` of the current span, for an outbound request."""
    propagate.inject(headers)
    return headers
