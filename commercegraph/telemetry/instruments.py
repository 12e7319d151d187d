"""The gateway's own metric instruments: semantic-convention style names, SI units.

Durations are seconds (``unit="s"``), exported to Prometheus as ``*_seconds``; counts carry
an annotation unit (``{call}``, ``{key}``), which Prometheus drops. Bucket boundaries are
advisory, so a view configured by an operator still wins.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from opentelemetry import metrics
from opentelemetry.metrics import CallbackOptions, Observation

from commercegraph.telemetry.histogram import PendingHistogram

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


class Tally:
    """A monotonic count per label set, kept in a plain dict and reported by an observable
    counter when metrics are collected. Counting a backend call is then a dict update, where
    a synchronous counter's ``add`` cleans, hashes and locks its attributes on every call."""

    def __init__(self) -> None:
        self._counts: dict[int, list[Any]] = {}  # id of the label dict -> [labels, count]

    def add(self, amount: int, labels: Mapping[str, str]) -> None:
        """``labels`` must not change afterwards: the guard builds each set once and keeps it."""
        entry = self._counts.get(id(labels))
        if entry is None or entry[0] is not labels:
            self._counts[id(labels)] = [labels, amount]
        else:
            entry[1] += amount

    def totals(self) -> dict[tuple[tuple[str, str], ...], int]:
        """The counts by label set (label sets that are equal are added together)."""
        totals: dict[tuple[tuple[str, str], ...], int] = {}
        for labels, count in list(self._counts.values()):
            key = tuple(sorted(labels.items()))
            totals[key] = totals.get(key, 0) + count
        return totals

    def observe(self, _: CallbackOptions) -> Iterable[Observation]:
        return [Observation(count, dict(key)) for key, count in self.totals().items()]


def _hand_over_pending(_: CallbackOptions) -> Iterable[Observation]:
    """Runs first whenever a reader collects (observable callbacks run before the SDK reads
    its aggregations), so every value recorded so far is in what it exports."""
    BACKEND_DURATIONS.flush()
    BATCH_SIZES.flush()
    return ()


BACKEND_CALLS = Tally()
BACKEND_ERRORS = Tally()
meter.create_observable_counter(
    "commercegraph.backend.calls",
    callbacks=[_hand_over_pending, BACKEND_CALLS.observe],
    unit="{call}",
    description="Calls to a backend port method, by backend, operation and outcome.",
)
meter.create_observable_counter(
    "commercegraph.backend.errors",
    callbacks=[BACKEND_ERRORS.observe],
    unit="{call}",
    description="Backend calls that failed (timeout, unavailable, circuit open, ...).",
)
LOADER_BATCH_SIZE = meter.create_histogram(
    "commercegraph.backend.batch.size",
    unit="{key}",
    description="Keys per batched backend call.",
    explicit_bucket_boundaries_advisory=BATCH_SIZE_BUCKETS,
)
# What the guard records per call, handed to the SDK in bulk (see ``PendingHistogram``).
BACKEND_DURATIONS = PendingHistogram(BACKEND_DURATION, DURATION_BUCKETS_S)
BATCH_SIZES = PendingHistogram(LOADER_BATCH_SIZE, BATCH_SIZE_BUCKETS)
