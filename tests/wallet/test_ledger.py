"""The native wallet on an empty store, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import timedelta

import pytest

from commercegraph.adapters.base import NewPaymentMethod, PointsEarning, TransactionQuery
from commercegraph.adapters.native.wallet import NativeWallet
from commercegraph.errors import BadUserInput, Conflict, InsufficientFunds, NotFound
from commercegraph.store import models as m
from commercegraph.store.models.base import utcnow
from tests.wallet.audit import audit_ledger, points_issued_total
from tests.wallet.conftest import funded_customer, make_customer


async def test_top_up_pay_refund_move_money_and_balance_the_ledger(wallet: NativeWallet) -> None:
    cid, _card = await funded_customer(wallet, 5_000)
    payment = await wallet.pay(cid, 1_200, "order o1", "pay-1")
    assert payment.amount.amount == -1_200 and payment.balance.amount == 3_800
    partial = await wallet.refund(cid, payment.transaction_id, 200, "refund-1")
    assert partial.balance.amount == 4_000
    rest = await wallet.refund(cid, payment.transaction_id, None, "refund-2")
    assert rest.amount.amount == 1_000 and rest.balance.amount == 5_000
    with pytest.raises(Conflict):
        await wallet.refund(cid, payment.transaction_id, None, "refund-3")
    (record,) = await wallet.wallets([cid])
    assert record is not None and record.balance.amount == 5_000
    page = (await wallet.transactions([TransactionQuery(cid, first=2)]))[0]
    assert [t.kind for t in page.items] == ["REFUND", "REFUND"] and page.has_next_page
    rest_page = (await wallet.transactions([TransactionQuery(cid, 10, page.end_cursor)]))[0]
    assert [t.kind for t in rest_page.items] == ["PAYMENT", "TOP_UP"]
    await audit_ledger(wallet.store, [cid])


async def test_overdraft_is_refused_and_changes_nothing(wallet: NativeWallet) -> None:
    cid, _ = await funded_customer(wallet, 1_000)
    with pytest.raises(InsufficientFunds):
        await wallet.pay(cid, 1_001, "order o2", "pay-too-much")
    (record,) = await wallet.wallets([cid])
    assert record is not None and record.balance.amount == 1_000
    # the refused attempt did not use up its key: the same key may pay what is covered
    ok = await wallet.pay(cid, 1_000, "order o2", "pay-ok")
    assert ok.balance.amount == 0
    await audit_ledger(wallet.store, [cid])


async def test_idempotency_replays_same_request_and_refuses_a_different_one(
    wallet: NativeWallet,
) -> None:
    cid, card = await funded_customer(wallet, 2_000)
    first = await wallet.pay(cid, 500, "order o3", "k")
    again = await wallet.pay(cid, 500, "order o3", "k")
    assert again.replayed and again.transaction_id == first.transaction_id
    assert again.balance == first.balance
    with pytest.raises(Conflict) as err:
        await wallet.pay(cid, 600, "order o3", "k")
    assert err.value.extensions["argument"] == "idempotencyKey"
    with pytest.raises(Conflict):  # one key, one operation, whatever the operation
        await wallet.top_up(cid, 500, card, "k")
    # keys are scoped per customer: another customer's "k" is their own
    other, _ = await funded_customer(wallet, 1_000)
    theirs = await wallet.pay(other, 500, "order o4", "k")
    assert not theirs.replayed
    (mine,) = await wallet.wallets([cid])
    assert mine is not None and mine.balance.amount == 1_500


async def test_top_up_checks_amount_and_payment_method_owner(wallet: NativeWallet) -> None:
    cid, card = await funded_customer(wallet, 0)
    _other, other_card = await funded_customer(wallet, 0)
    with pytest.raises(BadUserInput) as bad:
        await wallet.top_up(cid, 0, card, "t0")
    assert bad.value.extensions["argument"] == "amount"
    with pytest.raises(BadUserInput):
        await wallet.top_up(cid, wallet.settings.wallet_max_top_up + 1, card, "t1")
    with pytest.raises(NotFound) as missing:
        await wallet.top_up(cid, 100, other_card, "t2")
    assert missing.value.extensions["argument"] == "paymentMethodId"
    assert (await wallet.wallets([cid]))[0] is None or (
        (await wallet.wallets([cid]))[0].balance.amount == 0  # type: ignore[union-attr]
    )


async def test_payment_methods_store_tokens_and_masked_labels_only(wallet: NativeWallet) -> None:
    cid = await make_customer(wallet.store)
    paypal = await wallet.add_payment_method(
        cid, NewPaymentMethod("PAYPAL", "tok_paypal_abc123", email="Devi@Example.com")
    )
    assert paypal.label == "PayPal ····@example.com" and paypal.is_default
    visa = await wallet.add_payment_method(
        cid, NewPaymentMethod("CARD", "tok_visa_xyz789", brand="Visa", last4="4242")
    )
    assert visa.label == "Visa ····4242" and not visa.is_default
    same = await wallet.add_payment_method(
        cid, NewPaymentMethod("CARD", "tok_visa_xyz789", brand="Visa", last4="4242")
    )
    assert same.id == visa.id  # a retry, not a second card
    for token in ("4242 4242 4242 4242", "tok_4111111111111111", "5500-0000-0000-0004"):
        with pytest.raises(BadUserInput) as pan:
            await wallet.add_payment_method(
                cid, NewPaymentMethod("CARD", token, brand="Visa", last4="4242")
            )
        assert pan.value.extensions["argument"] == "providerToken"
    with pytest.raises(BadUserInput):
        await wallet.add_payment_method(
            cid, NewPaymentMethod("CARD", "tok_ok_123456", brand="4111111111111111", last4="1111")
        )
    default = await wallet.set_default_payment_method(cid, visa.id)
    assert default.is_default
    await wallet.remove_payment_method(cid, visa.id)
    (methods,) = await wallet.payment_methods([cid])
    assert [(p.id, p.is_default) for p in methods] == [(paypal.id, True)]
    other = await make_customer(wallet.store)
    with pytest.raises(NotFound):
        await wallet.remove_payment_method(other, paypal.id)


async def test_points_pending_then_available_then_expire_fifo(wallet: NativeWallet) -> None:
    cid = await make_customer(wallet.store)
    now = utcnow()
    old = PointsEarning(cid, 300, 30_000, "ORDER", now - timedelta(days=340), "o-old", 0, 365)
    await wallet.earn_points(old, "earn-old")  # expires in 25 days
    newer = PointsEarning(cid, 200, 20_000, "ORDER", now - timedelta(days=300), "o-new", 0, 365)
    await wallet.earn_points(newer, "earn-new")  # expires in 65 days
    pending = PointsEarning(cid, 100, 10_000, "ORDER", now, "o-now", 30, 365)
    change = await wallet.earn_points(pending, "earn-now")
    assert change.pending_points == 100 and change.points == 500
    redemption = await wallet.redeem_points(cid, 100, "WALLET_CREDIT", "redeem-1")
    assert redemption.points_left == 400 and redemption.credit.amount == 100
    (loyalty,) = await wallet.loyalty_accounts([cid])
    # first in, first out: the redemption came out of the lot that expires first
    assert loyalty is not None and loyalty.expiring_soon == 200
    assert await wallet.expire_points(now + timedelta(days=26)) >= 200
    (loyalty,) = await wallet.loyalty_accounts([cid])
    assert loyalty is not None and loyalty.points == 200 and loyalty.pending_points == 100
    assert await wallet.release_pending_points(now + timedelta(days=31)) >= 100
    (loyalty,) = await wallet.loyalty_accounts([cid])
    assert loyalty is not None and loyalty.points == 300 and loyalty.pending_points == 0
    await audit_ledger(wallet.store, [cid])
    assert await points_issued_total(wallet.store) == 0


async def test_redemption_checks_points_and_balance(wallet: NativeWallet) -> None:
    cid = await make_customer(wallet.store)
    await wallet.earn_points(PointsEarning(cid, 250, 0, "ADJUSTMENT", utcnow()), "e")
    with pytest.raises(BadUserInput):
        await wallet.redeem_points(cid, 150, "WALLET_CREDIT", "r-odd")
    with pytest.raises(InsufficientFunds):
        await wallet.redeem_points(cid, 300, "WALLET_CREDIT", "r-much")
    discount = await wallet.redeem_points(cid, 200, "ORDER_DISCOUNT", "r-ok")
    assert discount.credit.amount == 200 and discount.points_left == 50
    (credit,) = await wallet.reward_credits([cid])
    assert credit is not None and credit.amount == 200
    assert (await wallet.wallets([cid]))[0] is None  # the discount is not wallet money
    await audit_ledger(wallet.store, [cid])


async def test_order_reversal_takes_back_points_and_tier(wallet: NativeWallet) -> None:
    cid = await make_customer(wallet.store)
    now = utcnow()
    first = await wallet.earn_points(PointsEarning(cid, 900, 90_000, "ORDER", now, "a", 30), "a")
    assert first.tier_after == "BRONZE" and first.points_to_next_tier == 100
    second = await wallet.earn_points(PointsEarning(cid, 200, 20_000, "ORDER", now, "b", 30), "b")
    assert second.reached_new_tier and second.tier_after == "SILVER"
    back = await wallet.reverse_order_points(cid, "b", "b-back")
    assert back.points_earned == -200 and back.tier_after == "BRONZE"
    assert back.pending_points == 900
    await audit_ledger(wallet.store, [cid])


async def test_idempotency_records_are_kept_a_day(wallet: NativeWallet) -> None:
    with pytest.raises(ValueError):
        await wallet.purge_idempotency_records(utcnow() - timedelta(hours=23))
    cid = await make_customer(wallet.store)
    async with wallet.store.write() as session:
        session.add(
            m.IdempotencyRecord(
                scope=cid,
                key="old",
                operation="wallet.top_up",
                request_hash="x",
                result_ref="[]",
                created_at=utcnow() - timedelta(days=3),
            )
        )
    fresh, _ = await funded_customer(wallet, 100)  # remembers its top-up as "fund-100"
    assert await wallet.purge_idempotency_records(utcnow() - timedelta(days=2)) >= 1
    async with wallet.store.read() as session:
        assert await session.get(m.IdempotencyRecord, (cid, "old")) is None
        assert await session.get(m.IdempotencyRecord, (fresh, "fund-100")) is not None


async def test_an_order_earns_and_returns_once_whatever_the_keys(wallet: NativeWallet) -> None:
    cid = await make_customer(wallet.store)
    earning = PointsEarning(cid, 100, 10_000, "ORDER", utcnow(), "o-once", 30)
    await wallet.earn_points(earning, "first")
    with pytest.raises(Conflict) as again:
        await wallet.earn_points(earning, "second-key")
    assert again.value.extensions["argument"] == "orderId"
    back = await wallet.reverse_order_points(cid, "o-once", "back-1")
    assert back.points_earned == -100
    twice = await wallet.reverse_order_points(cid, "o-once", "back-2")
    assert twice.points_earned == 0 and twice.tier_after == back.tier_after
    await audit_ledger(wallet.store, [cid])


async def test_customer_merge_moves_points_lots_with_the_points(wallet: NativeWallet) -> None:
    source, _ = await funded_customer(wallet, 700)
    target, _ = await funded_customer(wallet, 300)
    now = utcnow()
    await wallet.earn_points(PointsEarning(source, 400, 0, "ORDER", now, "m-a", 0), "a")
    await wallet.earn_points(PointsEarning(source, 150, 0, "ORDER", now, "m-p", 30), "p")
    await wallet.earn_points(PointsEarning(target, 100, 0, "ORDER", now, "m-t", 0), "t")
    await wallet.transfer_balance(source, target, f"merge:{source}:{target}")
    (gone, kept) = await wallet.loyalty_accounts([source, target])
    assert kept is not None and kept.points == 500 and kept.pending_points == 150
    assert gone is not None and gone.points == 0 and gone.pending_points == 0
    (merged,) = await wallet.wallets([target])
    assert merged is not None and merged.balance.amount == 1_000
    await wallet.redeem_points(target, 500, "WALLET_CREDIT", "after-merge")
    await audit_ledger(wallet.store, [source, target])
