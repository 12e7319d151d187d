"""Customer types: the single view of one customer and their orders (the wallet and loyalty
types are in ``schema.wallet``).

Every field that reads customer-owned data checks the caller again, so no path through
the graph shows one customer's data to another.
"""

from __future__ import annotations

import asyncio
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.types import Info
from strawberry.types.nodes import FragmentSpread, InlineFragment, SelectedField, Selection

from commercegraph.adapters.base import (
    CustomerRecord,
    LoyaltyRecord,
    OrderQuery,
    OrderRecord,
    Page,
    ProductRecord,
    RecentViewsQuery,
    WalletRecord,
)
from commercegraph.context import Context
from commercegraph.ids import to_global_id
from commercegraph.loaders import warm_order_stats, warm_price_facts, warm_pricing, warm_stock
from commercegraph.resolvers import customer as customer_reads
from commercegraph.schema import personalization, prefetch
from commercegraph.schema.catalog import Product, Store, prefetch_products
from commercegraph.schema.common import (
    After,
    Channel,
    ChannelArg,
    First,
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
from commercegraph.schema.enums import CartStatus, OrderStatus, SegmentKind
from commercegraph.schema.personalization import (
    Offer,
    OfferContextInput,
    Recommendation,
    RecommendationKind,
    ShoppingList,
)
from commercegraph.schema.wallet import LoyaltyAccount, OrderPayment, OrderRewards, Referral, Wallet
from commercegraph.services.money import is_currency_code
from commercegraph.services.pagination import check_first

if TYPE_CHECKING:
    from commercegraph.schema.cart import CartConnection

__all__ = ["Customer", "Order", "viewer"]


@strawberry.type(description="An identifier that names this customer in some channel.")
class Identity:
    kind: IdentifierKind = strawberry.field(description="What kind of identifier it is.")
    value: str = strawberry.field(description="The identifier itself, normalised.")
    source: str = strawberry.field(
        description="The system or channel that linked it (open-ended: one per integration)."
    )
    linked_at: datetime = strawberry.field(description="When it was linked to this customer.")


@strawberry.type(description="What the customer agreed to; no record means nothing was given.")
class Consent:
    marketing_email: bool = strawberry.field(description="Marketing by email.")
    marketing_sms: bool = strawberry.field(description="Marketing by text message.")
    personalization: bool = strawberry.field(
        description="Using their behaviour for recommendations and offers."
    )


@strawberry.type(description="A segment the customer belongs to, as last computed.")
class Segment:
    key: str = strawberry.field(description="Stable key, e.g. 'rfm:champions' or 'abc:A'.")
    name: str = strawberry.field(description="For display, e.g. 'Champions'.")
    kind: SegmentKind = strawberry.field(description="RFM, ABC or BEHAVIOUR.")


@strawberry.type(description="One line of an order, at the price it was sold for.")
class OrderLine:
    quantity: int = strawberry.field(description="Units ordered.")
    unit_price: Money = strawberry.field(description="The price of one unit, rules applied.")
    sku: str = strawberry.field(description="The product's sku.")

    @strawberry.field(description="The product, if the catalog still has it.")
    async def product(self, info: Info[Context, None]) -> Product | None:
        record: ProductRecord | None = await info.context.loaders.product_by_sku.load(self.sku)
        return Product.of(record) if record is not None else None


@strawberry.type(description="An order from any channel.")
class Order(Node):
    id: strawberry.ID = strawberry.field(description="The order's global ID.")
    placed_at: datetime = strawberry.field(description="When it was placed.")
    channel: Channel = strawberry.field(description="Where it was placed.")
    total: Money = strawberry.field(description="What the customer pays: subtotal less discount.")
    subtotal: Money = strawberry.field(description="The lines at their base prices.")
    discount: Money = strawberry.field(description="What pricing rules and bundles took off.")
    status: OrderStatus = strawberry.field(description="Where the order is in its life.")
    fulfillment: FulfillmentMethod = strawberry.field(description="Shipped or picked up.")
    lines: list[OrderLine] = strawberry.field(description="What was ordered.")
    _store_id: strawberry.Private[str | None]
    # what placeOrder did besides recording the order (absent when an order is read back)
    _rewards: strawberry.Private[Any] = None
    _payment: strawberry.Private[Any] = None

    @strawberry.field(
        description="Points this order earned and whether they lifted the tier "
        "(on the order that placeOrder returns)."
    )
    def rewards(self) -> OrderRewards | None:
        return OrderRewards.of(self._rewards) if self._rewards is not None else None

    @strawberry.field(description="How placeOrder paid: reward credit, wallet, payment method.")
    def payment(self) -> OrderPayment | None:
        return OrderPayment.of(self._payment) if self._payment is not None else None

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

    @strawberry.field(description="The pickup store, or the store that shipped or sold it.")
    async def store(self, info: Info[Context, None]) -> Store | None:
        if self._store_id is None:
            return None
        loc = await info.context.loaders.location_by_id.load(self._store_id)
        return Store.of(loc) if loc is not None else None


@strawberry.type(description="An order in a page, with its cursor.")
class OrderEdge:
    node: Order = strawberry.field(description="The order.")
    cursor: str = strawberry.field(description="Pass as `after` to page on from here.")


@strawberry.type(description="A page of orders, newest first (Relay connection).")
class OrderConnection:
    edges: list[OrderEdge] = strawberry.field(description="This page, newest first.")
    page_info: PageInfo = strawberry.field(description="Cursors and whether more pages exist.")
    total_count: int | None = strawberry.field(description="Orders matching, on every page.")


@strawberry.type(description="One customer, seen across every channel and backend.")
class Customer(Node):
    id: strawberry.ID = strawberry.field(description="The customer's global ID.")
    display_name: str = strawberry.field(description="The name to greet them by.")
    email: str | None = strawberry.field(description="Their email address, if known.")
    customer_group: str = strawberry.field(
        description="The price group the commerce backend puts them in (retailer-defined)."
    )
    member_since: datetime = strawberry.field(description="When the customer record was made.")
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

    @strawberry.field(
        description=(
            "Everything held about the customer, as a JSON document grouped by domain and the "
            "backend holding it; each collection at most 200 items, `truncated` when cut."
        )
    )
    async def data_export(self, info: Info[Context, None]) -> str:
        from commercegraph.resolvers.privacy import data_export

        return await data_export(info.context, self._owner(info))

    @strawberry.field(description="What the customer agreed to be contacted and profiled for.")
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

    @strawberry.field(description="Stored value and payment methods (empty until money moves).")
    async def wallet(self, info: Info[Context, None]) -> Wallet | None:
        owner = self._owner(info)
        record: WalletRecord | None = await info.context.loaders.wallet.load(owner)
        if record is None:  # no money moved yet: an empty wallet that can hold cards
            return Wallet(
                balance=Money.minor(0, info.context.settings.default_currency), _customer_id=owner
            )
        return Wallet(balance=Money.of(record.balance), _customer_id=record.customer_id)

    @strawberry.field(description="Points and tier; null for a customer not in the programme.")
    async def loyalty(self, info: Info[Context, None]) -> LoyaltyAccount | None:
        record: LoyaltyRecord | None = await info.context.loaders.loyalty.load(self._owner(info))
        return LoyaltyAccount.of(record) if record is not None else None

    @strawberry.field(description="Orders from every channel, newest first.")
    async def orders(
        self,
        info: Info[Context, None],
        first: First = 10,
        after: After = None,
        channel: Annotated[
            Channel | None, strawberry.argument(description="Only orders from this channel.")
        ] = None,
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
            page_info=PageInfo.of(page),
            total_count=page.total_count,
        )

    @strawberry.field(description="The customer's carts, most recently changed first.")
    async def carts(
        self,
        info: Info[Context, None],
        first: First = 10,
        after: After = None,
        status: Annotated[
            CartStatus | None,
            strawberry.argument(description="Only carts in this state; every cart when not given."),
        ] = None,
    ) -> Annotated[CartConnection, strawberry.lazy("commercegraph.schema.cart")]:
        from commercegraph.schema.cart import customer_carts

        return await customer_carts(info, self._owner(info), first, after, status)

    @strawberry.field(description="Products this customer viewed, most recent first.")
    async def recently_viewed(self, info: Info[Context, None], first: First = 10) -> list[Product]:
        ctx = info.context
        check_first(first, ctx.settings.max_page_size)
        wanted = _selected(info)
        query = RecentViewsQuery(self._owner(info), first)

        async def viewed() -> list[ProductRecord | None]:
            skus: list[str] = await ctx.loaders.recently_viewed.load(query)
            found = asyncio.gather(*(ctx.loaders.product_by_sku.load(s) for s in skus))
            if not wanted & {"price", "availability"}:
                return list(await found)
            # their stock and, when priced, their base prices, demand and the rules' budgets
            # beside the products: pricing needs no more of them than the skus already give
            beside = [warm_stock(ctx.loaders, skus)]
            if "price" in wanted:
                currencies = _price_currencies(info)
                beside.append(
                    warm_price_facts(ctx.loaders, ctx.caller.customer_id, skus, currencies)
                )
            await asyncio.gather(found, *beside)
            return list(found.result())

        if "price" in wanted:  # the shopper's facts and the rules beside the list
            records, _ = await asyncio.gather(
                viewed(), warm_pricing(ctx.loaders, ctx.caller.customer_id)
            )
        else:
            records = await viewed()
        products = [Product.of(r) for r in records if r is not None]
        await prefetch_products(info, products)
        return products

    @strawberry.field(description="RFM scores and named segment, as last computed.")
    async def rfm(self, info: Info[Context, None]) -> RfmScore | None:
        return await rfm_for(info.context, self._owner(info))

    @strawberry.field(description="Historical and predicted 12-month value.")
    async def lifetime_value(self, info: Info[Context, None]) -> LifetimeValue | None:
        return await lifetime_value_for(info.context, self._owner(info))

    @strawberry.field(description="Referral code and how many friends it brought in.")
    async def referral(self, info: Info[Context, None]) -> Referral:
        return Referral.of(await info.context.loaders.referral_summary.load(self._owner(info)))

    @strawberry.field(description="Products for this customer: complements, upgrades, pairs.")
    async def recommendations(
        self,
        info: Info[Context, None],
        kind: Annotated[
            RecommendationKind, strawberry.argument(description="Complements, upgrades or pairs.")
        ],
        product_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="The product to recommend for; recent ones if not."),
        ] = None,
        first: First = 5,
        channel: ChannelArg = None,
    ) -> list[Recommendation]:
        return await personalization.customer_recommendations(
            info, self._owner(info), kind, product_id, first, channel
        )

    @strawberry.field(description="Listed items plus replenishment inferred from orders.")
    async def shopping_list(self, info: Info[Context, None]) -> ShoppingList:
        return await personalization.shopping_list(info, self._owner(info))

    @strawberry.field(description="Offers for the context, within consent and frequency caps.")
    async def offers(
        self,
        info: Info[Context, None],
        context: Annotated[
            OfferContextInput | None,
            strawberry.argument(description="Where and how the customer is shopping now."),
        ] = None,
    ) -> list[Offer]:
        return await personalization.offers(info, self._owner(info), context)


