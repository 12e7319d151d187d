"""The demo-data generator: the catalogue, the story customers, the ledger and determinism."""

from __future__ import annotations

import asyncio
import itertools
import statistics
from collections import defaultdict
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from sqlalchemy import select, text

from commercegraph.demo import (
    DEVI_COFFEE_SKU,
    DEVI_ID,
    DEVI_SHOES_SKU,
    DOWNTOWN_ID,
    SAM_ID,
    SAM_PHONE_SKU,
    WAREHOUSE_ID,
    SeedSummary,
    clear_demo,
    seed_demo,
)
from commercegraph.services.identity import normalise_identifier
from commercegraph.services.loyalty import points_for_spend, points_to_next_tier, tier_for
from commercegraph.store.db import Store
from commercegraph.store.migrate import upgrade
from commercegraph.store.models import Base
from tests.factories import store_for

NOW = datetime(2025, 3, 14, tzinfo=UTC)
CUSTOMERS = 60
SEED = 7
ACCESSORY_CATEGORIES = ("cat_cases", "cat_chargers", "cat_screen_guards", "cat_earbuds")


async def migrated_store(path: Path) -> Store:
    url = f"sqlite+aiosqlite:///{path}"
    await asyncio.to_thread(upgrade, url)
    return store_for(url)


async def rows(store: Store, sql: str, **params: Any) -> list[dict[str, Any]]:
    async with store.read() as session:
        result = await session.execute(text(sql), params)
        return [dict(r._mapping) for r in result]


async def dump(store: Store, table: str) -> list[tuple[Any, ...]]:
    """Every row of a table, through the models' column types, in primary-key order."""
    t = Base.metadata.tables[table]
    async with store.read() as session:
        result = await session.execute(select(t).order_by(*t.primary_key.columns))
        return [tuple(r) for r in result]


@pytest_asyncio.fixture(scope="module")
async def seeded(
    tmp_path_factory: pytest.TempPathFactory,
) -> AsyncIterator[tuple[Store, SeedSummary]]:
    store = await migrated_store(tmp_path_factory.mktemp("demo") / "a.db")
    summary = await seed_demo(store, customers=CUSTOMERS, seed=SEED, now=NOW)
    yield store, summary
    await store.dispose()


@pytest.fixture
def store(seeded: tuple[Store, SeedSummary]) -> Store:
    return seeded[0]


async def test_summary_counts_match_the_tables(seeded: tuple[Store, SeedSummary]) -> None:
    store, summary = seeded
    assert summary.customers == CUSTOMERS + 2  # Devi and Sam come in addition
    for field, table in (
        ("products", "products"),
        ("orders", "orders"),
        ("order_lines", "order_lines"),
        ("events", "events"),
        ("prices", "prices"),
        ("stock_rows", "stock"),
        ("content_entries", "content_entries"),
        ("ledger_transactions", "ledger_transactions"),
        ("locations", "locations"),
        ("customers", "customers"),
    ):
        (count,) = await rows(store, f"SELECT count(*) AS n FROM {table}")
        assert count["n"] == getattr(summary, field), field
    assert summary.elapsed_s > 0


async def test_catalogue_products_and_accessories(store: Store) -> None:
    products = await rows(store, "SELECT * FROM products")
    assert len(products) >= 300
    for p in products:
        assert p["sku"].startswith("SKU-") and p["id"].startswith("prd_")
        assert 1.0 <= p["rating"] <= 5.0 and p["tier"] in (1, 2, 3)
        assert (
            p["name"].lower() in p["name_search"] and p["name_search"] == p["name_search"].lower()
        )
    coffee = [p for p in products if p["category_id"] == "cat_coffee_pods"]
    assert coffee and all("coffee" in p["name_search"] for p in coffee)
    phones = {p["id"]: p for p in products if p["category_id"] == "cat_phones"}
    by_id = {p["id"]: p for p in products}
    relations = await rows(store, "SELECT * FROM product_relations WHERE kind = 'ACCESSORY'")
    related: dict[str, set[str]] = defaultdict(set)
    for r in relations:
        related[r["product_id"]].add(r["related_id"])
    assert set(related) == set(phones)
    for phone_id, accessory_ids in related.items():
        kinds = {by_id[a]["category_id"] for a in accessory_ids}
        assert {"cat_cases", "cat_chargers", "cat_screen_guards"} <= kinds
        cases = [by_id[a] for a in accessory_ids if by_id[a]["category_id"] == "cat_cases"]
        assert all(c["name"].startswith(phones[phone_id]["name"] + " ") for c in cases)


