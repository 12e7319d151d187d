"""Refuse operations nested deeper than a limit (introspection is not counted)."""

from __future__ import annotations

from functools import cache

from graphql import (
    FieldNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationRule,
)
from strawberry.extensions import AddValidationRules

from commercegraph.limits._walk import (
    INTROSPECTION_FIELDS,
    Fragments,
    PerFragment,
    fragments_of,
    limit_error,
)

CODE = "MAX_DEPTH_EXCEEDED"


def operation_depth(selection_set: SelectionSetNode | None, fragments: Fragments) -> int:
    """Levels of fields: ``{ me { email } }`` is 2; fragments add no level."""

    def depth(selections: SelectionSetNode | None) -> int:
        deepest = 0
        for selection in selections.selections if selections else ():
            if isinstance(selection, FieldNode):
                if selection.name.value not in INTROSPECTION_FIELDS:
                    deepest = max(deepest, 1 + depth(selection.selection_set))
            elif isinstance(selection, InlineFragmentNode):
                deepest = max(deepest, depth(selection.selection_set))
            elif isinstance(selection, FragmentSpreadNode):
                deepest = max(deepest, per_fragment(selection.name.value) or 0)
        return deepest

    per_fragment = PerFragment(fragments, lambda f: depth(f.selection_set), cyclic=0)
    return depth(selection_set)


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
