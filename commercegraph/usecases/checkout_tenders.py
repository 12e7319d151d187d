"""Gift cards and exchange rates as a checkout plans its payment.

A gift card pays in its own currency only, and only before its expiry; a wallet in another
currency than the order pays the amount converted at the pricing side's rate (integer
micro-rate, rounded half to even), recorded on the plan and shown on the payment, or is
refused with ``CURRENCY_MISMATCH`` when no rate is known.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from commercegraph.adapters.base import Money, WalletRecord
from commercegraph.adapters.native.tenders import ExchangeRate, NativeTenders
from commercegraph.errors import (
    BadUserInput,
    CurrencyMismatch,
    GiftCardExpired,
    InsufficientFunds,
    NotFound,
)
from commercegraph.store.models.base import utcnow
from commercegraph.usecases.checkout_log import PaymentPlan


@dataclass(frozen=True, slots=True)
class PlannedCard:
    card_id: str | None = None
    amount: int = 0


async def plan_gift_card(
    tenders: NativeTenders | None,
    code: str | None,
    asked: int | None,
    total: Money,
    open_amount: int,
) -> PlannedCard:
    """The card ``code`` names and the amount it pays of ``open_amount`` (what the wallet
    leaves): ``asked``, or as much as it covers when ``None``."""
    if code is None:
        if asked is not None:
            raise BadUserInput(
                "`giftCardAmount` needs a `giftCardCode`", argument="payment.giftCardAmount"
            )
        return PlannedCard()
    card = await _native(tenders).gift_card(code)
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


def _native(tenders: NativeTenders | None) -> NativeTenders:
    if tenders is None:
        raise RuntimeError("this registry was built without gift cards and exchange rates")
    return tenders


async def wallet_exchange(
    tenders: NativeTenders | None, wallet: WalletRecord | None, total: Money
) -> ExchangeRate | None:
    """The rate a wallet in another currency pays this order at; refused without one."""
    if wallet is None or wallet.balance.currency == total.currency:
        return None
    unit = wallet.balance.currency
    rate = await _native(tenders).rate(total.currency, unit)
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


def payment_exchange(pay: PaymentPlan, currency: str) -> PaymentExchange | None:
    if pay.wallet_debit is None or pay.wallet_unit is None:
        return None
    return PaymentExchange(
        Money(pay.wallet_amount, currency),
        Money(pay.wallet_debit, pay.wallet_unit),
        pay.fx_rate_micros,
        pay.fx_source,
        datetime.fromisoformat(pay.fx_as_of),
    )
