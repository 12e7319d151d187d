"""Values kept back by ``PendingHistogram`` export as the SDK's own ``record`` makes them."""

from __future__ import annotations

import random
import time
from collections.abc import Iterable
from dataclasses import asdict
from typing import Any

import pytest
from opentelemetry.metrics import CallbackOptions, Observation
from opentelemetry.sdk.metrics import Histogram, MeterProvider
from opentelemetry.sdk.metrics.export import AggregationTemporality, InMemoryMetricReader
from opentelemetry.sdk.metrics.view import ExponentialBucketHistogramAggregation, View

from commercegraph.telemetry import histogram
from commercegraph.telemetry.histogram import PendingHistogram
from commercegraph.telemetry.instruments import BATCH_SIZE_BUCKETS, DURATION_BUCKETS_S

LABELS = [
    {"backend": "pricing", "operation": "price_rows", "outcome": "ok"},
    {"backend": "pricing", "operation": "price_rows", "outcome": "error"},
    {"backend": "content", "operation": "entries", "outcome": "ok"},
]


def _reader(temporality: AggregationTemporality) -> InMemoryMetricReader:
    return InMemoryMetricReader(preferred_temporality={Histogram: temporality})


def _points(reader: InMemoryMetricReader) -> dict[str, Any]:
    """Every exported point but its timestamps, by metric name and label set."""
    data = reader.get_metrics_data()
    found: dict[str, Any] = {}
    for resource in data.resource_metrics if data else ():
        for scope in resource.scope_metrics:
            for metric in scope.metrics:
                found[metric.name] = (
                    metric.unit,
                    metric.description,
                    getattr(metric.data, "aggregation_temporality", None),
                    sorted(
                        (
                            sorted(point.attributes.items()),
                            {
                                k: v
                                for k, v in asdict(point).items()
                                if k not in ("attributes", "start_time_unix_nano", "time_unix_nano")
                            },
                        )
                        for point in metric.data.data_points
                    ),
                )
    return found


def _pair(
    temporality: AggregationTemporality, views: Iterable[View] = ()
) -> tuple[Any, InMemoryMetricReader, PendingHistogram, InMemoryMetricReader]:
    """The SDK's histogram recorded directly, and one fed through ``PendingHistogram`` whose
    values are handed over whenever its reader collects (as the gateway's are)."""
    direct_reader, pending_reader = _reader(temporality), _reader(temporality)
    direct = (
        MeterProvider(metric_readers=[direct_reader], views=list(views))
        .get_meter("test")
        .create_histogram(
            "duration", unit="s", explicit_bucket_boundaries_advisory=DURATION_BUCKETS_S
        )
    )
    meter = MeterProvider(metric_readers=[pending_reader], views=list(views)).get_meter("test")
    pending = PendingHistogram(
        meter.create_histogram(
            "duration", unit="s", explicit_bucket_boundaries_advisory=DURATION_BUCKETS_S
        ),
        DURATION_BUCKETS_S,
    )

    def hand_over(_: CallbackOptions) -> Iterable[Observation]:
        pending.flush()
        return ()

    meter.create_observable_counter("calls", callbacks=[hand_over])
    return direct, direct_reader, pending, pending_reader


@pytest.mark.parametrize(
    "temporality", [AggregationTemporality.CUMULATIVE, AggregationTemporality.DELTA]
)
@pytest.mark.parametrize(
    "views",
    [
        [],
        [View(instrument_name="duration", aggregation=ExponentialBucketHistogramAggregation())],
        [View(instrument_name="duration", attribute_keys={"backend"})],
    ],
    ids=["sdk defaults", "another aggregation", "attributes filtered"],
)
def test_exported_points_are_those_record_makes(
    temporality: AggregationTemporality, views: list[View]
) -> None:
    direct, direct_reader, pending, pending_reader = _pair(temporality, views)
    bound = [pending.bind(labels) for labels in LABELS]
    rng = random.Random(3)
    for _ in range(3):  # collections with values between, and one with none
        for _ in range(rng.randrange(0, 400)):
            index = rng.randrange(len(LABELS))
            value = rng.choice([0.0, 0.005, 0.0049, 12.0, rng.expovariate(200)])
            direct.record(value, LABELS[index])
            bound[index].record(value)
        _same(_points(pending_reader), _points(direct_reader), exact_sums=not views)
    _same(_points(pending_reader), _points(direct_reader), exact_sums=not views)


