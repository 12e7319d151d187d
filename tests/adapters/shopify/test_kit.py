"""The contract kit over the Shopify adapters, on recorded Storefront and Admin API answers.

Shopify cannot be reached from here: the reads replay ``recorded/kit.json``, written from
Shopify's public API reference (its ``source`` names the pages), through
``httpx.MockTransport``. The cart write checks create a cart and read it back, which no
fixed recording can answer, so ``StorefrontCarts`` below is a small in-test fake of the
Storefront cart API's documented behaviour (``cartCreate``, ``cart(id:)``,
``cartLinesAdd``, ``cartLinesUpdate`` with quantity 0 removing the line); every other
request goes to the recording. The fixture uses the recordings' Shopify ids for the
product and the store; the sku is the kit's own, SKU-RUN-0001. The error checks run
adapters built through the registry with ``CG_SHOPIFY__API_URL`` at the kit's fault server
on 127.0.0.1 (404, 409, 400, 5xx, dropped and slow answers).
"""

from __future__ import annotations

import dataclasses
import json
import uuid
from collections.abc import AsyncIterator
from decimal import Decimal
from pathlib import Path
from typing import Any

import httpx
import pytest

from commercegraph.adapters.clock import FakeClock
from commercegraph.adapters.shopify import (
    ShopifyClient,
    ShopifyCommerce,
    ShopifyInventory,
    ShopifyPricing,
)
from commercegraph.contract import ContractFixture, Subject, checks_for
from commercegraph.contract.kit import violations
from tests.adapters.kit_faults import point_at
from tests.adapters.recordings import OPERATION, Recording, load
from tests.adapters.shopify.conftest import recorded_settings

HERE = Path(__file__).parent
FIXTURE = dataclasses.replace(
    ContractFixture(),
    product_id="gid://shopify/Product/8001",
    store_id="gid://shopify/Location/102",
    stock_location_id="gid://shopify/Location/101",
    fault_env=lambda url: {
        "CG_SHOPIFY__SHOP_DOMAIN": "commercegraph-demo.myshopify.com",
        "CG_SHOPIFY__STOREFRONT_TOKEN": "storefront-token-fault",
        "CG_SHOPIFY__ADMIN_TOKEN": "admin-token-fault",
        "CG_SHOPIFY__API_URL": url,
        "CG_SHOPIFY__TIMEOUT_MS": "300",
    },
)
# the kit's missing key is no Shopify id, and the adapter answers such ids without asking
# Shopify; a cart id of Shopify's shape that no cart has reaches the fault server
UNKNOWN_CART = "gid://shopify/Cart/c1-0000000000000000?key=0000"
# the variants the fake's carts can hold: id -> (sku, unit price in USD)
VARIANTS = {"gid://shopify/ProductVariant/9001": ("SKU-RUN-0001", Decimal("129.0"))}
CURRENCIES = {"US": "USD", "DE": "EUR"}


