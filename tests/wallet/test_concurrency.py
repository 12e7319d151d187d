"""Concurrency proofs on PostgreSQL: no double spend, no double effect."""

from __future__ import annotations

import asyncio

import pytest

from commercegraph.adapters.base import PointsEarning
from commercegraph.adapters.native.wallet import NativeWallet
from commercegraph.errors import BadUserInput, Conflict, InsufficientFunds
from commercegraph.store.models.base import utcnow
from tests.wallet.audit import audit_ledger
from tests.wallet.conftest import funded_customer, make_customer

pytestmark = pytest.mark.postgres

DEBIT = 100
COVERED = 37


async def test_100_concurrent_debits_against_37_give_37_successes(pg_wallet: NativeWallet) -> None:
    cid, _ = await funded_customer(pg_wallet, DEBIT * COVERED)

    async def debit(n: int) -> str:
        try:
            await pg_wallet.pay(cid, DEBIT, f"order c{n}", f"debit-{n}")
        except InsufficientFunds as exc:
            assert exc.code == "INSUFFICIENT_FUNDS"
            return "INSUFFICIENT_FUNDS"
        return "OK"

    outcomes = await asyncio.gather(*(debit(n) for n in range(100)))
    assert outcomes.count("OK") == COVERED
    assert outcomes.count("INSUFFICIENT_FUNDS") == 100 - COVERED
    (record,) = await pg_wallet.wallets([cid])
    assert record is not None and record.balance.amount == 0
    await audit_ledger(pg_wallet.store, [cid])


async def test_50_concurrent_retries_of_one_key_have_one_effect(pg_wallet: NativeWallet) -> None:
    cid, _ = await funded_customer(pg_wallet, 10_000)
    results = await asyncio.gather(
        *(pg_wallet.pay(cid, 700, "order once", "the-one-key") for _ in range(50))
    )
    assert len({r.transaction_id for r in results}) == 1
    assert sum(not r.replayed for r in results) == 1
    assert {r.balance.amount for r in results} == {9_300}
    (record,) = await pg_wallet.wallets([cid])
    assert record is not None and record.balance.amount == 9_300
    await audit_ledger(pg_wallet.store, [cid])


async def test_concurrent_redemptions_never_spend_points_twice(pg_wallet: NativeWallet) -> None:
    cid = await make_customer(pg_wallet.store)
    await pg_wallet.earn_points(PointsEarning(cid, 1_000, 0, "ADJUSTMENT", utcnow()), "grant")

    async def redeem(n: int) -> bool:
        try:
            await pg_wallet.redeem_points(cid, 300, "WALLET_CREDIT", f"redeem-{n}")
        except InsufficientFunds:
            return False
        return True

    outcomes = await asyncio.gather(*(redeem(n) for n in range(10)))
    assert outcomes.count(True) == 3
    (loyalty,) = await pg_wallet.loyalty_accounts([cid])
    assert loyalty is not None and loyalty.points == 100
    await audit_ledger(pg_wallet.store, [cid])


async def test_concurrent_refunds_of_one_payment_never_exceed_it(pg_wallet: NativeWallet) -> None:
    cid, _ = await funded_customer(pg_wallet, 1_000)
    payment = await pg_wallet.pay(cid, 1_000, "order r", "pay-r")

    async def refund(n: int) -> int:
        try:
            return (
                await pg_wallet.refund(cid, payment.transaction_id, 300, f"rf-{n}")
            ).amount.amount
        except (BadUserInput, Conflict):  # more than is left, or nothing left to refund
            return 0

    refunded = await asyncio.gather(*(refund(n) for n in range(10)))
    assert sum(refunded) == 900
    (record,) = await pg_wallet.wallets([cid])
    assert record is not None and record.balance.amount == 900
    await audit_ledger(pg_wallet.store, [cid])
