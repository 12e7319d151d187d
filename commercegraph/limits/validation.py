"""Validation with the limits first: a document a limit refuses is never validated in full.

graphql-core's own rules each walk the whole document, so a kilobyte of fragments that a
limit refuses would still cost a full validation (tens of times a trivial query). The limit
rules run alone first (``LimitRulesFirst``, before every other extension), then the cost
estimate (``MaxCost``), and only a document all of them accept meets the specification's
rules (``ValidateRest``, last). Both passes share one bounded cache by document, as
Strawberry's ``ValidationCache`` (which these replace) does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from functools import lru_cache
from typing import Any

from graphql import ValidationRule
from strawberry.extensions import SchemaExtension
from strawberry.schema.schema import validate_document

Validate = Callable[..., Any]


class LimitRule(ValidationRule):
    """A validation rule that enforces a limit: it runs before the specification's rules."""


@lru_cache(maxsize=64)  # one rule list per schema and limit settings
def rules_of_pass(
    rules: tuple[type[ValidationRule], ...], limits: bool
) -> tuple[type[ValidationRule], ...]:
    """The limit rules (or all the others) of a request's rules, in their order."""
    return tuple(r for r in rules if issubclass(r, LimitRule) is limits)


def cached_validation(maxsize: int) -> Validate:
    """A bounded cache of validation results (by schema, document and rules), one per schema."""
    return lru_cache(maxsize=maxsize)(validate_document)


class _Pass(SchemaExtension):
    limits: bool  # which rules this pass runs: the limits or the rest

    def __init__(self, validate: Validate) -> None:
        self.validate = validate

    def on_validate(self) -> Iterator[None]:
        ctx = self.execution_context
        if ctx.pre_execution_errors is None and ctx.graphql_document is not None:
            rules = rules_of_pass(tuple(ctx.validation_rules), self.limits)
            errors = self.validate(ctx.schema._schema, ctx.graphql_document, rules)
            if errors or not self.limits:
                ctx.pre_execution_errors = errors
        yield


class LimitRulesFirst(_Pass):
    """The limit rules alone; a refusal here skips the rest of validation."""

    limits = True


class ValidateRest(_Pass):
    """The specification's rules, for a document every limit accepted."""

    limits = False
