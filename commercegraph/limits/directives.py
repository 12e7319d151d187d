"""Refuse operations that carry more directives than a limit (directive overloading)."""

from __future__ import annotations

from functools import cache

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationRule,
)
from strawberry.extensions import AddValidationRules

from commercegraph.limits._walk import Fragments, PerFragment, fragments_of, limit_error

CODE = "MAX_DIRECTIVES_EXCEEDED"


def count_directives(selection_set: SelectionSetNode | None, fragments: Fragments) -> int:
    """Directives on fields, fragments and spreads, as executed."""

    def count(selections: SelectionSetNode | None) -> int:
        total = 0
        for selection in selections.selections if selections else ():
            total += len(selection.directives or ())
            if isinstance(selection, FieldNode | InlineFragmentNode):
                total += count(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                total += per_fragment(selection.name.value) or 0
        return total

    def own_and_inside(fragment: FragmentDefinitionNode) -> int:
        return len(fragment.directives or ()) + count(fragment.selection_set)

    per_fragment = PerFragment(fragments, own_and_inside, cyclic=0)
    return count(selection_set)


@cache
def directives_rule(limit: int) -> type[ValidationRule]:
    class MaxDirectivesRule(ValidationRule):
        def enter_operation_definition(self, node: OperationDefinitionNode, *_: object) -> None:
            fragments = fragments_of(self.context.document.definitions)
            found = len(node.directives or ()) + count_directives(node.selection_set, fragments)
            if found > limit:
                self.report_error(
                    limit_error(
                        CODE,
                        f"Directives limit of {limit} exceeded, found {found}.",
                        node,
                        limit=limit,
                        found=found,
                    )
                )

    return MaxDirectivesRule


class MaxDirectives(AddValidationRules):
    """``extensions=[lambda: MaxDirectives(50)]``."""

    def __init__(self, limit: int) -> None:
        super().__init__([directives_rule(limit)])
