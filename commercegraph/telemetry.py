"""Logging and OpenTelemetry setup: JSON logs that carry the trace and span ids."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from opentelemetry import trace
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


class OperationSpan(SchemaExtension):
    """One span per GraphQL operation, named by the operation name."""

    def on_operation(self) -> Iterator[None]:
        ctx = self.execution_context
        name = ctx.operation_name or "anonymous"
        with tracer.start_as_current_span(f"graphql.operation {name}") as span:
            span.set_attribute("graphql.operation.name", name)
            yield
            result = ctx.result
            if result is not None and result.errors:
                span.set_attribute("graphql.errors", len(result.errors))
