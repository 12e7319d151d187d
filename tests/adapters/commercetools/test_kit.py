"""The contract kit over the commercetools adapters, on recorded HTTP API answers.

commercetools cannot be reached from here: the catalogue, search, price, channel and
inventory reads replay ``recorded/kit.json``, written from commercetools' public API
reference (its ``source`` names the pages), through ``httpx.MockTransport``. The cart and
order checks create carts and orders and read them back, which no fixed recording can
answer, so ``CartsAndOrders`` below is a small in-test fake of the documented behaviour of
``/carts`` and ``/orders`` (versioned updates with ``addLineItem`` merging a line of the
same sku, ``changeLineItemQuantity``, ``removeLineItem``, ``setLineItemTotalPrice`` putting a
line in the ``ExternalTotal`` price mode, ``409 ConcurrentModification`` on a stale version, Create Order from Cart with unique order numbers, ``400 DuplicateField``,
Get Order by OrderNumber, ``404 ResourceNotFound``), holding to begin with the customer's
orders recorded in ``recorded/orders.json``. The fixture uses the recordings' ids for the
product and the channels; the sku and customer are the kit's own.
"""

from __future__ import annotations

import dataclasses
import json
import re
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import pytest

from commercegraph.adapters.clock import FakeClock
from commercegraph.adapters.commercetools import (
    CommercetoolsClient,
    CommercetoolsCommerce,
    CommercetoolsInventory,
    CommercetoolsPricing,
)
from commercegraph.contract import ContractFixture, Subject, checks_for
from commercegraph.contract.kit import violations
from tests.adapters.commercetools.conftest import recorded_settings
from tests.adapters.kit_faults import TokenServer, point_at
from tests.adapters.recordings import Recording, load

HERE = Path(__file__).parent
PROJECT = "/demo-project"
FIXTURE = dataclasses.replace(
    ContractFixture(),
    product_id="9f1c2d3e-0001-4a5b-8c7d-000000000001",
    store_id="5e1f0000-0001-4a00-8000-0000000000a2",
    stock_location_id="5e1f0000-0001-4a00-8000-0000000000a1",
)
UNKNOWN_ID = "00000000-0000-4000-8000-000000000000"  # no resource of the project has it
# what a line item of each sku costs in the fake, as the recordings price it
PRICES = {"SKU-RUN-0001": ("9f1c2d3e-0001-4a5b-8c7d-000000000001", "Trail Runner 2", 12999)}
ID_IN = re.compile(r"^id in \((.*)\)$")
CUSTOMER = re.compile(
    r'^\(customerId = "(.*)" or anonymousId = "\1"\)(?: and cartState = "(\w+)")?$'
)
ORDER_NUMBER = re.compile(r"^/orders/order-number=(.+)$")


def _money(currency: str, cents: int) -> dict[str, Any]:
    return {
        "type": "centPrecision",
        "currencyCode": currency,
        "centAmount": cents,
        "fractionDigits": 2,
    }


def _money_of(draft: dict[str, Any]) -> dict[str, Any]:
    return _money(draft["currencyCode"], draft["centAmount"])


def _error(status: int, code: str, message: str, **extra: Any) -> httpx.Response:
    body = {
        "statusCode": status,
        "message": message,
        "errors": [{"code": code, "message": message, **extra}],
    }
    return httpx.Response(status, json=body)


