"""Customer types: the single view of one customer, their wallet, loyalty and orders.

Every field that reads customer-owned data checks the caller again, so no path through
the graph shows one customer's data to another.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.types import Info

from commercegraph.adapters.base import (
    CustomerRecord,
    LoyaltyRecord,
    OrderQuery,
    OrderRecord,
    Page,
    ProductRecord,
    RecentViewsQuery,
    TransactionQuery,
    WalletRecord,
    WalletTransactionRecord,
)
from commercegraph.context import Context
from commercegraph.ids import to_global_id
from commercegraph.schema import personalization
from commercegraph.schema.catalog import Product, Store
from commercegraph.schema.common import (
    Channel,
    FulfillmentMethod,
    IdentifierKind,
    Money,
    Node,
    PageInfo,
)
from commercegraph.schema.customer360_types import (
    LifetimeValue,
    RfmScore,
    lifetime_value_for,
    rfm_for,
)
from commercegraph.schema.enums import (
    LoyaltyTier,
    OrderStatus,
    PaymentMethodKind,
    SegmentKind,
    WalletTransactionKind,
)
from commercegraph.schema.personalization import (
    Offer,
    OfferContextInput,
    Recommendation,
    RecommendationKind,
    ShoppingList,
)
from commercegraph.schema.referral import Referral
from commercegraph.services.pagination import check_first

if TYPE_CHECKING:
    from commercegraph.schema.wallet import OrderPayment, OrderRewards


@strawberry.type
class Identity:
    kind: IdentifierKind
    value: str
    source: str
    linked_at: datetime


@strawberry.type
class Consent:
    marketing_email: bool
    marketing_sms: bool
    personalization: bool


@strawberry.type
class Segment:
    key: str
    name: str
    kind: SegmentKind = strawberry.field(description="RFM, ABC or BEHAVIOUR.")


@strawberry.type
class PaymentMethod:
    id: strawberry.ID
    kind: PaymentMethodKind
    label: str = strawberry.field(description="Masked, e.g. 'Visa ····4242'.")
    is_default: bool


@strawberry.type
class WalletTransaction:
    id: strawberry.ID
    amount: Money
    kind: WalletTransactionKind
    created_at: datetime


@strawberry.type
class WalletTransactionEdge:
    node: WalletTransaction
    cursor: str


@strawberry.type
class WalletTransactionConnection:
    edges: list[WalletTransactionEdge]
    page_info: PageInfo


@strawberry.type
class Wallet:
    balance: Money
    _customer_id: strawberry.Private[str]

    @strawberry.field
    async def payment_methods(self, info: Info[Context, None]) -> list[PaymentMethod]:
        info.context.caller.require_customer_access(self._customer_id)
        methods = await info.context.loaders.payment_methods.load(self._customer_id)
        return [
            PaymentMethod(
                id=strawberry.ID(p.id),
                kind=PaymentMethodKind(p.kind),
                label=p.label,
                is_default=p.is_default,
            )
            for p in methods
        ]

    @strawberry.field
    async def transactions(
        self, info: Info[Context, None], first: int = 10, after: str | None = None
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
            page_info=PageInfo(has_next_page=page.has_next_page, end_cursor=page.end_cursor),
        )


@strawberry.type
class LoyaltyAccount:
    points: int
    tier: LoyaltyTier
    points_to_next_tier: int | None
    pending_points: int
    expiring_soon: int

    @classmethod
    def of(cls, r: LoyaltyRecord) -> LoyaltyAccount:
        return cls(
            points=r.points,
            tier=LoyaltyTier(r.tier),
            points_to_next_tier=r.points_to_next_tier,
            pending_points=r.pending_points,
            expiring_soon=r.expiring_soon,
        )


@strawberry.type
class OrderLine:
    quantity: int
    unit_price: Money
    sku: str

    @strawberry.field
    async def product(self, info: Info[Context, None]) -> Product | None:
        record: ProductRecord | None = await info.context.loaders.product_by_sku.load(self.sku)
        return Product.of(record) if record is not None else None


@strawberry.type
class Order(Node):
    id: strawberry.ID
    placed_at: datetime
    channel: Channel
    total: Money
    subtotal: Money
    discount: Money
    status: OrderStatus
    fulfillment: FulfillmentMethod
    lines: list[OrderLine]
    _store_id: strawberry.Private[str | None]
    # what placeOrder did besides recording the order (absent when an order is read back)
    _rewards: strawberry.Private[Any] = None
    _payment: strawberry.Private[Any] = None

    @strawberry.field(
        description="Points this order earned and whether they lifted the tier "
        "(on the order that placeOrder returns)."
    )
    def rewards(
        self,
    ) -> Annotated[OrderRewards, strawberry.lazy("commercegraph.schema.wallet")] | None:
        from commercegraph.schema.wallet import OrderRewards as Rewards

        return Rewards.of(self._rewards) if self._rewards is not None else None

    @strawberry.field(description="How placeOrder paid: reward credit, wallet, payment method.")
    def payment(
        self,
    ) -> Annotated[OrderPayment, strawberry.lazy("commercegraph.schema.wallet")] | None:
        from commercegraph.schema.wallet import OrderPayment as Payment

        return Payment.of(self._payment) if self._payment is not None else None

    @classmethod
    def of(cls, o: OrderRecord) -> Order:
        return cls(
            id=strawberry.ID(to_global_id("Order", o.id)),
            placed_at=o.placed_at,
            channel=Channel(o.channel),
            total=Money.of(o.total),
            subtotal=Money.of(o.subtotal),
            discount=Money.of(o.discount),
            status=OrderStatus(o.status),
            fulfillment=FulfillmentMethod(o.fulfillment),
            lines=[
                OrderLine(
                    quantity=line.quantity, unit_price=Money.of(line.unit_price), sku=line.sku
                )
                for line in o.lines
            ],
            _store_id=o.store_id,
        )

    @strawberry.field
    async def store(self, info: Info[Context, None]) -> Store | None:
        if self._store_id is None:
            return None
        loc = await info.context.loaders.location_by_id.load(self._store_id)
        return Store.of(loc) if loc is not None else None


@strawberry.type
class OrderEdge:
    node: Order
    cursor: str


@strawberry.type
class OrderConnection:
    edges: list[OrderEdge]
    page_info: PageInfo
    total_count: int | None


@strawberry.type
class Customer(Node):
    id: strawberry.ID
    display_name: str
    email: str | None
    customer_group: str
    member_since: datetime
    _record: strawberry.Private[CustomerRecord]

    @classmethod
    def of(cls, r: CustomerRecord) -> Customer:
        return cls(
            id=strawberry.ID(to_global_id("Customer", r.id)),
            display_name=r.display_name,
            email=r.email,
            customer_group=r.customer_group,
            member_since=r.created_at,
            _record=r,
        )

    def _owner(self, info: Info[Context, None]) -> str:
        info.context.caller.require_customer_access(self._record.id)
        return self._record.id

    @strawberry.field(description="Every identifier linked to this customer, across channels.")
    async def identities(self, info: Info[Context, None]) -> list[Identity]:
        records = await info.context.loaders.identities.load(self._owner(info))
        return [
            Identity(
                kind=IdentifierKind(i.kind), value=i.value, source=i.source, linked_at=i.linked_at
            )
            for i in records
        ]

    @strawberry.field
    async def consent(self, info: Info[Context, None]) -> Consent:
        record = await info.context.loaders.consent.load(self._owner(info))
        if record is None:  # no recorded consent means none given
            return Consent(marketing_email=False, marketing_sms=False, personalization=False)
        return Consent(
            marketing_email=record.marketing_email,
            marketing_sms=record.marketing_sms,
            personalization=record.personalization,
        )

    @strawberry.field(description="RFM, ABC and behavioural segments, as last computed.")
    async def segments(self, info: Info[Context, None]) -> list[Segment]:
        records = await info.context.loaders.segments.load(self._owner(info))
        return [Segment(key=s.key, name=s.name, kind=SegmentKind(s.kind)) for s in records]

    @strawberry.field
    async def wallet(self, info: Info[Context, None]) -> Wallet | None:
        owner = self._owner(info)
        record: WalletRecord | None = await info.context.loaders.wallet.load(owner)
        if record is None:  # no money moved yet: an empty wallet that can hold cards
            return Wallet(
                balance=Money.minor(0, info.context.settings.default_currency), _customer_id=owner
            )
        return Wallet(balance=Money.of(record.balance), _customer_id=record.customer_id)

    @strawberry.field
    async def loyalty(self, info: Info[Context, None]) -> LoyaltyAccount | None:
        record: LoyaltyRecord | None = await info.context.loaders.loyalty.load(self._owner(info))
        return LoyaltyAccount.of(record) if record is not None else None

    @strawberry.field(description="Orders from every channel, newest first.")
    async def orders(
        self,
        info: Info[Context, None],
        first: int = 10,
        after: str | None = None,
        channel: Channel | None = None,
    ) -> OrderConnection:
        ctx = info.context
        owner = self._owner(info)
        check_first(first, ctx.settings.max_page_size)
        query = OrderQuery(owner, first, after, channel.value if channel else None)
        page: Page[OrderRecord] = await ctx.loaders.orders.load(query)
        return OrderConnection(
            edges=[
                OrderEdge(node=Order.of(o), cursor=c)
                for o, c in zip(page.items, page.cursors, strict=True)
            ],
            page_info=PageInfo(has_next_page=page.has_next_page, end_cursor=page.end_cursor),
            total_count=page.total_count,
        )

    @strawberry.field(description="Products this customer viewed, most recent first.")
    async def recently_viewed(self, info: Info[Context, None], first: int = 10) -> list[Product]:
        ctx = info.context
        check_first(first, ctx.settings.max_page_size)
        skus: list[str] = await ctx.loaders.recently_viewed.load(
            RecentViewsQuery(self._owner(info), first)
        )
        records = await asyncio.gather(*(ctx.loaders.product_by_sku.load(s) for s in skus))
        return [Product.of(r) for r in records if r is not None]

    # --- Customer fields: customer 360 (issue 6) ---
    @strawberry.field(description="RFM scores and named segment, as last computed.")
    async def rfm(self, info: Info[Context, None]) -> RfmScore | None:
        return await rfm_for(info.context, self._owner(info))

    @strawberry.field(description="Historical and predicted 12-month value.")
    async def lifetime_value(self, info: Info[Context, None]) -> LifetimeValue | None:
        return await lifetime_value_for(info.context, self._owner(info))

    # --- Customer fields: wallet and loyalty (issue 7) ---
    @strawberry.field(description="Referral code and how many friends it brought in.")
    async def referral(self, info: Info[Context, None]) -> Referral:
        return Referral.of(await info.context.loaders.referral_summary.load(self._owner(info)))

    # --- Customer fields: carts (issue 5) ---

    # --- Customer fields: personalisation (issue 8) ---
    @strawberry.field(description="Products for this customer: complements, upgrades, pairs.")
    async def recommendations(
        self,
        info: Info[Context, None],
        kind: RecommendationKind,
        product_id: strawberry.ID | None = None,
        first: int = 5,
        channel: Channel | None = None,
    ) -> list[Recommendation]:
        return await personalization.customer_recommendations(
            info, self._owner(info), kind, product_id, first, channel
        )

    @strawberry.field(description="Listed items plus replenishment inferred from orders.")
    async def shopping_list(self, info: Info[Context, None]) -> ShoppingList:
        return await personalization.shopping_list(info, self._owner(info))

    @strawberry.field(description="Offers for the context, within consent and frequency caps.")
    async def offers(
        self, info: Info[Context, None], context: OfferContextInput | None = None
    ) -> list[Offer]:
        return await personalization.offers(info, self._owner(info), context)
