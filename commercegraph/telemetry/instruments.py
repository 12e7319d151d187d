"""The gateway's own metric instruments: semantic-convention style names, SI units.

Durations are seconds (``unit="s"``), exported to Prometheus as ``*_seconds``; counts carry
an annotation unit (``{call}``, ``{key}``), which Prometheus drops. Bucket boundaries are
advisory, so a view configured by an operator still wins.
"""

from __future__ import annotations

from opentelemetry import metrics

# The OpenTelemetry HTTP semantic conventions' duration buckets, in seconds.
DURATION_BUCKETS_S = (
    0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0,
)  # fmt: skip
# Keys per batched call: a DataLoader batch is one key up to a page of a few hundred.
BATCH_SIZE_BUCKETS = (1, 2, 5, 10, 20, 50, 100, 200, 500, 1000)

meter = metrics.get_meter("commercegraph")

OPERATION_DURATION = meter.create_histogram(
    "commercegraph.graphql.operation.duration",
    unit="s",
    description="Duration of GraphQL operations, by operation name, type and outcome.",
    explicit_bucket_boundaries_advisory=DURATION_BUCKETS_S,
)
BACKEND_DURATION = meter.create_histogram(
    "commercegraph.backend.call.duration",
    unit="s",
    description="Duration of calls to a backend, retries and cache look-ups included.",
    explicit_bucket_boundaries_advisory=DURATION_BUCKETS_S,
)
BACKEND_CALLS = meter.create_counter(
    "commercegraph.backend.calls",
    unit="{call}",
    description="Calls to a backend port method, by backend, operation and outcome.",
)
BACKEND_ERRORS = meter.create_counter(
    "commercegraph.backend.errors",
    unit="{call}",
    description="Backend calls that failed (timeout, unavailable, circuit open, ...).",
)
LOADER_BATCH_SIZE = meter.create_histogram(
    "commercegraph.backend.batch.size",
    unit="{key}",
    description="Keys per batched backend call.",
    explicit_bucket_boundaries_advisory=BATCH_SIZE_BUCKETS,
)
