"""Example values for the REST contract documents, built from the records' types.

Field names pick a plausible value (``sku`` → ``"SKU-1001"``, ``currency`` → ``"USD"``);
the types make it valid against the schema beside it, which a test checks.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from enum import Enum
from typing import Any, TypeVar, Union, get_args, get_origin, get_type_hints

WHEN = "2026-11-30T09:30:00+00:00"
STRINGS = {
    "sku": "SKU-1001",
    "currency": "USD",
    "locale": "en-US",
    "email": "devi@example.com",
    "channel": "WEB",
    "customer_group": "retail",
    "region": "north",
    "after": "b2Zmc2V0OjIw",
    "end_cursor": "b2Zmc2V0OjQw",
    "query": "running shoes",
    "code": "DEVI10",
    "idempotency_key": "3f6c1e0a-checkout-1",
    "reference": "res_7c2a",
    "provider_token": "tok_visa_4242",
    "last4": "4242",
    "brand": "Northwind",
    "name": "Trail Runner 2",
    "title": "Trail Runner 2",
    "display_name": "Devi Patel",
    "label": "Visa ending 4242",
    "entity_type": "product",
    "entity_key": "SKU-1001",
    "address": "1 Market Street",
    "condition": "cart.subtotal >= 5000",
    "segment_key": "rfm:champions",
    "key": "rfm:champions",
    "value": "devi@example.com",
    "body": "Cushioned trail shoe with a rock plate.",
    "images": "https://cdn.example.com/sku-1001.jpg",
    "tags": "running",
    "message": "Your size is in stock at Downtown.",
    "reason": "in stock nearby",
    "source": "WEB",
    "actor": "staff-1",
}
INTEGERS = {
    "amount": 1999,
    "balance": 4250,
    "quantity": 2,
    "first": 10,
    "limit": 10,
    "points": 250,
    "tier": 1,
    "order_count": 12,
    "priority": 100,
    "version": 3,
}
FLOATS = {"lat": 52.52, "lon": 13.405, "rating": 4.5, "support": 0.01, "lift": 2.4}


def example(tp: Any, name: str = "", bindings: dict[Any, Any] | None = None, depth: int = 0) -> Any:
    bindings = bindings or {}
    if isinstance(tp, TypeVar):
        tp = bindings.get(tp, str)
    if tp is Any or depth > 12:  # records nest a few levels; this only stops a cycle
        return None
    if tp is type(None):
        return None
    origin, args = get_origin(tp), get_args(tp)
    if origin is Union or origin is types.UnionType:
        present = [a for a in args if a is not type(None)]
        return example(present[0], name, bindings, depth) if present else None
    if origin is typing.Literal:
        return args[0]
    if origin in (list, Sequence, set, frozenset) or (origin is tuple and args[1:] == (...,)):
        return [example(args[0], name, bindings, depth + 1)] if args else []
    if origin is tuple:
        return [example(a, name, bindings, depth + 1) for a in args]
    if origin is dict or tp is dict:
        return {}
    cls = origin or tp
    if dataclasses.is_dataclass(cls) and isinstance(cls, type):
        scoped = {**bindings, **dict(zip(getattr(cls, "__parameters__", ()), args, strict=False))}
        hints = get_type_hints(cls)
        return {
            f.name: example(hints[f.name], f.name, scoped, depth + 1)
            for f in dataclasses.fields(cls)
        }
    if isinstance(tp, type) and issubclass(tp, Enum):
        return next(iter(tp)).value
    return _scalar(tp, name)


def _scalar(tp: Any, name: str) -> Any:
    if tp is bool:
        return name.startswith(("can_", "is_", "has_"))
    if tp is int:
        return INTEGERS.get(name, 1)
    if tp is float:
        return FLOATS.get(name, 0.5)
    if tp is datetime:
        return WHEN
    if tp is date:
        return WHEN[:10]
    if tp is timedelta:
        return 3600
    if name in STRINGS:
        return STRINGS[name]
    if name == "id" or name.endswith("_id"):
        return f"{name.removesuffix('_id') or 'item'}_1001"
    return name.replace("_", " ") or "text"
