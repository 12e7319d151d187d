"""Effects: what a matching rule does to a price, as a small typed JSON document.

``{"type": "percent_off", "percent": 10}``                      10 % off the line
``{"type": "amount_off", "amount": 200}``                      2.00 off each unit
``{"type": "fixed_price", "amount": 999}``                     each unit costs 9.99
``{"type": "tiers", "tiers": [{"min_quantity": 3, "percent": 5}, ...]}``
``{"type": "buy_x_get_y", "buy": 2, "get": 1, "percent": 100}``  every 3rd unit free
Any effect may say ``"per": "cart"``: percent off then applies to the total of all lines
the rule matches and ``amount_off`` is one amount for the whole basket, spread over those
lines in proportion to their totals. Money is integer minor units; percent is at most two
decimals (basis points inside).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from commercegraph.services.pricing_engine.language import ConditionError

PER_LINE, PER_CART = "line", "cart"
MAX_AMOUNT = 100_000_000


class EffectError(ConditionError):
    """An effect document that does not parse or has a wrong field, with its position."""


@dataclass(frozen=True, slots=True)
class Tier:
    min_quantity: int
    basis_points: int = 0
    amount: int = 0  # off each unit


@dataclass(frozen=True, slots=True)
class Effect:
    type: str
    per: str = PER_LINE
    basis_points: int = 0  # percent × 100
    amount: int = 0
    tiers: tuple[Tier, ...] = ()
    buy: int = 0
    get: int = 0

    def describe(self) -> str:
        scope = " on the basket" if self.per == PER_CART else ""
        if self.type == "percent_off":
            return f"{_pct(self.basis_points)} off{scope}"
        if self.type == "amount_off":
            return f"{self.amount} off{' the basket' if self.per == PER_CART else ' each unit'}"
        if self.type == "fixed_price":
            return f"fixed unit price {self.amount}"
        if self.type == "tiers":
            return "quantity tiers " + ", ".join(
                f"{t.min_quantity}+: {_pct(t.basis_points) if t.basis_points else t.amount} off"
                for t in self.tiers
            )
        return f"buy {self.buy} get {self.get} at {_pct(self.basis_points)} off"


def _pct(basis_points: int) -> str:
    whole, frac = divmod(basis_points, 100)
    return f"{whole}%" if not frac else f"{whole}.{frac:02d}%"


def _where(source: str, key: str) -> int:
    found = source.find(f'"{key}"')
    return max(found, 0)


class _Reader:
    def __init__(self, source: str, data: dict[str, Any]) -> None:
        self.source, self.data = source, data

    def fail(self, key: str, message: str) -> EffectError:
        return EffectError(message, self.source, _where(self.source, key))

    def integer(self, key: str, low: int, high: int, data: dict[str, Any] | None = None) -> int:
        value = (data or self.data).get(key)
        if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
            raise self.fail(key, f"`{key}` must be an integer from {low} to {high}")
        return value

    def percent(self, key: str = "percent", data: dict[str, Any] | None = None) -> int:
        value = (data or self.data).get(key)
        if not isinstance(value, int | float) or isinstance(value, bool):
            raise self.fail(key, f"`{key}` must be a number from 0 to 100")
        basis = round(value * 100)
        if not 0 < basis <= 10_000 or abs(basis - value * 100) > 1e-6:
            raise self.fail(key, f"`{key}` must be above 0, at most 100, with two decimals at most")
        return basis


ALLOWED_KEYS = {
    "percent_off": {"percent"},
    "amount_off": {"amount"},
    "fixed_price": {"amount"},
    "tiers": {"tiers"},
    "buy_x_get_y": {"buy", "get", "percent"},
}


def parse_effect(source: str) -> Effect:
    """Parse and check an effect document; raise ``EffectError`` with the position."""
    try:
        data = json.loads(source)
    except json.JSONDecodeError as exc:
        raise EffectError(f"Effect is not JSON: {exc.msg}", source, exc.pos) from exc
    if not isinstance(data, dict):
        raise EffectError("An effect is a JSON object", source, 0)
    read = _Reader(source, data)
    kind = data.get("type")
    if kind not in ALLOWED_KEYS:
        raise read.fail("type", f"`type` must be one of {', '.join(sorted(ALLOWED_KEYS))}")
    per = data.get("per", PER_LINE)
    if per not in (PER_LINE, PER_CART):
        raise read.fail("per", '`per` must be "line" or "cart"')
    for key in data:
        if key not in ALLOWED_KEYS[kind] | {"type", "per"}:
            raise read.fail(key, f"Unknown field `{key}` for a {kind} effect")
    if kind == "percent_off":
        return Effect(kind, per, basis_points=read.percent())
    if kind in ("amount_off", "fixed_price"):
        if kind == "fixed_price" and per == PER_CART:
            raise read.fail("per", "A fixed price applies per line")
        return Effect(
            kind, per, amount=read.integer("amount", 0 if kind == "fixed_price" else 1, MAX_AMOUNT)
        )
    if kind == "tiers":
        return Effect(kind, per, tiers=_tiers(read))
    if per == PER_CART:
        raise read.fail("per", "Buy X get Y applies per line")
    return Effect(
        kind,
        per,
        buy=read.integer("buy", 1, 1000),
        get=read.integer("get", 1, 1000),
        basis_points=read.percent() if "percent" in data else 10_000,
    )


def _tiers(read: _Reader) -> tuple[Tier, ...]:
    raw = read.data.get("tiers")
    if not isinstance(raw, list) or not raw or not all(isinstance(t, dict) for t in raw):
        raise read.fail("tiers", "`tiers` must be a non-empty list of objects")
    tiers = []
    for t in raw:
        if set(t) - {"min_quantity", "percent", "amount"} or ("percent" in t) == ("amount" in t):
            raise read.fail("tiers", "Each tier has `min_quantity` and one of `percent`, `amount`")
        minimum = read.integer("min_quantity", 1, 100_000, t)
        if "percent" in t:
            tiers.append(Tier(minimum, basis_points=read.percent("percent", t)))
        else:
            tiers.append(Tier(minimum, amount=read.integer("amount", 1, MAX_AMOUNT, t)))
    if len({t.min_quantity for t in tiers}) != len(tiers):
        raise read.fail("tiers", "Two tiers have the same `min_quantity`")
    return tuple(sorted(tiers, key=lambda t: t.min_quantity))


def percent_of(amount: int, basis_points: int) -> int:
    """``amount × bp / 10000`` rounded half up, in integers."""
    return (amount * basis_points + 5_000) // 10_000


def line_discount(effect: Effect, *, current: int, unit_base: int, quantity: int) -> int:
    """What a per-line effect takes off a line whose running total is ``current``."""
    if effect.type == "percent_off":
        return percent_of(current, effect.basis_points)
    if effect.type == "amount_off":
        return effect.amount * quantity
    if effect.type == "fixed_price":
        return current - effect.amount * quantity
    if effect.type == "tiers":
        reached = [t for t in effect.tiers if t.min_quantity <= quantity]
        if not reached:
            return 0
        tier = reached[-1]
        return (
            percent_of(current, tier.basis_points) if tier.basis_points else tier.amount * quantity
        )
    # buy_x_get_y: the free (or cheaper) units are priced off the running unit price
    free_units = quantity // (effect.buy + effect.get) * effect.get
    if not free_units:
        return 0
    return percent_of(current * free_units // quantity, effect.basis_points)


def spread(total: int, weights: list[int]) -> list[int]:
    """Split ``total`` over ``weights`` proportionally; largest remainder, ties by position."""
    whole = sum(weights)
    if whole <= 0 or total <= 0:
        return [0] * len(weights)
    shares = [total * w // whole for w in weights]
    remainders = sorted(range(len(weights)), key=lambda i: (-(total * weights[i] % whole), i))
    for i in remainders[: total - sum(shares)]:
        shares[i] += 1
    return shares