async def test_locations(store: Store) -> None:
    locations = {loc["id"]: loc for loc in await rows(store, "SELECT * FROM locations")}
    stores = [loc for loc in locations.values() if loc["kind"] == "STORE"]
    assert len(stores) >= 4 and all(s["can_pickup"] for s in stores)
    warehouse = locations[WAREHOUSE_ID]
    assert (
        warehouse["kind"] == "WAREHOUSE" and warehouse["can_ship"] and not warehouse["can_pickup"]
    )
    downtown = locations[DOWNTOWN_ID]
    assert downtown["name"] == "Downtown"
    assert downtown["lat"] == pytest.approx(45.5190) and downtown["lon"] == pytest.approx(-122.6790)


async def test_prices_stock_and_content(store: Store) -> None:
    prices = await rows(store, "SELECT * FROM prices")
    assert {p["currency"] for p in prices} == {"USD", "EUR"}
    assert all(isinstance(p["amount"], int) and p["amount"] > 0 for p in prices)
    assert {3, 6} <= {p["min_quantity"] for p in prices}
    assert any(p["channel"] == "MOBILE_APP" for p in prices)
    base = {
        (p["sku"], p["currency"])
        for p in prices
        if p["channel"] is None and p["customer_group"] is None and p["min_quantity"] == 1
    }
    skus = {p["sku"] for p in await rows(store, "SELECT sku FROM products")}
    assert base == {(sku, c) for sku in skus for c in ("USD", "EUR")}
    floors = {p["sku"]: p["floor_price"] for p in await rows(store, "SELECT * FROM products")}
    assert all(p["amount"] > floors[p["sku"]] for p in prices if p["currency"] == "USD")

    (stock,) = await rows(store, "SELECT count(*) AS n, max(reserved) AS r FROM stock")
    locations = await rows(store, "SELECT count(*) AS n FROM locations")
    assert stock["n"] == len(skus) * locations[0]["n"] and stock["r"] == 0

    content = await rows(
        store,
        "SELECT entity_type, locale, count(*) AS n FROM content_entries "
        "GROUP BY entity_type, locale",
    )
    counts = {(c["entity_type"], c["locale"]): c["n"] for c in content}
    assert counts[("product", "en-US")] == counts[("product", "de-DE")] == len(skus)
    assert counts[("category", "en-US")] == counts[("category", "de-DE")] > 0


