"""Catalog types: products, prices, availability, stores and content."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Annotated, Any

import strawberry
from strawberry.types import Info

from commercegraph.adapters.base import (
    ContentRecord,
    LocationRecord,
    ProductRecord,
    VariantRecord,
)
from commercegraph.context import Context
from commercegraph.ids import expect_global_id, to_global_id
from commercegraph.resolvers import catalog as resolve
from commercegraph.schema import prefetch
from commercegraph.schema.common import (
    Channel,
    ChannelArg,
    Currency,
    First,
    FulfillmentMethod,
    GeoPoint,
    GeoPointInput,
    Money,
    Near,
    Node,
    RadiusKm,
)
from commercegraph.schema.enums import StockStatus
from commercegraph.schema.personalization import Recommendation, RecommendationKind
from commercegraph.services.inventory import AvailabilityResult, StoreAvailability, stock_status
from commercegraph.services.pagination import check_first
from commercegraph.services.regions import region_defaults
from commercegraph.usecases.quote import AppliedRuleResult, UnitPrice

if TYPE_CHECKING:
    from commercegraph.schema.inventory import Bundle


def point_of(near: GeoPointInput | None) -> tuple[float, float] | None:
    return (near.lat, near.lon) if near is not None else None


@strawberry.type(description="A pricing rule or bundle discount that changed a price.")
class AppliedRule:
    rule_id: strawberry.ID = strawberry.field(
        description="The rule's id; `bundle:<id>` for a bundle's discount."
    )
    name: str = strawberry.field(description="The rule's name, for display.")
    effect: str = strawberry.field(
        description="What it did, in words (e.g. '10% off'): free text generated from the "
        "rule's effect, so not an enum."
    )
    amount: Money = strawberry.field(description="What it took off.")

    @classmethod
    def of(cls, r: AppliedRuleResult) -> AppliedRule:
        return cls(
            rule_id=strawberry.ID(r.rule_id),
            name=r.name,
            effect=r.effect,
            amount=Money.of(r.amount),
        )


@strawberry.type(description="A price, explained: the base, the rules applied and the result.")
class Price:
    base: Money = strawberry.field(description="The list price before any rule.")
    final: Money = strawberry.field(description="What the caller pays.")
    applied_rules: list[AppliedRule] = strawberry.field(
        description="The rules that made the difference, in the order applied."
    )
    valid_until: datetime | None = strawberry.field(
        description="When this price may change (a rule or price row ends); null if open-ended."
    )

    @classmethod
    def of(cls, price: UnitPrice) -> Price:
        base, final, rules = price.base, price.final, price.applied_rules
        # Money.of inline, and no list built for a price without rules: two prices a product
        return cls(
            base=Money(amount=base.amount, currency=base.currency),
            final=Money(amount=final.amount, currency=final.currency),
            applied_rules=[AppliedRule.of(r) for r in rules] if rules else [],
            valid_until=price.valid_until,
        )


# by value, as StockStatus(value) finds them, without the enum's call for each product
_STOCK_STATUS = {member.value: member for member in StockStatus}


@strawberry.type(description="Stock of one product at one location.")
class StockLevel:
    available_to_promise: int = strawberry.field(
        description="Units that can be promised: on hand less reserved and safety stock."
    )
    status: StockStatus = strawberry.field(description="IN_STOCK, LOW_STOCK or OUT_OF_STOCK.")


@strawberry.type(description="A physical store.")
class Store(Node):
    id: strawberry.ID = strawberry.field(description="The store's global ID.")
    name: str = strawberry.field(description="The store's name.")
    location: GeoPoint = strawberry.field(description="Where it is.")
    capabilities: list[FulfillmentMethod] = strawberry.field(
        description="What it does: ships orders, hands out pickups, or both."
    )
    region: str = strawberry.field(description="The retailer's region the store belongs to.")
    address: str = strawberry.field(description="The street address, one line.")
    currency: str = strawberry.field(description="ISO 4217 code its tills and prices are in.")
    locale: str = strawberry.field(description="The language its content is shown in (BCP 47).")

    @classmethod
    def of(cls, loc: LocationRecord) -> Store:
        capabilities = []
        if loc.can_ship:
            capabilities.append(FulfillmentMethod.SHIP)
        if loc.can_pickup:
            capabilities.append(FulfillmentMethod.PICKUP)
        return cls(
            id=strawberry.ID(to_global_id("Store", loc.id)),
            name=loc.name,
            location=GeoPoint(lat=loc.lat, lon=loc.lon),
            capabilities=capabilities,
            region=loc.region,
            address=loc.address,
            currency=region_defaults(loc.region).currency,
            locale=region_defaults(loc.region).locale,
        )


@strawberry.type(description="A store and how far it is.")
class StoreDistance:
    store: Store = strawberry.field(description="The store.")
    distance_km: float | None = strawberry.field(
        description="Kilometres from `near` (great circle); null without `near`."
    )


@strawberry.type(description="A product's stock at one store.")
class StoreStock:
    store: Store = strawberry.field(description="The store.")
    level: StockLevel = strawberry.field(description="Its stock of the product.")
    distance_km: float | None = strawberry.field(
        description="Kilometres from `near` (great circle); null without `near`."
    )


@strawberry.type(description="Where a product can be had: online and in stores.")
class Availability:
    online: StockLevel = strawberry.field(description="Stock for shipping, across warehouses.")
    pickup_eligible: bool = strawberry.field(
        description="Some pickup store within range has the quantity today."
    )
    _stores: strawberry.Private[tuple[StoreAvailability, ...]]
    _threshold: strawberry.Private[int]

    @strawberry.field(description="Stores with stock; nearest first when `near` is given.")
    def stores(self, info: Info[Context, None], first: First = 5) -> list[StoreStock]:
        check_first(first, info.context.settings.max_page_size)
        return [
            StoreStock(
                store=Store.of(s.location),
                level=StockLevel(
                    available_to_promise=s.atp,
                    status=_STOCK_STATUS[stock_status(s.atp, self._threshold)],
                ),
                distance_km=round(s.distance_km, 3) if s.distance_km is not None else None,
            )
            for s in self._stores[:first]
        ]

    @classmethod
    def of(cls, result: AvailabilityResult, threshold: int) -> Availability:
        return cls(
            online=StockLevel(
                available_to_promise=result.online_atp,
                status=_STOCK_STATUS[stock_status(result.online_atp, threshold)],
            ),
            pickup_eligible=result.pickup_eligible,
            _stores=result.stores,
            _threshold=threshold,
        )


@strawberry.type(description="Editorial content from the CMS.")
class Content:
    title: str = strawberry.field(description="The headline.")
    body: str = strawberry.field(description="The copy.")
    images: list[str] = strawberry.field(description="Image URLs, the main one first.")
    locale: str = strawberry.field(description="The locale served, e.g. 'de-DE' (BCP 47).")

    @classmethod
    def of(cls, entry: ContentRecord) -> Content:
        return cls(
            title=entry.title, body=entry.body, images=list(entry.images), locale=entry.locale
        )


@strawberry.type(description="One option value of a variant, e.g. size M.")
class VariantOption:
    name: str = strawberry.field(description="The option's name, e.g. 'size'.")
    value: str = strawberry.field(description="The variant's value of it, e.g. 'M'.")


@strawberry.type(description="One purchasable variant of a product, as the commerce system has it.")
class ProductVariant:
    id: strawberry.ID = strawberry.field(description="The variant's id in the commerce system.")
    sku: str = strawberry.field(description="The variant's stock-keeping unit.")
    name: str = strawberry.field(description="The variant's name.")
    options: list[VariantOption] = strawberry.field(
        description="The option values that tell this variant apart from its siblings."
    )

    @classmethod
    def of(cls, record: VariantRecord) -> ProductVariant:
        return cls(
            id=strawberry.ID(record.id),
            sku=record.sku,
            name=record.name,
            options=[VariantOption(name=name, value=value) for name, value in record.options],
        )


@strawberry.type(description="A product in the catalog.")
class Product(Node):
    id: strawberry.ID = strawberry.field(description="The product's global ID.")
    sku: str = strawberry.field(description="The stock-keeping unit: the retailer's product code.")
    name: str = strawberry.field(description="The product's name.")
    brand: str | None = strawberry.field(description="The brand's name, if it has one.")
    category: str | None = strawberry.field(description="The category's name, if it has one.")
    rating: float | None = strawberry.field(description="Average review rating, 1 to 5.")
    handle: str | None = strawberry.field(
        description="The commerce system's URL handle (slug), if it has one."
    )
    variants: list[ProductVariant] = strawberry.field(
        description="The product's variants as the commerce system has them; empty where the "
        "catalog holds one sku per product."
    )
    _record: strawberry.Private[ProductRecord]
    # answers got for the whole list this product is in, by response key (see `prefetch`)
    _answers: strawberry.Private[prefetch.Answers | None] = None

    @classmethod
    def of(cls, record: ProductRecord) -> Product:
        return cls(
            id=strawberry.ID(to_global_id("Product", record.id)),
            sku=record.sku,
            name=record.name,
            brand=record.brand,
            category=record.category,
            rating=record.rating,
            handle=record.handle,
            variants=[ProductVariant.of(v) for v in record.variants] if record.variants else [],
            _record=record,
        )

    @strawberry.field(
        description="The unit price for the caller, with every rule applied.",
        graphql_type=Price,
        metadata=prefetch.ANSWERS_HELD,
    )
    def price(
        self,
        info: Info[Context, None],
        quantity: Annotated[
            int, strawberry.argument(description="Units bought together (quantity breaks).")
        ] = 1,
        channel: ChannelArg = None,
        store_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="Price for pickup at this store (store rules apply)."),
        ] = None,
        currency: Currency = None,
    ) -> Price | Awaitable[Price]:
        arguments = {
            "quantity": quantity,
            "channel": channel,
            "store_id": store_id,
            "currency": currency,
        }
        held = prefetch.answer(self._answers, info, arguments)
        if held is not prefetch.MISSING:
            return held  # type: ignore[no-any-return]
        return self._price(info.context, quantity, channel, store_id, currency)

    async def _price(
        self,
        ctx: Context,
        quantity: int,
        channel: Channel | None,
        store_id: strawberry.ID | None,
        currency: str | None,
    ) -> Price:
        price = await resolve.unit_price(
            ctx,
            self._record,
            quantity=quantity,
            channel=(channel or Channel.WEB).value,
            currency=currency,
            store_id=expect_global_id(store_id, "Store", "storeId") if store_id else None,
        )
        return Price.of(price)

    @strawberry.field(
        description="Stock online and in stores, nearest first when `near` is given.",
        graphql_type=Availability,
        metadata=prefetch.ANSWERS_HELD,
    )
    def availability(
        self,
        info: Info[Context, None],
        channel: ChannelArg = None,
        near: Near = None,
        radius_km: RadiusKm = None,
    ) -> Availability | Awaitable[Availability]:
        arguments = {"channel": channel, "near": near, "radius_km": radius_km}
        held = prefetch.answer(self._answers, info, arguments)
        if held is not prefetch.MISSING:
            return held  # type: ignore[no-any-return]
        return self._availability(info.context, channel, near, radius_km)

    async def _availability(
        self,
        ctx: Context,
        channel: Channel | None,
        near: GeoPointInput | None,
        radius_km: float | None,
    ) -> Availability:
        result = await resolve.availability(
            ctx,
            self._record,
            channel=(channel or Channel.WEB).value,
            near=point_of(near),
            radius_km=radius_km,
        )
        return Availability.of(result, self._record.low_stock_threshold)

    @strawberry.field(
        description="Content from the CMS, falling back to a related locale.",
        graphql_type=Content | None,
        metadata=prefetch.ANSWERS_HELD,
    )
    def content(
        self,
        info: Info[Context, None],
        locale: Annotated[
            str | None,
            strawberry.argument(
                description="BCP 47 locale, e.g. 'de-DE'; the default if not given."
            ),
        ] = None,
    ) -> Content | Awaitable[Content | None] | None:
        held = prefetch.answer(self._answers, info, {"locale": locale})
        if held is not prefetch.MISSING:
            return held  # type: ignore[no-any-return]
        return self._content(info.context, locale)

    async def _content(self, ctx: Context, locale: str | None) -> Content | None:
        entry = await resolve.content(ctx, self._record, locale)
        return Content.of(entry) if entry is not None else None

    @strawberry.field(description="Bundles this product is part of, curated before mined.")
    async def bundles(
        self, info: Info[Context, None]
    ) -> list[Annotated[Bundle, strawberry.lazy("commercegraph.schema.inventory")]]:
        from commercegraph.schema.inventory import product_bundles

        return await product_bundles(info, self._record)

    @strawberry.field(description="Complements, upgrades or pairs; personalised for a customer.")
    async def recommendations(
        self,
        info: Info[Context, None],
        kind: Annotated[
            RecommendationKind, strawberry.argument(description="Complements, upgrades or pairs.")
        ],
        first: First = 5,
        channel: ChannelArg = None,
    ) -> list[Recommendation]:
        from commercegraph.schema import personalization

        return await personalization.product_recommendations(
            info, self._record, kind, first, channel
        )


async def _prices(
    ctx: Context,
    records: Sequence[ProductRecord],
    selects: frozenset[str] | None,
    quantity: int,
    channel: Channel | None,
    store_id: strawberry.ID | None,
    currency: str | None,
) -> list[Price | Exception]:
    try:
        store = expect_global_id(store_id, "Store", "storeId") if store_id else None
    except Exception as exc:
        return [exc for _ in records]
    found = await resolve.unit_prices(
        ctx,
        records,
        quantity=quantity,
        channel=(channel or Channel.WEB).value,
        currency=currency,
        store_id=store,
    )
    # the class tested first: a unit price is never an exception, and nearly all are prices
    return [
        Price.of(p) if p.__class__ is UnitPrice or not isinstance(p, Exception) else p
        for p in found
    ]


async def _availabilities(
    ctx: Context,
    records: Sequence[ProductRecord],
    selects: frozenset[str] | None,
    channel: Channel | None,
    near: GeoPointInput | None,
    radius_km: float | None,
) -> list[Availability | Exception]:
    try:
        point = point_of(near)
    except Exception as exc:
        return [exc for _ in records]
    found = await resolve.availabilities(
        ctx,
        records,
        channel=(channel or Channel.WEB).value,
        near=point,
        radius_km=radius_km,
        with_stores=selects is None or "stores" in selects,
    )
    return [
        Availability.of(a, r.low_stock_threshold)
        if a.__class__ is AvailabilityResult or not isinstance(a, Exception)
        else a
        for a, r in zip(found, records, strict=True)
    ]


async def _contents(
    ctx: Context,
    records: Sequence[ProductRecord],
    selects: frozenset[str] | None,
    locale: str | None,
) -> list[Content | Exception | None]:
    found = await resolve.contents(ctx, records, locale)
    return [
        Content.of(c)
        if c.__class__ is ContentRecord or not (c is None or isinstance(c, Exception))
        else c
        for c in found
    ]


Batch = Callable[..., Awaitable[Sequence[Any]]]
# a product field answered for a whole list at once:
# (context, records, the fields selected on each answer, **arguments) -> answers
LIST_BATCHES: dict[str, Batch] = {
    "price": _prices,
    "availability": _availabilities,
    "content": _contents,
}


async def prefetch_products(
    info: Info[Context, None], products: Sequence[Product], path: Sequence[str] = ()
) -> None:
    """Answer the price, availability and content that every product of this list field is
    asked, one batch per response key for the whole list, so that each product's field
    answers without awaiting; a failure stays with the product and field it belongs to.
    The products sit at ``path`` below the field's type. When the selection cannot be
    looked ahead at, each product resolves its fields itself, as it would anyway."""
    if not products:
        return
    wanted = prefetch.items_will_be_asked(info, LIST_BATCHES, path)
    if not wanted:
        return
    ctx, records = info.context, [p._record for p in products]
    batches = [
        LIST_BATCHES[asked.field](ctx, records, asked.selects, **asked.arguments)
        for asked in wanted
    ]
    found = await asyncio.gather(*batches) if len(batches) > 1 else [await batches[0]]
    held: list[prefetch.Answers] = []
    for product in products:
        answers: prefetch.Answers = {}
        product._answers = answers
        held.append(answers)
    for asked, answered in zip(wanted, found, strict=True):
        prefetch.remember_each(held, asked, answered)
