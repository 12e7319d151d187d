"""Customer 360 in the graph: RFM, lifetime value, segment listings, links and merges."""

from __future__ import annotations

import asyncio
from collections import defaultdict
from collections.abc import AsyncIterator
from typing import Any

import pytest_asyncio
from sqlalchemy import func, select

from commercegraph.customer360.refresh import refresh_all, refresh_customers
from commercegraph.demo import DEVI_ID, SAM_ID
from commercegraph.ids import to_global_id
from commercegraph.store import models as m
from commercegraph.store.db import Store
from tests.conftest import SeededDatabase
from tests.customer360.conftest import Client
from tests.factories import store_for


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def store(fresh_db: SeededDatabase) -> AsyncIterator[Store]:
    s = store_for(fresh_db.url)
    yield s
    await s.dispose()


def data(body: dict[str, Any]) -> dict[str, Any]:
    assert "errors" not in body, body["errors"]
    result: dict[str, Any] = body["data"]
    return result


def codes(body: dict[str, Any]) -> list[str]:
    return [e["extensions"]["code"] for e in body.get("errors", [])]


async def test_devi_has_rfm_lifetime_value_and_segments(client: Client) -> None:
    query = """{ me { rfm { recency frequency monetary segment segmentKey }
        lifetimeValue { historical { amount currency } orderCount predicted12Months { amount }
                        probabilityAlive expectedPurchases12Months valueClass }
        segments { key name kind } } }"""
    me = data(await client.post(query, token=client.token(DEVI_ID)))["me"]
    rfm, ltv = me["rfm"], me["lifetimeValue"]
    assert all(1 <= rfm[k] <= 5 for k in ("recency", "frequency", "monetary"))
    keys = {s["key"] for s in me["segments"]}
    assert rfm["segmentKey"] in keys and f"abc:{ltv['valueClass']}" in keys
    assert rfm["segment"] == rfm["segmentKey"].removeprefix("rfm:").upper().replace("-", "_")
    assert ltv["orderCount"] > 30 and ltv["historical"]["amount"] > 0
    assert 0.0 < ltv["probabilityAlive"] <= 1.0
    assert ltv["expectedPurchases12Months"] > 1.0  # she buys coffee every three weeks
    assert ltv["predicted12Months"]["amount"] > 0


async def test_historical_value_is_the_sum_of_counted_orders(client: Client, store: Store) -> None:
    async with store.read() as session:
        expected = await session.scalar(
            select(func.sum(m.Order.total)).where(
                m.Order.customer_id == SAM_ID,
                m.Order.status != "CANCELLED",
                m.Order.currency == "USD",
            )
        )
    body = await client.post(
        "{ me { lifetimeValue { historical { amount } } } }", token=client.token(SAM_ID)
    )
    assert data(body)["me"]["lifetimeValue"]["historical"]["amount"] == expected


