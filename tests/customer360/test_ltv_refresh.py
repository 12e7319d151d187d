"""Lifetime value through the refresh, on order histories simulated from known parameters:
the fit recovers them (same-day orders merged into one purchase, Gamma-Gamma on the mean of
the repeat purchases), and a hold-out period is predicted within a few per cent."""

from __future__ import annotations

import asyncio
import json
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import numpy as np
import pytest
from sqlalchemy import insert, select

from commercegraph.cli import main
from commercegraph.customer360 import refresh
from commercegraph.customer360.holdout import holdout_report
from commercegraph.services.ltv import GammaGamma, bounded_parameters
from commercegraph.store import models as m
from tests.customer360.simulate import simulate_purchase_days, simulate_purchase_values
from tests.factories import demo_database, store_for

CUSTOMERS = 5_000
SEED = 2026
CUT = datetime(2026, 1, 1, tzinfo=UTC)  # the fit sees orders up to here
HOLDOUT_DAYS = 180
END = CUT + timedelta(days=HOLDOUT_DAYS)
TRUE_BGNBD = {"r": 0.8, "alpha": 40.0, "a": 0.6, "b": 3.0}  # days
TRUE_GAMMA_GAMMA = {"p": 6.0, "q": 4.0, "gamma": 1500.0}  # minor units: $30 a purchase
SPLIT_SHARE = 0.3  # purchases paid as two orders on the same day
# Each fitted parameter within 25% of the truth (5,000 customers, one seed, whole-day
# purchase times); the hold-out totals within 10% of what happened.
RECOVERY_TOLERANCE = 0.25
HOLDOUT_TOLERANCE = 0.10


@dataclass(frozen=True)
class Simulated:
    url: str
    dialect: str
    orders: int
    purchases: int


def _histories() -> tuple[list[dict[str, Any]], list[dict[str, Any]], int]:
    rng = np.random.default_rng(SEED)
    first_day = rng.integers(120, 720, CUSTOMERS)  # days before the cut
    span = first_day + HOLDOUT_DAYS - 1.0
    times = simulate_purchase_days(rng, CUSTOMERS, **TRUE_BGNBD, span=span.astype(float))
    values = simulate_purchase_values(rng, [t.size for t in times], **TRUE_GAMMA_GAMMA)
    customers, orders, purchases = [], [], 0
    for i in range(CUSTOMERS):
        cid = f"cus_sim{i:05d}"
        first = CUT - timedelta(days=int(first_day[i])) + timedelta(hours=10)
        customers.append(
            {
                "id": cid,
                "display_name": f"Simulated {i}",
                "email": f"{cid}@example.com",
                "customer_group": "RETAIL",
                "created_at": first - timedelta(days=1),
            }
        )
        days = np.floor(times[i]).astype(int)
        spend = np.maximum(np.rint(values[i]), 2).astype(int)
        for n, (day, value) in enumerate(zip(days, spend, strict=True)):
            at = first + timedelta(days=int(day))
            if n and day == days[n - 1]:
                continue  # two purchases in one day are one purchase
            purchases += 1
            parts = [value]
            if rng.random() < SPLIT_SHARE:
                head = int(value * 0.4)
                parts = [head, int(value) - head]
            for k, part in enumerate(parts):
                orders.append(
                    {
                        "id": f"ord_{cid}_{n}_{k}",
                        "customer_id": cid,
                        "channel": "WEB",
                        "placed_at": at + timedelta(hours=6 * k),
                        "currency": "USD",
                        "subtotal": int(part),
                        "discount": 0,
                        "total": int(part),
                        "fulfillment": "SHIP",
                        "status": "COMPLETED",
                    }
                )
    return customers, orders, purchases


def _load(url: str) -> tuple[int, int]:
    customers, orders, purchases = _histories()

    async def write() -> None:
        store = store_for(url)
        try:
            async with store.write() as session:
                await session.execute(insert(m.Customer), customers)
                for start in range(0, len(orders), 5_000):
                    await session.execute(insert(m.Order), orders[start : start + 5_000])
        finally:
            await store.dispose()

    asyncio.run(write())
    return len(orders), purchases


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def simulated(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Simulated]:
    directory = tmp_path_factory.mktemp("ltv")
    with demo_database(request.param, directory, customers=None) as db:
        yield Simulated(db.url, db.kind, *_load(db.url))


def _within(fitted: dict[str, float], truth: dict[str, float]) -> bool:
    return all(abs(fitted[k] - v) / v <= RECOVERY_TOLERANCE for k, v in truth.items())


