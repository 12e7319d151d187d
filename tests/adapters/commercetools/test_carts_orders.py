"""commercetools carts and orders: version conflicts retried, one order per idempotency key,
the order priced as the gateway quoted it.

Tested against recorded responses written from commercetools' public HTTP API reference
(Create and Update Cart, the ConcurrentModification error and optimistic concurrency control,
Set LineItem TotalPrice and the ExternalTotal price mode, Create Order from Cart, Get Order by
OrderNumber and the DuplicateField error; named in ``recorded/carts.json``,
``recorded/orders.json`` and ``recorded/quoted_orders.json``), replayed through
``httpx.MockTransport``. A recording cannot be made to conflict on demand in a live project,
so these tests are recorded-only.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from commercegraph.adapters.base import CartQuery, NewOrder, NewOrderLine, OrderQuery
from commercegraph.adapters.commercetools.quotes import allocate
from commercegraph.errors import BackendTimeout, BadUserInput, Conflict, NotFound
from tests.adapters.commercetools.conftest import Project

pytestmark = pytest.mark.recorded

CART = "c7a1b2c3-0001-4d5e-9f00-00000000c001"
BUSY_CART = "c7a1b2c3-0001-4d5e-9f00-00000000c002"


def new_order(
    cart_id: str, key: str, quantity: int = 2, unit_price: int = 12999, discount: int = 0
) -> NewOrder:
    """The quote checkout made for ``quantity`` of SKU-RUN-0001 (the recorded carts' sku)."""
    return NewOrder(
        customer_id="cus_devi",
        cart_id=cart_id,
        channel="web",
        currency="USD",
        lines=(NewOrderLine("SKU-RUN-0001", quantity, unit_price),),
        subtotal=quantity * unit_price,
        discount=discount,
        total=quantity * unit_price - discount,
        fulfillment="SHIP",
        location_id="5e1f0000-0001-4a00-8000-0000000000a1",
        store_id=None,
        address="901 SW Morrison St, Portland",
        idempotency_key=key,
        reservation_reference=f"res-{key}",
    )


def bodies(project: Project, method: str, path_end: str) -> list[dict[str, object]]:
    assert project.recording is not None
    return [
        json.loads(r.content)
        for r in project.recording.requests
        if r.method == method and r.url.path.endswith(path_end)
    ]


@pytest.mark.recording("carts")
async def test_a_conflicting_update_is_recomputed_on_the_fresh_cart(project: Project) -> None:
    cart = await project.commerce.create_cart("cus_devi", "web", "USD")
    assert (cart.id, cart.currency, cart.customer_id, cart.status) == (
        CART,
        "USD",
        "cus_devi",
        "OPEN",
    )
    # someone added one unit between our read and our write: +2 lands on top of it
    updated = await project.commerce.set_cart_line(CART, "SKU-RUN-0001", 2)
    assert [(line.sku, line.quantity) for line in updated.lines] == [("SKU-RUN-0001", 3)]
    updates = bodies(project, "POST", f"/carts/{CART}")
    assert [u["version"] for u in updates] == [1, 2]
    assert updates[1]["actions"] == [
        {
            "action": "changeLineItemQuantity",
            "lineItemId": "11ae0000-0001-4a00-8000-00000000e001",
            "quantity": 3,
        }
    ]
    removed = await project.commerce.replace_cart_line(CART, "SKU-RUN-0001", 0)
    assert removed.lines == ()


@pytest.mark.recording("carts")
async def test_conflict_retries_are_bounded(project: Project) -> None:
    with pytest.raises(Conflict, match="kept changing"):
        await project.commerce.set_cart_line(BUSY_CART, "SKU-RUN-0001", 1)
    retries = project.client.settings.conflict_retries
    assert project.sent("POST", f"/carts/{BUSY_CART}") == retries + 1
    assert project.sent("GET", f"/carts/{BUSY_CART}") == retries + 1


@pytest.mark.recording("carts")
async def test_cart_reads_are_batch_shaped_and_page(project: Project) -> None:
    found = await project.commerce.carts_by_id([BUSY_CART, "nope", CART])
    assert found[0] is None and found[1] is None
    assert found[2] is not None and found[2].id == CART
    [page] = await project.commerce.carts_for_customers(
        [CartQuery("cus_devi", first=2, status="OPEN")]
    )
    assert len(page.items) == 2 and page.has_next_page and page.end_cursor is not None
    with pytest.raises(NotFound):
        await project.commerce.set_cart_line(
            "c7a1b2c3-0001-4d5e-9f00-0000000000ff", "SKU-RUN-0001", 1
        )
    with pytest.raises(BadUserInput):
        await project.commerce.create_cart(None, "web", "GBP")


@pytest.mark.recording("orders")
async def test_order_from_cart_retries_a_version_conflict_then_answers_the_key(
    project: Project,
) -> None:
    order = await project.commerce.place_order(new_order(CART, "checkout-key-1"))
    assert order.total.amount == 25998 and order.status == "PLACED"
    assert [(line.sku, line.quantity, line.unit_price.amount) for line in order.lines] == [
        ("SKU-RUN-0001", 2, 12999)
    ]
    assert order.placed_at == datetime(2025, 10, 1, 9, 10, tzinfo=UTC)
    drafts = bodies(project, "POST", "/orders")
    assert [d["version"] for d in drafts] == [4, 5]
    assert drafts[0]["orderNumber"] == drafts[1]["orderNumber"]  # the same key both times

    again = await project.commerce.place_order(new_order(CART, "checkout-key-1"))
    assert again == order
    assert project.sent("POST", "/orders") == 2  # the repeat placed nothing
    assert await project.commerce.order_for_key("cus_devi", "checkout-key-1", CART) == order
    with pytest.raises(Conflict, match="another cart"):
        await project.commerce.order_for_key("cus_devi", "checkout-key-1", BUSY_CART)


@pytest.mark.recording("orders")
async def test_a_lost_reply_is_found_by_its_key_and_never_placed_twice(project: Project) -> None:
    cart = "c7a1b2c3-0001-4d5e-9f00-00000000c003"
    with pytest.raises(BackendTimeout):
        await project.commerce.place_order(new_order(cart, "checkout-key-2", 1))
    order = await project.commerce.place_order(new_order(cart, "checkout-key-2", 1))
    assert order.id == "0d000000-0001-4a00-8000-000000000002"
    assert project.sent("POST", "/orders") == 1


@pytest.mark.recording("orders")
async def test_a_duplicate_order_number_returns_the_order_placed_under_the_key(
    project: Project,
) -> None:
    cart = "c7a1b2c3-0001-4d5e-9f00-00000000c004"
    order = await project.commerce.place_order(new_order(cart, "checkout-key-3", 1))
    assert order.id == "0d000000-0001-4a00-8000-000000000003"


@pytest.mark.recording("orders")
async def test_a_cart_no_longer_open_is_a_conflict(project: Project) -> None:
    with pytest.raises(Conflict, match="no longer open"):
        await project.commerce.place_order(
            new_order("c7a1b2c3-0001-4d5e-9f00-00000000c005", "checkout-key-4")
        )
    assert project.sent("POST", "/orders") == 0


@pytest.mark.recording("orders")
async def test_order_reads(project: Project) -> None:
    ids = ["0d000000-0001-4a00-8000-000000000002", "0d000000-0001-4a00-8000-000000000001"]
    found = await project.commerce.orders_by_id(ids)
    assert found[0] is None and found[1] is not None and found[1].id == ids[1]
    [page] = await project.commerce.orders_for_customers([OrderQuery("cus_devi", first=1)])
    assert len(page.items) == 1 and page.has_next_page


@pytest.mark.recording("quoted_orders")
async def test_the_order_records_the_gateways_quote_not_the_platforms_prices(
    project: Project,
) -> None:
    cart = "c7a1b2c3-0001-4d5e-9f00-00000000c006"
    # checkout took 26.00 off two 129.99 shoes; commercetools prices the cart at 259.98
    order = await project.commerce.place_order(new_order(cart, "checkout-key-6", discount=2600))
    assert (order.total.amount, order.subtotal.amount, order.discount.amount) == (
        23398,
        25998,
        2600,
    )
    assert [(line.sku, line.quantity, line.unit_price.amount) for line in order.lines] == [
        ("SKU-RUN-0001", 2, 12999)
    ]
    [pinned] = bodies(project, "POST", f"/carts/{cart}")
    assert pinned["actions"] == [
        {
            "action": "setLineItemTotalPrice",
            "lineItemId": "11ae0000-0001-4a00-8000-00000000e006",
            "externalTotalPrice": {
                "price": {"currencyCode": "USD", "centAmount": 12999},
                "totalPrice": {"currencyCode": "USD", "centAmount": 23398},
            },
        }
    ]
    assert [d["version"] for d in bodies(project, "POST", "/orders")] == [4]  # the pinned cart


@pytest.mark.recording("quoted_orders")
async def test_a_cart_that_no_longer_holds_the_quote_places_nothing(project: Project) -> None:
    with pytest.raises(Conflict, match="no longer holds what was quoted"):
        await project.commerce.place_order(
            new_order("c7a1b2c3-0001-4d5e-9f00-00000000c007", "checkout-key-7")
        )
    with pytest.raises(Conflict, match="no longer holds what was quoted"):
        await project.commerce.place_order(  # a custom line item the quote knows nothing of
            new_order("c7a1b2c3-0001-4d5e-9f00-00000000c008", "checkout-key-8")
        )
    assert project.sent("POST", "/orders") == 0
    assert project.sent("POST", "/carts/c7a1b2c3-0001-4d5e-9f00-00000000c007") == 0


@pytest.mark.parametrize(
    ("total", "weights", "shares"),
    [
        (100, [1, 1, 1], [34, 33, 33]),
        (23398, [25998], [23398]),
        (1000, [12999, 2999, 0], [813, 187, 0]),
        (7, [0, 0], [4, 3]),
        (0, [500, 500], [0, 0]),
    ],
)
def test_the_quoted_total_is_spread_over_the_lines_to_the_minor_unit(
    total: int, weights: list[int], shares: list[int]
) -> None:
    assert allocate(total, weights) == shares
    assert sum(allocate(total, weights)) == total