async def test_devi_story(store: Store) -> None:
    identifiers = await rows(
        store, "SELECT * FROM customer_identifiers WHERE customer_id = :c", c=DEVI_ID
    )
    by_kind = {i["kind"]: i["value"] for i in identifiers}
    assert set(by_kind) == {"EMAIL", "PHONE", "LOYALTY_CARD", "DEVICE", "POS_CUSTOMER"}
    assert by_kind["EMAIL"] == "devi@example.com" and by_kind["LOYALTY_CARD"] == "LC-DEVI-0001"

    coffee = await rows(
        store,
        """SELECT DISTINCT o.id, o.placed_at FROM orders o
        JOIN order_lines l ON l.order_id = o.id
        WHERE o.customer_id = :c AND l.sku = :sku ORDER BY o.placed_at""",
        c=DEVI_ID,
        sku=DEVI_COFFEE_SKU,
    )
    times = [datetime.fromisoformat(r["placed_at"]).replace(tzinfo=UTC) for r in coffee]
    assert len(times) > 25  # two years of it
    intervals = [(b - a).total_seconds() / 86400 for a, b in itertools.pairwise(times)]
    assert 18 <= statistics.median(intervals) <= 24
    assert timedelta(days=18) <= NOW - times[-1] <= timedelta(days=20)

    views = await rows(
        store,
        """SELECT occurred_at, channel FROM events
        WHERE customer_id = :c AND type = 'product_viewed' AND sku = :sku""",
        c=DEVI_ID,
        sku=DEVI_SHOES_SKU,
    )
    assert views and all(v["channel"] == "WEB" for v in views)
    for v in views:
        age = NOW - datetime.fromisoformat(v["occurred_at"]).replace(tzinfo=UTC)
        assert timedelta(days=1) <= age <= timedelta(days=3)
    (level,) = await rows(
        store,
        "SELECT * FROM stock WHERE sku = :s AND location_id = :l",
        s=DEVI_SHOES_SKU,
        l=DOWNTOWN_ID,
    )
    assert level["on_hand"] - level["reserved"] - level["safety_stock"] >= 3

    since = (NOW - timedelta(days=365)).replace(tzinfo=None).isoformat(sep=" ")
    (spend,) = await rows(
        store,
        """SELECT sum(total) AS s FROM orders WHERE customer_id = :c
        AND status = 'COMPLETED' AND placed_at >= :since""",
        c=DEVI_ID,
        since=since,
    )
    points = points_for_spend(spend["s"])
    gap = points_to_next_tier(points)
    assert gap is not None and 20 <= gap <= 80
    (loyalty,) = await rows(
        store, "SELECT * FROM loyalty_accounts WHERE customer_id = :c", c=DEVI_ID
    )
    assert loyalty["qualifying_spend"] == spend["s"] and loyalty["tier"] == tier_for(points)

    accounts = {
        a["kind"]: a
        for a in await rows(store, "SELECT * FROM ledger_accounts WHERE owner_id = :c", c=DEVI_ID)
    }
    assert accounts["WALLET"]["balance"] == 4250 and accounts["WALLET"]["unit"] == "USD"
    assert accounts["POINTS"]["balance"] > 0 and accounts["POINTS"]["unit"] == "PTS"
    methods = await rows(store, "SELECT * FROM payment_methods WHERE customer_id = :c", c=DEVI_ID)
    (default,) = [m for m in methods if m["is_default"]]
    assert default["label"] == "PayPal ····@example.com"
    (consent,) = await rows(store, "SELECT * FROM consents WHERE customer_id = :c", c=DEVI_ID)
    assert consent["marketing_email"] and consent["marketing_sms"] and consent["personalization"]
    channels = {
        r["channel"]
        for r in await rows(
            store, "SELECT DISTINCT channel FROM orders WHERE customer_id = :c", c=DEVI_ID
        )
    }
    assert {"MOBILE_APP", "STORE"} <= channels


async def test_sam_story(store: Store) -> None:
    lines = await rows(
        store,
        """SELECT o.id, o.channel, o.placed_at, l.sku, p.category_id
        FROM orders o JOIN order_lines l ON l.order_id = o.id JOIN products p ON p.sku = l.sku
        WHERE o.customer_id = :c""",
        c=SAM_ID,
    )
    phone_orders = {r["id"] for r in lines if r["category_id"] == "cat_phones"}
    assert len(phone_orders) == 1
    (phone,) = [r for r in lines if r["category_id"] == "cat_phones"]
    assert phone["sku"] == SAM_PHONE_SKU and phone["channel"] == "WEB"
    age = NOW - datetime.fromisoformat(phone["placed_at"]).replace(tzinfo=UTC)
    assert timedelta(days=20) <= age <= timedelta(days=40)
    assert not [r for r in lines if r["category_id"] in ACCESSORY_CATEGORIES]
    (consent,) = await rows(store, "SELECT * FROM consents WHERE customer_id = :c", c=SAM_ID)
    assert consent["marketing_email"]


