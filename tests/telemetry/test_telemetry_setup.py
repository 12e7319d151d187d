"""Exporter choice from the OTEL_* settings, and trace ids in the JSON logs."""

from __future__ import annotations

import json
import logging

import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import ConsoleSpanExporter

from commercegraph.gateway.settings import OtelSettings
from commercegraph.telemetry import JsonFormatter, _metric_name, _span_exporter


def test_exporters_follow_the_standard_variables(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OTEL_TRACES_EXPORTER", "console")
    monkeypatch.setenv("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc")
    otel = OtelSettings()
    assert (otel.traces_exporter, otel.exporter_otlp_protocol) == ("console", "grpc")
    assert isinstance(_span_exporter("console", "http/protobuf"), ConsoleSpanExporter)
    assert _span_exporter("none", "http/protobuf") is None
    with pytest.raises(RuntimeError, match="none, console or otlp"):
        _span_exporter("jaeger", "http/protobuf")


def test_otlp_without_its_package_says_what_to_install() -> None:
    try:
        import opentelemetry.exporter.otlp.proto.http  # noqa: F401
    except ImportError:
        with pytest.raises(RuntimeError, match=r"commercegraph\[otlp\]"):
            _span_exporter("otlp", "http/protobuf")
    else:
        assert _span_exporter("otlp", "http/protobuf") is not None


def test_json_logs_carry_the_trace_and_span_ids() -> None:
    tracer = TracerProvider().get_tracer("test")
    record = logging.LogRecord("commercegraph.x", logging.INFO, __file__, 1, "hello", None, None)
    with tracer.start_as_current_span("work") as span:
        entry = json.loads(JsonFormatter().format(record))
    context = span.get_span_context()
    assert entry["message"] == "hello"
    assert entry["trace_id"] == f"{context.trace_id:032x}"
    assert entry["span_id"] == f"{context.span_id:016x}"


def test_operation_metric_labels_are_bounded() -> None:
    assert _metric_name("DeviJourney") == "DeviJourney"
    assert _metric_name("x" * 101) == "other"


def test_nothing_is_recorded_until_spans_have_somewhere_to_go(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from opentelemetry.sdk.metrics import AlwaysOffExemplarFilter
    from opentelemetry.sdk.trace.export import SimpleSpanProcessor
    from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

    from commercegraph.telemetry.setup import (
        RecordWhenExported,
        _exemplar_filter,
        _sampler,
        _TracerProvider,
    )

    monkeypatch.delenv("OTEL_TRACES_SAMPLER", raising=False)
    monkeypatch.delenv("OTEL_METRICS_EXEMPLAR_FILTER", raising=False)
    assert isinstance(_exemplar_filter(None), AlwaysOffExemplarFilter)
    assert _exemplar_filter(ConsoleSpanExporter()) is None
    sampler = _sampler()
    assert isinstance(sampler, RecordWhenExported)
    provider = _TracerProvider(sampler=sampler)
    with provider.get_tracer("test").start_as_current_span("request") as span:
        assert not span.is_recording()
        assert span.get_span_context().is_valid  # logs and backends still get a trace id
    exporter = InMemorySpanExporter()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    with provider.get_tracer("test").start_as_current_span("request") as span:
        assert span.is_recording()
    assert [s.name for s in exporter.get_finished_spans()] == ["request"]
    monkeypatch.setenv("OTEL_TRACES_SAMPLER", "always_on")
    assert _sampler() is None  # an explicit sampler wins
