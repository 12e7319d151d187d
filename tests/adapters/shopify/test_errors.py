"""Every Shopify failure kind mapped to the gateway's errors.

Tested against recorded responses written from Shopify's public API reference (the API
response-codes page and the Storefront and Admin error sections, named in
``recorded/errors.json``), replayed through ``httpx.MockTransport``.
"""

from __future__ import annotations

import pytest

from commercegraph.adapters.shopify.errors import BackendThrottled
from commercegraph.errors import (
    BackendError,
    BackendTimeout,
    BackendUnavailable,
    BadUserInput,
    CommerceGraphError,
    Conflict,
)
from tests.adapters.shopify.conftest import Shop

pytestmark = [pytest.mark.recording("errors"), pytest.mark.recorded]


@pytest.mark.parametrize(
    ("product", "error", "status"),
    [
        ("401", BackendUnavailable, 401),  # a refused token is the shop's configuration
        ("402", BackendUnavailable, 402),  # the shop is frozen
        ("430", BackendUnavailable, 430),  # Shopify's bot protection
        ("500", BackendUnavailable, 500),
        ("503", BackendUnavailable, 503),
    ],
)
async def test_http_statuses_are_backend_failures(
    shop: Shop, product: str, error: type[BackendError], status: int
) -> None:
    with pytest.raises(error) as raised:
        await shop.commerce.products_by_id([f"gid://shopify/Product/{product}"])
    assert type(raised.value) is error
    assert raised.value.extensions["vendor_status"] == status
    assert raised.value.backend == "shopify"


async def test_a_404_of_the_endpoint_holds_none_of_a_batch_reads_keys(
    shop: Shop, caplog: pytest.LogCaptureFixture
) -> None:
    # no such shop or API version: nothing there to find, and said in the log
    assert await shop.commerce.products_by_id(["gid://shopify/Product/404"]) == [None]
    assert "answered 404" in caplog.text


async def test_429_is_retryable_and_carries_retry_after(shop: Shop) -> None:
    with pytest.raises(BackendThrottled) as raised:
        await shop.commerce.products_by_id(["gid://shopify/Product/429"])
    assert isinstance(raised.value, BackendUnavailable)  # the gateway retries reads on these
    assert raised.value.retry_after_s == 2.0
    assert raised.value.extensions["retry_after_s"] == 2.0


async def test_timeouts_are_backend_timeouts(shop: Shop) -> None:
    with pytest.raises(BackendTimeout):
        await shop.commerce.products_by_id(["gid://shopify/Product/408"])


async def test_invalid_ids_are_the_callers_fault(shop: Shop) -> None:
    with pytest.raises(BadUserInput) as raised:
        await shop.commerce.products_by_id(["gid://shopify/Product/bad"])
    assert not isinstance(raised.value, BackendError)  # never counts against the circuit


async def test_graphql_internal_errors_and_missing_scopes_are_backend_failures(
    shop: Shop,
) -> None:
    with pytest.raises(BackendUnavailable, match="Internal error"):
        await shop.commerce.products_by_id(["gid://shopify/Product/ise"])
    with pytest.raises(BackendUnavailable, match="read_locations") as raised:
        await shop.inventory.locations()
    assert raised.value.extensions["code"] == "ACCESS_DENIED"


async def test_admin_reads_without_an_admin_token_fail_clearly(shop: Shop) -> None:
    shop.client.settings = shop.client.settings.model_copy(update={"admin_token": None})
    with pytest.raises(CommerceGraphError, match="ADMIN_TOKEN"):
        await shop.inventory.stock(["SKU-RUN-0001"])
    assert shop.recording is not None and shop.recording.requests == []


async def test_409_is_a_conflict_not_a_backend_failure(shop: Shop) -> None:
    with pytest.raises(Conflict) as raised:
        await shop.commerce.replace_cart_line("gid://shopify/Cart/busy?key=9", "SKU-RUN-0001", 4)
    assert not isinstance(raised.value, BackendError)