class StorefrontCarts:
    """Shopify's cart mutations and ``cart(id:)`` over carts held in memory."""

    def __init__(self, recording: Recording) -> None:
        self.recording = recording
        self.carts: dict[str, dict[str, Any]] = {}

    def __call__(self, request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content or b"null")
        found = OPERATION.search(body.get("query", "")) if isinstance(body, dict) else None
        operation = found.group(1) if found else ""
        variables = body.get("variables") or {} if isinstance(body, dict) else {}
        if operation == "CartCreate":
            data: dict[str, Any] = {"cartCreate": self.create(variables["input"])}
        elif operation == "CartsById":
            data = {alias: self.node(cart_id) for alias, cart_id in variables.items()}
        elif operation == "CartLinesAdd":
            data = {"cartLinesAdd": self.add(variables["cartId"], variables["lines"])}
        elif operation == "CartLinesUpdate":
            data = {"cartLinesUpdate": self.update(variables["cartId"], variables["lines"])}
        else:
            return self.recording.handle(request)
        return httpx.Response(200, json={"data": data})

    def create(self, cart_input: dict[str, Any]) -> dict[str, Any]:
        token = uuid.uuid4().hex
        cart_id = f"gid://shopify/Cart/{token}?key={uuid.uuid4().hex[:6]}"
        country = cart_input["buyerIdentity"]["countryCode"]
        self.carts[cart_id] = {
            "token": token,
            "attributes": cart_input.get("attributes") or [],
            "country": country,
            "lines": [],
        }
        return {"cart": self.node(cart_id), "userErrors": []}

    def add(self, cart_id: str, lines: list[dict[str, Any]]) -> dict[str, Any]:
        cart = self.carts.get(cart_id)
        if cart is None:
            return self.not_found(cart_id)
        for line in lines:
            same = next(
                (
                    held
                    for held in cart["lines"]
                    if held["merchandiseId"] == line["merchandiseId"]
                    and held["attributes"] == (line.get("attributes") or [])
                ),
                None,
            )
            if same is not None:  # Shopify merges a line with the same merchandise
                same["quantity"] += line["quantity"]
                continue
            cart["lines"].append(
                {
                    "id": f"gid://shopify/CartLine/{uuid.uuid4()}?cart={cart['token']}",
                    "merchandiseId": line["merchandiseId"],
                    "quantity": line["quantity"],
                    "attributes": line.get("attributes") or [],
                }
            )
        return {"cart": self.node(cart_id), "userErrors": []}

    def update(self, cart_id: str, lines: list[dict[str, Any]]) -> dict[str, Any]:
        cart = self.carts.get(cart_id)
        if cart is None:
            return self.not_found(cart_id)
        for change in lines:
            for held in cart["lines"]:
                if held["id"] == change["id"]:
                    held["quantity"] = change["quantity"]
        cart["lines"] = [held for held in cart["lines"] if held["quantity"] > 0]
        return {"cart": self.node(cart_id), "userErrors": []}

    def not_found(self, cart_id: str) -> dict[str, Any]:
        error = {
            "field": ["cartId"],
            "message": "The specified cart does not exist.",
            "code": "INVALID",
        }
        return {"cart": None, "userErrors": [error]}

    def node(self, cart_id: str) -> dict[str, Any] | None:
        cart = self.carts.get(cart_id)
        if cart is None:
            return None
        currency = CURRENCIES[cart["country"]]
        total = sum(
            (VARIANTS[line["merchandiseId"]][1] * line["quantity"] for line in cart["lines"]),
            Decimal(0),
        )
        return {
            "id": cart_id,
            "attributes": cart["attributes"],
            "buyerIdentity": {"countryCode": cart["country"]},
            "cost": {"totalAmount": {"amount": str(total), "currencyCode": currency}},
            "lines": {
                "nodes": [
                    {
                        "id": line["id"],
                        "quantity": line["quantity"],
                        "attributes": line["attributes"],
                        "merchandise": {
                            "id": line["merchandiseId"],
                            "sku": VARIANTS[line["merchandiseId"]][0],
                        },
                    }
                    for line in cart["lines"]
                ]
            },
        }


@pytest.fixture
async def client() -> AsyncIterator[ShopifyClient]:
    fake = StorefrontCarts(load(HERE, "kit"))
    shopify = ShopifyClient(
        recorded_settings(), transport=httpx.MockTransport(fake), clock=FakeClock()
    )
    yield shopify
    await shopify.aclose()


@pytest.mark.parametrize(
    ("domain", "adapter_class", "checks"),
    [
        (
            "commerce",
            ShopifyCommerce,
            [
                "commerce.catalog:reads",
                "commerce.catalog:errors",
                "commerce.search:reads",
                "commerce.search:errors",
                "commerce.carts:reads",
                "commerce.carts:writes",
                "commerce.carts:errors",
            ],
        ),
        ("pricing", ShopifyPricing, ["pricing.prices:reads", "pricing.prices:errors"]),
        (
            "inventory",
            ShopifyInventory,
            [
                "inventory.locations:reads",
                "inventory.locations:errors",
                "inventory.stock:reads",
                "inventory.stock:errors",
            ],
        ),
    ],
)
async def test_the_adapter_passes_the_kit(
    client: ShopifyClient, domain: str, adapter_class: Any, checks: list[str]
) -> None:
    pointed = point_at("shopify", domain, missing_as=UNKNOWN_CART)
    subject = Subject("shopify", domain, adapter_class(client), FIXTURE, pointed)
    assert [c.id for c in checks_for(subject)] == checks
    assert await violations(subject) == {}
