"""Compiled rules and the rule set: checked once when rules change, shared by requests."""

from __future__ import annotations

import operator
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import cel

from commercegraph.adapters.base import PricingRuleRecord
from commercegraph.services.pricing_engine.effects import Effect, parse_effect
from commercegraph.services.pricing_engine.language import check_condition
from commercegraph.services.pricing_engine.plan import (
    CART,
    COMPARE,
    LINE,
    SHOPPER,
    CheckedCondition,
    Conjunct,
    SimpleTest,
)

STACK, EXCLUSIVE, STOP_AFTER = "STACK", "EXCLUSIVE", "STOP_AFTER"
STACKING_MODES = (STACK, EXCLUSIVE, STOP_AFTER)
# The most selective pin decides the bucket: a rule sits under one kind only.
PIN_ORDER = ("sku", "brand", "category", "segment", "channel")
LINE_KINDS = frozenset({"sku", "brand", "category"})

# A test takes the plain values of the context, as far as its scope has them.
Test = Callable[[Mapping[str, Any]], bool]
# Equal conjuncts share a key, so a line evaluates each distinct test once.
KeyedTest = tuple[object, Test]


def _keyed(conjunct: Conjunct) -> KeyedTest:
    return (conjunct.source, _test(conjunct))  # str: its hash is cached


def _test(conjunct: Conjunct) -> Test:
    simple = conjunct.simple
    if simple is not None:
        return _python_test(simple)
    program = cel.compile(conjunct.source)
    # CEL converts every variable it is given, read or not: hand it only those it reads
    names = tuple(sorted(conjunct.variables))

    def run_cel(values: Mapping[str, Any]) -> bool:
        try:
            return bool(program.execute({n: values[n] for n in names if n in values}) is True)
        except Exception:  # a runtime error (a missing map key, ...) means "no match"
            return False

    return run_cel


def _python_test(simple: SimpleTest) -> Test:
    """A closure specialised to the path length: this runs millions of times a second."""
    if simple.op in COMPARE:
        compare, literal = COMPARE[simple.op], simple.literal
        if len(simple.path) == 2:
            outer, inner = simple.path

            def field_compare(values: Mapping[str, Any]) -> bool:
                try:
                    return bool(compare(values[outer][inner], literal))
                except (KeyError, TypeError):
                    return False

            return field_compare

    def general(values: Mapping[str, Any]) -> bool:
        try:
            return simple(values)
        except (KeyError, TypeError):
            return False

    return general


@dataclass(frozen=True, slots=True)
class _Parts:
    condition: CheckedCondition
    effect: Effect
    shopper_tests: tuple[Test, ...]
    cart_tests: tuple[KeyedTest, ...]
    line_tests: tuple[KeyedTest, ...]


@dataclass(frozen=True, slots=True)
class CompiledRule:
    record: PricingRuleRecord
    condition: CheckedCondition
    effect: Effect
    rank: int  # position in (priority desc, id) order
    shopper_tests: tuple[Test, ...]  # read only the shopper and the clock
    cart_tests: tuple[KeyedTest, ...]  # read the cart
    line_tests: tuple[KeyedTest, ...]  # read the line, its stock or its demand
    unconditional: bool  # active, no window, no scope: eligible without looking
    id: str
    pin_check: bool  # pins beyond its index bucket's (its bucket alone proves the rest)
    free: bool  # unconditional and without shopper tests: only a spent budget stops it

    def in_window(self, now: datetime) -> bool:
        r = self.record
        return (r.valid_from is None or r.valid_from <= now) and (
            r.valid_until is None or now < r.valid_until
        )

    def in_scope(self, channel: str, currency: str) -> bool:
        r = self.record
        return (not r.channels or channel in r.channels) and (
            r.currency is None or r.currency == currency
        )

    def has_budget(self) -> bool:
        r = self.record
        return r.max_redemptions is not None or r.max_redemptions_per_customer is not None

    def pins_hold(
        self, sku: str, brand: str, category: str, segments: frozenset[str], channel: str
    ) -> bool:
        for kind, values in self.condition.pins.items():
            if kind == "segment":
                if not values <= segments:
                    return False
            elif {"sku": sku, "brand": brand, "category": category, "channel": channel}[
                kind
            ] not in values:
                return False
        return True


def order_key(record: PricingRuleRecord) -> tuple[int, str]:
    """Higher priority first, then id: never the order rules were created in."""
    return (-record.priority, record.id)


