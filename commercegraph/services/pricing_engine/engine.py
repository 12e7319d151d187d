"""The pricing engine: match, stack, apply, floor, explain. Pure: no I/O.

Per line, the candidate rules (from the index) are filtered by window, scope, budget and
condition, then stacked in rule order: an ``EXCLUSIVE`` rule that matches is applied
alone (the first such in order); otherwise ``STACK`` rules apply in order until a
``STOP_AFTER`` rule, which applies and ends the line's list. Line effects then apply in
rule order, each on the running total; cart effects after them, in rule order. No line
total ever goes below its floor (the product's floor price times quantity, never below
zero); what a rule could not take because of the floor is not credited to it, so the
applied amounts add up exactly to base minus final.
"""

from __future__ import annotations

import logging
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import cel

from commercegraph.services.pricing_engine.effects import (
    PER_CART,
    line_discount,
    percent_of,
    spread,
)
from commercegraph.services.pricing_engine.rules import EXCLUSIVE, STOP_AFTER, CompiledRule, RuleSet

log = logging.getLogger("commercegraph.pricing")


@dataclass(frozen=True, slots=True)
class Shopper:
    """Everything about the caller and the occasion that a condition may look at."""

    customer_id: str | None = None
    segments: tuple[str, ...] = ()
    loyalty_tier: str = ""
    group: str = ""
    lifetime_value: int = 0
    order_count: int = 0
    channel: str = "WEB"
    fulfillment: str = "SHIP"
    store_id: str = ""
    store_region: str = ""
    currency: str = "USD"

    def customer_value(self) -> dict[str, Any]:
        rfm = next((s.split(":", 1)[1] for s in self.segments if s.startswith("rfm:")), "")
        return {
            "id": self.customer_id or "",
            "anonymous": self.customer_id is None,
            "segments": list(self.segments),
            "rfm_segment": rfm,
            "loyalty_tier": self.loyalty_tier,
            "group": self.group,
            "lifetime_value": self.lifetime_value,
            "order_count": self.order_count,
            "is_first_order": self.customer_id is not None and self.order_count == 0,
        }


@dataclass(frozen=True, slots=True)
class LineInput:
    sku: str
    quantity: int
    unit_base: int
    category: str = ""
    brand: str = ""
    tags: tuple[str, ...] = ()
    floor_price: int = 0
    bundle_id: str | None = None
    stock_available: int = 0
    views_24h: int = 0


@dataclass(frozen=True, slots=True)
class AppliedAmount:
    rule_id: str
    name: str
    effect: str
    amount: int


@dataclass(frozen=True, slots=True)
class LineResult:
    line: LineInput
    base_total: int
    total: int
    applied: tuple[AppliedAmount, ...]


@dataclass(frozen=True, slots=True)
class QuoteResult:
    currency: str
    lines: tuple[LineResult, ...]
    subtotal: int
    total: int
    applied: tuple[AppliedAmount, ...]  # per rule, summed over lines, in rule order

    @property
    def discounts(self) -> int:
        return self.subtotal - self.total

    @property
    def rule_ids(self) -> tuple[str, ...]:
        return tuple(a.rule_id for a in self.applied)


@dataclass
class _Line:
    input: LineInput
    floor: int
    total: int
    rules: list[CompiledRule] = field(default_factory=list)
    amounts: dict[str, int] = field(default_factory=dict)

    def take(self, rule: CompiledRule, wanted: int) -> None:
        taken = max(0, min(wanted, self.total - self.floor))
        if taken:
            self.total -= taken
            self.amounts[rule.id] = self.amounts.get(rule.id, 0) + taken


def condition_context(
    shopper: Shopper, lines: Sequence[LineInput], now: datetime
) -> dict[str, Any]:
    categories: dict[str, int] = {}
    for ln in lines:
        categories[ln.category] = categories.get(ln.category, 0) + ln.quantity
    return {
        "customer": shopper.customer_value(),
        "channel": shopper.channel,
        "fulfillment": shopper.fulfillment,
        "currency": shopper.currency,
        "store": {"id": shopper.store_id, "region": shopper.store_region},
        "now": {"timestamp": now, "weekday": now.isoweekday(), "hour": now.hour},
        "cart": {
            "subtotal": sum(ln.unit_base * ln.quantity for ln in lines),
            "item_count": sum(ln.quantity for ln in lines),
            "skus": sorted({ln.sku for ln in lines}),
            "category_quantities": categories,
        },
    }


def line_context(line: LineInput) -> dict[str, Any]:
    return {
        "line": {
            "sku": line.sku,
            "category": line.category,
            "brand": line.brand,
            "tags": list(line.tags),
            "quantity": line.quantity,
            "unit_price": line.unit_base,
            "floor_price": line.floor_price,
            "bundle_id": line.bundle_id or "",
        },
        "stock": {"available": line.stock_available},
        "demand": {"views_24h": line.views_24h},
    }


def stack(matching: Sequence[CompiledRule]) -> list[CompiledRule]:
    """The rules that apply, from the matching ones in rule order."""
    exclusive = next((r for r in matching if r.record.stacking == EXCLUSIVE), None)
    if exclusive is not None:
        return [exclusive]
    applied: list[CompiledRule] = []
    for rule in matching:
        applied.append(rule)
        if rule.record.stacking == STOP_AFTER:
            break
    return applied


