"""Refuse operations that use more aliases than a limit (each alias is a field run again)."""

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

from commercegraph.limits._walk import Fragments, PerFragment, fragments_of, limit_error

CODE = "MAX_ALIASES_EXCEEDED"


def count_aliases(selection_set: SelectionSetNode | None, fragments: Fragments) -> int:
    """Aliases as executed: a fragment spread twice counts twice."""

    def count(selections: SelectionSetNode | None) -> int:
        total = 0
        for selection in selections.selections if selections else ():
            if isinstance(selection, FieldNode):
                total += (1 if selection.alias else 0) + count(selection.selection_set)
            elif isinstance(selection, InlineFragmentNode):
                total += count(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                total += per_fragment(selection.name.value) or 0
        return total

    per_fragment = PerFragment(fragments, lambda f: count(f.selection_set), cyclic=0)
    return count(selection_set)


@cache
def aliases_rule(limit: int) -> type[ValidationRule]:
    class MaxAliasesRule(ValidationRule):
        def enter_operation_definition(self, node: OperationDefinitionNode, *_: object) -> None:
            found = count_aliases(
                node.selection_set, fragments_of(self.context.document.definitions)
            )
            if found > limit:
                self.report_error(
                    limit_error(
                        CODE,
                        f"Aliases limit of {limit} exceeded, found {found}.",
                        node,
                        limit=limit,
                        found=found,
                    )
                )

    return MaxAliasesRule


class MaxAliases(AddValidationRules):
    """``extensions=[lambda: MaxAliases(15)]``."""

    def __init__(self, limit: int) -> None:
        super().__init__([aliases_rule(limit)])