class CartsAndOrders:
    """commercetools' ``/carts`` and ``/orders`` over resources held in memory."""

    def __init__(self, recording: Recording) -> None:
        self.recording = recording
        self.carts: dict[str, dict[str, Any]] = {}
        recorded = json.loads((HERE / "recorded" / "orders.json").read_text())
        listed = recorded["exchanges"][-1]["response"]["body"]["results"]
        self.orders: dict[str, dict[str, Any]] = {o["id"]: o for o in listed}

    def __call__(self, request: httpx.Request) -> httpx.Response:
        path = request.url.path.removeprefix(PROJECT)
        json_body = request.headers.get("Content-Type") == "application/json"
        body = json.loads(request.content) if json_body else None
        if path == "/carts" or path.startswith("/carts/"):
            return self.cart_request(request.method, path, request.url.params, body)
        if path == "/orders" or path.startswith("/orders/"):
            return self.order_request(request.method, path, request.url.params, body)
        return self.recording.handle(request)

    def cart_request(
        self, method: str, path: str, params: httpx.QueryParams, body: Any
    ) -> httpx.Response:
        if path == "/carts":
            if method == "POST":
                return httpx.Response(201, json=self.create(body))
            return self.query(self.carts, params)
        cart_id = path.removeprefix("/carts/")
        cart = self.carts.get(cart_id)
        if cart is None:
            return _error(
                404, "ResourceNotFound", f"The Resource with ID '{cart_id}' was not found."
            )
        if method == "GET":
            return httpx.Response(200, json=cart)
        if body["version"] != cart["version"]:
            return _error(
                409,
                "ConcurrentModification",
                "Object has a different version than expected.",
                currentVersion=cart["version"],
            )
        for action in body["actions"]:
            self.apply(cart, action)
        cart["version"] += 1
        self.total(cart)
        return httpx.Response(200, json=cart)

    def create(self, draft: dict[str, Any]) -> dict[str, Any]:
        now = datetime.now(UTC).isoformat().replace("+00:00", "Z")
        cart: dict[str, Any] = {
            "id": str(uuid.uuid4()),
            "version": 1,
            "lineItems": [],
            "customLineItems": [],
            "totalPrice": _money(draft["currency"], 0),
            "cartState": "Active",
            "country": draft.get("country"),
            "taxMode": "Platform",
            "inventoryMode": "None",
            "origin": "Customer",
            "createdAt": now,
            "lastModifiedAt": now,
        }
        for key in ("customerId", "anonymousId"):
            if key in draft:
                cart[key] = draft[key]
        self.carts[cart["id"]] = cart
        return cart

    def apply(self, cart: dict[str, Any], action: dict[str, Any]) -> None:
        lines = cart["lineItems"]
        if action["action"] == "addLineItem":
            same = next((li for li in lines if li["variant"]["sku"] == action["sku"]), None)
            if same is not None:  # the same variant again adds to its line item
                same["quantity"] += action["quantity"]
                return
            product_id, name, cents = PRICES[action["sku"]]
            lines.append(
                {
                    "id": str(uuid.uuid4()),
                    "productId": product_id,
                    "name": {"en-US": name},
                    "variant": {"id": 1, "sku": action["sku"]},
                    "price": {
                        "id": "a1f0-usd",
                        "value": _money(cart["totalPrice"]["currencyCode"], cents),
                    },
                    "quantity": action["quantity"],
                    "lineItemMode": "Standard",
                    "priceMode": "Platform",
                }
            )
        elif action["action"] == "changeLineItemQuantity":
            for li in lines:
                if li["id"] == action["lineItemId"]:
                    li["quantity"] = action["quantity"]
            cart["lineItems"] = [li for li in lines if li["quantity"] > 0]
        elif action["action"] == "removeLineItem":
            cart["lineItems"] = [li for li in lines if li["id"] != action["lineItemId"]]
        elif action["action"] == "setLineItemTotalPrice":
            external = action["externalTotalPrice"]
            for li in lines:
                if li["id"] == action["lineItemId"]:
                    li["price"] = {"id": li["price"]["id"], "value": _money_of(external["price"])}
                    li["totalPrice"] = _money_of(external["totalPrice"])
                    li["priceMode"] = "ExternalTotal"
        else:
            raise AssertionError(f"the fake has no update action {action['action']!r}")

    def total(self, cart: dict[str, Any]) -> None:
        currency = cart["totalPrice"]["currencyCode"]
        cents = 0
        for li in cart["lineItems"]:
            if li["priceMode"] != "ExternalTotal":  # the platform prices only its own lines
                cents_each = li["price"]["value"]["centAmount"]
                li["totalPrice"] = _money(currency, cents_each * li["quantity"])
            cents += li["totalPrice"]["centAmount"]
        cart["totalPrice"] = _money(currency, cents)

    def order_request(
        self, method: str, path: str, params: httpx.QueryParams, body: Any
    ) -> httpx.Response:
        if path == "/orders" and method == "GET":
            return self.query(self.orders, params)
        if path == "/orders" and method == "POST":
            return self.place(body)
        number = ORDER_NUMBER.match(path)
        found = [o for o in self.orders.values() if number and o["orderNumber"] == number.group(1)]
        if method == "GET" and found:
            return httpx.Response(200, json=found[0])
        return _error(404, "ResourceNotFound", f"The Resource with key '{path}' was not found.")

    def place(self, draft: dict[str, Any]) -> httpx.Response:
        cart = self.carts.get(draft["cart"]["id"])
        if cart is None:
            return _error(400, "InvalidInput", "The cart does not exist.")
        if draft["version"] != cart["version"]:
            return _error(
                409,
                "ConcurrentModification",
                "Object has a different version than expected.",
                currentVersion=cart["version"],
            )
        number = draft.get("orderNumber")
        if any(o["orderNumber"] == number for o in self.orders.values()):
            message = f"A duplicate value '\"{number}\"' exists for field 'orderNumber'."
            return _error(
                400, "DuplicateField", message, field="orderNumber", duplicateValue=number
            )
        now = datetime.now(UTC).isoformat().replace("+00:00", "Z")
        order = {
            "id": str(uuid.uuid4()),
            "version": 1,
            "orderNumber": number,
            "lineItems": cart["lineItems"],
            "customLineItems": [],
            "totalPrice": cart["totalPrice"],
            "orderState": "Open",
            "shipmentState": None,
            "cart": {"typeId": "cart", "id": cart["id"]},
            "origin": "Customer",
            "taxMode": "Platform",
            "createdAt": now,
            "lastModifiedAt": now,
        }
        for key in ("customerId", "anonymousId"):
            if key in cart:
                order[key] = cart[key]
        cart["cartState"] = "Ordered"
        cart["version"] += 1
        self.orders[order["id"]] = order
        return httpx.Response(201, json=order)

    def query(self, held: dict[str, dict[str, Any]], params: httpx.QueryParams) -> httpx.Response:
        """``where`` as the adapter writes it (ids, or a customer and a cart state),
        ``sort`` by a date field then id, ``limit`` and ``offset``."""
        where = params["where"]
        ids = ID_IN.match(where)
        customer = CUSTOMER.match(where)
        if ids:
            wanted = {v.strip().strip('"') for v in ids.group(1).split(",")}
            found = [r for r in held.values() if r["id"] in wanted]
        elif customer:
            who, state = customer.groups()
            found = [
                r
                for r in held.values()
                if who in (r.get("customerId"), r.get("anonymousId"))
                and (state is None or r.get("cartState") == state)
            ]
        else:
            raise AssertionError(f"the fake cannot answer where={where!r}")
        found.sort(key=lambda r: r["id"])
        sorts = params.get_list("sort")
        if sorts and sorts[0].endswith(" desc"):
            field = sorts[0].removesuffix(" desc")
            found.sort(key=lambda r: r[field], reverse=True)
        offset = int(params.get("offset", "0"))
        limit = int(params.get("limit", "20"))
        page = found[offset : offset + limit]
        return httpx.Response(
            200, json={"limit": limit, "offset": offset, "count": len(page), "results": page}
        )


