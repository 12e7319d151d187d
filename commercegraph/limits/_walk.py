"""Fragment-aware walks over an operation, shared by the document limits."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
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


class DocumentFacts:
    """What a limit learnt from a document, by its text: bounded, least recently used out.

    One per app (built with the limits), shared by the requests of that app; a document's
    facts depend on its text alone, so repeated operations skip the walk.
    """

    def __init__(self, maxsize: int = 1024) -> None:  # as many as the parser cache keeps
        self.maxsize = maxsize
        self.facts: OrderedDict[str, Any] = OrderedDict()

    def get(self, query: str | None, compute: Callable[[], Any]) -> Any:
        if query is None:
            return compute()
        if query in self.facts:
            self.facts.move_to_end(query)
            return self.facts[query]
        value = compute()
        self.facts[query] = value
        if len(self.facts) > self.maxsize:
            self.facts.popitem(last=False)
        return value
