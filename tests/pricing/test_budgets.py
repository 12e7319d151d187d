"""Budgets: redemptions are atomic and idempotent; a spent budget stops the rule applying.

The concurrency proofs run on PostgreSQL, where writers really interleave; the same
assertions hold on SQLite, which serialises writers.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import pytest_asyncio

from commercegraph.adapters.base import PricingRuleRecord
from commercegraph.adapters.native.pricing import NativePricing
from commercegraph.app import create_app
from commercegraph.auth import issue_token
from commercegraph.config import Settings
from commercegraph.demo.constants import DEVI_SODA_SKU
from commercegraph.errors import Conflict
from commercegraph.ids import from_global_id
from tests.factories import demo_database, migrate_and_seed, open_store, store_for

EFFECT = '{"type": "percent_off", "percent": 10}'


@pytest.fixture(params=["postgresql", "sqlite"])
def budget_db(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    with demo_database(request.param, tmp_path, customers=None) as db:
        yield db.url


@pytest_asyncio.fixture
async def pricing(budget_db: str) -> AsyncIterator[NativePricing]:
    store = store_for(budget_db, db_pool_size=20)
    try:
        yield NativePricing(store, Settings(database_url=budget_db))
    finally:
        await store.dispose()


async def _outcomes(calls: list[asyncio.Future[list[str]] | object]) -> tuple[int, int]:
    results = await asyncio.gather(*calls, return_exceptions=True)  # type: ignore[arg-type]
    unexpected = [
        r for r in results if isinstance(r, BaseException) and not isinstance(r, Conflict)
    ]
    assert not unexpected, unexpected
    return sum(not isinstance(r, BaseException) for r in results), sum(
        isinstance(r, Conflict) for r in results
    )


async def test_concurrent_redemptions_never_exceed_the_total_budget(pricing: NativePricing) -> None:
    await pricing.save_rule(
        PricingRuleRecord("r_total", "total", "true", EFFECT, max_redemptions=5), "t"
    )
    ok, refused = await _outcomes(
        [pricing.redeem(f"ord_{i}", f"cus_{i}", ["r_total"]) for i in range(30)]
    )
    assert (ok, refused) == (5, 25)
    usage = await pricing.budget_usage([("r_total", "")])
    assert usage[0].redeemed == 5


async def test_concurrent_redemptions_never_exceed_the_customer_budget(
    pricing: NativePricing,
) -> None:
    await pricing.save_rule(
        PricingRuleRecord("r_mine", "mine", "true", EFFECT, max_redemptions_per_customer=2), "t"
    )
    ok, refused = await _outcomes(
        [pricing.redeem(f"ord_{i}", "cus_x", ["r_mine"]) for i in range(12)]
    )
    assert (ok, refused) == (2, 10)
    other = await pricing.redeem("ord_other", "cus_y", ["r_mine"])
    assert other == ["r_mine"]
    usage = await pricing.budget_usage([("r_mine", "cus_x"), ("r_mine", "cus_y")])
    assert [(u.redeemed, u.redeemed_by_customer) for u in usage] == [(3, 2), (3, 1)]


async def test_redeeming_is_idempotent_per_order_and_all_or_nothing(pricing: NativePricing) -> None:
    await pricing.save_rule(PricingRuleRecord("r_a", "a", "true", EFFECT, max_redemptions=3), "t")
    await pricing.save_rule(PricingRuleRecord("r_b", "b", "true", EFFECT, max_redemptions=1), "t")
    results = await asyncio.gather(
        *[pricing.redeem("ord_same", "cus_1", ["r_a", "r_b"]) for _ in range(8)]
    )
    assert all(r == ["r_a", "r_b"] for r in results)
    with pytest.raises(Conflict):
        await pricing.redeem("ord_next", "cus_1", ["r_a", "r_b"])  # r_b is spent
    usage = await pricing.budget_usage([("r_a", ""), ("r_b", "")])
    assert [u.redeemed for u in usage] == [1, 1]  # r_a was not counted for the refused order


async def test_a_spent_budget_stops_the_rule_in_quotes(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'seeded.db'}"
    await asyncio.to_thread(migrate_and_seed, url, customers=0, seed=1)
    settings = Settings(database_url=url)
    app = create_app(settings)
    staff = issue_token(settings, subject="pricing-test", scope="staff")
    quote = (
        '{ quote(input: {lines: [{sku: "%s", quantity: 1}]}) { appliedRules { ruleId } } }'
        % DEVI_SODA_SKU
    )
    upsert = (
        """mutation { upsertPricingRule(input: {name: "Once", condition: "line.sku == \\"%s\\"",
      effect: "{\\"type\\": \\"amount_off\\", \\"amount\\": 10}", maxRedemptions: 1}) { id } }"""
        % DEVI_SODA_SKU
    )
    transport = httpx.ASGITransport(app=app)
    try:
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as http:
            created = await http.post(
                "/graphql", json={"query": upsert}, headers={"Authorization": f"Bearer {staff}"}
            )
            assert "errors" not in created.json(), created.json()
            before = (await http.post("/graphql", json={"query": quote})).json()["data"]["quote"]
            rule_id = from_global_id(created.json()["data"]["upsertPricingRule"]["id"])[1]
            assert rule_id in {r["ruleId"] for r in before["appliedRules"]}
            assert await app.state.registry.pricing.redeem("ord_1", None, [rule_id]) == [rule_id]
            after = (await http.post("/graphql", json={"query": quote})).json()["data"]["quote"]
            assert rule_id not in {r["ruleId"] for r in after["appliedRules"]}
    finally:
        await app.state.store.dispose()


async def test_the_welcome_offer_is_redeemed_once_per_customer(tmp_path: Path) -> None:
    from commercegraph.auth import Caller
    from commercegraph.context import Context
    from commercegraph.resolvers.pricing import quote_lines, redeem
    from commercegraph.store import models as m
    from commercegraph.store.models.base import utcnow

    url = f"sqlite+aiosqlite:///{tmp_path / 'welcome.db'}"
    await asyncio.to_thread(migrate_and_seed, url, customers=0, seed=1)
    async with open_store(url) as store, store.write() as session:
        session.add(m.Customer(id="cus_new", display_name="New", email=None, created_at=utcnow()))
    settings = Settings(database_url=url)
    app = create_app(settings)
    caller = Caller(customer_id="cus_new", scopes=frozenset({"customer"}), subject="cus_new")
    try:

        async def quote() -> Any:
            ctx = Context.build(caller, app.state.registry, settings)
            lines = [(DEVI_SODA_SKU, 20, None)]
            return ctx, await quote_lines(ctx, lines, channel="WEB", store_id=None, currency=None)

        ctx, first = await quote()
        assert "rule_welcome" in first.rule_ids
        assert await redeem(ctx, "ord_welcome", first.rule_ids) == ["rule_welcome"]
        assert await redeem(ctx, "ord_welcome", first.rule_ids) == ["rule_welcome"]  # idempotent
        _, again = await quote()
        assert "rule_welcome" not in again.rule_ids
        assert again.total > first.total
    finally:
        await app.state.store.dispose()
