"""Which rules match which lines, evaluating each test as rarely as its inputs allow.

Eligibility (active, window, scope, budget) and shopper-level tests are answered once per
shopper for every basket priced together; cart-level tests once per basket; line-level tests
once per line, and equal simple tests once per line whichever rules share them. A CEL
test is handed only the variables it reads, taken from the values of its own scope.
"""

from __future__ import annotations

import operator
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from commercegraph.services.pricing_engine.records import LineInput, Shopper
from commercegraph.services.pricing_engine.rules import CompiledRule, KeyedTest, RuleSet


def shopper_context(shopper: Shopper, now: datetime) -> dict[str, Any]:
    return {
        "customer": shopper.customer_value(),
        "channel": shopper.channel,
        "fulfillment": shopper.fulfillment,
        "currency": shopper.currency,
        "store": {"id": shopper.store_id, "region": shopper.store_region},
        "now": {"timestamp": now, "weekday": now.isoweekday(), "hour": now.hour},
    }


def cart_context(lines: Sequence[LineInput]) -> dict[str, Any]:
    if len(lines) == 1:  # a list's product, priced alone: the same values, fewer steps
        (ln,) = lines
        return {
            "subtotal": ln.unit_base * ln.quantity,
            "item_count": ln.quantity,
            "skus": [ln.sku],
            "category_quantities": {ln.category: ln.quantity},
        }
    categories: dict[str, int] = {}
    for ln in lines:
        categories[ln.category] = categories.get(ln.category, 0) + ln.quantity
    return {
        "subtotal": sum(ln.unit_base * ln.quantity for ln in lines),
        "item_count": sum(ln.quantity for ln in lines),
        "skus": sorted({ln.sku for ln in lines}),
        "category_quantities": categories,
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


Groups = dict[tuple[object, ...], tuple[tuple[KeyedTest, ...], list[CompiledRule]]]


def _group(groups: Groups, rules: Sequence[CompiledRule]) -> None:
    for rule in rules:
        keys = tuple(k for k, _ in rule.line_tests)
        groups.setdefault(keys, (rule.line_tests, []))[1].append(rule)


class ShopperEvaluation:
    """Answers that hold for every basket of one shopper at one moment."""

    def __init__(
        self, rules: RuleSet, shopper: Shopper, now: datetime, unavailable: Collection[str]
    ) -> None:
        self.rules, self.shopper, self.now, self.unavailable = rules, shopper, now, unavailable
        self.values = shopper_context(shopper, now)
        self.segments = frozenset(shopper.segments)
        self._ok: dict[int, bool] = {}
        self.shared: list[CompiledRule] = []
        self.shared = [
            r
            for r in rules.shopper_candidates(shopper.segments, shopper.channel)
            if r.pins_hold("", "", "", self.segments, shopper.channel) and self.ok(r)
        ]
        groups: Groups = {}
        _group(groups, [r for r in self.shared if not r.cart_tests])
        self.always: list[CompiledRule] = groups.pop((), ((), []))[1]
        self.tested = list(groups.values())
        # rules that also read the cart, grouped by their cart tests
        by_cart: dict[tuple[object, ...], tuple[tuple[KeyedTest, ...], list[CompiledRule]]] = {}
        for rule in self.shared:
            if rule.cart_tests:
                key = tuple(k for k, _ in rule.cart_tests)
                by_cart.setdefault(key, (rule.cart_tests, []))[1].append(rule)
        self.cart_groups: list[tuple[tuple[KeyedTest, ...], list[CompiledRule], Groups]] = []
        for tests, members in by_cart.values():
            tested: Groups = {}
            _group(tested, [r for r in members if r.line_tests])
            self.cart_groups.append((tests, [r for r in members if not r.line_tests], tested))

    def ok(self, rule: CompiledRule) -> bool:
        known = self._ok.get(rule.rank)
        if known is None:
            who = self.shopper
            known = (
                (
                    rule.unconditional
                    or (
                        rule.record.active
                        and rule.in_window(self.now)
                        and rule.in_scope(who.channel, who.currency)
                    )
                )
                and rule.id not in self.unavailable
                and all(test(self.values) for test in rule.shopper_tests)
            )
            self._ok[rule.rank] = known
        return known


def match_basket(ev: ShopperEvaluation, lines: Sequence[LineInput]) -> list[list[CompiledRule]]:
    """For each line, the rules whose whole condition holds, in rule order."""
    values = {**ev.values, "cart": cart_context(lines)}
    cart_memo: dict[object, bool] = {}  # equal cart tests are decided once per basket

    def basket_ok(rule: CompiledRule) -> bool:
        return not rule.cart_tests or _holds(rule.cart_tests, cart_memo, values)

    always, groups = ev.always, ev.tested
    for tests, plain, tested in ev.cart_groups:
        if _holds(tests, cart_memo, values):
            if plain:
                always = always + plain
            if tested:
                groups = groups + list(tested.values())
    if len(always) > len(ev.always):
        always.sort(key=_rank)
    who, segments, unavailable = ev.shopper, ev.segments, ev.unavailable
    matches: list[list[CompiledRule]] = []
    for line in lines:
        specific = [
            r
            for r in ev.rules.line_candidates(line.sku, line.brand, line.category)
            if (r.free and r.id not in unavailable if r.free else ev.ok(r))
            and (
                not r.pin_check
                or r.pins_hold(line.sku, line.brand, line.category, segments, who.channel)
            )
            and basket_ok(r)
        ]
        if not groups and not any(r.line_tests for r in specific):
            matches.append(sorted(always + specific, key=_rank) if specific else list(always))
            continue
        line_values = {**values, **line_context(line)}
        memo: dict[object, bool] = {}
        found = list(always)
        for tests, rules in groups:
            if _holds(tests, memo, line_values):
                found.extend(rules)
        found.extend(r for r in specific if _holds(r.line_tests, memo, line_values))
        found.sort(key=_rank)
        matches.append(found)
    return matches


def _holds(tests: tuple[KeyedTest, ...], memo: dict[object, bool], values: dict[str, Any]) -> bool:
    for key, test in tests:
        hit = memo.get(key)
        if hit is None:
            hit = memo[key] = test(values)
        if not hit:
            return False
    return True


_rank = operator.attrgetter("rank")
