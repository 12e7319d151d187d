"""Wallet and loyalty mutations and types: top-ups, redemption, payment methods,
referrals, and paying, refunding and rewarding orders. Every one acts for the caller."""

from __future__ import annotations

from enum import Enum

import strawberry
from strawberry.types import Info

from commercegraph.adapters.base import (
    NewPaymentMethod,
    PaymentMethodRecord,
)
from commercegraph.context import Context
from commercegraph.ids import expect_global_id
from commercegraph.resolvers import referrals
from commercegraph.resolvers import wallet as checkout
from commercegraph.schema.common import Money
from commercegraph.schema.customer import LoyaltyAccount, PaymentMethod, Wallet
from commercegraph.schema.referral import AppliedReferral, Referral
from commercegraph.services.payment_methods import refuse_pans


@strawberry.enum
class RedemptionTarget(Enum):
    WALLET_CREDIT = "WALLET_CREDIT"
    ORDER_DISCOUNT = "ORDER_DISCOUNT"


@strawberry.enum
class PaymentMethodKind(Enum):
    CARD = "CARD"
    PAYPAL = "PAYPAL"
    APPLE_PAY = "APPLE_PAY"
    GOOGLE_PAY = "GOOGLE_PAY"
    BANK_ACCOUNT = "BANK_ACCOUNT"


@strawberry.input(description="A provider token and what the label may show; never a card number.")
class AddPaymentMethodInput:
    kind: PaymentMethodKind
    provider_token: str
    brand: str | None = None
    last4: str | None = None
    email: str | None = None
    make_default: bool = False


@strawberry.type
class PointsRedemption:
    points: int
    into: RedemptionTarget
    credit: Money
    points_left: int
    transaction_id: strawberry.ID


@strawberry.type(description="What an order earned, and whether it lifted the customer's tier.")
class OrderRewards:
    points_earned: int
    pending_points: int
    points: int
    tier_before: str
    tier_after: str
    reached_new_tier: bool
    points_to_next_tier: int | None
    multipliers: list[str]
    message: str

    @classmethod
    def of(cls, r: checkout.OrderRewards) -> OrderRewards:
        return cls(
            points_earned=r.points_earned,
            pending_points=r.pending_points,
            points=r.points,
            tier_before=r.tier_before,
            tier_after=r.tier_after,
            reached_new_tier=r.reached_new_tier,
            points_to_next_tier=r.points_to_next_tier,
            multipliers=list(r.multipliers),
            message=r.message,
        )


@strawberry.type
class OrderPayment:
    reward_credit_amount: Money
    wallet_amount: Money
    charged_amount: Money = strawberry.field(
        description="Left for the payment method, or due at pickup."
    )
    payment_method: PaymentMethod | None
    wallet_balance: Money | None
    pay_at_pickup: bool = strawberry.field(description="Paid at the store when picked up.")

    @classmethod
    def of(cls, paid: checkout.OrderPayment) -> OrderPayment:
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
        )


@strawberry.type
class OrderRefund:
    refunded: Money
    points_reversed: int
    loyalty: LoyaltyAccount | None


def _method(p: PaymentMethodRecord) -> PaymentMethod:
    return PaymentMethod(
        id=strawberry.ID(p.id), kind=p.kind, label=p.label, is_default=p.is_default
    )


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
        amount: int,
        payment_method_id: strawberry.ID,
        idempotency_key: str,
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
        points: int,
        idempotency_key: str,
        into: RedemptionTarget = RedemptionTarget.WALLET_CREDIT,
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

    @strawberry.mutation
    async def add_payment_method(
        self, info: Info[Context, None], input: AddPaymentMethodInput
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
        self, info: Info[Context, None], id: strawberry.ID
    ) -> list[PaymentMethod]:
        cid = info.context.caller.require_customer()
        port = info.context.registry.wallet
        await port.remove_payment_method(cid, str(id))
        return [_method(p) for p in (await port.payment_methods([cid]))[0]]

    @strawberry.mutation
    async def set_default_payment_method(
        self, info: Info[Context, None], id: strawberry.ID
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
    async def apply_referral_code(self, info: Info[Context, None], code: str) -> AppliedReferral:
        record = await referrals.apply_referral_code(info.context, code)
        return AppliedReferral(code=record.code, status=record.status)

    @strawberry.mutation(
        description="Pay one of your orders: reward credit first, then walletAmount from the "
        "wallet, the rest from paymentMethodId. Keyed by the order: paying it again returns "
        "the first payment."
    )
    async def pay_order_with_wallet(
        self,
        info: Info[Context, None],
        order_id: strawberry.ID,
        wallet_amount: int,
        payment_method_id: strawberry.ID | None = None,
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
        description="Cancellation (staff): refund wallet payments, take back points."
    )
    async def refund_order_to_wallet(
        self, info: Info[Context, None], order_id: strawberry.ID
    ) -> OrderRefund:
        ctx = info.context
        ctx.caller.require_staff()
        order = await checkout.load_order(ctx, expect_global_id(order_id, "Order", "orderId"))
        refund = await checkout.refund_order(ctx, order)
        return OrderRefund(
            refunded=Money.minor(
                sum(p.amount.amount for p in refund.refunded), order.total.currency
            ),
            points_reversed=-refund.loyalty.points_earned,
            loyalty=await _loyalty(info, order.customer_id),
        )

    @strawberry.mutation(
        description="Award an order's points (staff; checkout does this when an order is "
        "placed) and, once it is completed, the referrer's reward."
    )
    async def award_order_points(
        self, info: Info[Context, None], order_id: strawberry.ID
    ) -> OrderRewards:
        ctx = info.context
        ctx.caller.require_staff()
        order = await checkout.load_order(ctx, expect_global_id(order_id, "Order", "orderId"))
        rewards = await checkout.award_order_points(ctx, order)
        await checkout.order_completed(ctx, order)
        return OrderRewards.of(rewards)
