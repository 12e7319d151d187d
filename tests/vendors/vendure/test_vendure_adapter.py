"""The Vendure adapter against a real Vendure 3 server seeded with the demo catalogue."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, cast

import pytest

from commercegraph.adapters import harness
from commercegraph.adapters.base import CartQuery, NewOrder, NewOrderLine, OrderQuery, ProductSearch
from commercegraph.adapters.vendure import create_adapter
from commercegraph.adapters.vendure import harness as vendure_harness
from commercegraph.adapters.vendure.seed import APP_CHANNEL, VENDURE_ONLY_VARIANTS, channel_prices
from commercegraph.config import Settings
from commercegraph.demo import DEVI_COFFEE_SKU, DOWNTOWN_ID, WAREHOUSE_ID
from commercegraph.demo.catalog import build_catalog
from commercegraph.demo.inventory import LOCATIONS, stock_rows, to_eur
from commercegraph.errors import BackendError, Conflict, NotFound
from commercegraph.services.pricing import select_base_price
from commercegraph.store.db import Store
from tests.vendors.vendure.conftest import build, settings_for

pytestmark = pytest.mark.vendor

CATALOG = build_catalog(datetime.now(UTC))
COFFEE = CATALOG.by_sku[DEVI_COFFEE_SKU]
TEE_S, TEE_M, TEE_L = (sku for _, sku, _ in VENDURE_ONLY_VARIANTS)
TEE_M_PRICE = VENDURE_ONLY_VARIANTS[1][2]


def new_order(
    cart_id: str, customer_id: str, key: str, lines: list[tuple[str, int, int]]
) -> NewOrder:
    subtotal = sum(q * p for _, q, p in lines)
    return NewOrder(
        customer_id=customer_id,
        cart_id=cart_id,
        channel="WEB",
        currency="USD",
        lines=tuple(NewOrderLine(sku, q, p) for sku, q, p in lines),
        subtotal=subtotal,
        discount=0,
        total=subtotal,
        fulfillment="SHIP",
        location_id=WAREHOUSE_ID,
        store_id=None,
        address=None,
        idempotency_key=key,
        reservation_reference=f"res-{key}",
    )


async def admin_orders(commerce: Any, customer_id: str) -> list[dict[str, Any]]:
    data = await commerce.client.admin(
        """query($id: String!) { orders(options: { filter: { cgCustomerId: { eq: $id } } }) {
             items { code state totalWithTax currencyCode
                     lines { quantity unitPriceWithTax productVariant { sku } } } } }""",
        {"id": customer_id},
    )
    return list(data["orders"]["items"])


async def test_products_by_sku_in_key_order_with_variants_and_none(commerce: Any) -> None:
    tee, missing, coffee = await commerce.products_by_sku([TEE_M, "SKU-NOT-THERE", COFFEE.sku])
    assert missing is None
    assert coffee.sku == COFFEE.sku and coffee.name == COFFEE.name
    assert coffee.category == "Coffee Pods" and coffee.brand is not None
    assert [v.sku for v in coffee.variants] == [COFFEE.sku]
    assert tee.name == "Trail Tee" and tee.handle == "trail-tee"
    assert tee.sku == TEE_S  # the default (first) variant's sku
    assert [(v.sku, v.options) for v in tee.variants] == [
        (TEE_S, (("size", "S"),)),
        (TEE_M, (("size", "M"),)),
        (TEE_L, (("size", "L"),)),
    ]
    assert tee.options == (("size", ("S", "M", "L")),)
    by_id = await commerce.products_by_id([coffee.id, "999999", "not-an-id", tee.id])
    assert [p.sku if p else None for p in by_id] == [COFFEE.sku, None, None, TEE_S]


async def test_categories_are_collections_with_parents(commerce: Any) -> None:
    (coffee,) = await commerce.products_by_sku([COFFEE.sku])
    pods, missing = await commerce.categories_by_id([coffee.category_id, "99999"])
    assert missing is None
    assert pods.name == "Coffee Pods" and pods.parent_id is not None
    (grocery,) = await commerce.categories_by_id([pods.parent_id])
    assert grocery.name == "Grocery" and grocery.parent_id is None


async def test_search_pages_by_cursor_in_name_order(commerce: Any) -> None:
    search = ProductSearch(category="Coffee Pods", first=12, sort="NAME")
    (first,) = await commerce.search_products([search])
    expected = sorted(info.name for info in CATALOG.by_category["cat_coffee_pods"])
    assert first.total_count == len(expected) == 30
    assert first.has_next_page and not first.has_previous_page
    assert len(first.items) == len(first.cursors) == 12
    after = ProductSearch(category="Coffee Pods", first=12, sort="NAME", after=first.end_cursor)
    (second,) = await commerce.search_products([after])
    back = ProductSearch(category="Coffee Pods", last=12, sort="NAME", before=second.cursors[0])
    (previous,) = await commerce.search_products([back])
    names = [p.name for p in first.items + second.items]
    assert names == expected[:24]
    assert [p.id for p in previous.items] == [p.id for p in first.items]
    (facets,) = await commerce.product_facets([ProductSearch(category="Coffee Pods")])
    assert sum(f.count for f in facets.brands) == 30
    (term,) = await commerce.search_products([ProductSearch(query="Trail Tee", first=5)])
    assert TEE_S in [p.sku for p in term.items]


async def test_prices_in_both_currencies(pricing: Any) -> None:
    usd, eur, tee_eur, missing = await pricing.price_rows(
        [(COFFEE.sku, "USD"), (COFFEE.sku, "EUR"), (TEE_M, "EUR"), ("SKU-NOT-THERE", "USD")]
    )
    assert [(r.currency, r.amount, r.tax_included) for r in usd] == [("USD", COFFEE.price, False)]
    assert [(r.currency, r.amount) for r in eur] == [("EUR", to_eur(COFFEE.price))]
    assert [r.amount for r in tee_eur] == [to_eur(TEE_M_PRICE)]
    assert missing == []


async def test_stock_per_location(inventory: Any) -> None:
    locations = await inventory.locations()
    ids = {loc.id for loc in locations}
    assert {loc[0] for loc in LOCATIONS} <= ids
    downtown, missing = await inventory.locations_by_id([DOWNTOWN_ID, "loc_nowhere"])
    assert missing is None and downtown.kind == "STORE" and downtown.can_pickup
    expected = {
        row["location_id"]: row["on_hand"]
        for row in stock_rows(CATALOG.infos)
        if row["sku"] == COFFEE.sku
    }
    coffee, nothing = await inventory.stock([COFFEE.sku, "SKU-NOT-THERE"])
    assert nothing == []
    assert {row.location_id: row.on_hand for row in coffee} == expected


async def test_cart_to_order_appears_in_admin_once_per_key(commerce: Any) -> None:
    customer = f"cus_vendure_{datetime.now(UTC).timestamp():.0f}"
    cart = await commerce.create_cart(customer, "WEB", "USD")
    assert cart.status == "OPEN" and cart.lines == () and cart.customer_id == customer
    await commerce.set_cart_line(cart.id, TEE_M, 2)
    await commerce.set_cart_line(cart.id, COFFEE.sku, 1)
    merged = await commerce.set_cart_line(cart.id, TEE_M, 1)
    assert {(line.sku, line.quantity) for line in merged.lines} == {(TEE_M, 3), (COFFEE.sku, 1)}
    replaced = await commerce.replace_cart_line(cart.id, TEE_M, 2)
    assert {(line.sku, line.quantity) for line in replaced.lines} == {(TEE_M, 2), (COFFEE.sku, 1)}
    (read,) = await commerce.carts_by_id([cart.id])
    assert read == replaced
    (listed,) = await commerce.carts_for_customers([CartQuery(customer_id=customer)])
    assert [c.id for c in listed.items] == [cart.id]
    lines = [(TEE_M, 2, TEE_M_PRICE), (COFFEE.sku, 1, COFFEE.price)]
    order = await commerce.place_order(new_order(cart.id, customer, "key-1", lines))
    again = await commerce.place_order(new_order(cart.id, customer, "key-1", lines))
    assert again == order
    assert order.id == cart.id and order.status == "PLACED"
    assert order.total.amount == 2 * TEE_M_PRICE + COFFEE.price and order.total.currency == "USD"
    assert {(line.sku, line.quantity, line.unit_price.amount) for line in order.lines} == set(lines)

    (placed,) = await admin_orders(commerce, customer)  # exactly one Vendure order
    assert placed["code"] == order.id and placed["state"] == "PaymentSettled"
    assert placed["totalWithTax"] == order.total.amount
    assert {(line["productVariant"]["sku"], line["quantity"]) for line in placed["lines"]} == {
        (TEE_M, 2),
        (COFFEE.sku, 1),
    }
    (closed,) = await commerce.carts_by_id([cart.id])
    assert closed.status == "ORDERED"
    assert await commerce.order_for_key(customer, "key-1", cart.id) == order
    assert await commerce.order_for_key(customer, "key-other", cart.id) is None
    with pytest.raises(Conflict):
        await commerce.order_for_key(customer, "key-1", "OTHERCART")
    with pytest.raises(Conflict):
        await commerce.set_cart_line(cart.id, TEE_M, 1)
    (history,) = await commerce.orders_for_customers([OrderQuery(customer_id=customer)])
    assert [o.id for o in history.items] == [order.id]
    assert await commerce.orders_by_id([order.id, "NOSUCHORDER"]) == [order, None]


async def test_unknown_ids_are_none_and_unknown_carts_not_found(commerce: Any) -> None:
    assert await commerce.carts_by_id(["NOSUCHCART"]) == [None]
    assert await commerce.orders_by_id(["NOSUCHORDER"]) == [None]
    assert await commerce.categories_by_id(["424242"]) == [None]
    with pytest.raises(NotFound):
        await commerce.set_cart_line("NOSUCHCART", TEE_M, 1)
    cart = await commerce.create_cart("cus_vendure_unknown_sku", "WEB", "USD")
    with pytest.raises(NotFound):
        await commerce.set_cart_line(cart.id, "SKU-NOT-THERE", 1)


async def test_a_killed_server_is_a_backend_failure(
    vendure: harness.Started, tmp_path: Path
) -> None:
    second = vendure_harness.start(data=tmp_path / "data")  # a copy of the seeded template
    commerce = build("commerce", second)
    pricing = build("pricing", second)
    try:
        (product,) = await commerce.products_by_sku([COFFEE.sku])
        assert product is not None
        harness.kill(second.pid)
        with pytest.raises(BackendError) as caught:
            await commerce.products_by_id([product.id])
        assert caught.value.code == "BACKEND_UNAVAILABLE" and caught.value.backend == "commerce"
        with pytest.raises(BackendError):
            await pricing.price_rows([(COFFEE.sku, "USD")])
    finally:
        harness.kill(second.pid)
        await commerce.aclose()
        await pricing.aclose()


async def test_a_checkout_cut_off_half_way_is_finished_by_the_retry(
    vendure: harness.Started, commerce: Any
) -> None:
    customer = f"cus_vendure_retry_{datetime.now(UTC).timestamp():.0f}"
    cart = await commerce.create_cart(customer, "WEB", "USD")
    await commerce.set_cart_line(cart.id, TEE_L, 1)
    order = new_order(cart.id, customer, "retry-key", [(TEE_L, 1, VENDURE_ONLY_VARIANTS[2][2])])
    unpayable = create_adapter(
        "commerce",
        Settings(),
        cast(Store, None),
        settings_for(vendure).model_copy(update={"payment_method": "no-such-method"}),
    )
    try:
        with pytest.raises(Conflict):  # stops after ArrangingPayment, before any payment
            await unpayable.place_order(order)
    finally:
        await unpayable.aclose()
    (halfway,) = await admin_orders(commerce, customer)
    assert halfway["state"] == "ArrangingPayment"
    assert await commerce.order_for_key(customer, "retry-key", cart.id) is None
    placed = await commerce.place_order(order)
    assert placed.id == cart.id and placed.status == "PLACED"
    (only,) = await admin_orders(commerce, customer)
    assert only["code"] == cart.id and only["state"] == "PaymentSettled"


QUOTE_PROMOTION = """query { promotions(options: { filter: { name: { eq: "CommerceGraph quote" } } }) {
  items { id enabled } } }"""
ENABLE = """mutation($id: ID!, $on: Boolean!) { updatePromotion(input: { id: $id, enabled: $on }) {
  __typename } }"""


async def test_an_order_is_placed_at_the_quote_or_not_at_all(commerce: Any) -> None:
    customer = f"cus_vendure_quote_{datetime.now(UTC).timestamp():.0f}"
    cart = await commerce.create_cart(customer, "WEB", "USD")
    await commerce.set_cart_line(cart.id, TEE_M, 3)
    await commerce.set_cart_line(cart.id, COFFEE.sku, 1)
    # 1999 a tee and 10 off the whole order: prices Vendure's list does not have
    quoted = new_order(cart.id, customer, "quote-key", [(TEE_M, 3, 1999), (COFFEE.sku, 1, 250)])
    order = dataclasses.replace(quoted, discount=10, total=quoted.total - 10)
    (promotion,) = (await commerce.client.admin(QUOTE_PROMOTION))["promotions"]["items"]
    await commerce.client.admin(ENABLE, {"id": promotion["id"], "on": False})
    try:
        with pytest.raises(BackendError) as caught:  # the adjustment has nowhere to go
            await commerce.place_order(order)
    finally:
        await commerce.client.admin(ENABLE, {"id": promotion["id"], "on": True})
    assert (
        "would not place order" in caught.value.message and "its total is" in caught.value.message
    )
    (unplaced,) = await admin_orders(commerce, customer)
    assert unplaced["state"] == "AddingItems"  # no payment was taken
    assert await commerce.order_for_key(customer, "quote-key", cart.id) is None

    placed = await commerce.place_order(order)
    assert placed.total.amount == 3 * 1999 + 250 - 10 and placed.discount.amount == 10
    assert {(li.sku, li.quantity, li.unit_price.amount) for li in placed.lines} == {
        (TEE_M, 3, 1999),
        (COFFEE.sku, 1, 250),
    }
    (only,) = await admin_orders(commerce, customer)
    assert only["state"] == "PaymentSettled" and only["totalWithTax"] == placed.total.amount


async def test_a_cart_changed_since_its_quote_is_not_placed(commerce: Any) -> None:
    customer = f"cus_vendure_stale_{datetime.now(UTC).timestamp():.0f}"
    cart = await commerce.create_cart(customer, "WEB", "USD")
    await commerce.set_cart_line(cart.id, TEE_M, 2)
    with pytest.raises(Conflict):
        await commerce.place_order(new_order(cart.id, customer, "stale", [(TEE_M, 1, 2499)]))
    (open_cart,) = await admin_orders(commerce, customer)
    assert open_cart["state"] == "AddingItems"


async def test_accessories_are_the_product_relation_field(commerce: Any) -> None:
    phone_sku, accessory_skus = sorted(CATALOG.accessories.items())[0]
    (phone,) = await commerce.products_by_sku([phone_sku])
    accessories = await commerce.products_by_sku(list(accessory_skus))
    expected = sorted({p.id for p in accessories}, key=lambda i: (len(i), i))
    related, similar, missing = await commerce.related_products(
        [(phone.id, "ACCESSORY"), (phone.id, "SIMILAR"), ("424242", "ACCESSORY")]
    )
    assert related == expected and len(expected) == len(set(accessory_skus)) > 0
    assert phone.id not in related
    assert similar == [] and missing == []


async def test_a_second_channel_holds_the_mobile_app_prices(pricing: Any) -> None:
    app_prices = channel_prices(CATALOG, APP_CHANNEL)
    app_sku = sorted(app_prices)[0]
    web_only = next(info.sku for info in CATALOG.infos if info.sku not in app_prices)
    app_usd, app_eur, web_usd = await pricing.price_rows(
        [(app_sku, "USD"), (app_sku, "EUR"), (web_only, "USD")]
    )
    base = CATALOG.by_sku[app_sku].price
    assert sorted((r.channel or "", r.amount) for r in app_usd) == [
        ("", base),
        (APP_CHANNEL, app_prices[app_sku]["USD"]),
    ]
    assert app_prices[app_sku]["USD"] < base
    assert sorted((r.channel or "", r.amount) for r in app_eur) == [
        ("", to_eur(base)),
        (APP_CHANNEL, app_prices[app_sku]["EUR"]),
    ]
    assert [(r.channel, r.amount) for r in web_usd] == [(None, CATALOG.by_sku[web_only].price)]
    now = datetime.now(UTC)
    chosen = {
        channel: select_base_price(
            app_usd, channel=channel, customer_group=None, quantity=1, now=now
        )
        for channel in ("WEB", APP_CHANNEL)
    }
    assert chosen["WEB"] is not None and chosen["WEB"].amount == base
    assert chosen[APP_CHANNEL] is not None
    assert chosen[APP_CHANNEL].amount == app_prices[app_sku]["USD"]
