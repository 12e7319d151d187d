"""The customer's wallet and loyalty account as the graph shows them."""

from __future__ import annotations

from datetime import datetime

import strawberry
from strawberry.types import Info

from commercegraph.adapters.base import (
    LoyaltyRecord,
    Page,
    PaymentMethodRecord,
    TransactionQuery,
    WalletTransactionRecord,
)
from commercegraph.context import Context
from commercegraph.schema.common import After, First, Money, PageInfo
from commercegraph.schema.enums import LoyaltyTier, PaymentMethodKind, WalletTransactionKind
from commercegraph.services.pagination import check_first


@strawberry.type(description="A saved way to pay, shown masked; never a card number.")
class PaymentMethod:
    id: strawberry.ID = strawberry.field(description="Pass as `paymentMethodId` to pay with it.")
    kind: PaymentMethodKind = strawberry.field(description="Card, PayPal, a wallet app or a bank.")
    label: str = strawberry.field(description="Masked, e.g. 'Visa ····4242'.")
    is_default: bool = strawberry.field(description="Used when no payment method is named.")

    @classmethod
    def of(cls, p: PaymentMethodRecord) -> PaymentMethod:
        return cls(
            id=strawberry.ID(p.id),
            kind=PaymentMethodKind(p.kind),
            label=p.label,
            is_default=p.is_default,
        )


@strawberry.type(description="One movement of the wallet's stored value.")
class WalletTransaction:
    id: strawberry.ID = strawberry.field(description="The ledger transaction's id.")
    amount: Money = strawberry.field(description="Into the wallet (positive) or out (negative).")
    kind: WalletTransactionKind = strawberry.field(description="What moved the money.")
    created_at: datetime = strawberry.field(description="When it was booked.")


@strawberry.type(description="A wallet transaction in a page, with its cursor.")
class WalletTransactionEdge:
    node: WalletTransaction = strawberry.field(description="The transaction.")
    cursor: str = strawberry.field(description="Pass as `after` to page on from here.")


@strawberry.type(description="A page of wallet transactions, newest first (Relay connection).")
class WalletTransactionConnection:
    edges: list[WalletTransactionEdge] = strawberry.field(description="This page, newest first.")
    page_info: PageInfo = strawberry.field(description="Cursors and whether more pages exist.")
    total_count: int | None = strawberry.field(description="Transactions of the wallet in all.")


@strawberry.type(description="Stored value the customer can spend, and how they pay.")
class Wallet:
    balance: Money = strawberry.field(description="What the wallet holds now.")
    _customer_id: strawberry.Private[str]

    @strawberry.field(description="Saved payment methods.")
    async def payment_methods(self, info: Info[Context, None]) -> list[PaymentMethod]:
        info.context.caller.require_customer_access(self._customer_id)
        methods = await info.context.loaders.payment_methods.load(self._customer_id)
        return [PaymentMethod.of(p) for p in methods]

    @strawberry.field(description="Money in and out of the wallet, newest first.")
    async def transactions(
        self, info: Info[Context, None], first: First = 10, after: After = None
    ) -> WalletTransactionConnection:
        ctx = info.context
        ctx.caller.require_customer_access(self._customer_id)
        check_first(first, ctx.settings.max_page_size)
        page: Page[WalletTransactionRecord] = await ctx.loaders.wallet_transactions.load(
            TransactionQuery(self._customer_id, first, after)
        )
        return WalletTransactionConnection(
            edges=[
                WalletTransactionEdge(
                    node=WalletTransaction(
                        id=strawberry.ID(t.id),
                        amount=Money.of(t.amount),
                        kind=WalletTransactionKind(t.kind),
                        created_at=t.created_at,
                    ),
                    cursor=c,
                )
                for t, c in zip(page.items, page.cursors, strict=True)
            ],
            page_info=PageInfo.of(page),
            total_count=page.total_count,
        )


@strawberry.type(description="The customer's loyalty points and tier.")
class LoyaltyAccount:
    points: int = strawberry.field(description="Points available to redeem now.")
    tier: LoyaltyTier = strawberry.field(description="The tier, from 12 months' qualifying points.")
    points_to_next_tier: int | None = strawberry.field(
        description="Qualifying points still needed for the next tier; null at the top."
    )
    pending_points: int = strawberry.field(
        description="Earned by orders still inside their return window; available after it."
    )
    expiring_soon: int = strawberry.field(
        description="Points that expire within the expiry window (30 days by default)."
    )

    @classmethod
    def of(cls, r: LoyaltyRecord) -> LoyaltyAccount:
        return cls(
            points=r.points,
            tier=LoyaltyTier(r.tier),
            points_to_next_tier=r.points_to_next_tier,
            pending_points=r.pending_points,
            expiring_soon=r.expiring_soon,
        )