async def viewer(info: Info[Context, None]) -> Customer:
    """The caller, from the token. When the selection prices the recently viewed products,
    pricing's first read (the shopper's order statistics, keyed by the id the token names) is
    asked together with the customer record, so the rules follow beside the customer's own
    reads. The customer backend's reads still wait for the record: its record is the only
    call the customer backend sees first, as before, so a failing customer backend fails the
    same number of calls and answers with the same error. The record decides the answer: a
    customer that does not exist, or was erased, is not found, and nothing asked beside it is
    left running."""
    ctx = info.context
    customer_id = ctx.caller.require_customer()
    if not _prices_viewed(info):
        return Customer.of(await customer_reads.load_customer(ctx, customer_id))
    record, _ = await asyncio.gather(
        customer_reads.load_customer(ctx, customer_id),
        warm_order_stats(ctx.loaders, customer_id),
        return_exceptions=True,
    )
    if isinstance(record, BaseException):
        raise record
    return Customer.of(record)


def _prices_viewed(info: Info[Context, None]) -> bool:
    """Whether the selection's recently viewed products are priced, when it can be looked
    ahead at (else each field asks for itself)."""
    return bool(prefetch.items_will_be_asked(info, {"price"}, ("recentlyViewed",)))


def _price_currencies(info: Info[Context, None]) -> list[str]:
    """The currencies the list's prices are asked in, for those whose currency does not
    depend on a store; none when the selection cannot be looked ahead at or a currency is
    not one (the price then fails without reading)."""
    currencies: list[str] = []
    for asked in prefetch.items_will_be_asked(info, {"price"}) or []:
        if asked.arguments["store_id"] is not None:
            continue
        currency = asked.arguments["currency"] or info.context.settings.default_currency
        if is_currency_code(currency) and currency not in currencies:
            currencies.append(currency)
    return currencies


def _selected(info: Info[Context, None]) -> set[str]:
    """The names of the fields this field's selection asks for, fragments included."""
    names: set[str] = set()

    def walk(selections: list[Selection]) -> None:
        for selection in selections:
            if isinstance(selection, SelectedField):
                names.add(selection.name)
            elif isinstance(selection, InlineFragment | FragmentSpread):
                walk(selection.selections)

    for field in info.selected_fields:
        walk(field.selections)
    return names
