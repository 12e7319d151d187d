"""The limits' validation pass runs alone first; the specification's rules only after it."""

from __future__ import annotations

from typing import Any

import strawberry
from graphql import specified_rules

from commercegraph.limits import MaxDepth
from commercegraph.limits.depth import depth_rule
from commercegraph.limits.validation import (
    LimitRulesFirst,
    ValidateRest,
    cached_validation,
    rules_of_pass,
)


@strawberry.type
class Node:
    name: str = "n"

    @strawberry.field
    def child(self) -> Node:
        return Node()


@strawberry.type
class Query:
    @strawberry.field
    def root(self) -> Node:
        return Node()


def schema() -> strawberry.Schema:
    validate = cached_validation(16)
    return strawberry.Schema(
        Query,
        extensions=[
            lambda: LimitRulesFirst(validate),
            lambda: MaxDepth(3),
            lambda: ValidateRest(validate),
        ],
    )


def codes(result: Any) -> list[str | None]:
    return [(e.extensions or {}).get("code") for e in result.errors or []]


def test_each_pass_gets_its_rules_in_order_worked_out_once() -> None:
    limit = depth_rule(3)
    rules = (*specified_rules[:3], limit, *specified_rules[3:])
    assert rules_of_pass(rules, True) == (limit,)
    assert rules_of_pass(rules, False) == tuple(specified_rules)
    assert rules_of_pass(tuple(rules), False) is rules_of_pass(rules, False)


async def test_a_refused_document_meets_only_the_limits_a_valid_one_every_rule() -> None:
    s = schema()
    deep_and_invalid = "{ root { child { child { nope } } } }"
    for _ in range(2):  # the second time from the caches
        refused = await s.execute(deep_and_invalid)
        assert codes(refused) == ["MAX_DEPTH_EXCEEDED"]
        invalid = await s.execute("{ root { nope } }")
        assert [e.message for e in invalid.errors or []] == [
            "Cannot query field 'nope' on type 'Node'. Did you mean 'name'?"
        ]
        ok = await s.execute("{ root { child { name } } }")
        assert ok.errors is None and ok.data == {"root": {"child": {"name": "n"}}}
