"""Gift cards, exchange rates and membership cards, as checkout and staff use them.

At checkout a gift card pays in its own currency only, and only before its expiry; a wallet
in another currency than the order pays the amount converted at the pricing side's rate
(integer micro-rate, rounded half to even), recorded on the plan and shown on the payment,
or is refused with ``CURRENCY_MISMATCH`` when no rate is known. A membership card is a
loyalty identifier issued to a customer at a store: a ``LOYALTY_CARD`` identifier, so the
POS (``pos_purchase`` events) and ``customerByIdentifier`` recognise the shopper by it.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from commercegraph.adapters.base import Money, WalletRecord
from commercegraph.adapters.native.tenders import (
    ExchangeRate,
    GiftCardPosting,
    GiftCardRecord,
    NativeTenders,
)
from commercegraph.context import Context
from commercegraph.errors import (
    BadUserInput,
    CurrencyMismatch,
    GiftCardExpired,
    InsufficientFunds,
    NotFound,
)
from commercegraph.ids import expect_global_id
from commercegraph.store import models as m
from commercegraph.store.models.base import utcnow

MEMBERSHIP_CARD = "LOYALTY_CARD"
MEMBERSHIP_PREFIX = "MC-"


@dataclass(frozen=True, slots=True)
class PlannedCard:
    card_id: str | None = None
    amount: int = 0


def native_tenders(ctx: Context) -> NativeTenders:
    if ctx.registry.tenders is None:
        raise RuntimeError("this registry was built without gift cards and exchange rates")
    return ctx.registry.tenders


async def plan_gift_card(ctx: Context, choice: Any, total: Money, open_amount: int) -> PlannedCard:
    """The card and the amount it pays of ``open_amount`` (what the wallet leaves)."""
    if choice.gift_card_code is None:
        if choice.gift_card_amount is not None:
            raise BadUserInput(
                "`giftCardAmount` needs a `giftCardCode`", argument="payment.giftCardAmount"
            )
        return PlannedCard()
    card = await native_tenders(ctx).gift_card(choice.gift_card_code)
    if card is None:
        raise NotFound("No such gift card", argument="payment.giftCardCode")
    if card.expired(utcnow()):
        assert card.expires_at is not None
        raise GiftCardExpired(
            f"This gift card expired on {card.expires_at.date().isoformat()}",
            argument="payment.giftCardCode",
            expiresAt=card.expires_at.isoformat(),
        )
    if card.unit != total.currency:
        raise CurrencyMismatch(
            f"This gift card holds {card.unit}; the order is in {total.currency}",
            argument="payment.giftCardCode",
            tenderCurrency=card.unit,
            orderCurrency=total.currency,
        )
    asked = choice.gift_card_amount
    if asked is None:
        amount = min(card.balance, open_amount)
        if amount <= 0:
            raise InsufficientFunds(
                "This gift card holds nothing", argument="payment.giftCardCode", balance=0
            )
        return PlannedCard(card.id, amount)
    if not 0 < asked <= open_amount:
        raise BadUserInput(
            f"`giftCardAmount` must be between 1 and what the wallet leaves to pay ({open_amount})",
            argument="payment.giftCardAmount",
        )
    if card.balance < asked:
        raise InsufficientFunds(
            f"The gift card holds {card.balance}, less than the {asked} asked for",
            argument="payment.giftCardAmount",
            balance=card.balance,
        )
    return PlannedCard(card.id, asked)


async def wallet_exchange(
    ctx: Context, wallet: WalletRecord | None, total: Money
) -> ExchangeRate | None:
    """The rate a wallet in another currency pays this order at; refused without one."""
    if wallet is None or wallet.balance.currency == total.currency:
        return None
    unit = wallet.balance.currency
    rate = await native_tenders(ctx).rate(total.currency, unit)
    if rate is None:
        raise CurrencyMismatch(
            f"The wallet holds {unit}; this order is in {total.currency} and no exchange "
            f"rate from {total.currency} to {unit} is known",
            argument="payment.walletAmount",
            tenderCurrency=unit,
            orderCurrency=total.currency,
        )
    return rate


def refuse_other_currency(wallet: WalletRecord | None, total: Money, argument: str) -> None:
    """Where no conversion is offered (paying a placed order), a wallet in another
    currency than the order is refused rather than spent one for one."""
    if wallet is not None and wallet.balance.currency != total.currency:
        raise CurrencyMismatch(
            f"The wallet holds {wallet.balance.currency}; this order is in {total.currency}",
            argument=argument,
            tenderCurrency=wallet.balance.currency,
            orderCurrency=total.currency,
        )


def exchange_fields(rate: ExchangeRate | None, debit: int, unit: str) -> dict[str, Any]:
    if rate is None:
        return {}
    return {
        "wallet_debit": debit,
        "wallet_unit": unit,
        "fx_rate_micros": rate.rate_micros,
        "fx_source": rate.source,
        "fx_as_of": rate.as_of.isoformat(),
    }


@dataclass(frozen=True, slots=True)
class PaymentExchange:
    """How a payment in another currency was converted, as recorded on its plan."""

    order_amount: Money
    wallet_amount: Money
    rate_micros: int
    source: str
    as_of: datetime

    @property
    def rate(self) -> str:
        whole, micros = divmod(self.rate_micros, 1_000_000)
        return f"{whole}.{micros:06d}"


def payment_exchange(pay: Any, currency: str) -> PaymentExchange | None:
    if pay.wallet_debit is None or pay.wallet_unit is None:
        return None
    return PaymentExchange(
        Money(pay.wallet_amount, currency),
        Money(pay.wallet_debit, pay.wallet_unit),
        pay.fx_rate_micros,
        pay.fx_source,
        datetime.fromisoformat(pay.fx_as_of),
    )


# Staff issue and top up gift cards.


async def issue_gift_card(
    ctx: Context, amount: int, currency: str | None, expires_at: datetime | None, key: str
) -> GiftCardRecord:
    ctx.caller.require_staff()
    unit = (currency or ctx.settings.default_currency).upper()
    if len(unit) != 3 or not unit.isalpha():
        raise BadUserInput("`currency` must be an ISO 4217 code", argument="currency")
    return await native_tenders(ctx).issue_gift_card(amount, unit, expires_at, key)


async def top_up_gift_card(ctx: Context, code: str, amount: int, key: str) -> GiftCardPosting:
    ctx.caller.require_staff()
    return await native_tenders(ctx).top_up_gift_card(code, amount, key)


async def gift_card(ctx: Context, code: str) -> GiftCardRecord:
    """Anyone holding the code may see its balance (it is the card's only secret)."""
    if ctx.caller.customer_id is None:
        ctx.caller.require_staff()
    card = await native_tenders(ctx).gift_card(code)
    if card is None:
        raise NotFound("No such gift card", argument="code")
    return card


# Staff issue membership cards at a store.


@dataclass(frozen=True, slots=True)
class MembershipCardRecord:
    number: str
    customer_id: str
    store_id: str
    issued_at: datetime


async def issue_membership_card(
    ctx: Context, customer_id: str, store_id: str
) -> MembershipCardRecord:
    """One card per customer: asking again answers the card already issued."""
    ctx.caller.require_staff()
    local_customer = expect_global_id(customer_id, "Customer", "customerId")
    local_store = expect_global_id(store_id, "Store", "storeId")
    (customer,) = await ctx.registry.customer.customers_by_id([local_customer])
    if customer is None:
        raise NotFound("No such customer", argument="customerId")
    (store,) = await ctx.registry.inventory.locations_by_id([local_store])
    if store is None or store.kind != "STORE":
        raise BadUserInput(f"No store {store_id!r}", argument="storeId")
    tenders = native_tenders(ctx)
    for _ in range(3):
        existing = await _membership_card(tenders, local_customer)
        if existing is not None:
            return existing
        number = MEMBERSHIP_PREFIX + "".join(secrets.choice("0123456789") for _ in range(12))
        now = utcnow()
        try:
            async with tenders.store.write() as session:
                session.add(
                    m.CustomerIdentifier(
                        kind=MEMBERSHIP_CARD,
                        value=number,
                        customer_id=local_customer,
                        source=local_store[:32],
                        linked_at=now,
                    )
                )
        except IntegrityError:
            continue  # a number taken already: draw another
        found = await _membership_card(tenders, local_customer)
        assert found is not None
        return found
    raise RuntimeError("could not draw a free membership card number")


async def _membership_card(tenders: NativeTenders, customer_id: str) -> MembershipCardRecord | None:
    async with tenders.store.read() as session:
        row = await session.scalar(
            select(m.CustomerIdentifier)
            .where(
                m.CustomerIdentifier.customer_id == customer_id,
                m.CustomerIdentifier.kind == MEMBERSHIP_CARD,
                m.CustomerIdentifier.value.startswith(MEMBERSHIP_PREFIX),
            )
            .order_by(m.CustomerIdentifier.linked_at)
            .limit(1)
        )
    if row is None:
        return None
    return MembershipCardRecord(row.value, row.customer_id, row.source, row.linked_at)