@pytest.fixture
async def auth() -> AsyncIterator[TokenServer]:
    async with TokenServer() as server:
        yield server


def fault_env(auth: TokenServer) -> Any:
    return lambda url: {
        "CG_COMMERCETOOLS__PROJECT_KEY": "demo-project",
        "CG_COMMERCETOOLS__CLIENT_ID": "ct-client",
        "CG_COMMERCETOOLS__CLIENT_SECRET": "ct-secret",
        "CG_COMMERCETOOLS__API_URL": url,
        "CG_COMMERCETOOLS__AUTH_URL": auth.url,
        "CG_COMMERCETOOLS__TIMEOUT_MS": "300",
    }


@pytest.fixture
async def client() -> AsyncIterator[CommercetoolsClient]:
    fake = CartsAndOrders(load(HERE, "kit"))
    project = CommercetoolsClient(
        recorded_settings(), transport=httpx.MockTransport(fake), clock=FakeClock()
    )
    yield project
    await project.aclose()


@pytest.mark.parametrize(
    ("domain", "adapter_class", "checks"),
    [
        (
            "commerce",
            CommercetoolsCommerce,
            [
                "commerce.catalog:reads",
                "commerce.catalog:errors",
                "commerce.search:reads",
                "commerce.search:errors",
                "commerce.carts:reads",
                "commerce.carts:writes",
                "commerce.carts:errors",
                "commerce.orders:reads",
                "commerce.orders:writes",
                "commerce.orders:errors",
            ],
        ),
        ("pricing", CommercetoolsPricing, ["pricing.prices:reads", "pricing.prices:errors"]),
        (
            "inventory",
            CommercetoolsInventory,
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
    client: CommercetoolsClient,
    auth: TokenServer,
    domain: str,
    adapter_class: Any,
    checks: list[str],
) -> None:
    fixture = dataclasses.replace(FIXTURE, fault_env=fault_env(auth))
    pointed = point_at("commercetools", domain, missing_as=UNKNOWN_ID)
    subject = Subject("commercetools", domain, adapter_class(client), fixture, pointed)
    assert [c.id for c in checks_for(subject)] == checks
    assert await violations(subject) == {}
