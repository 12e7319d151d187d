"""The kit fails the adapters it is meant to fail: each broken adapter here is a correct
one with one fault, and the kit names the rule it breaks."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from typing import Any

import httpx
import pytest

from commercegraph.adapters.base import (
    ContentKey,
    ContentRecord,
    NewOrder,
    OrderRecord,
    ProductRecord,
    WalletPosting,
)
from commercegraph.contract import ContractFixture, ContractViolation, Subject, checks_for
from commercegraph.contract.fakes import FakeCommerce, FakeWallet
from commercegraph.errors import BackendTimeout, BackendUnavailable


async def run(subject: Subject, check_id: str) -> None:
    (check,) = [c for c in checks_for(subject) if c.id == check_id]
    await check.run(subject)


class HttpContent:
    """A content adapter over ``GET /entries/<key>``; ``leak_404`` maps a 404 like a 5xx."""

    capabilities = frozenset({"content.entries"})

    def __init__(self, url: str, *, leak_404: bool) -> None:
        self.http = httpx.AsyncClient(base_url=url, timeout=0.3)
        self.leak_404 = leak_404

    async def entries(self, keys: Sequence[ContentKey]) -> list[ContentRecord | None]:
        return [await self.entry(key) for key in keys]

    async def entry(self, key: ContentKey) -> ContentRecord | None:
        try:
            response = await self.http.get(f"/entries/{key.entity_key}/{key.locale}")
        except httpx.TimeoutException as exc:
            raise BackendTimeout("content") from exc
        except httpx.HTTPError as exc:
            raise BackendUnavailable("content") from exc
        if response.status_code == 404 and not self.leak_404:
            return None
        if response.status_code >= 400:
            raise BackendUnavailable("content", f"answered {response.status_code}")
        body = response.json()
        return ContentRecord(body["title"], body["body"], (), body["locale"])

    async def aclose(self) -> None:
        await self.http.aclose()


def http_subject(*, leak_404: bool) -> Subject:
    @asynccontextmanager
    async def point_at(env: Mapping[str, str]) -> AsyncIterator[HttpContent]:
        adapter = HttpContent(env["CONTENT_URL"], leak_404=leak_404)
        yield adapter
        await adapter.aclose()

    fixture = ContractFixture(fault_env=lambda url: {"CONTENT_URL": url})
    return Subject("http-content", "content", object(), fixture, point_at)


async def test_an_adapter_mapping_404_like_5xx_fails_error_mapping() -> None:
    subject = http_subject(leak_404=True)
    subject.adapter = HttpContent("http://127.0.0.1:9", leak_404=True)
    try:
        with pytest.raises(ContractViolation, match="entries on a vendor 404: None or"):
            await run(subject, "content.entries:errors")
    finally:
        await subject.adapter.aclose()


async def test_the_same_adapter_mapping_404_to_none_passes() -> None:
    subject = http_subject(leak_404=False)
    subject.adapter = HttpContent("http://127.0.0.1:9", leak_404=False)
    try:
        await run(subject, "content.entries:errors")
    finally:
        await subject.adapter.aclose()


class RetriesLostOrders(FakeCommerce):
    """Remembers idempotency keys, but when the vendor's answer to "create order" is lost
    it creates the order again: the first one was placed all the same."""

    async def place_order(self, order: NewOrder) -> OrderRecord:
        placed = await self.order_for_key(order.customer_id, order.idempotency_key, order.cart_id)
        if placed is not None:
            return placed
        self.record_order(order)  # the vendor placed it; its answer never came back
        return await super().place_order(order)


async def test_an_adapter_retrying_a_lost_order_fails_the_write_check() -> None:
    subject = Subject("retrying", "commerce", RetriesLostOrders.sample(), ContractFixture())
    with pytest.raises(ContractViolation, match="one idempotency key places one order"):
        await run(subject, "commerce.orders:writes")
    await run(
        Subject("correct", "commerce", FakeCommerce.sample(), ContractFixture()),
        "commerce.orders:writes",
    )


class RetriesLostPayments(FakeWallet):
    """Retries a payment whose answer was lost under a new key: the money moves twice."""

    async def pay(self, customer_id: str, amount: int, reference: str, idempotency_key: str,
                  account: str = "WALLET", reward_amount: int = 0) -> WalletPosting:  # fmt: skip
        if (customer_id, idempotency_key) not in self.by_key:
            await super().pay(customer_id, amount, reference, uuid.uuid4().hex)
        return await super().pay(customer_id, amount, reference, idempotency_key)


async def test_an_adapter_retrying_a_lost_payment_fails_the_write_check() -> None:
    subject = Subject("retrying", "wallet", RetriesLostPayments.sample(), ContractFixture())
    with pytest.raises(ContractViolation, match="pay: one key moves the money once"):
        await run(subject, "wallet.payments:writes")


class SortsById(FakeCommerce):
    """Answers a batch sorted by product id instead of in key order."""

    async def products_by_id(self, ids: Sequence[str]) -> list[ProductRecord | None]:
        found = await super().products_by_id(ids)
        return sorted(found, key=lambda p: "" if p is None else p.id, reverse=True)


async def test_an_adapter_answering_out_of_key_order_fails_the_read_check() -> None:
    subject = Subject("unordered", "commerce", SortsById.sample(), ContractFixture())
    with pytest.raises(ContractViolation, match="products_by_id: None or \\[\\] for a missing key"):
        await run(subject, "commerce.catalog:reads")


class ClaimsTooMuch(FakeCommerce):
    capabilities = FakeCommerce.capabilities | {"gateway.bundles"}


def test_declaring_the_gateways_own_state_is_refused() -> None:
    subject = Subject("greedy", "commerce", ClaimsTooMuch.sample(), ContractFixture())
    with pytest.raises(ContractViolation, match=r"gateway\.bundles are the gateway's own state"):
        checks_for(subject)


class AlsoPrices(FakeCommerce):
    capabilities = FakeCommerce.capabilities | {"pricing.prices"}


def test_capabilities_of_another_domain_are_left_to_that_domain() -> None:
    subject = Subject("two-domains", "commerce", AlsoPrices.sample(), ContractFixture())
    assert not any(c.capability.startswith("pricing.") for c in checks_for(subject))


class LacksAMethod:
    capabilities = frozenset({"commerce.carts"})

    async def carts_by_id(self, ids: Sequence[str]) -> list[Any]:
        return [None for _ in ids]


def test_declaring_a_capability_without_its_methods_is_refused() -> None:
    subject = Subject("partial", "commerce", LacksAMethod(), ContractFixture())
    with pytest.raises(ContractViolation, match=r"commerce\.carts: declared but lacks"):
        checks_for(subject)


class CartsOnly(FakeCommerce):
    capabilities = frozenset({"commerce.carts"})


def test_only_declared_capabilities_are_checked() -> None:
    subject = Subject("carts", "commerce", CartsOnly.sample(), ContractFixture())
    assert [c.id for c in checks_for(subject)] == ["commerce.carts:reads", "commerce.carts:writes"]
