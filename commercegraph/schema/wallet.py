"""Wallet and loyalty types and mutations: the wallet, its transactions and payment methods,
the loyalty account, referrals; top-ups, redemption, and paying, refunding and rewarding
orders. Every mutation acts for the caller."""

from __future__ import annotations

from datetime import datetime
from enum import Enum
from typing import Annotated

import strawberry
from strawberry.types import Info

from commercegraph.adapters.base import (
    LoyaltyRecord,
    NewPaymentMethod,
    Page,
    PaymentMethodRecord,
    ReferralSummary,
    TransactionQuery,
    WalletTransactionRecord,
)
from commercegraph.context import Context
from commercegraph.ids import expect_global_id
from commercegraph.resolvers import referrals
from commercegraph.resolvers import wallet as checkout
from commercegraph.schema.common import After, First, IdempotencyKey, Money, PageInfo
from commercegraph.schema.described import described_enum
from commercegraph.schema.enums import (
    LoyaltyTier,
    OrderStatus,
    PaymentMethodKind,
    ReferralStatus,
    WalletTransactionKind,
)
from commercegraph.services.order_lifecycle import refund_target
from commercegraph.services.pagination import check_first
from commercegraph.services.payment_methods import refuse_pans
from commercegraph.usecases import checkout_tenders, order_payments
from commercegraph.usecases.order_lifecycle import move_order

PaymentMethodIdArg = Annotated[
    strawberry.ID, strawberry.argument(description="The payment method's id.")
]
OrderIdArg = Annotated[strawberry.ID, strawberry.argument(description="The order's global ID.")]


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


@strawberry.type(description="The customer's referral code and what it brought in.")
class Referral:
    code: str | None = strawberry.field(description="Null until createReferralCode.")
    referred: int = strawberry.field(description="Friends who applied the code.")
    rewarded: int = strawberry.field(description="Of them, those whose first order completed.")
    points_earned: int = strawberry.field(description="Points the referrals earned in all.")

    @classmethod
    def of(cls, r: ReferralSummary) -> Referral:
        return cls(
            code=r.code, referred=r.referred, rewarded=r.rewarded, points_earned=r.points_earned
        )


@strawberry.type(description="A referral code the caller applied.")
class AppliedReferral:
    code: str = strawberry.field(description="The code applied.")
    status: ReferralStatus = strawberry.field(description="Where the referral stands.")


@described_enum(
    "What redeemed points become.",
    WALLET_CREDIT="Stored value in the wallet, spendable on any order.",
    ORDER_DISCOUNT="Reward credit that placeOrder takes off the next order.",
)
class RedemptionTarget(Enum):
    WALLET_CREDIT = "WALLET_CREDIT"
    ORDER_DISCOUNT = "ORDER_DISCOUNT"


@strawberry.input(description="A provider token and what the label may show; never a card number.")
class AddPaymentMethodInput:
    kind: PaymentMethodKind = strawberry.field(description="What kind of payment method.")
    provider_token: str = strawberry.field(
        description="The payment provider's token for it (the gateway never sees card numbers)."
    )
    brand: str | None = strawberry.field(default=None, description="CARD: e.g. 'Visa'.")
    last4: str | None = strawberry.field(default=None, description="CARD: the last four digits.")
    email: str | None = strawberry.field(default=None, description="PAYPAL: the account email.")
    make_default: bool = strawberry.field(
        default=False, description="Make it the default payment method."
    )


@strawberry.type(description="Points turned into credit.")
class PointsRedemption:
    points: int = strawberry.field(description="Points redeemed.")
    into: RedemptionTarget = strawberry.field(description="What they became.")
    credit: Money = strawberry.field(description="The credit they bought.")
    points_left: int = strawberry.field(description="Points available after this.")
    transaction_id: strawberry.ID = strawberry.field(description="The ledger transaction.")


