"""Checks on what a caller asks for, shared by the use cases: each refuses bad input with
``BAD_USER_INPUT`` naming the argument, before anything reaches a backend."""

from __future__ import annotations

from commercegraph.errors import BadUserInput
from commercegraph.services.geo import check_point
from commercegraph.services.money import is_currency_code

MAX_QUANTITY = 10_000
MAX_KEY_LENGTH = 128


def check_currency(currency: str | None, default: str) -> str:
    """``currency``, or the gateway's ``default`` when none is given, as an ISO 4217 code."""
    code = currency or default
    if not is_currency_code(code):
        raise BadUserInput(f"{code!r} is not an ISO 4217 currency code", argument="currency")
    return code


def check_quantity(quantity: int) -> int:
    if not 1 <= quantity <= MAX_QUANTITY:
        raise BadUserInput(f"`quantity` must be between 1 and {MAX_QUANTITY}", argument="quantity")
    return quantity


def check_near(near: tuple[float, float] | None, radius_km: float | None) -> None:
    if near is not None:
        check_point(*near)
    if radius_km is not None and not 0 < radius_km <= 20_000:
        raise BadUserInput("`radiusKm` must be between 0 and 20000", argument="radiusKm")


def check_key(key: str) -> str:
    """An idempotency key: what makes a retried write answer its first outcome."""
    if not 1 <= len(key) <= MAX_KEY_LENGTH or not key.isprintable():
        raise BadUserInput(
            f"`idempotencyKey` must be 1 to {MAX_KEY_LENGTH} printable characters",
            argument="idempotencyKey",
        )
    return key
