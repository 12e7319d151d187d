"""The events ingestion payloads, validated strictly (``openapi/events.yaml`` describes the
same shapes): unknown fields, wrong types and out-of-range values are refused, and every
error names the field it is about (``events[2].occurredAt``)."""

from __future__ import annotations

import json
from typing import Annotated, Any, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, TypeAdapter, ValidationError
from pydantic.alias_generators import to_camel

EVENT_TYPES = (
    "product_viewed",
    "cart_updated",
    "geofence_entered",
    "pos_purchase",
    "barcode_scanned",
    "app_opened",
    "order_status_changed",
    "wifi_login",
    "beacon_detected",
)
MAX_IDENTIFIERS = 10
MAX_LINES = 100
MAX_QUANTITY = 999
MAX_UNIT_PRICE = 10_000_000  # minor units: 100,000 in any currency is no shop sale
MAX_ORDER_TOTAL = 2_147_483_647  # orders store 32-bit amounts

Token = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$")]
Sku = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")]
Channel = Literal["WEB", "MOBILE_APP", "STORE", "CALL_CENTER", "MARKETPLACE"]
IdentifierKind = Literal["EMAIL", "PHONE", "LOYALTY_CARD", "DEVICE", "POS_CUSTOMER"]


class Strict(BaseModel):
    model_config = ConfigDict(
        extra="forbid", strict=True, alias_generator=to_camel, populate_by_name=True, frozen=True
    )


class Identifier(Strict):
    kind: IdentifierKind
    value: Annotated[str, Field(min_length=1, max_length=320)]


class EventBase(Strict):
    id: Token
    occurred_at: AwareDatetime
    channel: Channel | None = None
    customer_id: Token | None = None
    identifiers: Annotated[list[Identifier], Field(max_length=MAX_IDENTIFIERS)] = []


class ProductViewed(EventBase):
    type: Literal["product_viewed"]
    sku: Sku


class BarcodeScanned(EventBase):
    type: Literal["barcode_scanned"]
    sku: Sku
    store_id: Token | None = None


class CartLine(Strict):
    sku: Sku
    quantity: Annotated[int, Field(ge=0, le=MAX_QUANTITY)]


class CartUpdated(EventBase):
    type: Literal["cart_updated"]
    cart_id: Token | None = None
    lines: Annotated[list[CartLine], Field(max_length=MAX_LINES)] = []


class GeofenceEntered(EventBase):
    type: Literal["geofence_entered"]
    store_id: Token
    lat: Annotated[float, Field(ge=-90, le=90)] | None = None
    lon: Annotated[float, Field(ge=-180, le=180)] | None = None


class AppOpened(EventBase):
    type: Literal["app_opened"]
    app_version: Annotated[str, Field(max_length=32)] | None = None


Zone = Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$")]


class WifiLogin(EventBase):
    type: Literal["wifi_login"]
    store_id: Token
    zone: Zone | None = None


class BeaconDetected(EventBase):
    type: Literal["beacon_detected"]
    store_id: Token
    zone: Zone
    beacon_id: Token | None = None


class PurchaseLine(Strict):
    sku: Sku
    quantity: Annotated[int, Field(ge=1, le=MAX_QUANTITY)]
    unit_price: Annotated[int, Field(ge=0, le=MAX_UNIT_PRICE)]


class PosPurchase(EventBase):
    type: Literal["pos_purchase"]
    store_id: Token
    currency: Annotated[str, Field(pattern=r"^[A-Z]{3}$")]
    lines: Annotated[list[PurchaseLine], Field(min_length=1, max_length=MAX_LINES)]
    discount: Annotated[int, Field(ge=0, le=MAX_UNIT_PRICE * MAX_LINES)] = 0
    receipt_number: Annotated[str, Field(max_length=64)] | None = None


class OrderStatusChanged(EventBase):
    type: Literal["order_status_changed"]
    order_id: Token
    status: Literal["READY_FOR_PICKUP", "SHIPPED", "COMPLETED", "CANCELLED", "RETURNED"]
    store_id: Token | None = None  # where it happened; a return's units go back on hand here


Event = Annotated[
    ProductViewed
    | BarcodeScanned
    | CartUpdated
    | GeofenceEntered
    | AppOpened
    | PosPurchase
    | OrderStatusChanged
    | WifiLogin
    | BeaconDetected,
    Field(discriminator="type"),
]


SINGLE_EVENT: TypeAdapter[Any] = TypeAdapter(Event)


class EventBatch(Strict):
    events: Annotated[list[Event], Field(min_length=1)]


class FieldError(Exception):
    """Invalid input; ``errors`` are ``(field path, message)`` pairs."""

    def __init__(self, errors: list[tuple[str, str]]) -> None:
        super().__init__("; ".join(f"{f}: {msg}" for f, msg in errors))
        self.errors = errors


def field_path(loc: tuple[Any, ...]) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif part in EVENT_TYPES:
            continue  # the discriminator's branch, not a field
        else:
            path += f".{part}" if path else str(part)
    return path


def _errors(exc: ValidationError, prefix: tuple[Any, ...]) -> list[tuple[str, str]]:
    found = []
    for err in exc.errors(include_url=False):
        loc = (*prefix, *err["loc"])
        if err["type"] in ("union_tag_invalid", "union_tag_not_found"):
            loc = (*loc, "type")
            message = f"must be one of {', '.join(EVENT_TYPES)}"
        else:
            message = err["msg"]
        found.append((field_path(loc), message))
    return found


def parse_events(body: bytes, max_batch: int) -> tuple[list[Any], bool]:
    """``(events, is_batch)`` from a JSON body holding one event or ``{"events": [...]}``."""
    try:
        raw = json.loads(body)
    except (ValueError, UnicodeDecodeError) as exc:
        raise FieldError([("body", f"not valid JSON: {exc}")]) from exc
    if not isinstance(raw, dict):
        raise FieldError([("body", 'must be a JSON object: one event or {"events": [...]}')])
    if "events" in raw:
        events = raw["events"]
        if isinstance(events, list) and len(events) > max_batch:
            raise FieldError([("events", f"at most {max_batch} events per batch")])
        try:
            batch = EventBatch.model_validate_json(body)
        except ValidationError as exc:
            raise FieldError(_errors(exc, ())) from exc
        return list(batch.events), True
    try:
        single = SINGLE_EVENT.validate_json(body)
    except ValidationError as exc:
        raise FieldError(_errors(exc, ())) from exc
    return [single], False


_COMMON_FIELDS = frozenset(EventBase.model_fields) | {"type"}


def wire_fields(event: EventBase) -> dict[str, Any]:
    """The event's type-specific fields, as received (camelCase), for storage."""
    return event.model_dump(
        mode="json", by_alias=True, exclude_none=True, exclude=set(_COMMON_FIELDS)
    )
