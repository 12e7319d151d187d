"""Refuse operations that carry more directives than a limit (directive overloading)."""

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

from commercegraph.limits._walk import Fragments, fragments_of, limit_error

CODE = "MAX_DIRECTIVES_EXCEEDED"


def count_directives(
    selection_set: SelectionSetNode | None,
    fragments: Fragments,
    visited: frozenset[str] = frozenset(),
) -> int:
    """Directives on fields, fragments and spreads, as executed."""
    if selection_set is None:
        return 0
    total = 0
    for selection in selection_set.selections:
        total += len(selection.directives or ())
        if isinstance(selection, FieldNode | InlineFragmentNode):
            total += count_directives(selection.selection_set, fragments, visited)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            fragment = fragments.get(name)
            if fragment is not None and name not in visited:
                total += len(fragment.directives or ())
                total += count_directives(fragment.selection_set, fragments, visited | {name})
    return total


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