def _parts(record: PricingRuleRecord) -> _Parts:
    condition = check_condition(record.condition)
    effect = parse_effect(record.effect)
    return _Parts(
        condition,
        effect,
        tuple(_test(c) for c in condition.conjuncts if c.scope == SHOPPER),
        tuple(_keyed(c) for c in condition.conjuncts if c.scope == CART),
        tuple(_keyed(c) for c in condition.conjuncts if c.scope == LINE),
    )


def compile_rule(
    record: PricingRuleRecord,
    rank: int = 0,
    parts: _Parts | None = None,
    shared: Mapping[object, int] | None = None,
) -> CompiledRule:
    """Check and compile; raises ``ConditionError``/``EffectError`` for a bad rule.

    ``shared`` counts how many rules use each test: the most shared tests run first, so
    one memoised answer settles many rules (the order of ``&&`` parts changes nothing).
    """
    p = parts or _parts(record)
    counts = shared or {}

    def most_shared_first(tests: tuple[KeyedTest, ...]) -> tuple[KeyedTest, ...]:
        return tuple(sorted(tests, key=lambda t: -counts.get(t[0], 0)))

    unconditional = (
        record.active
        and record.valid_from is None
        and record.valid_until is None
        and not record.channels
        and record.currency is None
    )
    return CompiledRule(
        record,
        p.condition,
        p.effect,
        rank,
        p.shopper_tests,
        most_shared_first(p.cart_tests),
        most_shared_first(p.line_tests),
        unconditional,
        record.id,
        len(p.condition.pins) > 1,
        unconditional and not p.shopper_tests,
    )


@dataclass(frozen=True, slots=True)
class RuleSet:
    revision: int
    rules: tuple[CompiledRule, ...]
    line_buckets: dict[tuple[str, str], tuple[CompiledRule, ...]]  # sku, brand, category
    shopper_buckets: dict[tuple[str, str], tuple[CompiledRule, ...]]  # segment, channel
    unpinned: tuple[CompiledRule, ...]
    parts: dict[PricingRuleRecord, _Parts]

    @classmethod
    def build(
        cls, revision: int, records: Sequence[PricingRuleRecord], previous: RuleSet | None = None
    ) -> RuleSet:
        """Compile ``records``, reusing what ``previous`` compiled for unchanged rules."""
        known = previous.parts if previous is not None else {}
        parts = {r: known.get(r) or _parts(r) for r in records}
        ordered = sorted(records, key=order_key)
        shared = Counter(k for p in parts.values() for k, _ in (*p.cart_tests, *p.line_tests))
        rules = tuple(compile_rule(r, rank, parts[r], shared) for rank, r in enumerate(ordered))
        line_buckets: dict[tuple[str, str], list[CompiledRule]] = {}
        shopper_buckets: dict[tuple[str, str], list[CompiledRule]] = {}
        unpinned: list[CompiledRule] = []
        for rule in rules:
            pins = rule.condition.pins
            kind = next((k for k in PIN_ORDER if k in pins), None)
            if kind is None:
                unpinned.append(rule)
            elif kind == "segment":  # every segment is required: one bucket suffices
                shopper_buckets.setdefault((kind, min(pins[kind])), []).append(rule)
            else:
                buckets = line_buckets if kind in LINE_KINDS else shopper_buckets
                for value in pins[kind]:
                    buckets.setdefault((kind, value), []).append(rule)
        return cls(
            revision,
            rules,
            {k: tuple(v) for k, v in line_buckets.items()},
            {k: tuple(v) for k, v in shopper_buckets.items()},
            tuple(unpinned),
            parts,
        )

    def shopper_candidates(self, segments: Sequence[str], channel: str) -> list[CompiledRule]:
        """Rules that do not depend on which product a line holds, in rule order."""
        found = list(self.unpinned)
        for key in [("channel", channel), *(("segment", s) for s in segments)]:
            found.extend(self.shopper_buckets.get(key, ()))
        found.sort(key=_rank)
        return found

    def line_candidates(self, sku: str, brand: str, category: str) -> list[CompiledRule]:
        found: list[CompiledRule] = []
        for key in (("sku", sku), ("brand", brand), ("category", category)):
            found.extend(self.line_buckets.get(key, ()))
        return found


_rank = operator.attrgetter("rank")
