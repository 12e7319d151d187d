"""Staff edit the pricing rules: a rule is saved only when it compiles, and each refusal
names the argument (and, for a condition or effect, where in it) that is wrong."""

from __future__ import annotations

import secrets
from dataclasses import replace

from commercegraph.adapters.base import Page, PricingBackend, PricingRuleRecord
from commercegraph.errors import BadUserInput, NotFound
from commercegraph.services.pagination import check_first
from commercegraph.services.pricing_engine import (
    STACKING_MODES,
    ConditionError,
    EffectError,
    compile_rule,
)
from commercegraph.usecases.validation import check_currency


async def list_rules(
    pricing: PricingBackend, first: int, after: str | None, *, max_page_size: int
) -> Page[PricingRuleRecord]:
    check_first(first, max_page_size)
    return await pricing.list_rules(first, after)


def check_rule(rule: PricingRuleRecord) -> None:
    """Refuse a rule that would not compile, saying which argument and where."""
    if not rule.name.strip() or len(rule.name) > 200:
        raise BadUserInput("`name` must be 1 to 200 characters", argument="input.name")
    if rule.stacking not in STACKING_MODES:
        raise BadUserInput(
            f"`stacking` must be one of {', '.join(STACKING_MODES)}", argument="input.stacking"
        )
    if not -1_000_000 <= rule.priority <= 1_000_000:
        raise BadUserInput("`priority` must be within ±1000000", argument="input.priority")
    if rule.valid_from and rule.valid_until and rule.valid_from >= rule.valid_until:
        raise BadUserInput("`validFrom` must be before `validUntil`", argument="input.validFrom")
    for name, cap in (
        ("maxRedemptions", rule.max_redemptions),
        ("maxRedemptionsPerCustomer", rule.max_redemptions_per_customer),
    ):
        if cap is not None and cap < 1:
            raise BadUserInput(f"`{name}` must be at least 1", argument=f"input.{name}")
    try:
        compile_rule(rule)
    except ConditionError as exc:
        argument = "input.effect" if isinstance(exc, EffectError) else "input.condition"
        raise BadUserInput(
            f"{argument.split('.')[1]}: {exc}",
            argument=argument,
            line=exc.line,
            column=exc.column,
            offset=exc.offset,
        ) from exc


async def upsert_rule(
    pricing: PricingBackend, rule: PricingRuleRecord, actor: str, *, default_currency: str
) -> PricingRuleRecord:
    """Save ``rule`` (a new one, without an id, gets one) as ``actor``."""
    if rule.currency is not None:
        check_currency(rule.currency, default_currency)
    if not rule.id:
        rule = replace(rule, id=f"rule_{secrets.token_hex(8)}")
    check_rule(rule)
    return await pricing.save_rule(rule, actor)


async def delete_rule(pricing: PricingBackend, rule_id: str, actor: str) -> bool:
    if not await pricing.delete_rule(rule_id, actor):
        raise NotFound(f"No pricing rule {rule_id!r}", argument="id")
    return True
