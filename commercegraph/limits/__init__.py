"""The GraphQL limits, one extension per module, configured from the settings."""

from __future__ import annotations

from collections.abc import Callable

from strawberry.extensions import SchemaExtension

from commercegraph.config import Settings
from commercegraph.limits._walk import DocumentFacts
from commercegraph.limits.aliases import MaxAliases
from commercegraph.limits.batching import BatchPolicy
from commercegraph.limits.characters import MaxCharacters
from commercegraph.limits.cost import MaxCost
from commercegraph.limits.depth import MaxDepth
from commercegraph.limits.directives import MaxDirectives
from commercegraph.limits.idempotency_keys import IdempotencyKeys
from commercegraph.limits.introspection import NoIntrospection
from commercegraph.limits.persisted import PersistedOperations, load_allow_list
from commercegraph.limits.strings import StringInput
from commercegraph.limits.tokens import MaxTokens

__all__ = [
    "BatchPolicy",
    "IdempotencyKeys",
    "MaxAliases",
    "MaxCharacters",
    "MaxCost",
    "MaxDepth",
    "MaxDirectives",
    "MaxTokens",
    "NoIntrospection",
    "PersistedOperations",
    "StringInput",
    "limit_extensions",
]

ExtensionFactory = Callable[[], SchemaExtension]


def limit_extensions(settings: Settings) -> list[ExtensionFactory]:
    """Factories in the order they must run: the allow-list may supply the document."""
    s = settings
    # this app's, bounded
    string_facts, key_facts, estimates = DocumentFacts(), DocumentFacts(), DocumentFacts()
    factories: list[ExtensionFactory] = []
    if s.persisted_operations_path:
        allowed = load_allow_list(s.persisted_operations_path)
        factories.append(lambda: PersistedOperations(allowed))
    factories += [
        lambda: MaxCharacters(s.limit_characters),
        lambda: MaxTokens(s.limit_tokens),
        lambda: MaxDepth(s.limit_depth),
        lambda: MaxAliases(s.limit_aliases),
        lambda: MaxDirectives(s.limit_directives),
        lambda: MaxCost(
            s.limit_cost, default_list_size=s.limit_cost_list_size, estimates=estimates
        ),
        lambda: StringInput(s.limit_string_length, string_facts),
        lambda: IdempotencyKeys(key_facts),
    ]
    if s.is_production:
        factories.append(NoIntrospection)
    return factories
