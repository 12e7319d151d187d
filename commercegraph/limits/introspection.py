"""Refuse introspection (``__schema``, ``__type``) in production; ``__typename`` stays."""

from __future__ import annotations

from graphql import FieldNode, ValidationRule
from strawberry.extensions import AddValidationRules

from commercegraph.limits._walk import INTROSPECTION_FIELDS, limit_error

CODE = "INTROSPECTION_DISABLED"


class NoIntrospectionRule(ValidationRule):
    def enter_field(self, node: FieldNode, *_: object) -> None:
        if node.name.value in INTROSPECTION_FIELDS:
            self.report_error(limit_error(CODE, "Introspection is disabled on this server.", node))


class NoIntrospection(AddValidationRules):
    """``extensions=[NoIntrospection]``."""

    def __init__(self) -> None:
        super().__init__([NoIntrospectionRule])
