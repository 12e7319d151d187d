"""Each query limit at its limit and just over, on a small schema with trivial resolvers."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import strawberry

from commercegraph.limits import (
    MaxAliases,
    MaxCharacters,
    MaxCost,
    MaxDepth,
    MaxDirectives,
    MaxTokens,
    NoIntrospection,
    PersistedOperations,
    cost,
)
from commercegraph.limits._walk import DocumentFacts
from commercegraph.limits.batching import BatchPolicy, BatchRefused
from commercegraph.limits.persisted import load_allow_list, operation_hash
from commercegraph.limits.tokens import count_tokens


@strawberry.type
class Item:
    name: str = "item"

    @strawberry.field
    def child(self) -> Item:
        return Item()

    @strawberry.field
    def children(self, first: int = 10) -> list[Item]:
        return [Item() for _ in range(min(first, 3))]


@strawberry.type
class Query:
    @strawberry.field
    def root(self, tags: list[int] | None = None) -> Item:
        return Item()


async def run(extension: Any, query: str, variables: dict[str, Any] | None = None) -> Any:
    schema = strawberry.Schema(Query, extensions=[extension])
    return await schema.execute(query, variable_values=variables)


def codes(result: Any) -> list[str]:
    return [e.extensions.get("code") for e in result.errors or []]


def nested(depth: int) -> str:
    """A query of exactly ``depth`` levels of fields."""
    return "{ root { " + "child { " * (depth - 2) + "name" + " }" * (depth - 1) + " }"


async def test_depth_at_and_over_the_limit() -> None:
    at = await run(lambda: MaxDepth(6), nested(6))
    assert at.errors is None and at.data is not None
    over = await run(lambda: MaxDepth(6), nested(7))
    assert codes(over) == ["MAX_DEPTH_EXCEEDED"] and over.data is None
    assert over.errors[0].extensions["found"] == 7


async def test_depth_ignores_introspection_and_flattens_fragments() -> None:
    introspection = "{ __schema { types { fields { type { ofType { ofType { name } } } } } } }"
    assert (await run(lambda: MaxDepth(2), introspection)).errors is None
    fragment = "{ root { ...F } } fragment F on Item { ... on Item { child { name } } }"
    assert (await run(lambda: MaxDepth(3), fragment)).errors is None
    assert codes(await run(lambda: MaxDepth(2), fragment)) == ["MAX_DEPTH_EXCEEDED"]


async def test_aliases_at_and_over_the_limit_counting_fragments_as_executed() -> None:
    def aliases(n: int) -> str:
        return "{ root { " + " ".join(f"a{i}: name" for i in range(n)) + " } }"

    assert (await run(lambda: MaxAliases(15), aliases(15))).errors is None
    assert codes(await run(lambda: MaxAliases(15), aliases(16))) == ["MAX_ALIASES_EXCEEDED"]
    twice = "{ root { ...F c: child { ...F } } } fragment F on Item { a: name b: name }"
    assert (await run(lambda: MaxAliases(5), twice)).errors is None
    assert codes(await run(lambda: MaxAliases(4), twice)) == ["MAX_ALIASES_EXCEEDED"]


async def test_directives_at_and_over_the_limit() -> None:
    def directives(n: int) -> str:
        return "{ root { " + " ".join(f"n{i}: name @include(if: true)" for i in range(n)) + " } }"

    assert (await run(lambda: MaxDirectives(50), directives(50))).errors is None
    over = await run(lambda: MaxDirectives(50), directives(51))
    assert codes(over) == ["MAX_DIRECTIVES_EXCEEDED"]


async def test_tokens_at_and_over_the_limit_before_parsing() -> None:
    def tokens(n: int) -> str:
        # a long default list pads the document without extra selections to validate
        base = count_tokens("{ root(tags: []) { name } }", 100)
        return "{ root(tags: [" + "1 " * (n - base) + "]) { name } }"

    at, over = tokens(1000), tokens(1001)
    assert count_tokens(at, 2000) == 1000 and count_tokens(over, 2000) == 1001
    assert (await run(lambda: MaxTokens(1000), at)).errors is None
    result = await run(lambda: MaxTokens(1000), over)
    assert codes(result) == ["MAX_TOKENS_EXCEEDED"]
    assert count_tokens("# a comment is no token\n{ root }", 10) == 3


async def test_characters_at_and_over_the_limit() -> None:
    base = "{ root { name } }"

    def padded(n: int) -> str:
        return base + " " * (n - len(base))

    assert (await run(lambda: MaxCharacters(15_000), padded(15_000))).errors is None
    over = await run(lambda: MaxCharacters(15_000), padded(15_001))
    assert codes(over) == ["QUERY_TOO_LARGE"] and over.errors[0].extensions["found"] == 15_001


async def test_cost_uses_first_from_literals_variables_and_defaults() -> None:
    # root (object 2) + first × (object 2 + name 1)
    query = "query($n: Int!) { root { children(first: $n) { name } } }"
    at = await run(lambda: MaxCost(2 + 3 * 100), query, {"n": 100})
    assert at.errors is None
    over = await run(lambda: MaxCost(2 + 3 * 100), query, {"n": 101})
    assert codes(over) == ["COST_ESTIMATED_TOO_EXPENSIVE"] and over.data is None
    assert over.errors[0].extensions["estimatedCost"] == 2 + 3 * 101
    assert over.errors[0].extensions["maxCost"] == 302
    default = await run(lambda: MaxCost(31), "{ root { children { name } } }")
    assert codes(default) == ["COST_ESTIMATED_TOO_EXPENSIVE"]  # 2 + 10 × 3 = 32
    assert default.errors[0].extensions["estimatedCost"] == 32
    nested_lists = "{ root { children(first: 20) { children(first: 20) { name } } } }"
    result = await run(lambda: MaxCost(1000), nested_lists)
    assert result.errors[0].extensions["estimatedCost"] == 2 + 20 * (2 + 20 * 3)


async def test_kept_estimates_follow_the_variables_the_estimator_reads(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    estimates = DocumentFacts()
    computed: list[dict[str, Any] | None] = []
    real = cost.estimate_cost

    def counting(*args: Any) -> int:
        computed.append(args[3])
        return real(*args)

    monkeypatch.setattr(cost, "estimate_cost", counting)
    schema = strawberry.Schema(Query, extensions=[lambda: MaxCost(302, estimates=estimates)])
    query = "query($n: Int = 100) { root { children(first: $n) { name } } }"

    async def estimated(variables: dict[str, Any] | None) -> int | None:
        result = await schema.execute(query, variable_values=variables)
        return (result.errors[0].extensions or {}).get("estimatedCost") if result.errors else None

    assert await estimated({"n": 100}) is None
    assert await estimated({"n": 100}) is None  # kept
    assert await estimated({"n": 101}) == 2 + 3 * 101
    assert await estimated({"n": 101, "unused": "text"}) == 2 + 3 * 101
    assert await estimated({"n": 101, "unused": "other text"}) == 2 + 3 * 101  # kept
    assert await estimated(None) is None  # the default, 100
    assert await estimated({"n": 9.5}) is None  # not an int: the field's default, 10
    assert await estimated({"n": True}) is None  # nor a boolean: 9.5's estimate, kept
    assert computed == [{"n": 100}, {"n": 101}, {"n": 101, "unused": "text"}, None, {"n": 9.5}]


def test_estimates_are_keyed_by_document_operation_and_integer_variables() -> None:
    key = cost.estimate_key
    assert key("{ a }", None, None) == key("{ a }", None, {}) != key("{ b }", None, None)
    assert key("{ a }", "A", None) != key("{ a }", "B", None)
    assert key("q", None, {"n": 1}) != key("q", None, {"n": 2})
    assert key("q", None, {"n": "x"}) == key("q", None, {"n": [1, 2]}) != key("q", None, {})
    assert key("q", None, {"n": True}) != key("q", None, {"n": 1})
    assert key(None, None, None) is None
    many = {f"v{i}": i for i in range(cost.MAX_KEYED_VARIABLES + 1)}
    assert key("q", None, many) is None


async def test_introspection_refused_when_disabled() -> None:
    result = await run(NoIntrospection, "{ __schema { types { name } } }")
    assert codes(result) == ["INTROSPECTION_DISABLED"]
    assert (await run(NoIntrospection, "{ root { __typename } }")).errors is None


def test_batch_policy_off_by_default_and_capped_when_on() -> None:
    with pytest.raises(BatchRefused) as off:
        BatchPolicy().check(1)
    assert off.value.code == "BATCHING_DISABLED"
    BatchPolicy(3).check(3)
    with pytest.raises(BatchRefused) as over:
        BatchPolicy(3).check(4)
    assert over.value.code == "BATCH_TOO_LARGE"


async def test_persisted_operations_allow_only_listed_documents(tmp_path: Path) -> None:
    allowed_query = "{ root { name } }"
    path = tmp_path / "ops.json"
    path.write_text(json.dumps({operation_hash(allowed_query): allowed_query}))
    allowed = load_allow_list(path)

    def ext() -> PersistedOperations:
        return PersistedOperations(allowed)

    schema = strawberry.Schema(Query, extensions=[ext])
    assert (await schema.execute(allowed_query)).data == {"root": {"name": "item"}}
    refused = await schema.execute("{ root { child { name } } }")
    assert codes(refused) == ["PERSISTED_QUERY_NOT_IN_LIST"] and refused.data is None
    by_hash = await schema.execute(
        None, operation_extensions={"persistedQuery": {"sha256Hash": operation_hash(allowed_query)}}
    )
    assert by_hash.data == {"root": {"name": "item"}}
    unknown = await schema.execute(
        None, operation_extensions={"persistedQuery": {"sha256Hash": "0" * 64}}
    )
    assert codes(unknown) == ["PERSISTED_QUERY_NOT_IN_LIST"]
    mismatch = await schema.execute(
        allowed_query, operation_extensions={"persistedQuery": {"sha256Hash": "0" * 64}}
    )
    assert codes(mismatch) == ["PERSISTED_QUERY_NOT_IN_LIST"]
    path.write_text(json.dumps({"0" * 64: allowed_query}))
    with pytest.raises(ValueError, match="not the sha256"):
        load_allow_list(path)


def test_allow_list_command_hashes_documents(tmp_path: Path) -> None:
    from commercegraph.cli import main

    document = tmp_path / "stores.graphql"
    document.write_text("query Stores { stores { name } }\n")
    output = tmp_path / "operations.json"
    assert main(["allow-list", str(document), "--output", str(output)]) == 0
    assert load_allow_list(output) == {
        operation_hash("query Stores { stores { name } }"): "query Stores { stores { name } }"
    }
