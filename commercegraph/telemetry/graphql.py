"""One span per GraphQL operation, with the semantic conventions' ``graphql.*`` attributes."""

from __future__ import annotations

import time
from collections.abc import Iterator

from opentelemetry import trace
from opentelemetry.trace import Status, StatusCode
from strawberry.extensions import SchemaExtension

from commercegraph.telemetry.instruments import OPERATION_DURATION

tracer = trace.get_tracer("commercegraph")

MAX_OPERATION_LABELS = 500  # clients name operations; beyond this many they share "other"
_operation_labels: set[str] = set()  # process-wide, bounded by MAX_OPERATION_LABELS


def _metric_name(name: str) -> str:
    if name in _operation_labels:
        return name
    if len(_operation_labels) < MAX_OPERATION_LABELS and len(name) <= 100:
        _operation_labels.add(name)
        return name
    return "other"


class OperationSpan(SchemaExtension):
    """Names the span ``{type} {name}`` (``query DeviJourney``) as the conventions ask."""

    def on_operation(self) -> Iterator[None]:
        ctx = self.execution_context
        started = time.perf_counter()
        with tracer.start_as_current_span("graphql.operation") as span:
            yield
            # The document is parsed by now, so an unnamed request gets its operation's name.
            name = ctx.operation_name
            try:
                kind = ctx.operation_type.value
            except RuntimeError:  # the document did not parse: no operation to name
                kind = "unknown"
            else:
                span.set_attribute("graphql.operation.type", kind)
            span.update_name(f"{kind} {name}" if name else kind)
            if name:
                span.set_attribute("graphql.operation.name", name)
            result = ctx.result
            errors = len(result.errors) if result is not None and result.errors else 0
            if errors:
                span.set_attribute("graphql.errors", errors)
                span.set_status(Status(StatusCode.ERROR, "GraphQL errors"))
        OPERATION_DURATION.record(
            time.perf_counter() - started,
            {
                "graphql.operation.name": _metric_name(name or "anonymous"),
                "graphql.operation.type": kind,
                "outcome": "error" if errors else "ok",
            },
        )
