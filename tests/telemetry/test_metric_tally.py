"""The backend call counters: counted in a dict, reported by an observable counter."""

from __future__ import annotations

from opentelemetry.metrics import CallbackOptions
from opentelemetry.sdk.metrics import MeterProvider
from opentelemetry.sdk.metrics.export import InMemoryMetricReader

from commercegraph.telemetry.instruments import Tally


def test_equal_label_sets_from_different_guards_add_up() -> None:
    tally = Tally()
    ok = {"backend": "pricing", "operation": "price_rows", "outcome": "ok"}
    same = dict(ok)  # another guard's label set with the same labels
    failed = {**ok, "outcome": "timeout"}
    for labels in (ok, ok, same, failed):
        tally.add(1, labels)
    observed = {
        tuple(sorted(o.attributes.items())): o.value for o in tally.observe(CallbackOptions())
    }
    assert observed == {tuple(sorted(ok.items())): 3, tuple(sorted(failed.items())): 1}


def test_an_sdk_reader_collects_the_counts_as_a_monotonic_sum() -> None:
    reader = InMemoryMetricReader()
    meter = MeterProvider(metric_readers=[reader]).get_meter("test")
    tally = Tally()
    meter.create_observable_counter("calls", callbacks=[tally.observe])
    labels = {"backend": "content", "operation": "entries", "outcome": "ok"}
    tally.add(2, labels)
    first = reader.get_metrics_data()
    tally.add(1, labels)
    second = reader.get_metrics_data()

    def points(data: object) -> list[tuple[dict[str, str], int]]:
        (metric,) = data.resource_metrics[0].scope_metrics[0].metrics  # type: ignore[attr-defined]
        assert metric.data.is_monotonic
        return [(dict(p.attributes), p.value) for p in metric.data.data_points]

    assert points(first) == [(labels, 2)]
    assert points(second) == [(labels, 3)]