def _same(found: dict[str, Any], expected: dict[str, Any], *, exact_sums: bool) -> None:
    """Replayed through ``record`` in another order (label set by label set), values that
    a view adds together can round their float sum differently in the last place."""
    if not exact_sums:
        for *_, data_points in expected.values():
            for _, point in data_points:
                point["sum"] = pytest.approx(point["sum"], rel=1e-12)
    assert found == expected


def test_values_are_handed_over_before_a_reader_collects_and_not_twice() -> None:
    direct, direct_reader, pending, pending_reader = _pair(AggregationTemporality.CUMULATIVE)
    bound_at = time.time_ns()
    ok = pending.bind(LABELS[0])
    assert pending.bind(dict(LABELS[0])) is ok  # equal label sets share one binding
    for value in (0.001, 0.02, 0.3):
        direct.record(value, LABELS[0])
        ok.record(value)
    assert ok.values == [0.001, 0.02, 0.3]
    collected_at = time.time_ns()
    first = _points(pending_reader)
    assert first == _points(direct_reader) and ok.values == []
    assert _points(pending_reader) == first  # collected again: nothing added twice
    (_, _, _, [(_, point)]) = first["duration"]
    assert point["count"] == 3 and point["bucket_counts"][0] == 1
    # the series starts when the label set was first recorded, not when it was handed over
    data = pending_reader.get_metrics_data()
    (point,) = data.resource_metrics[0].scope_metrics[0].metrics[0].data.data_points  # type: ignore[union-attr]
    assert bound_at <= point.start_time_unix_nano <= collected_at


def test_values_kept_back_are_bounded_when_nothing_collects(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(histogram, "FLUSH_AT", 10)
    direct, direct_reader, pending, pending_reader = _pair(AggregationTemporality.CUMULATIVE)
    ok = pending.bind(LABELS[0])
    for n in range(25):
        direct.record(n / 100, LABELS[0])
        ok.record(n / 100)
        assert len(ok.values) < 10
    assert _points(pending_reader) == _points(direct_reader)


def test_values_recorded_at_once_and_kept_back_add_up() -> None:
    direct, direct_reader, pending, pending_reader = _pair(AggregationTemporality.CUMULATIVE)
    ok = pending.bind(LABELS[0])
    for n, value in enumerate((0.001, 0.02, 0.3, 4.0)):
        direct.record(value, LABELS[0])
        ok.record_now(value) if n % 2 else ok.record(value)
    assert _points(pending_reader) == _points(direct_reader)


def test_batch_sizes_keep_their_integer_buckets() -> None:
    reader, direct_reader = _reader(AggregationTemporality.CUMULATIVE), InMemoryMetricReader()
    meter = MeterProvider(metric_readers=[reader]).get_meter("test")
    sizes = PendingHistogram(
        meter.create_histogram("size", explicit_bucket_boundaries_advisory=BATCH_SIZE_BUCKETS),
        BATCH_SIZE_BUCKETS,
    )
    direct = (
        MeterProvider(metric_readers=[direct_reader])
        .get_meter("test")
        .create_histogram("size", explicit_bucket_boundaries_advisory=BATCH_SIZE_BUCKETS)
    )
    bound = sizes.bind(LABELS[0])
    for size in (1, 2, 3, 50, 51, 1000, 1001):
        bound.record(size)
        direct.record(size, LABELS[0])
    sizes.flush()
    assert _points(reader) == _points(direct_reader)


def test_under_the_sdk_defaults_values_go_straight_into_its_aggregations() -> None:
    """The SDK's internals this relies on are those of the installed SDK: if an upgrade
    changes them, this fails rather than every value being replayed through ``record``."""
    _, _, pending, _ = _pair(AggregationTemporality.CUMULATIVE)
    found = pending._aggregations(dict(LABELS[0]))
    assert found is not None and len(found) == 1
