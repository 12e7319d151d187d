"""Compiled rules and the rule set: checked once when rules change, shared by requests."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import cel

from commercegraph.adapters.base import PricingRuleRecord
from commercegraph.services.pricing_engine.effects import Effect, parse_effect
from commercegraph.services.pricing_engine.language import CheckedCondition, check_condition

STACK, EXCLUSIVE, STOP_AFTER = "STACK", "EXCLUSIVE", "STOP_AFTER"
STACKING_MODES = (STACK, EXCLUSIVE, STOP_AFTER)
# The most selective pin goes first: a rule sits in exactly one index bucket.
PIN_ORDER = ("sku", "brand", "category", "segment", "channel")


@dataclass(frozen=True, slots=True)
class CompiledRule:
    record: PricingRuleRecord
    condition: CheckedCondition
    effect: Effect
    program: Any  # cel.Program, or None when the pins decide alone
    rank: int  # position in (priority desc, id) order

    @property
    def id(self) -> str:
        return self.record.id

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


def order_key(record: PricingRuleRecord) -> tuple[int, str]:
    """Higher priority first, then id: never the order rules were created in."""
    return (-record.priority, record.id)


def compile_rule(record: PricingRuleRecord, rank: int = 0) -> CompiledRule:
    """Check and compile; raises ``ConditionError``/``EffectError`` for a bad rule."""
    condition = check_condition(record.condition)
    effect = parse_effect(record.effect)
    program = None if condition.fully_pinned else cel.compile(record.condition)
    return CompiledRule(record, condition, effect, program, rank)


@dataclass(frozen=True, slots=True)
class RuleSet:
    revision: int
    rules: tuple[CompiledRule, ...]
    buckets: dict[tuple[str, str], tuple[CompiledRule, ...]]
    unpinned: tuple[CompiledRule, ...]

    @classmethod
    def build(cls, revision: int, records: Sequence[PricingRuleRecord]) -> RuleSet:
        ordered = sorted(records, key=order_key)
        rules = tuple(compile_rule(r, rank) for rank, r in enumerate(ordered))
        buckets: dict[tuple[str, str], list[CompiledRule]] = {}
        unpinned: list[CompiledRule] = []
        for rule in rules:
            kind = next((k for k in PIN_ORDER if k in rule.condition.pins), None)
            if kind is None:
                unpinned.append(rule)
                continue
            for value in rule.condition.pins[kind]:
                buckets.setdefault((kind, value), []).append(rule)
        return cls(revision, rules, {k: tuple(v) for k, v in buckets.items()}, tuple(unpinned))

    def candidates(
        self,
        *,
        sku: str,
        brand: str,
        category: str,
        segments: Sequence[str],
        channel: str,
    ) -> list[CompiledRule]:
        """Rules whose pins this line can satisfy, in rule order."""
        wanted = {
            "sku": {sku},
            "brand": {brand},
            "category": {category},
            "segment": set(segments),
            "channel": {channel},
        }
        found: dict[str, CompiledRule] = {}
        keys = [("sku", sku), ("brand", brand), ("category", category), ("channel", channel)]
        keys += [("segment", s) for s in segments]
        for key in keys:
            for rule in self.buckets.get(key, ()):
                found[rule.id] = rule
        for rule in self.unpinned:
            found[rule.id] = rule
        matching = [
            r
            for r in found.values()
            if all(
                (wanted[k] & v) if k != "segment" else v <= wanted[k]
                for k, v in r.condition.pins.items()
            )
        ]
        matching.sort(key=lambda r: r.rank)
        return matching
