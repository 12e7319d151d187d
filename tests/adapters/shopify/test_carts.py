"""Shopify carts through the Storefront API (cartCreate, cartLinesAdd, cartLinesUpdate).

Tested against recorded responses written from Shopify's public API reference (the cart
guide and the cartCreate/cartLinesAdd/cartLinesUpdate mutation pages, named in
``recorded/carts.json``), replayed through ``httpx.MockTransport``. With ``--live`` the
lifecycle test creates a cart in a real shop.
"""

from __future__ import annotations

import pytest

from commercegraph.errors import BadUserInput, NotFound
from tests.adapters.shopify.conftest import Shop


@pytest.mark.recording("carts")
async def test_cart_lifecycle_add_merge_and_remove(shop: Shop) -> None:
    cart = await shop.commerce.create_cart("cus_devi", "web", "USD")
    assert cart.lines == () and cart.currency == "USD"
    assert cart.customer_id == "cus_devi" and cart.channel == "web"

    added = await shop.commerce.set_cart_line(cart.id, shop.known.sku, 2)
    assert [(line.sku, line.quantity) for line in added.lines] == [(shop.known.sku, 2)]

    merged = await shop.commerce.set_cart_line(cart.id, shop.known.sku, 1)
    assert [(line.sku, line.quantity) for line in merged.lines] == [(shop.known.sku, 3)]

    removed = await shop.commerce.replace_cart_line(cart.id, shop.known.sku, 0)
    assert removed.lines == ()


@pytest.mark.recording("carts")
@pytest.mark.recorded
async def test_cart_reads_are_batch_shaped(shop: Shop) -> None:
    cart_id = "gid://shopify/Cart/Z2NwLXVzLWVhc3QxOjAxSE5BQ0FSVA?key=4b6c1e"
    found = await shop.commerce.carts_by_id(["nope", cart_id])
    assert found[0] is None
    assert found[1] is not None and found[1].id == cart_id
    pages = await shop.commerce.carts_for_customers([])
    assert pages == []


@pytest.mark.recording("carts")
@pytest.mark.recorded
async def test_missing_carts_and_unsold_currencies_are_refused(shop: Shop) -> None:
    with pytest.raises(NotFound):
        await shop.commerce.set_cart_line("gid://shopify/Cart/gone?key=0", "SKU-RUN-0001", 1)
    with pytest.raises(BadUserInput):
        await shop.commerce.create_cart(None, "web", "JPY")
    assert shop.recording is not None
    assert len(shop.recording.requests) == 1  # the unsold currency never reached Shopify


@pytest.mark.recording("carts")
@pytest.mark.recorded
async def test_cart_gone_between_read_and_write_is_not_found(shop: Shop) -> None:
    with pytest.raises(NotFound, match="does not exist"):
        await shop.commerce.set_cart_line("gid://shopify/Cart/expired?key=1", "SKU-RUN-0001", 1)
