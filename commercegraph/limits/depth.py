"""Refuse operations nested deeper than a limit (introspection is not counted)."""

from __future__ import annotations

from functools import cache

from graphql import OperationDefinitionNode, SelectionSetNode, ValidationRule
from strawberry.extensions import AddValidationRules

from commercegraph.limits._walk import (
    INTROSPECTION_FIELDS,
    Fragments,
    fields,
    fragments_of,
    limit_error,
)

CODE = "MAX_DEPTH_EXCEEDED"


def operation_depth(selection_set: SelectionSetNode | None, fragments: Fragments) -> int:
    """Levels of fields: ``{ me { email } }`` is 2; fragments add no level."""
    deepest = 0
    for field in fields(selection_set, fragments):
        if field.name.value in INTROSPECTION_FIELDS:
            continue
        deepest = max(deepest, 1 + operation_depth(field.selection_set, fragments))
    return deepest


@cache
def depth_rule(limit: int) -> type[ValidationRule]:
    class MaxDepthRule(ValidationRule):
        def enter_operation_definition(self, node: OperationDefinitionNode, *_: object) -> None:
            fragments = fragments_of(self.context.document.definitions)
            found = operation_depth(node.selection_set, fragments)
            if found > limit:
                self.report_error(
                    limit_error(
                        CODE,
                        f"Query depth limit of {limit} exceeded, found {found}.",
                        node,
                        limit=limit,
                        found=found,
                    )
                )

    return MaxDepthRule


class MaxDepth(AddValidationRules):
    """``extensions=[lambda: MaxDepth(12)]``: ``{ a { b { c } } }`` has depth 3."""

    def __init__(self, limit: int) -> None:
        super().__init__([depth_rule(limit)])
