"""Catalog types: products, prices, availability, stores and content."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import strawberry
from strawberry.types import Info

from commercegraph.adapters.base import ContentRecord, LocationRecord, ProductRecord
from commercegraph.context import Context
from commercegraph.ids import expect_global_id, to_global_id
from commercegraph.resolvers import catalog as resolve
from commercegraph.schema.common import (
    Channel,
    FulfillmentMethod,
    GeoPoint,
    GeoPointInput,
    Money,
    Node,
)
from commercegraph.schema.enums import StockStatus
from commercegraph.schema.personalization import Recommendation, RecommendationKind
from commercegraph.services.inventory import AvailabilityResult, StoreAvailability, stock_status
from commercegraph.services.pagination import check_first

if TYPE_CHECKING:
    from commercegraph.schema.inventory import Bundle


def point_of(near: GeoPointInput | None) -> tuple[float, float] | None:
    return (near.lat, near.lon) if near is not None else None


@strawberry.type
class AppliedRule:
    rule_id: strawberry.ID
    name: str
    effect: str
    amount: Money

    @classmethod
    def of(cls, r: resolve.AppliedRuleResult) -> AppliedRule:
        return cls(
            rule_id=strawberry.ID(r.rule_id),
            name=r.name,
            effect=r.effect,
            amount=Money.of(r.amount),
        )


@strawberry.type
class Price:
    base: Money
    final: Money
    applied_rules: list[AppliedRule]
    valid_until: datetime | None

    @classmethod
    def of(cls, price: resolve.UnitPrice) -> Price:
        return cls(
            base=Money.of(price.base),
            final=Money.of(price.final),
            applied_rules=[AppliedRule.of(r) for r in price.applied_rules],
            valid_until=price.valid_until,
        )


@strawberry.type
class StockLevel:
    available_to_promise: int
    status: StockStatus = strawberry.field(description="IN_STOCK, LOW_STOCK or OUT_OF_STOCK.")


@strawberry.type
class Store(Node):
    id: strawberry.ID
    name: str
    location: GeoPoint
    capabilities: list[FulfillmentMethod]
    region: str
    address: str

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
        )


@strawberry.type
class StoreDistance:
    store: Store
    distance_km: float | None


@strawberry.type
class StoreStock:
    store: Store
    level: StockLevel
    distance_km: float | None


@strawberry.type
class Availability:
    online: StockLevel
    pickup_eligible: bool = strawberry.field(
        description="Some pickup store within range has the quantity today."
    )
    _stores: strawberry.Private[tuple[StoreAvailability, ...]]
    _threshold: strawberry.Private[int]

    @strawberry.field(description="Stores with stock; nearest first when `near` is given.")
    def stores(self, info: Info[Context, None], first: int = 5) -> list[StoreStock]:
        check_first(first, info.context.settings.max_page_size)
        return [
            StoreStock(
                store=Store.of(s.location),
                level=StockLevel(
                    available_to_promise=s.atp,
                    status=StockStatus(stock_status(s.atp, self._threshold)),
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
                status=StockStatus(stock_status(result.online_atp, threshold)),
            ),
            pickup_eligible=result.pickup_eligible,
            _stores=result.stores,
            _threshold=threshold,
        )


@strawberry.type
class Content:
    title: str
    body: str
    images: list[str]
    locale: str

    @classmethod
    def of(cls, entry: ContentRecord) -> Content:
        return cls(
            title=entry.title, body=entry.body, images=list(entry.images), locale=entry.locale
        )


@strawberry.type
class Product(Node):
    id: strawberry.ID
    sku: str
    name: str
    brand: str | None
    category: str | None
    rating: float | None
    _record: strawberry.Private[ProductRecord]

    @classmethod
    def of(cls, record: ProductRecord) -> Product:
        return cls(
            id=strawberry.ID(to_global_id("Product", record.id)),
            sku=record.sku,
            name=record.name,
            brand=record.brand,
            category=record.category,
            rating=record.rating,
            _record=record,
        )

    @strawberry.field(description="The unit price for the caller, with every rule applied.")
    async def price(
        self,
        info: Info[Context, None],
        quantity: int = 1,
        channel: Channel | None = None,
        store_id: strawberry.ID | None = None,
        currency: str | None = None,
    ) -> Price:
        price = await resolve.unit_price(
            info.context,
            self._record,
            quantity=quantity,
            channel=(channel or Channel.WEB).value,
            currency=currency,
            store_id=expect_global_id(store_id, "Store", "storeId") if store_id else None,
        )
        return Price.of(price)

    @strawberry.field
    async def availability(
        self,
        info: Info[Context, None],
        channel: Channel | None = None,
        near: GeoPointInput | None = None,
        radius_km: float | None = None,
    ) -> Availability:
        result = await resolve.availability(
            info.context,
            self._record,
            channel=(channel or Channel.WEB).value,
            near=point_of(near),
            radius_km=radius_km,
        )
        return Availability.of(result, self._record.low_stock_threshold)

    @strawberry.field(description="Content from the CMS, falling back to a related locale.")
    async def content(self, info: Info[Context, None], locale: str | None = None) -> Content | None:
        entry = await resolve.content(info.context, self._record, locale)
        return Content.of(entry) if entry is not None else None

    # --- Product fields: bundles (issue 5) ---
    @strawberry.field(description="Bundles this product is part of, curated before mined.")
    async def bundles(
        self, info: Info[Context, None]
    ) -> list[Annotated[Bundle, strawberry.lazy("commercegraph.schema.inventory")]]:
        from commercegraph.schema.inventory import product_bundles

        return await product_bundles(info, self._record)

    # --- Product fields: personalisation (issue 8) ---
    @strawberry.field(description="Complements, upgrades or pairs; personalised for a customer.")
    async def recommendations(
        self,
        info: Info[Context, None],
        kind: RecommendationKind,
        first: int = 5,
        channel: Channel | None = None,
    ) -> list[Recommendation]:
        from commercegraph.schema import personalization

        return await personalization.product_recommendations(
            info, self._record, kind, first, channel
        )
