"""Customer segmentation: RFM quintiles and named segments, ABC classes, behaviour.

Pure and vectorised over a :class:`CustomerActivity` table (one entry per customer), so a
whole customer base is segmented in one pass. A full refresh *fits* the cut points (RFM
quintile boundaries, ABC revenue thresholds) on everyone; an incremental update scores one
customer against the cut points of the last full refresh, so both give the same answer for
the same data.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray
from scipy.stats import rankdata

from commercegraph.services.segment_names import RFM_SEGMENT_NAMES

IntArray = NDArray[np.int64]
FloatArray = NDArray[np.float64]

RFM, ABC, BEHAVIOUR = "RFM", "ABC", "BEHAVIOUR"

# R score by (F+M)/2 rounded up: rows R = 1..5, columns FM = 1..5.
_RFM_MAP: tuple[tuple[str, ...], ...] = (
    ("lost", "lost", "at-risk", "at-risk", "cannot-lose-them"),
    ("hibernating", "hibernating", "at-risk", "at-risk", "cannot-lose-them"),
    ("about-to-sleep", "about-to-sleep", "need-attention", "loyal", "loyal"),
    ("promising", "potential-loyalist", "potential-loyalist", "loyal", "champions"),
    ("new", "potential-loyalist", "potential-loyalist", "champions", "champions"),
)
RFM_SEGMENTS: dict[str, str] = RFM_SEGMENT_NAMES

ABC_A_SHARE = 0.80  # customers making the first 80% of revenue
ABC_B_SHARE = 0.95  # the next 15%; the last 5% are C

# Behaviour thresholds: a habit needs a few orders to be a habit, and most of them.
BEHAVIOUR_MIN_ORDERS = 3
DISCOUNT_SHARE = 0.5  # at least half of the orders carried a discount
BRAND_SHARE = 0.6  # at least 60% of units from one brand
BRAND_MIN_UNITS = 3
CHANNEL_SHARE = 0.6  # at least 60% of orders in one channel
WEEKEND_SHARE = 0.6  # weekend days are 2/7 ≈ 29% of the week; 60% is a clear habit

CHANNELS = ("WEB", "MOBILE_APP", "STORE", "CALL_CENTER", "MARKETPLACE")


def _prefers(channel: str) -> str:
    return f"prefers-{channel.lower().replace('_', '-')}"


BEHAVIOUR_SEGMENTS: dict[str, str] = {
    "discount-driven": "Discount-driven",
    "brand-loyal": "Brand-loyal",
    "weekend-shopper": "Weekend shopper",
    "referrer": "Referrer",
    **{_prefers(c): f"Prefers {c.lower().replace('_', ' ')}" for c in CHANNELS},
}


def segment_name(key: str) -> tuple[str, str]:
    """``(name, kind)`` of a segment key such as ``rfm:champions`` or ``abc:A``."""
    prefix, _, slug = key.partition(":")
    if prefix == "rfm" and slug in RFM_SEGMENTS:
        return RFM_SEGMENTS[slug], RFM
    if prefix == "abc" and slug in ("A", "B", "C"):
        return f"Class {slug}", ABC
    if prefix == "behaviour" and slug in BEHAVIOUR_SEGMENTS:
        return BEHAVIOUR_SEGMENTS[slug], BEHAVIOUR
    raise KeyError(key)


SEGMENT_KEYS: tuple[str, ...] = (
    *(f"rfm:{s}" for s in RFM_SEGMENTS),
    "abc:A",
    "abc:B",
    "abc:C",
    *(f"behaviour:{s}" for s in BEHAVIOUR_SEGMENTS),
)


@dataclass(frozen=True)
class CustomerActivity:
    """Order history summarised per customer; times are days before ``now``."""

    customer_ids: Sequence[str]
    order_count: IntArray
    revenue: IntArray  # minor units
    days_since_first: FloatArray
    days_since_last: FloatArray
    discounted_orders: IntArray
    weekend_orders: IntArray
    channel_orders: Mapping[str, IntArray]
    top_brand_units: IntArray
    brand_units: IntArray
    referrals: IntArray
    # Purchases as the lifetime-value models count them: orders of one UTC calendar day are
    # one purchase. ``None`` (a table built by hand) counts every order as its own day.
    purchase_days: IntArray | None = None
    first_day_revenue: IntArray | None = None  # minor units spent on the first purchase day

    @property
    def size(self) -> int:
        return len(self.customer_ids)

    @classmethod
    def build(
        cls, customer_ids: Sequence[str], **columns: Sequence[float] | Mapping[str, Any]
    ) -> CustomerActivity:
        """From plain lists; missing columns are zeros."""
        n = len(customer_ids)
        ints = (
            "order_count",
            "revenue",
            "discounted_orders",
            "weekend_orders",
            "top_brand_units",
            "brand_units",
            "referrals",
        )
        values: dict[str, Any] = {
            name: np.asarray(columns.get(name, np.zeros(n)), dtype=np.int64) for name in ints
        }
        for name in ("days_since_first", "days_since_last"):
            values[name] = np.asarray(columns.get(name, np.zeros(n)), dtype=np.float64)
        for name in ("purchase_days", "first_day_revenue"):
            if name in columns:
                values[name] = np.asarray(columns[name], dtype=np.int64)
        channels = columns.get("channel_orders", {})
        assert isinstance(channels, Mapping)
        values["channel_orders"] = {
            c: np.asarray(channels.get(c, np.zeros(n)), dtype=np.int64) for c in CHANNELS
        }
        return cls(customer_ids=list(customer_ids), **values)


def _cut_points(values: FloatArray) -> tuple[float, ...]:
    """The lowest value scoring 2, 3, 4 and 5 when scores are quintiles of rank (ties share
    a score, so a value always maps to one score)."""
    if values.size == 0:
        return (math.inf,) * 4
    ranks = rankdata(values, method="average")
    scores = np.clip(np.ceil(5.0 * ranks / values.size), 1, 5).astype(np.int64)
    return tuple(
        float(values[scores >= s].min()) if np.any(scores >= s) else math.inf for s in range(2, 6)
    )


def _score(values: FloatArray, cut_points: Sequence[float]) -> IntArray:
    return (1 + np.searchsorted(np.asarray(cut_points), values, side="right")).astype(np.int64)


@dataclass(frozen=True, slots=True)
class RfmModel:
    """Quintile boundaries; recency is scored on ``-days_since_last`` (recent is high)."""

    recency: tuple[float, ...]
    frequency: tuple[float, ...]
    monetary: tuple[float, ...]

    def to_params(self) -> dict[str, list[float | None]]:
        def enc(cuts: tuple[float, ...]) -> list[float | None]:
            return [None if math.isinf(c) else c for c in cuts]  # JSON has no infinity

        return {
            "recency": enc(self.recency),
            "frequency": enc(self.frequency),
            "monetary": enc(self.monetary),
        }

    @classmethod
    def from_params(cls, params: Mapping[str, Sequence[float | None]]) -> RfmModel:
        def dec(cuts: Sequence[float | None]) -> tuple[float, ...]:
            return tuple(math.inf if c is None else float(c) for c in cuts)

        return cls(dec(params["recency"]), dec(params["frequency"]), dec(params["monetary"]))


def fit_rfm(activity: CustomerActivity) -> RfmModel:
    buyers = activity.order_count > 0
    return RfmModel(
        recency=_cut_points(-activity.days_since_last[buyers]),
        frequency=_cut_points(activity.order_count[buyers].astype(np.float64)),
        monetary=_cut_points(activity.revenue[buyers].astype(np.float64)),
    )


@dataclass(frozen=True)
class RfmScores:
    recency: IntArray
    frequency: IntArray
    monetary: IntArray
    segment: list[str | None]  # slug of the named segment; None without orders


def score_rfm(model: RfmModel, activity: CustomerActivity) -> RfmScores:
    buyers = activity.order_count > 0
    r = np.where(buyers, _score(-activity.days_since_last, model.recency), 0)
    f = np.where(buyers, _score(activity.order_count.astype(np.float64), model.frequency), 0)
    m = np.where(buyers, _score(activity.revenue.astype(np.float64), model.monetary), 0)
    fm = (f + m + 1) // 2
    segment = [
        _RFM_MAP[ri - 1][fmi - 1] if ri > 0 else None
        for ri, fmi in zip(r.tolist(), fm.tolist(), strict=True)
    ]
    return RfmScores(r.astype(np.int64), f.astype(np.int64), m.astype(np.int64), segment)


@dataclass(frozen=True, slots=True)
class AbcModel:
    """Revenue at or above ``a_min`` is class A, at or above ``b_min`` class B, else C."""

    a_min: float
    b_min: float

    def to_params(self) -> dict[str, float | None]:
        return {
            "a_min": None if math.isinf(self.a_min) else self.a_min,
            "b_min": None if math.isinf(self.b_min) else self.b_min,
        }

    @classmethod
    def from_params(cls, params: Mapping[str, float | None]) -> AbcModel:
        a, b = params["a_min"], params["b_min"]
        return cls(math.inf if a is None else float(a), math.inf if b is None else float(b))


def fit_abc(revenue: IntArray) -> AbcModel:
    """Class by each customer's revenue share *before* them in descending order, so the
    customer who crosses 80% is still A: A holds the first 80% of revenue."""
    values = np.sort(revenue[revenue > 0].astype(np.float64))[::-1]
    total = float(values.sum())
    if total <= 0:
        return AbcModel(math.inf, math.inf)
    share_before = (np.cumsum(values) - values) / total
    a = values[share_before < ABC_A_SHARE]
    b = values[share_before < ABC_B_SHARE]
    return AbcModel(float(a.min()), float(b.min()))


def classify_abc(model: AbcModel, revenue: IntArray) -> list[str]:
    rev = revenue.astype(np.float64)
    classes = np.where(
        (rev >= model.a_min) & (rev > 0), "A", np.where((rev >= model.b_min) & (rev > 0), "B", "C")
    )
    return [str(c) for c in classes.tolist()]


def behaviour_segments(activity: CustomerActivity) -> list[list[str]]:
    """Behavioural segment slugs per customer."""
    n = activity.order_count
    orders = np.maximum(n, 1).astype(np.float64)
    habitual = n >= BEHAVIOUR_MIN_ORDERS
    flags: dict[str, NDArray[np.bool_]] = {
        "discount-driven": habitual & (activity.discounted_orders / orders >= DISCOUNT_SHARE),
        "brand-loyal": (activity.brand_units >= BRAND_MIN_UNITS)
        & (activity.top_brand_units / np.maximum(activity.brand_units, 1) >= BRAND_SHARE),
        "weekend-shopper": habitual & (activity.weekend_orders / orders >= WEEKEND_SHARE),
        "referrer": activity.referrals > 0,
    }
    for channel, counts in activity.channel_orders.items():
        flags[_prefers(channel)] = habitual & (counts / orders >= CHANNEL_SHARE)
    result: list[list[str]] = [[] for _ in range(activity.size)]
    for slug, mask in flags.items():
        for i in np.flatnonzero(mask).tolist():
            result[i].append(slug)
    return result


@dataclass(frozen=True)
class Segmentation:
    """Everything a refresh writes, per customer in the activity's order."""

    rfm: RfmScores
    abc: list[str]
    behaviour: list[list[str]]
    memberships: list[list[str]] = field(default_factory=list)  # segment keys


def segment(activity: CustomerActivity, rfm: RfmModel, abc: AbcModel) -> Segmentation:
    scores = score_rfm(rfm, activity)
    classes = classify_abc(abc, activity.revenue)
    behaviour = behaviour_segments(activity)
    memberships = []
    for i in range(activity.size):
        keys = [f"rfm:{scores.segment[i]}"] if scores.segment[i] is not None else []
        if activity.order_count[i] > 0:
            keys.append(f"abc:{classes[i]}")
        keys.extend(f"behaviour:{slug}" for slug in behaviour[i])
        memberships.append(keys)
    return Segmentation(scores, classes, behaviour, memberships)