@strawberry.type(description="What an order earned, and whether it lifted the customer's tier.")
class OrderRewards:
    points_earned: int = strawberry.field(description="Points this order earned.")
    pending_points: int = strawberry.field(
        description="Of them, held until the return window ends."
    )
    points: int = strawberry.field(description="Points available after this order.")
    tier_before: LoyaltyTier = strawberry.field(description="The tier before this order.")
    tier_after: LoyaltyTier = strawberry.field(description="The tier after it.")
    reached_new_tier: bool = strawberry.field(description="The order lifted the tier.")
    points_to_next_tier: int | None = strawberry.field(
        description="Qualifying points still needed for the next tier; null at the top."
    )
    multipliers: list[str] = strawberry.field(
        description="What changed the earn rate, for display (e.g. 'tier x1.5'): free text."
    )
    message: str = strawberry.field(description="A line to show the customer.")

    @classmethod
    def of(cls, r: order_payments.OrderRewards) -> OrderRewards:
        return cls(
            points_earned=r.points_earned,
            pending_points=r.pending_points,
            points=r.points,
            tier_before=LoyaltyTier(r.tier_before),
            tier_after=LoyaltyTier(r.tier_after),
            reached_new_tier=r.reached_new_tier,
            points_to_next_tier=r.points_to_next_tier,
            multipliers=list(r.multipliers),
            message=r.message,
        )


@strawberry.type(
    description="A payment converted between currencies: the amount in the order's currency, "
    "the amount taken in the wallet's, and the rate (with its source and date) used."
)
class PaymentExchange:
    order_amount: Money = strawberry.field(description="The wallet part, in the order's currency.")
    wallet_amount: Money = strawberry.field(
        description="What left the wallet, in the wallet's currency."
    )
    rate: str = strawberry.field(
        description="Wallet currency per unit of the order's, six decimals (a decimal string)."
    )
    source: str = strawberry.field(description="Where the rate comes from.")
    as_of: datetime = strawberry.field(description="When the rate was set.")

    @classmethod
    def of(cls, e: checkout_tenders.PaymentExchange) -> PaymentExchange:
        return cls(
            order_amount=Money.of(e.order_amount),
            wallet_amount=Money.of(e.wallet_amount),
            rate=e.rate,
            source=e.source,
            as_of=e.as_of,
        )


@strawberry.type(description="How an order was paid.")
class OrderPayment:
    reward_credit_amount: Money = strawberry.field(description="Taken from reward credit.")
    wallet_amount: Money = strawberry.field(description="Taken from the wallet.")
    charged_amount: Money = strawberry.field(
        description="Left for the payment method, or due at pickup."
    )
    payment_method: PaymentMethod | None = strawberry.field(
        description="The payment method charged, if any."
    )
    wallet_balance: Money | None = strawberry.field(
        description="The wallet's balance after the payment; null when the wallet was not used."
    )
    pay_at_pickup: bool = strawberry.field(description="Paid at the store when picked up.")
    gift_card_amount: Money | None = strawberry.field(
        default=None, description="Taken from a gift card; null when none was used."
    )
    exchange: PaymentExchange | None = strawberry.field(
        default=None,
        description="How the wallet part was converted when the wallet holds another "
        "currency than the order; null when no conversion took place.",
    )

    @classmethod
    def of(cls, paid: order_payments.OrderPayment) -> OrderPayment:
        return cls(
            reward_credit_amount=Money.of(paid.reward_credit_amount),
            wallet_amount=Money.of(paid.wallet_amount),
            charged_amount=Money.of(paid.charged),
            payment_method=_method(paid.payment_method) if paid.payment_method else None,
            wallet_balance=(
                Money.of(paid.posting.balance)
                if paid.posting is not None and paid.wallet_amount.amount
                else None
            ),
            pay_at_pickup=paid.pay_at_pickup,
            gift_card_amount=Money.of(paid.gift_card_amount) if paid.gift_card_amount else None,
            exchange=PaymentExchange.of(paid.exchange) if paid.exchange is not None else None,
        )