async def test_refresh_recovers_the_simulated_parameters(simulated: Simulated) -> None:
    store = store_for(simulated.url)
    try:
        summary = await refresh.refresh_all(store, "USD", CUT)
        async with store.read() as session:
            stored = {r.name: r.params for r in await session.scalars(select(m.Customer360Model))}
            predicted = list(
                await session.scalars(
                    select(m.CustomerMetrics.predicted_12m).where(
                        m.CustomerMetrics.predicted_12m.is_not(None)
                    )
                )
            )
    finally:
        await store.dispose()
    assert simulated.orders > simulated.purchases  # same-day orders exist to be merged
    assert summary.customers == summary.buyers == CUSTOMERS
    assert summary.warnings == []
    assert summary.bgnbd is not None and summary.gamma_gamma is not None
    assert _within(summary.bgnbd, TRUE_BGNBD), summary.bgnbd
    assert _within(summary.gamma_gamma, TRUE_GAMMA_GAMMA), summary.gamma_gamma
    assert stored["gamma_gamma"] == summary.gamma_gamma
    assert len(predicted) == CUSTOMERS


async def test_the_holdout_period_is_predicted(simulated: Simulated) -> None:
    store = store_for(simulated.url)
    try:
        report = await holdout_report(store, "USD", CUT, END)
        async with store.read() as session:
            written = await session.scalar(select(m.Customer360Model.fitted_at).limit(1))
    finally:
        await store.dispose()
    assert report["customers"] == CUSTOMERS and report["holdout_days"] == HOLDOUT_DAYS
    assert report["warnings"] == []
    transactions, spend = report["transactions"], report["spend"]
    assert transactions["actual"] > 1_000 and spend["actual"] > 30_000_00
    assert abs(transactions["relative_error"]) <= HOLDOUT_TOLERANCE, transactions
    assert abs(spend["relative_error"]) <= HOLDOUT_TOLERANCE, spend
    assert 0 < transactions["mae_per_customer"] < 1.5
    # the check writes nothing: the models stored are the previous refresh's (or none)
    assert written is None or written.replace(tzinfo=UTC) == CUT


def test_the_cli_prints_the_holdout_report(
    simulated: Simulated, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("CG_DATABASE_URL", simulated.url)
    cut, until = (CUT - timedelta(days=1)).date(), (END - timedelta(days=1)).date()
    argv = ["segments", "refresh", "--as-of", cut.isoformat(), "--until", until.isoformat()]
    assert main(argv) == 0
    report = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert report["as_of"] == CUT.isoformat() and report["until"] == END.isoformat()
    assert abs(report["transactions"]["relative_error"]) <= HOLDOUT_TOLERANCE
    assert main(["segments", "refresh", "--as-of", "2026-07-01", "--until", "2026-06-01"]) == 2
    assert "must end after" in capsys.readouterr().err


async def test_too_few_repeat_buyers_predict_nothing(simulated: Simulated) -> None:
    store = store_for(simulated.url)
    try:
        summary = await refresh.refresh_all(store, "USD", CUT, min_repeat_buyers=CUSTOMERS)
        async with store.read() as session:
            names = set(await session.scalars(select(m.Customer360Model.name)))
            predicted = await session.scalar(
                select(m.CustomerMetrics.predicted_12m).where(
                    m.CustomerMetrics.predicted_12m.is_not(None)
                )
            )
        await refresh.refresh_all(store, "USD", CUT)  # the other tests' state back
    finally:
        await store.dispose()
    assert summary.bgnbd is None and summary.gamma_gamma is None
    assert summary.repeat_buyers < CUSTOMERS
    assert summary.warnings == [
        f"lifetime value not fitted: {summary.repeat_buyers} repeat buyers,"
        f" at least {CUSTOMERS} needed"
    ]
    assert names == {"rfm", "abc"} and predicted is None


def test_the_models_see_purchase_days_and_the_repeat_purchase_mean() -> None:
    from commercegraph.services.segmentation import CustomerActivity

    # three orders on two days: 1000 on the first day (two orders), 3000 on a later one
    activity = CustomerActivity.build(
        ["c"],
        order_count=[3],
        revenue=[4000],
        days_since_first=[30.0],
        days_since_last=[10.0],
        purchase_days=[2],
        first_day_revenue=[1000],
    )
    _, frequency, recency, age, monetary = refresh._ltv_inputs(activity)
    assert (frequency[0], recency[0], age[0], monetary[0]) == (1.0, 20.0, 30.0, 3000.0)


def test_a_fit_stopped_at_a_bound_is_flagged() -> None:
    assert bounded_parameters(GammaGamma(p=6.0, q=4.0, gamma=15.0)) == []
    assert bounded_parameters(GammaGamma(p=float(np.exp(12.0)), q=4.0, gamma=15.0)) == ["p"]
