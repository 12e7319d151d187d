"""Refuse introspection (``__schema``, ``__type``) in production; ``__typename`` stays."""

from __future__ import annotations

from graphql import FieldNode
from strawberry.extensions import AddValidationRules

from commercegraph.limits._walk import INTROSPECTION_FIELDS, limit_error
from commercegraph.limits.validation import LimitRule

CODE = "INTROSPECTION_DISABLED"


class NoIntrospectionRule(LimitRule):
    def enter_field(self, node: FieldNode, *_: object) -> None:
        if node.name.value in INTROSPECTION_FIELDS:
            self.report_error(limit_error(CODE, "Introspection is disabled on this server.", node))


class NoIntrospection(AddValidationRules):
    """``extensions=[NoIntrospection]``."""

    def __init__(self) -> None:
        super().__init__([NoIntrospectionRule])