@strawberry.type(description="What cancelling an order gave back and took back.")
class OrderRefund:
    refunded: Money = strawberry.field(description="Put back into the wallet.")
    points_reversed: int = strawberry.field(description="Points the order had earned, taken back.")
    loyalty: LoyaltyAccount | None = strawberry.field(description="The loyalty account after.")
    card_refunded: Money | None = strawberry.field(
        default=None, description="The share the card paid, refunded to that payment method."
    )
    status: OrderStatus | None = strawberry.field(
        default=None, description="The order's status after: CANCELLED or RETURNED."
    )
    gift_card_refunded: Money | None = strawberry.field(
        default=None, description="The share a gift card paid, put back on that gift card."
    )


def _method(p: PaymentMethodRecord) -> PaymentMethod:
    return PaymentMethod.of(p)


async def _loyalty(info: Info[Context, None], customer_id: str) -> LoyaltyAccount | None:
    info.context.loaders.loyalty.clear(customer_id)
    record = await info.context.loaders.loyalty.load(customer_id)
    return LoyaltyAccount.of(record) if record is not None else None


@strawberry.type
class WalletMutation:
    @strawberry.mutation(description="Add stored value, charged to one of your payment methods.")
    async def wallet_top_up(
        self,
        info: Info[Context, None],
        amount: Annotated[int, strawberry.argument(description="Minor units to add.")],
        payment_method_id: Annotated[
            strawberry.ID, strawberry.argument(description="The payment method to charge.")
        ],
        idempotency_key: IdempotencyKey,
    ) -> Wallet:
        cid = info.context.caller.require_customer()
        posting = await info.context.registry.wallet.top_up(
            cid, amount, str(payment_method_id), idempotency_key
        )
        return Wallet(balance=Money.of(posting.balance), _customer_id=cid)

    @strawberry.mutation(
        description="Turn available points into wallet credit or an order discount."
    )
    async def redeem_points(
        self,
        info: Info[Context, None],
        points: Annotated[int, strawberry.argument(description="Available points to redeem.")],
        idempotency_key: IdempotencyKey,
        into: Annotated[
            RedemptionTarget, strawberry.argument(description="What the points become.")
        ] = RedemptionTarget.WALLET_CREDIT,
    ) -> PointsRedemption:
        cid = info.context.caller.require_customer()
        r = await info.context.registry.wallet.redeem_points(
            cid, points, into.value, idempotency_key
        )
        return PointsRedemption(
            points=r.points,
            into=RedemptionTarget(r.into),
            credit=Money.of(r.credit),
            points_left=r.points_left,
            transaction_id=strawberry.ID(r.transaction_id),
        )

    @strawberry.mutation(description="Save a payment method from the provider's token.")
    async def add_payment_method(
        self,
        info: Info[Context, None],
        input: Annotated[
            AddPaymentMethodInput, strawberry.argument(description="The method to save.")
        ],
    ) -> PaymentMethod:
        cid = info.context.caller.require_customer()
        # here, not only in the native adapter: no wallet backend may receive a card number
        refuse_pans(
            {
                "providerToken": input.provider_token,
                "brand": input.brand,
                "last4": input.last4,
                "email": input.email,
            }
        )
        record = await info.context.registry.wallet.add_payment_method(
            cid,
            NewPaymentMethod(
                kind=input.kind.value,
                provider_token=input.provider_token,
                brand=input.brand,
                last4=input.last4,
                email=input.email,
                make_default=input.make_default,
            ),
        )
        return _method(record)

    @strawberry.mutation(description="Remove a payment method; returns the ones left.")
    async def remove_payment_method(
        self, info: Info[Context, None], id: PaymentMethodIdArg
    ) -> list[PaymentMethod]:
        cid = info.context.caller.require_customer()
        port = info.context.registry.wallet
        await port.remove_payment_method(cid, str(id))
        return [_method(p) for p in (await port.payment_methods([cid]))[0]]

    @strawberry.mutation(description="Make a payment method the default.")
    async def set_default_payment_method(
        self, info: Info[Context, None], id: PaymentMethodIdArg
    ) -> PaymentMethod:
        cid = info.context.caller.require_customer()
        return _method(await info.context.registry.wallet.set_default_payment_method(cid, str(id)))

    @strawberry.mutation(description="Your referral code (created once, then the same).")
    async def create_referral_code(self, info: Info[Context, None]) -> Referral:
        cid = info.context.caller.require_customer()
        port = info.context.registry.wallet
        await port.create_referral_code(cid)
        return Referral.of((await port.referral_summaries([cid]))[0])

    @strawberry.mutation(description="Say who referred you, before your first order.")
    async def apply_referral_code(
        self,
        info: Info[Context, None],
        code: Annotated[str, strawberry.argument(description="The friend's referral code.")],
    ) -> AppliedReferral:
        record = await referrals.apply_referral_code(info.context, code)
        return AppliedReferral(code=record.code, status=ReferralStatus(record.status))

    @strawberry.mutation(
        description="Pay one of your orders: reward credit first, then walletAmount from the "
        "wallet, the rest from paymentMethodId. Keyed by the order: paying it again returns "
        "the first payment."
    )
    async def pay_order_with_wallet(
        self,
        info: Info[Context, None],
        order_id: OrderIdArg,
        wallet_amount: Annotated[
            int, strawberry.argument(description="Minor units to take from the wallet.")
        ],
        payment_method_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="Pays the rest; needed when anything is left."),
        ] = None,
    ) -> OrderPayment:
        ctx = info.context
        order = await checkout.load_order(ctx, expect_global_id(order_id, "Order", "orderId"))
        paid = await checkout.pay_order(
            ctx,
            order,
            wallet_amount=wallet_amount,
            payment_method_id=str(payment_method_id) if payment_method_id else None,
        )
        return OrderPayment.of(paid)

    @strawberry.mutation(
        description="Cancel (before hand-over) or return (after) an order (staff): every "
        "tender paid back — wallet and reward credit, the card's share — points taken "
        "back, stock back where the order took it. Asking again answers the first refund."
    )
    async def refund_order_to_wallet(
        self, info: Info[Context, None], order_id: OrderIdArg
    ) -> OrderRefund:
        ctx = info.context
        ctx.caller.require_staff()
        order = await checkout.load_order(ctx, expect_global_id(order_id, "Order", "orderId"))
        moved = await move_order(ctx.registry, order.id, refund_target(order.status), ctx.now)
        refund = moved.settlement
        assert refund is not None, order.id
        card = refund.card_refund
        return OrderRefund(
            refunded=Money.minor(
                sum(p.amount.amount for p in refund.refunded), order.total.currency
            ),
            points_reversed=refund.points_reversed,
            loyalty=await _loyalty(info, order.customer_id),
            card_refunded=Money.minor(card.amount, card.currency) if card is not None else None,
            status=OrderStatus(moved.order.status),
            gift_card_refunded=Money.minor(refund.gift_card_refund.amount, order.total.currency)
            if refund.gift_card_refund is not None
            else None,
        )

    @strawberry.mutation(
        description="Award an order's points (staff; checkout does this when an order is "
        "placed) and, once it is completed, the referrer's reward."
    )
    async def award_order_points(
        self, info: Info[Context, None], order_id: OrderIdArg
    ) -> OrderRewards:
        ctx = info.context
        ctx.caller.require_staff()
        order = await checkout.load_order(ctx, expect_global_id(order_id, "Order", "orderId"))
        rewards = await checkout.award_order_points(ctx, order)
        await checkout.order_completed(ctx, order)
        return OrderRewards.of(rewards)
