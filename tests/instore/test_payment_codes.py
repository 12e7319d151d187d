"""Paying in store with the app: the app shows a code, the till redeems it, the wallet pays
and points are earned in one step, once."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import update

from commercegraph.demo import DEVI_ID, DEVI_SODA_SKU, DOWNTOWN_ID
from commercegraph.ids import to_global_id
from commercegraph.store import models as m
from tests.conftest import SeededDatabase
from tests.customer360.conftest import Client, client, fresh_db
from tests.factories import store_for
from tests.wallet.audit import audit_ledger

__all__ = ["client", "fresh_db"]

DOWNTOWN = to_global_id("Store", DOWNTOWN_ID)
CREATE = """mutation($store: ID!) { createStorePaymentCode(storeId: $store) {
    code barcode currency expiresAt store { name } } }"""
REDEEM = """mutation($code: String!, $store: ID!, $sale: StoreSaleInput!, $key: String!) {
  redeemStorePaymentCode(code: $code, storeId: $store, sale: $sale, idempotencyKey: $key) {
    order { id channel total { amount } } paid { amount currency formatted }
    walletBalance { amount } rewards { pointsEarned points } replayed } }"""
ME = "{ me { wallet { balance { amount } } loyalty { points } orders(first: 50) { totalCount } } }"
SALE = {"lines": [{"sku": DEVI_SODA_SKU, "quantity": 2, "unitPrice": 450}], "discount": 100}


async def _code(client: Client, store: str = DOWNTOWN) -> str:
    body = await client.post(CREATE, {"store": store}, token=client.token(DEVI_ID))
    assert "errors" not in body, body
    issued = body["data"]["createStorePaymentCode"]
    assert issued["barcode"] == issued["code"] and issued["currency"] == "USD"
    assert issued["store"]["name"] == "Downtown"
    expires = datetime.fromisoformat(issued["expiresAt"])
    assert timedelta(seconds=60) < expires - datetime.now(UTC) <= timedelta(seconds=120)
    return str(issued["code"])


async def _redeem(client: Client, code: str, key: str, sale: Any = SALE) -> dict[str, Any]:
    variables = {"code": code, "store": DOWNTOWN, "sale": sale, "key": key}
    return await client.post(REDEEM, variables, token=client.token(staff=True))


async def _me(client: Client) -> dict[str, Any]:
    body = await client.post(ME, token=client.token(DEVI_ID))
    assert "errors" not in body, body
    me: dict[str, Any] = body["data"]["me"]
    return me


async def _audit(db: SeededDatabase) -> None:
    store = store_for(db.url)
    try:
        await audit_ledger(store, [DEVI_ID])
    finally:
        await store.dispose()


async def test_redeeming_a_code_pays_from_the_wallet_and_earns_points_once(
    client: Client, fresh_db: SeededDatabase
) -> None:
    before = await _me(client)
    code = await _code(client)
    first = await _redeem(client, code, "till-1-sale-1")
    assert "errors" not in first, first
    paid = first["data"]["redeemStorePaymentCode"]
    assert paid["paid"] == {"amount": 800, "currency": "USD", "formatted": "$8.00"}
    assert paid["order"]["channel"] == "STORE" and paid["order"]["total"]["amount"] == 800
    assert paid["walletBalance"]["amount"] == before["wallet"]["balance"]["amount"] - 800
    assert paid["rewards"]["pointsEarned"] > 0 and paid["replayed"] is False

    again = await _redeem(client, code, "till-1-sale-1")
    replay = again["data"]["redeemStorePaymentCode"]
    assert replay["order"]["id"] == paid["order"]["id"] and replay["replayed"] is True
    assert replay["walletBalance"] == paid["walletBalance"]

    other = await _redeem(client, code, "till-2-sale-9")
    assert other["errors"][0]["extensions"]["code"] == "CONFLICT"

    after = await _me(client)
    assert after["wallet"]["balance"]["amount"] == before["wallet"]["balance"]["amount"] - 800
    assert (
        after["loyalty"]["points"] == before["loyalty"]["points"] + paid["rewards"]["pointsEarned"]
    )
    assert after["orders"]["totalCount"] == before["orders"]["totalCount"] + 1
    await _audit(fresh_db)


async def test_two_tills_racing_for_one_code_exactly_one_wins(
    client: Client, fresh_db: SeededDatabase
) -> None:
    before = await _me(client)
    code = await _code(client)
    results = await asyncio.gather(*(_redeem(client, code, f"race-{i}") for i in range(4)))
    won = [r for r in results if "errors" not in r]
    lost = [r for r in results if "errors" in r]
    assert len(won) == 1, results
    assert {r["errors"][0]["extensions"]["code"] for r in lost} == {"CONFLICT"}
    after = await _me(client)
    assert after["wallet"]["balance"]["amount"] == before["wallet"]["balance"]["amount"] - 800
    await _audit(fresh_db)


async def test_refusals_change_nothing(client: Client, fresh_db: SeededDatabase) -> None:
    before = await _me(client)
    staff = client.token(staff=True)
    code = await _code(client)

    by_customer = await client.post(
        REDEEM,
        {"code": code, "store": DOWNTOWN, "sale": SALE, "key": "k1"},
        token=client.token(DEVI_ID),
    )
    assert by_customer["errors"][0]["extensions"]["code"] == "FORBIDDEN"

    pearl = to_global_id("Store", "loc_pearl")
    elsewhere = await client.post(
        REDEEM, {"code": code, "store": pearl, "sale": SALE, "key": "k2"}, token=staff
    )
    assert elsewhere["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"

    forged = await _redeem(client, code[:-2] + "AA", "k3")
    assert forged["errors"][0]["extensions"]["code"] == "NOT_FOUND"

    huge = {"lines": [{"sku": DEVI_SODA_SKU, "quantity": 999, "unitPrice": 9_999_999}]}
    overflow = await _redeem(client, code, "k4", huge)
    assert overflow["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    dear = {"lines": [{"sku": DEVI_SODA_SKU, "quantity": 100, "unitPrice": 9_999_999}]}
    too_much = await _redeem(client, code, "k4", dear)
    assert too_much["errors"][0]["extensions"]["code"] == "INSUFFICIENT_FUNDS"
    still_good = await _redeem(client, code, "k5")
    assert "errors" not in still_good, "a refused payment gives the code back"

    late = await _code(client)
    store = store_for(fresh_db.url)
    try:
        async with store.write() as session:
            await session.execute(
                update(m.StorePaymentCode)
                .where(m.StorePaymentCode.status == "ACTIVE")
                .values(expires_at=datetime.now(UTC) - timedelta(seconds=1))
            )
    finally:
        await store.dispose()
    expired = await _redeem(client, late, "k6")
    assert expired["errors"][0]["extensions"]["code"] == "BAD_USER_INPUT"
    assert "expired" in expired["errors"][0]["message"]

    after = await _me(client)
    assert after["wallet"]["balance"]["amount"] == before["wallet"]["balance"]["amount"] - 800
    await _audit(fresh_db)


async def test_a_till_cut_off_mid_redemption_is_completed_by_its_retry(
    client: Client, fresh_db: SeededDatabase
) -> None:
    """The till claimed the code and the wallet was debited, then it died before the order
    was recorded: the retry with its key completes the sale, debiting nothing twice."""
    from commercegraph.adapters.native.instore import NativeInStore
    from commercegraph.adapters.native.wallet import NativeWallet
    from commercegraph.usecases.store_payments import SaleLine, code_hash, sale_fingerprint

    before = await _me(client)
    code = await _code(client)
    lines = [SaleLine(DEVI_SODA_SKU, 2, 450)]
    store = store_for(fresh_db.url)
    try:
        state = NativeInStore(store)
        digest = code_hash(code)
        fingerprint = sale_fingerprint(DOWNTOWN_ID, lines, 100)
        assert await state.claim_payment_code(
            digest, "till-crash", fingerprint, 800, datetime.now(UTC)
        )
        claimed = await state.payment_code(digest)
        assert claimed is not None
        await NativeWallet(store, client.settings).pay(
            DEVI_ID, 800, f"store-sale:{claimed.id}", f"paycode:{claimed.id}"
        )
    finally:
        await store.dispose()

    retried = await _redeem(client, code, "till-crash")
    assert "errors" not in retried, retried
    sale = retried["data"]["redeemStorePaymentCode"]
    assert sale["order"]["total"]["amount"] == 800 and sale["rewards"]["pointsEarned"] > 0
    after = await _me(client)
    assert after["wallet"]["balance"]["amount"] == before["wallet"]["balance"]["amount"] - 800
    assert after["orders"]["totalCount"] == before["orders"]["totalCount"] + 1
    other = await _redeem(client, code, "till-other")
    assert other["errors"][0]["extensions"]["code"] == "CONFLICT"
    await _audit(fresh_db)
