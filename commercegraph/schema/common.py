"""Types shared by every domain: Node, Money, PageInfo, geo points, DateTime and the enums,
and the arguments many fields take, described once."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import Enum
from typing import Annotated, Any

import strawberry
from strawberry.schema.types.base_scalars import wrap_parser

from commercegraph.adapters.base import Money as MoneyRecord
from commercegraph.adapters.base import Page
from commercegraph.schema.described import described_enum
from commercegraph.services.money import format_money

DATE_TIME_SPEC = "https://scalars.graphql.org/andimarek/date-time"


def _serialize_date_time(value: datetime) -> str:
    # RFC 3339 needs an offset; the store keeps UTC, so a naive value is UTC
    return (value if value.tzinfo else value.replace(tzinfo=UTC)).isoformat()


def _parse_date_time(value: str) -> datetime:
    moment = datetime.fromisoformat(value)
    if moment.tzinfo is None:
        raise ValueError("an RFC 3339 date-time needs an offset, e.g. Z or +02:00")
    return moment


DATE_TIME = strawberry.scalar(
    name="DateTime",
    description="An instant as an RFC 3339 date-time with an offset, e.g. "
    "2026-03-01T09:30:00+00:00.",
    specified_by_url=DATE_TIME_SPEC,
    serialize=_serialize_date_time,
    parse_value=wrap_parser(_parse_date_time, "DateTime"),
)
SCALAR_MAP: dict[object, Any] = {datetime: DATE_TIME}


@strawberry.interface(description="An object that can be refetched by its global ID.")
class Node:
    id: strawberry.ID = strawberry.field(description="The global ID; `node(id:)` refetches it.")


@strawberry.type(description="An amount of money in minor units (cents), never a float.")
class Money:
    amount: int = strawberry.field(description="Amount in minor units, e.g. 1250 for $12.50.")
    currency: str = strawberry.field(description="ISO 4217 currency code.")

    @strawberry.field(
        description="For display in the request's locale (`Accept-Language`): '$12.50', "
        "'12,50 €' in de-DE."
    )
    def formatted(self, info: strawberry.Info) -> str:
        return format_money(self.amount, self.currency, getattr(info.context, "locale", None))

    @classmethod
    def of(cls, money: MoneyRecord) -> Money:
        return cls(amount=money.amount, currency=money.currency)

    @classmethod
    def minor(cls, amount: int, currency: str) -> Money:
        return cls(amount=amount, currency=currency)


@strawberry.type(description="Where a page sits in its list (Relay cursor connections).")
class PageInfo:
    has_next_page: bool = strawberry.field(
        description="More items follow `endCursor` (paging forwards with `first`/`after`)."
    )
    end_cursor: str | None = strawberry.field(
        description="The last edge's cursor; pass it as `after` for the next page."
    )
    has_previous_page: bool = strawberry.field(
        default=False,
        description="More items come before `startCursor` (paging backwards with "
        "`last`/`before`; false when paging forwards).",
    )
    start_cursor: str | None = strawberry.field(
        default=None,
        description="The first edge's cursor; pass it as `before` for the previous page.",
    )

    @classmethod
    def of(cls, page: Page[Any]) -> PageInfo:
        return cls(
            has_next_page=page.has_next_page,
            end_cursor=page.end_cursor,
            has_previous_page=page.has_previous_page,
            start_cursor=page.cursors[0] if page.cursors else None,
        )


@described_enum(
    "Where a customer is shopping.",
    WEB="The web shop.",
    MOBILE_APP="The mobile app.",
    STORE="A physical store's till.",
    CALL_CENTER="Orders taken by phone.",
    MARKETPLACE="A third-party marketplace.",
)
class Channel(Enum):
    WEB = "WEB"
    MOBILE_APP = "MOBILE_APP"
    STORE = "STORE"
    CALL_CENTER = "CALL_CENTER"
    MARKETPLACE = "MARKETPLACE"


@described_enum(
    "How an order reaches the customer.",
    SHIP="Shipped to an address.",
    PICKUP="Collected at a store.",
)
class FulfillmentMethod(Enum):
    SHIP = "SHIP"
    PICKUP = "PICKUP"


@described_enum(
    "The kinds of identifier that can name a customer.",
    EMAIL="An email address.",
    PHONE="A phone number.",
    LOYALTY_CARD="A loyalty card number.",
    DEVICE="An app installation's device id.",
    POS_CUSTOMER="The customer number in the stores' POS.",
)
class IdentifierKind(Enum):
    EMAIL = "EMAIL"
    PHONE = "PHONE"
    LOYALTY_CARD = "LOYALTY_CARD"
    DEVICE = "DEVICE"
    POS_CUSTOMER = "POS_CUSTOMER"


@strawberry.type(description="A point on the earth (WGS 84).")
class GeoPoint:
    lat: float = strawberry.field(description="Latitude in degrees, -90 to 90.")
    lon: float = strawberry.field(description="Longitude in degrees, -180 to 180.")


@strawberry.input(description="A point on the earth (WGS 84).")
class GeoPointInput:
    lat: float = strawberry.field(description="Latitude in degrees, -90 to 90.")
    lon: float = strawberry.field(description="Longitude in degrees, -180 to 180.")


def _arg(description: str) -> Any:
    return strawberry.argument(description=description)


First = Annotated[int, _arg("How many items to return, from the start (at most the page limit).")]
After = Annotated[str | None, _arg("Return the items after this cursor (`pageInfo.endCursor`).")]
Last = Annotated[
    int | None, _arg("How many items to return, from the end (at most the page limit).")
]
Before = Annotated[
    str | None, _arg("Return the items before this cursor (`pageInfo.startCursor`).")
]
ChannelArg = Annotated[Channel | None, _arg("The channel to answer for; WEB when not given.")]
Near = Annotated[GeoPointInput | None, _arg("Where the customer is; nearest stores first.")]
RadiusKm = Annotated[float | None, _arg("Only stores within this many kilometres of `near`.")]
Currency = Annotated[
    str | None, _arg("ISO 4217 code to answer in; the default currency when not given.")
]
StoreIdArg = Annotated[strawberry.ID | None, _arg("A store's global ID.")]
CartIdArg = Annotated[strawberry.ID, _arg("The cart's global ID.")]
SkuArg = Annotated[str, _arg("The product's sku.")]
IdempotencyKey = Annotated[
    str, _arg("Chosen by the client, unique per intent: a retry with the same key does it once.")
]
