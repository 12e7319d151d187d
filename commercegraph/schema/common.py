"""Types shared by every domain: Node, Money, PageInfo, geo points and the enums."""

from __future__ import annotations

from enum import Enum

import strawberry

from commercegraph.adapters.base import Money as MoneyRecord
from commercegraph.services.money import format_money


@strawberry.interface(description="An object that can be refetched by its global ID.")
class Node:
    id: strawberry.ID


@strawberry.type(description="An amount of money in minor units (cents), never a float.")
class Money:
    amount: int = strawberry.field(description="Amount in minor units, e.g. 1250 for $12.50.")
    currency: str = strawberry.field(description="ISO 4217 currency code.")
    formatted: str

    @classmethod
    def of(cls, money: MoneyRecord) -> Money:
        return cls(
            amount=money.amount,
            currency=money.currency,
            formatted=format_money(money.amount, money.currency),
        )

    @classmethod
    def minor(cls, amount: int, currency: str) -> Money:
        return cls(amount=amount, currency=currency, formatted=format_money(amount, currency))


@strawberry.type
class PageInfo:
    has_next_page: bool
    end_cursor: str | None


@strawberry.enum
class Channel(Enum):
    WEB = "WEB"
    MOBILE_APP = "MOBILE_APP"
    STORE = "STORE"
    CALL_CENTER = "CALL_CENTER"
    MARKETPLACE = "MARKETPLACE"


@strawberry.enum
class FulfillmentMethod(Enum):
    SHIP = "SHIP"
    PICKUP = "PICKUP"


@strawberry.enum
class IdentifierKind(Enum):
    EMAIL = "EMAIL"
    PHONE = "PHONE"
    LOYALTY_CARD = "LOYALTY_CARD"
    DEVICE = "DEVICE"
    POS_CUSTOMER = "POS_CUSTOMER"


@strawberry.type
class GeoPoint:
    lat: float
    lon: float


@strawberry.input
class GeoPointInput:
    lat: float
    lon: float
