"""Rules-based pricing: a typed condition language, effects, stacking, floors, explanations."""

from commercegraph.services.pricing_engine.effects import Effect, EffectError, parse_effect
from commercegraph.services.pricing_engine.engine import (
    AppliedAmount,
    LineInput,
    LineResult,
    QuoteResult,
    Shopper,
    price,
    price_many,
    unavailable_rules,
)
from commercegraph.services.pricing_engine.language import ConditionError, check_condition
from commercegraph.services.pricing_engine.plan import CheckedCondition
from commercegraph.services.pricing_engine.rules import (
    STACKING_MODES,
    CompiledRule,
    RuleSet,
    compile_rule,
)

__all__ = [
    "STACKING_MODES",
    "AppliedAmount",
    "CheckedCondition",
    "CompiledRule",
    "ConditionError",
    "Effect",
    "EffectError",
    "LineInput",
    "LineResult",
    "QuoteResult",
    "RuleSet",
    "Shopper",
    "check_condition",
    "compile_rule",
    "parse_effect",
    "price",
    "price_many",
    "unavailable_rules",
]