async def test_customers_in_segment_pages_through_every_member_once(
    client: Client, store: Store
) -> None:
    async with store.read() as session:
        members = set(
            await session.scalars(
                select(m.CustomerSegment.customer_id).where(
                    m.CustomerSegment.segment_key == "abc:A"
                )
            )
        )
    query = """query($after: String) { customersInSegment(key: "abc:A", first: 3, after: $after) {
        pageInfo { hasNextPage endCursor } edges { cursor node { id segments { key } } } } }"""
    seen: list[str] = []
    after = None
    staff = client.token(staff=True)
    for _ in range(100):
        page = data(await client.post(query, {"after": after}, token=staff))["customersInSegment"]
        for edge in page["edges"]:
            seen.append(edge["node"]["id"])
            assert "abc:A" in [s["key"] for s in edge["node"]["segments"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert len(seen) == len(set(seen)) == len(members) > 3
    assert set(seen) == {to_global_id("Customer", c) for c in members}


async def test_customers_in_segment_is_for_staff_and_checks_the_key(client: Client) -> None:
    query = '{ customersInSegment(key: "rfm:champions") { edges { cursor } } }'
    assert codes(await client.post(query, token=client.token(DEVI_ID))) == ["FORBIDDEN"]
    bad = await client.post(
        '{ customersInSegment(key: "rfm:royalty") { edges { cursor } } }',
        token=client.token(staff=True),
    )
    assert codes(bad) == ["BAD_USER_INPUT"]


LINK = """mutation($c: ID!, $k: IdentifierKind!, $v: String!) {
  linkIdentity(customerId: $c, kind: $k, value: $v) { id identities { kind value source } } }"""


async def test_link_identity_links_and_refuses_conflicts(client: Client) -> None:
    staff = client.token(staff=True)
    sam = to_global_id("Customer", SAM_ID)
    linked = data(
        await client.post(LINK, {"c": sam, "k": "PHONE", "v": "0044 20 7946 0321"}, token=staff)
    )["linkIdentity"]
    assert {"kind": "PHONE", "value": "+442079460321", "source": "staff"} in linked["identities"]
    again = await client.post(LINK, {"c": sam, "k": "PHONE", "v": "+44 20 7946 0321"}, token=staff)
    assert "errors" not in again  # linking what is already linked is a no-op
    conflict = await client.post(
        LINK, {"c": sam, "k": "EMAIL", "v": "devi@example.com"}, token=staff
    )
    assert codes(conflict) == ["CONFLICT"]
    who = await client.post(
        '{ customerByIdentifier(kind: EMAIL, value: "devi@example.com") { id } }', token=staff
    )
    assert data(who)["customerByIdentifier"]["id"] == to_global_id("Customer", DEVI_ID)
    assert codes(await client.post(LINK, {"c": sam, "k": "PHONE", "v": "nope"}, token=staff)) == [
        "BAD_USER_INPUT"
    ]
    denied = await client.post(
        LINK, {"c": sam, "k": "DEVICE", "v": "d-1"}, token=client.token(SAM_ID)
    )
    assert codes(denied) == ["FORBIDDEN"]


MERGE = """mutation($s: ID!, $t: ID!, $k: String!) {
  mergeCustomers(sourceId: $s, targetId: $t, idempotencyKey: $k) {
    id sourceId actor identifiersMoved ordersMoved balancesMoved { amount currency }
    target { id wallet { balance { amount } } orders(first: 1) { totalCount } } } }"""


async def _two_with_wallets(store: Store) -> tuple[str, str]:
    async with store.read() as session:
        owners = list(
            await session.scalars(
                select(m.LedgerAccount.owner_id)
                .where(
                    m.LedgerAccount.kind == "WALLET",
                    m.LedgerAccount.balance > 0,
                    m.LedgerAccount.owner_id.not_in((DEVI_ID, SAM_ID)),
                )
                .order_by(m.LedgerAccount.owner_id)
            )
        )
    assert len(owners) >= 4, "the demo needs customers with wallets"
    return owners[0], owners[1]


async def _ledger_is_balanced(store: Store) -> None:
    async with store.read() as session:
        per_tx: dict[tuple[str, str], int] = defaultdict(int)
        rows = await session.execute(
            select(m.LedgerEntry.transaction_id, m.LedgerAccount.unit, m.LedgerEntry.amount).join(
                m.LedgerAccount, m.LedgerAccount.id == m.LedgerEntry.account_id
            )
        )
        for tx, unit, amount in rows:
            per_tx[(tx, unit)] += amount
        assert all(v == 0 for v in per_tx.values())
        sums = dict(
            (
                await session.execute(
                    select(m.LedgerEntry.account_id, func.sum(m.LedgerEntry.amount)).group_by(
                        m.LedgerEntry.account_id
                    )
                )
            ).all()
        )
        for account in await session.scalars(select(m.LedgerAccount)):
            assert account.balance == sums.get(account.id, 0), account.id


async def _state(store: Store, customer_id: str) -> tuple[int, int, int]:
    async with store.read() as session:
        balance = await session.scalar(
            select(func.coalesce(func.sum(m.LedgerAccount.balance), 0)).where(
                m.LedgerAccount.owner_id == customer_id, m.LedgerAccount.kind == "WALLET"
            )
        )
        orders = await session.scalar(
            select(func.count()).select_from(m.Order).where(m.Order.customer_id == customer_id)
        )
        identifiers = await session.scalar(
            select(func.count())
            .select_from(m.CustomerIdentifier)
            .where(m.CustomerIdentifier.customer_id == customer_id)
        )
    return int(balance or 0), int(orders or 0), int(identifiers or 0)


async def test_merge_unions_identifiers_orders_and_wallets_once(
    client: Client, store: Store
) -> None:
    source, target = await _two_with_wallets(store)
    (sb, so, si), (tb, to, ti) = await _state(store, source), await _state(store, target)
    staff = client.token(staff=True)
    variables = {
        "s": to_global_id("Customer", source),
        "t": to_global_id("Customer", target),
        "k": "merge-1",
    }
    # a retried request racing the first: exactly one merge happens
    first, second = await asyncio.gather(
        client.post(MERGE, variables, token=staff), client.post(MERGE, variables, token=staff)
    )
    merged = data(first)["mergeCustomers"]
    assert data(second)["mergeCustomers"]["id"] == merged["id"]
    assert merged["target"]["wallet"]["balance"]["amount"] == sb + tb
    assert merged["target"]["orders"]["totalCount"] == so + to
    assert await _state(store, source) == (0, 0, 0)
    assert await _state(store, target) == (sb + tb, so + to, si + ti)
    assert {"amount": sb, "currency": "USD"} in merged["balancesMoved"]
    assert {b["currency"] for b in merged["balancesMoved"]} <= {"USD", "PTS"}
    await _ledger_is_balanced(store)
    third = await client.post(
        MERGE, {**variables, "t": to_global_id("Customer", DEVI_ID), "k": "merge-2"}, token=staff
    )
    assert codes(third) == ["CONFLICT"]
    into_gone = await client.post(
        MERGE, {"s": to_global_id("Customer", DEVI_ID), "t": variables["s"], "k": "m3"}, token=staff
    )
    assert codes(into_gone) == ["CONFLICT"]
    self_merge = await client.post(MERGE, {**variables, "t": variables["s"]}, token=staff)
    assert codes(self_merge) == ["BAD_USER_INPUT"]
    denied = await client.post(MERGE, variables, token=client.token(DEVI_ID))
    assert codes(denied) == ["FORBIDDEN"]


async def test_racing_links_of_one_identifier_leave_one_owner(client: Client) -> None:
    staff = client.token(staff=True)
    racers = [DEVI_ID, SAM_ID] * 3
    bodies = await asyncio.gather(
        *(
            client.post(
                LINK,
                {"c": to_global_id("Customer", c), "k": "DEVICE", "v": "dev-race-1"},
                token=staff,
            )
            for c in racers
        )
    )
    winners = {c for c, body in zip(racers, bodies, strict=True) if "errors" not in body}
    assert len(winners) == 1
    assert all(
        codes(b) == ["CONFLICT"] for c, b in zip(racers, bodies, strict=True) if c not in winners
    )
    owner = await client.post(
        '{ customerByIdentifier(kind: DEVICE, value: "dev-race-1") { id } }', token=staff
    )
    assert data(owner)["customerByIdentifier"]["id"] == to_global_id("Customer", winners.pop())


async def test_concurrent_refreshes_of_one_customer_leave_one_set_of_rows(store: Store) -> None:
    await refresh_all(store, "USD")
    # each deletes the customer's rows and writes them anew; none may trip over another's
    await asyncio.gather(*(refresh_customers(store, [SAM_ID, DEVI_ID], "USD") for _ in range(6)))
    async with store.read() as session:
        rows = (
            await session.execute(
                select(m.CustomerSegment.customer_id, m.CustomerSegment.segment_key).where(
                    m.CustomerSegment.customer_id.in_([SAM_ID, DEVI_ID])
                )
            )
        ).all()
        metrics = await session.scalar(
            select(func.count()).where(m.CustomerMetrics.customer_id.in_([SAM_ID, DEVI_ID]))
        )
    assert rows and len(rows) == len(set(rows))
    assert metrics == 2