async def test_orders_are_consistent(store: Store) -> None:
    orders = {o["id"]: o for o in await rows(store, "SELECT * FROM orders")}
    sums: dict[str, int] = defaultdict(int)
    for line in await rows(store, "SELECT * FROM order_lines"):
        assert line["line_total"] == line["unit_price"] * line["quantity"] > 0
        sums[line["order_id"]] += line["line_total"]
    assert set(sums) == set(orders)
    for order in orders.values():
        assert order["subtotal"] == sums[order["id"]]
        assert order["total"] == order["subtotal"] - order["discount"] >= 0
        if order["channel"] == "STORE" or order["fulfillment"] == "PICKUP":
            assert order["store_id"]
        assert order["currency"] == "USD"
    assert {o["channel"] for o in orders.values()} == {"WEB", "MOBILE_APP", "STORE"}


async def test_identifiers_are_normalised_and_everyone_has_consent(store: Store) -> None:
    for ident in await rows(store, "SELECT kind, value FROM customer_identifiers"):
        assert normalise_identifier(ident["kind"], ident["value"]) == ident["value"]
    (missing,) = await rows(
        store,
        """SELECT count(*) AS n FROM customers c
        WHERE NOT EXISTS (SELECT 1 FROM consents s WHERE s.customer_id = c.id)
           OR NOT EXISTS (SELECT 1 FROM customer_identifiers i
                          WHERE i.customer_id = c.id AND i.kind = 'EMAIL')""",
    )
    assert missing["n"] == 0
    defaults = await rows(
        store,
        """SELECT customer_id, sum(is_default) AS d
        FROM payment_methods GROUP BY customer_id""",
    )
    assert all(d["d"] == 1 for d in defaults)
    labels = await rows(store, "SELECT label FROM payment_methods")
    assert all("····" in m["label"] for m in labels)


async def test_ledger_balances(store: Store) -> None:
    sums = {
        r["account_id"]: r["s"]
        for r in await rows(
            store, "SELECT account_id, sum(amount) AS s FROM ledger_entries GROUP BY account_id"
        )
    }
    accounts = await rows(store, "SELECT * FROM ledger_accounts")
    assert {a["id"] for a in accounts if a["owner_id"] == "system"} == {
        "acct_system_FUNDING_USD",
        "acct_system_SALES_USD",
        "acct_system_POINTS_ISSUED_PTS",
    }
    for account in accounts:
        assert account["balance"] == sums.get(account["id"], 0), account["id"]
        assert account["id"] == f"acct_{account['owner_id']}_{account['kind']}_{account['unit']}"
        if not account["allow_negative"]:
            assert account["balance"] >= 0
    unbalanced = await rows(
        store,
        """SELECT e.transaction_id, a.unit, sum(e.amount) AS s
        FROM ledger_entries e JOIN ledger_accounts a ON a.id = e.account_id
        GROUP BY e.transaction_id, a.unit HAVING sum(e.amount) != 0""",
    )
    assert unbalanced == []
    kinds = {r["kind"] for r in await rows(store, "SELECT DISTINCT kind FROM ledger_transactions")}
    assert kinds == {"TOP_UP", "PAYMENT", "EARN"}
    for loyalty in await rows(store, "SELECT * FROM loyalty_accounts"):
        assert loyalty["tier"] == tier_for(points_for_spend(loyalty["qualifying_spend"]))


async def test_deterministic_refuses_non_empty_and_clears(
    seeded: tuple[Store, SeedSummary], tmp_path: Path
) -> None:
    first = seeded[0]
    second = await migrated_store(tmp_path / "b.db")
    try:
        await seed_demo(second, customers=CUSTOMERS, seed=SEED, now=NOW)
        for table in ("products", "orders", "order_lines", "ledger_entries", "customers"):
            assert await dump(first, table) == await dump(second, table), table
        with pytest.raises(RuntimeError, match="already holds"):
            await seed_demo(second, customers=CUSTOMERS, seed=SEED, now=NOW)

        await clear_demo(second)
        for model_table in Base.metadata.sorted_tables:
            assert await dump(second, model_table.name) == [], model_table.name
        await seed_demo(second, customers=CUSTOMERS, seed=SEED + 1, now=NOW)
        assert await dump(first, "products") == await dump(second, "products")
        assert await dump(first, "customers") != await dump(second, "customers")
    finally:
        await second.dispose()
