"""What the document limits share: coded refusals and fragments analysed once each.

A fragment may be spread many times and may spread others, so expanding spreads in place
grows exponentially with the nesting (each of ten fragments spreading the previous one four
times is a million expansions). Every limit instead summarises each fragment once per
document and reuses the summary at every spread, which keeps the work linear in the size
of the document.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from typing import Any, Generic, TypeVar

from graphql import FragmentDefinitionNode, GraphQLError, Node

INTROSPECTION_FIELDS = frozenset({"__schema", "__type"})

Fragments = Mapping[str, FragmentDefinitionNode]
Summary = TypeVar("Summary")


def limit_error(
    code: str, message: str, node: Node | None = None, **extensions: Any
) -> GraphQLError:
    """A refusal that keeps its own code through the schema's error coding."""
    return GraphQLError(message, node, extensions={"code": code, **extensions})


class PerFragment(Generic[Summary]):
    """``summary(name)``: ``summarise(fragment)`` computed at most once per fragment.

    A spread of a fragment whose summary is still being computed is a cycle (validation
    refuses those); it counts as ``cyclic`` so the walk ends. An unknown name is None.
    """

    def __init__(
        self,
        fragments: Fragments,
        summarise: Callable[[FragmentDefinitionNode], Summary],
        cyclic: Summary,
    ) -> None:
        self._fragments = fragments
        self._summarise = summarise
        self._cyclic = cyclic
        self._done: dict[str, Summary] = {}
        self._open: set[str] = set()
        self.computed = 0  # summaries computed: at most one per fragment

    def __call__(self, name: str) -> Summary | None:
        if name in self._done:
            return self._done[name]
        fragment = self._fragments.get(name)
        if fragment is None:
            return None
        if name in self._open:
            return self._cyclic
        self._open.add(name)
        try:
            summary = self._summarise(fragment)
        finally:
            self._open.discard(name)
        self.computed += 1
        self._done[name] = summary
        return summary


def fragments_of(definitions: Any) -> dict[str, FragmentDefinitionNode]:
    return {d.name.value: d for d in definitions if isinstance(d, FragmentDefinitionNode)}


class DocumentFacts:
    """What a limit learnt from a document, by its text (or a key that holds the text):
    bounded, least recently used out.

    One per app (built with the limits), shared by the requests of that app; a document's
    facts depend on its text alone, so repeated operations skip the walk.
    """

    def __init__(self, maxsize: int = 1024) -> None:  # as many as the parser cache keeps
        self.maxsize = maxsize
        self.facts: OrderedDict[Hashable, Any] = OrderedDict()

    def get(self, query: Hashable | None, compute: Callable[[], Any]) -> Any:
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
