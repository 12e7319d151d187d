"""Fragment-aware walks over an operation, shared by the document limits."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from graphql import (
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    Node,
    SelectionSetNode,
)

INTROSPECTION_FIELDS = frozenset({"__schema", "__type"})

Fragments = Mapping[str, FragmentDefinitionNode]


def limit_error(
    code: str, message: str, node: Node | None = None, **extensions: Any
) -> GraphQLError:
    """A refusal that keeps its own code through the schema's error coding."""
    return GraphQLError(message, node, extensions={"code": code, **extensions})


def fields(
    selection_set: SelectionSetNode | None,
    fragments: Fragments,
    visited: frozenset[str] = frozenset(),
) -> Iterator[FieldNode]:
    """The fields selected directly in ``selection_set``, fragments flattened in place.

    A fragment already on the current path is skipped, so a (invalid) cycle ends.
    """
    if selection_set is None:
        return
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            yield selection
        elif isinstance(selection, InlineFragmentNode):
            yield from fields(selection.selection_set, fragments, visited)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            fragment = fragments.get(name)
            if fragment is not None and name not in visited:
                yield from fields(fragment.selection_set, fragments, visited | {name})


def fragments_of(definitions: Any) -> dict[str, FragmentDefinitionNode]:
    return {d.name.value: d for d in definitions if isinstance(d, FragmentDefinitionNode)}
