"""RFM quintiles and named segments, ABC classes and behaviour, on hand-built activity."""

from __future__ import annotations

import numpy as np
import pytest

from commercegraph.errors import Conflict
from commercegraph.services.identity_resolution import resolve_identity
from commercegraph.services.segmentation import (
    SEGMENT_KEYS,
    AbcModel,
    CustomerActivity,
    RfmModel,
    classify_abc,
    fit_abc,
    fit_rfm,
    score_rfm,
    segment,
    segment_name,
)


def _base(n: int, **columns: object) -> CustomerActivity:
    ids = [f"c{i}" for i in range(n)]
    return CustomerActivity.build(ids, **columns)  # type: ignore[arg-type]


def test_quintiles_split_distinct_values_evenly() -> None:
    n = 100
    activity = _base(
        n,
        order_count=list(range(1, n + 1)),
        revenue=[1000 * (i + 1) for i in range(n)],
        days_since_last=list(range(n)),  # c0 bought today
    )
    scores = score_rfm(fit_rfm(activity), activity)
    for dimension in (scores.recency, scores.frequency, scores.monetary):
        assert sorted(np.bincount(dimension)[1:].tolist()) == [20] * 5
    assert scores.recency[0] == 5 and scores.recency[-1] == 1
    assert scores.frequency[0] == 1 and scores.frequency[-1] == 5


def test_ties_share_a_score_and_non_buyers_have_none() -> None:
    activity = _base(6, order_count=[1, 1, 1, 1, 2, 0], revenue=[5, 5, 5, 5, 9, 0])
    scores = score_rfm(fit_rfm(activity), activity)
    assert len(set(scores.frequency[:4].tolist())) == 1
    assert scores.frequency[4] > scores.frequency[0]
    assert scores.frequency[5] == 0 and scores.segment[5] is None


def test_named_segments_follow_the_r_and_fm_grid() -> None:
    model = RfmModel(recency=(-80, -60, -40, -20), frequency=(2, 3, 4, 5), monetary=(2, 3, 4, 5))
    activity = _base(
        5,
        order_count=[5, 1, 5, 1, 3],
        revenue=[5, 1, 5, 1, 3],
        days_since_last=[1, 1, 100, 100, 50],
    )
    scores = score_rfm(model, activity)
    assert scores.segment == ["champions", "new", "cannot-lose-them", "lost", "need-attention"]


def test_full_fit_and_incremental_scoring_agree() -> None:
    rng = np.random.default_rng(3)
    n = 500
    activity = _base(
        n,
        order_count=rng.integers(1, 20, n),
        revenue=rng.integers(100, 100_000, n),
        days_since_last=rng.uniform(0, 700, n),
    )
    model = fit_rfm(activity)
    again = RfmModel.from_params(model.to_params())
    full = score_rfm(model, activity)
    one = _base(
        1,
        order_count=activity.order_count[[42]],
        revenue=activity.revenue[[42]],
        days_since_last=activity.days_since_last[[42]],
    )
    single = score_rfm(again, one)
    assert (single.recency[0], single.frequency[0], single.monetary[0]) == (
        full.recency[42],
        full.frequency[42],
        full.monetary[42],
    )


def test_abc_classes_hold_80_15_5_of_revenue() -> None:
    revenue = np.array([500, 300, 100, 50, 30, 10, 5, 5, 0], dtype=np.int64)  # total 1000
    model = fit_abc(revenue)
    classes = classify_abc(model, revenue)
    # A: 500 (0% before) and 300 (50% before); 100 starts at 80% -> B; 50 at 90% -> B
    assert classes == ["A", "A", "B", "B", "C", "C", "C", "C", "C"]
    assert AbcModel.from_params(model.to_params()) == model


def test_behaviour_segments() -> None:
    activity = _base(
        4,
        order_count=[4, 4, 1, 4],
        revenue=[10, 10, 10, 10],
        discounted_orders=[3, 0, 1, 0],
        weekend_orders=[0, 3, 1, 0],
        channel_orders={"STORE": [4, 1, 1, 0], "WEB": [0, 3, 0, 2]},
        top_brand_units=[5, 1, 1, 0],
        brand_units=[6, 4, 1, 0],
        referrals=[0, 0, 2, 0],
    )
    seg = segment(activity, fit_rfm(activity), fit_abc(activity.revenue))
    assert set(seg.behaviour[0]) == {"discount-driven", "brand-loyal", "prefers-store"}
    assert set(seg.behaviour[1]) == {"weekend-shopper", "prefers-web"}
    assert seg.behaviour[2] == ["referrer"]  # one order is no habit, but referring is
    assert seg.behaviour[3] == []
    for keys in seg.memberships:
        assert all(k in SEGMENT_KEYS for k in keys)
        assert sum(k.startswith("rfm:") for k in keys) == 1
        assert sum(k.startswith("abc:") for k in keys) == 1


def test_segment_names() -> None:
    assert segment_name("rfm:cannot-lose-them") == ("Cannot Lose Them", "RFM")
    assert segment_name("abc:A") == ("Class A", "ABC")
    assert segment_name("behaviour:prefers-mobile-app") == ("Prefers mobile app", "BEHAVIOUR")
    with pytest.raises(KeyError):
        segment_name("rfm:nope")


def test_identity_resolution_links_unknown_identifiers_to_the_one_customer() -> None:
    ids = [("EMAIL", "devi@example.com"), ("DEVICE", "dev-new"), ("DEVICE", "dev-new")]
    res = resolve_identity(None, ids, ["cus_devi", None, None])
    assert res.customer_id == "cus_devi"
    assert res.to_link == (("DEVICE", "dev-new"),)
    assert resolve_identity(None, ids[1:2], [None]).customer_id is None
    assert resolve_identity("cus_devi", [], []).customer_id == "cus_devi"


def test_identity_resolution_refuses_two_customers() -> None:
    with pytest.raises(Conflict) as exc:
        resolve_identity("cus_sam", [("EMAIL", "devi@example.com")], ["cus_devi"])
    assert exc.value.extensions["customers"] == ["cus_devi", "cus_sam"]