class _Evaluation:
    """One quote's evaluation state: plain values, a CEL context made only if needed, and
    per-rule answers that hold for every line (eligibility and shopper-level tests)."""

    def __init__(
        self, values: dict[str, Any], now: datetime, shopper: Shopper, unavailable: Collection[str]
    ) -> None:
        self.values = values
        self.now, self.shopper, self.unavailable = now, shopper, unavailable
        self.segments = frozenset(shopper.segments)
        self._env: Any = None
        self._env_line: LineInput | None = None
        self._line: LineInput | None = None
        self._quote_ok: dict[str, bool] = {}

    def env(self) -> Any:
        if self._env is None:
            self._env = cel.Context(self.values)
        if self._line is not None and self._env_line is not self._line:
            self._env.update(line_context(self._line))
            self._env_line = self._line
        return self._env

    def quote_ok(self, rule: CompiledRule) -> bool:
        ok = self._quote_ok.get(rule.id)
        if ok is None:
            who = self.shopper
            ok = (
                (
                    rule.unconditional
                    or (
                        rule.record.active
                        and rule.in_window(self.now)
                        and rule.in_scope(who.channel, who.currency)
                    )
                )
                and rule.id not in self.unavailable
                and all(test(self.values, self.env) for test in rule.quote_tests)
            )
            self._quote_ok[rule.id] = ok
        return ok

    def matching(self, line: LineInput, candidates: list[CompiledRule]) -> list[CompiledRule]:
        self._line = line
        values = (
            {**self.values, **line_context(line)}
            if any(r.line_tests for r in candidates)
            else self.values
        )
        return [r for r in candidates if all(test(values, self.env) for test in r.line_tests)]


def price(
    rules: RuleSet,
    shopper: Shopper,
    lines: Sequence[LineInput],
    *,
    now: datetime,
    unavailable: Collection[str] = frozenset(),
) -> QuoteResult:
    """Price ``lines`` for ``shopper``; rules in ``unavailable`` (spent budgets) never apply."""
    ev = _Evaluation(condition_context(shopper, lines, now), now, shopper, unavailable)
    shared = [
        r
        for r in rules.shopper_candidates(shopper.segments, shopper.channel)
        if r.pins_hold("", "", "", ev.segments, shopper.channel) and ev.quote_ok(r)
    ]
    work: list[_Line] = []
    for line in lines:
        base_total = line.unit_base * line.quantity
        floor = min(base_total, max(0, line.floor_price) * line.quantity)
        state = _Line(line, floor=floor, total=base_total)
        specific = [
            r
            for r in rules.line_candidates(line.sku, line.brand, line.category)
            if r.pins_hold(line.sku, line.brand, line.category, ev.segments, shopper.channel)
            and ev.quote_ok(r)
        ]
        candidates = sorted(specific + shared, key=lambda r: r.rank) if specific else shared
        state.rules = stack(ev.matching(line, candidates))
        work.append(state)
    _apply(work)
    return _result(shopper.currency, work)


def _apply(work: list[_Line]) -> None:
    cart_rules: dict[str, tuple[CompiledRule, list[_Line]]] = {}
    for state in work:
        ln = state.input
        for rule in state.rules:
            if rule.effect.per == PER_CART:
                cart_rules.setdefault(rule.id, (rule, []))[1].append(state)
                continue
            wanted = line_discount(
                rule.effect, current=state.total, unit_base=ln.unit_base, quantity=ln.quantity
            )
            state.take(rule, wanted)
    for rule, states in sorted(cart_rules.values(), key=lambda item: item[0].rank):
        weights = [s.total for s in states]
        effect = rule.effect
        if effect.type == "amount_off":
            wanted = effect.amount
        elif effect.type == "percent_off":
            wanted = percent_of(sum(weights), effect.basis_points)
        else:
            # tiers on the basket: the tier is chosen by the matching lines' total quantity
            quantity = sum(s.input.quantity for s in states)
            wanted = line_discount(effect, current=sum(weights), unit_base=0, quantity=quantity)
        for state, share in zip(states, spread(wanted, weights), strict=True):
            state.take(rule, share)


def _result(currency: str, work: list[_Line]) -> QuoteResult:
    names: dict[str, CompiledRule] = {}
    totals: dict[str, int] = {}
    results = []
    for state in work:
        applied = []
        for rule in sorted(state.rules, key=lambda r: r.rank):
            amount = state.amounts.get(rule.id, 0)
            if amount:
                applied.append(_applied(rule, amount))
                names[rule.id] = rule
                totals[rule.id] = totals.get(rule.id, 0) + amount
        base = state.input.unit_base * state.input.quantity
        results.append(LineResult(state.input, base, state.total, tuple(applied)))
    summary = tuple(
        _applied(names[i], totals[i]) for i in sorted(totals, key=lambda i: names[i].rank)
    )
    subtotal = sum(r.base_total for r in results)
    return QuoteResult(currency, tuple(results), subtotal, sum(r.total for r in results), summary)


def _applied(rule: CompiledRule, amount: int) -> AppliedAmount:
    return AppliedAmount(rule.id, rule.record.name, rule.effect.describe(), amount)


def unavailable_rules(rules: RuleSet, usage: Mapping[str, tuple[int, int]]) -> frozenset[str]:
    """Rules whose budget is spent, from ``rule id -> (redeemed, redeemed by this customer)``."""
    spent = set()
    for rule in rules.rules:
        if not rule.has_budget():
            continue
        total, mine = usage.get(rule.id, (0, 0))
        r = rule.record
        if (r.max_redemptions is not None and total >= r.max_redemptions) or (
            r.max_redemptions_per_customer is not None and mine >= r.max_redemptions_per_customer
        ):
            spent.add(rule.id)
    return frozenset(spent)
