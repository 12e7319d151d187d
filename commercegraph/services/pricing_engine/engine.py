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

import operator
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from commercegraph.services.pricing_engine.effects import (
    PER_CART,
    line_discount,
    percent_of,
    spread,
)
from commercegraph.services.pricing_engine.evaluate import ShopperEvaluation, match_basket
from commercegraph.services.pricing_engine.records import (
    AppliedAmount,
    LineInput,
    LineResult,
    QuoteResult,
    Shopper,
)
from commercegraph.services.pricing_engine.rules import EXCLUSIVE, STOP_AFTER, CompiledRule, RuleSet

__all__ = [
    "AppliedAmount",
    "LineInput",
    "LineResult",
    "QuoteResult",
    "Shopper",
    "price",
    "price_many",
]


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


def stack(matching: Sequence[CompiledRule]) -> list[CompiledRule]:
    """The rules that apply, from the matching ones in rule order."""
    for rule in matching:  # a loop, not next() over a generator: a basket per product
        if rule.record.stacking == EXCLUSIVE:
            return [rule]
    applied: list[CompiledRule] = []
    for rule in matching:
        applied.append(rule)
        if rule.record.stacking == STOP_AFTER:
            break
    return applied


def price(
    rules: RuleSet,
    shopper: Shopper,
    lines: Sequence[LineInput],
    *,
    now: datetime,
    unavailable: Collection[str] = frozenset(),
) -> QuoteResult:
    """Price ``lines`` for ``shopper``; rules in ``unavailable`` (spent budgets) never apply."""
    return price_many(rules, shopper, [lines], now=now, unavailable=unavailable)[0]


def price_many(
    rules: RuleSet,
    shopper: Shopper,
    baskets: Sequence[Sequence[LineInput]],
    *,
    now: datetime,
    unavailable: Collection[str] = frozenset(),
) -> list[QuoteResult]:
    """Price several baskets for one shopper (a page of products: one basket each),
    sharing everything that does not depend on the basket."""
    ev = ShopperEvaluation(rules, shopper, now, unavailable)
    results = []
    for lines in baskets:
        work = []
        for line, matching in zip(lines, match_basket(ev, lines), strict=True):
            base_total = line.unit_base * line.quantity
            floor = min(base_total, max(0, line.floor_price) * line.quantity)
            work.append(_Line(line, floor=floor, total=base_total, rules=stack(matching)))
        _apply(work)
        results.append(_result(shopper.currency, work))
    return results


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
    if not cart_rules:  # most baskets: nothing to sort
        return
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
    subtotal = total = 0
    for state in work:
        applied = []
        for rule in sorted(state.rules, key=_rank) if state.rules else ():
            amount = state.amounts.get(rule.id, 0)
            if amount:
                applied.append(_applied(rule, amount))
                names[rule.id] = rule
                totals[rule.id] = totals.get(rule.id, 0) + amount
        base = state.input.unit_base * state.input.quantity
        results.append(LineResult(state.input, base, state.total, tuple(applied)))
        subtotal += base
        total += state.total
    summary = (
        tuple(_applied(names[i], totals[i]) for i in sorted(totals, key=lambda i: names[i].rank))
        if totals
        else ()
    )
    return QuoteResult(currency, tuple(results), subtotal, total, summary)


_rank = operator.attrgetter("rank")


def _applied(rule: CompiledRule, amount: int) -> AppliedAmount:
    return AppliedAmount(
        rule.id, rule.record.name, rule.effect.describe(), amount, rule.record.valid_until
    )


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
