"""How a Vendure order becomes an order record: the fulfilment the gateway's checkout wrote
on it, and the default for orders placed elsewhere (the storefront, the Admin UI)."""

from __future__ import annotations

from typing import Any

from commercegraph.adapters.vendure.mapping import order_record


def _order(**custom: Any) -> dict[str, Any]:
    return {
        "code": "ABC123",
        "state": "PaymentSettled",
        "currencyCode": "USD",
        "orderPlacedAt": "2026-11-30T10:00:00.000Z",
        "totalWithTax": 1798,
        "subTotalWithTax": 1798,
        "discounts": [],
        "customFields": {"cgCustomerId": "cus_devi", "cgChannel": "MOBILE_APP", **custom},
        "lines": [
            {"id": "1", "quantity": 2, "unitPriceWithTax": 899, "productVariant": {"sku": "SKU-1"}}
        ],
    }


def test_a_pickup_order_reads_back_its_method_and_store() -> None:
    record = order_record(_order(cgFulfillment="PICKUP", cgStoreId="loc_downtown"))
    assert (record.fulfillment, record.store_id) == ("PICKUP", "loc_downtown")
    assert (record.customer_id, record.channel, record.total.amount) == (
        "cus_devi",
        "MOBILE_APP",
        1798,
    )


def test_an_order_without_the_fields_ships_from_no_store() -> None:
    for custom in ({}, {"cgFulfillment": None, "cgStoreId": None}, {"cgStoreId": ""}):
        record = order_record(_order(**custom))
        assert (record.fulfillment, record.store_id) == ("SHIP", None), custom
