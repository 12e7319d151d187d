"""A histogram front that keeps values in plain lists and hands them to the SDK in bulk.

The SDK's ``Histogram.record`` cleans, copies, sorts and hashes the attribute mapping and
takes two locks for every value (about 7 µs). A guarded backend call records two values, so
the guard binds each label set once and appends to a list (well under 1 µs); the values are
added to the SDK's own aggregations, bucket counts, sum, min and max at once, when a reader
collects or a list grows long. What a reader exports is what ``record`` would have made.

>>> durations = PendingHistogram(BACKEND_DURATION, DURATION_BUCKETS_S)
>>> ok = durations.bind({"backend": "pricing", "operation": "price_rows", "outcome": "ok"})
>>> ok.record(0.0021)

Only values that could not carry an exemplar are kept back (the guard records those of
sampled calls through ``record_now``). Where the SDK is set up otherwise than by its defaults
for the instrument (a view that filters attributes or picks another aggregation, other
bucket boundaries, an always-on exemplar filter), the kept values are replayed through
``record`` instead.
"""

from __future__ import annotations

import math
import threading
from bisect import bisect_left
from collections.abc import Mapping, Sequence
from typing import Any

from opentelemetry.metrics import Histogram
from opentelemetry.sdk.metrics import AlwaysOnExemplarFilter
from opentelemetry.sdk.metrics import Histogram as SDKHistogram
from opentelemetry.sdk.metrics._internal._view_instrument_match import _hash_attributes
from opentelemetry.sdk.metrics._internal.aggregation import _ExplicitBucketHistogramAggregation

# Values a label set keeps before they are added to the SDK without waiting for a reader:
# bounds the memory when nothing collects, and a few µs per flush is then nothing per value.
FLUSH_AT = 256


class BoundHistogram:
    """One label set's values, not yet handed to the SDK."""

    __slots__ = ("_owner", "attributes", "values")

    def __init__(self, owner: PendingHistogram, attributes: Mapping[str, str]) -> None:
        self._owner = owner
        self.attributes = dict(attributes)
        self.values: list[float] = []

    def record(self, value: float) -> None:
        values = self.values
        values.append(value)
        if len(values) >= FLUSH_AT:
            self._owner.flush_one(self)

    def record_now(self, value: float) -> None:
        """Through the SDK at once, in the current context (which may give an exemplar)."""
        self._owner.instrument.record(value, self.attributes)


class PendingHistogram:
    def __init__(self, instrument: Histogram, boundaries: Sequence[float]) -> None:
        self.instrument = instrument
        self.boundaries = tuple(float(b) for b in boundaries)
        # one per distinct label set, shared by every guard that binds it: as bounded as
        # the label sets themselves
        self._bound: dict[tuple[tuple[str, str], ...], BoundHistogram] = {}
        self._lock = threading.Lock()  # a reader may collect from another thread

    def bind(self, attributes: Mapping[str, str]) -> BoundHistogram:
        """Bind once per label set and keep it (equal label sets share one binding)."""
        key = tuple(sorted(attributes.items()))
        with self._lock:
            bound = self._bound.get(key)
            if bound is None:
                bound = self._bound[key] = BoundHistogram(self, attributes)
                # the SDK's aggregation starts now, as at a first ``record``, not at the flush
                self._aggregations(bound.attributes)
        return bound

    def flush(self) -> None:
        for bound in list(self._bound.values()):
            self.flush_one(bound)

    def flush_one(self, bound: BoundHistogram) -> None:
        with self._lock:
            values = bound.values
            n = len(values)
            if not n:
                return
            # Slicing then deleting (not swapping lists) keeps a value appended meanwhile.
            taken = values[:n]
            del values[:n]
            self._hand_over(bound.attributes, taken)

    def _hand_over(self, attributes: dict[str, str], values: list[float]) -> None:
        aggregations = self._aggregations(attributes)
        if aggregations is None:
            for value in values:
                self.instrument.record(value, attributes)
            return
        values = [v for v in values if v >= 0 and math.isfinite(v)]  # as ``record`` drops
        if not values:
            return
        counts = [0] * (len(self.boundaries) + 1)
        for value in values:
            counts[bisect_left(self.boundaries, value)] += 1
        low, high = min(values), max(values)
        for match, aggregation in aggregations:
            # the match's lock: a delta reader discards its aggregations when it collects
            with match._lock, aggregation._lock:
                if aggregation._value is None:
                    aggregation._value = aggregation._get_empty_bucket_counts()
                total = aggregation._sum
                for value in values:  # one by one, so the float sum rounds as ``record``'s
                    total += value
                aggregation._sum = total
                if aggregation._record_min_max:
                    aggregation._min = min(aggregation._min, low)
                    aggregation._max = max(aggregation._max, high)
                for index, count in enumerate(counts):
                    aggregation._value[index] += count

    def _aggregations(self, attributes: dict[str, str]) -> list[tuple[Any, Any]] | None:
        """The SDK's aggregation of this label set in every reader, each as ``record`` would
        find or create it; None when ``record`` would do anything else with the values."""
        real = getattr(self.instrument, "_real_instrument", None) or self.instrument
        if not isinstance(real, SDKHistogram) or not real._is_enabled():
            return None
        consumer: Any = real._measurement_consumer  # the SDK's, with its readers' storages
        if isinstance(consumer._sdk_config.exemplar_filter, AlwaysOnExemplarFilter):
            return None
        found: list[tuple[Any, Any]] = []
        key = _hash_attributes(attributes)
        for storage in consumer._reader_storages.values():
            for match in storage._get_or_init_view_instrument_match(real):
                if match._view._attribute_keys is not None:
                    return None
                with match._lock:
                    aggregation = match._get_or_create_aggregation(key, dict(attributes))
                if (
                    type(aggregation) is not _ExplicitBucketHistogramAggregation
                    or aggregation._boundaries != self.boundaries
                ):
                    return None
                found.append((match, aggregation))
        return found
