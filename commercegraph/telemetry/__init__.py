"""Telemetry: JSON logs with trace ids, OpenTelemetry traces and metrics, ``/metrics``.

``configure_telemetry`` installs the SDK once per process (the gateway and the reference
backends both call it); ``instrument_app`` adds server spans and HTTP metrics to an app.
"""

from __future__ import annotations

from commercegraph.telemetry.graphql import OperationSpan, _metric_name, tracer
from commercegraph.telemetry.instruments import (
    BACKEND_CALLS,
    BACKEND_DURATION,
    BACKEND_ERRORS,
    LOADER_BATCH_SIZE,
    OPERATION_DURATION,
)
from commercegraph.telemetry.logs import JsonFormatter, configure_logging
from commercegraph.telemetry.setup import _metric_exporter, _span_exporter, configure_telemetry

__all__ = [
    "BACKEND_CALLS",
    "BACKEND_DURATION",
    "BACKEND_ERRORS",
    "LOADER_BATCH_SIZE",
    "OPERATION_DURATION",
    "JsonFormatter",
    "OperationSpan",
    "_metric_exporter",
    "_metric_name",
    "_span_exporter",
    "configure_logging",
    "configure_telemetry",
    "tracer",
]
