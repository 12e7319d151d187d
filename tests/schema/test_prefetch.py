"""The look-ahead from a list field at what each item is asked, on a schema of its own."""

from __future__ import annotations

from enum import Enum
from typing import Any

import pytest
import strawberry
from strawberry.types import Info

from commercegraph.schema.prefetch import (
    MISSING,
    Answers,
    Asked,
    held_in,
    items_will_be_asked,
    remember,
    remember_each,
)


@strawberry.enum
class Channel(Enum):
    WEB = "WEB"
    APP = "APP"


@strawberry.input
class Point:
    lat: float
    lon: float


@strawberry.type
class Level:
    units: int
    status: str


@strawberry.type
class Item:
    name: str
    level: Level

    @strawberry.field
    def price(self, currency: str = "USD", channel: Channel | None = None) -> int:
        return 1

    @strawberry.field
    def stock(self, near: Point | None = None) -> int:
        return 1


@strawberry.type
class Edge:
    node: Item


@strawberry.type
class Connection:
    edges: list[Edge]


@strawberry.type
class Query:
    @strawberry.field
    def items(self, info: Info[Any, None]) -> Connection:
        info.context["asked"] = items_will_be_asked(
            info, ("price", "stock", "level"), ("edges", "node")
        )
        return Connection(edges=[Edge(node=Item(name="a", level=Level(units=1, status="x")))])


schema = strawberry.Schema(query=Query)


def asked(query: str, variables: dict[str, Any] | None = None) -> list[Asked] | None:
    context: dict[str, Any] = {}
    result = schema.execute_sync(query, variable_values=variables, context_value=context)
    assert result.errors is None, result.errors
    found: list[Asked] | None = context["asked"]
    return found


def test_each_response_key_carries_its_own_arguments_defaults_and_variables() -> None:
    found = asked(
        """query($c: String) { items { edges { node {
          name price eur: price(currency: "EUR") app: price(channel: APP, currency: $c)
          stock(near: {lat: 1.5, lon: 2}) } } } }""",
        {"c": "GBP"},
    )
    assert found == [
        Asked("price", "price", {"currency": "USD", "channel": None}),
        Asked("price", "eur", {"currency": "EUR", "channel": None}),
        Asked("price", "app", {"currency": "GBP", "channel": Channel.APP}),
        Asked("stock", "stock", {"near": Point(lat=1.5, lon=2.0)}),
    ]


def test_an_unset_variable_leaves_the_default() -> None:
    found = asked("query($c: String) { items { edges { node { price(currency: $c) } } } }")
    assert found == [Asked("price", "price", {"currency": "USD", "channel": None})]


def test_inline_and_named_fragments_are_followed_and_merged_keys_counted_once() -> None:
    found = asked(
        """{ items { ...E edges { node { ... on Item { price } ... { stock } } } } }
        fragment E on Connection { edges { ...N } }
        fragment N on Edge { node { price eur: price(currency: "EUR") } }"""
    )
    assert found == [  # in the order the document spreads them
        Asked("price", "price", {"currency": "USD", "channel": None}),
        Asked("price", "eur", {"currency": "EUR", "channel": None}),
        Asked("stock", "stock", {"near": None}),
    ]


def test_a_list_whose_items_ask_nothing_of_the_fields_asks_for_nothing() -> None:
    assert asked("{ items { edges { node { name } } } }") == []


@pytest.mark.parametrize(
    "query",
    [
        "{ items { edges { node { price @include(if: true) } } } }",
        "{ items { edges { node { name @skip(if: false) price } } } }",
        "{ items { edges { node { ... @include(if: true) { price } } } } }",
        "{ items { edges { node { ...F @skip(if: false) } } } } fragment F on Item { price }",
        "{ items { edges @include(if: true) { node { price } } } }",
        "{ items @include(if: true) { edges { node { price } } } }",
        "{ items { edges { n: node { price } } } }",
        "{ items { e: edges { node { price } } } }",
    ],
    ids=[
        "field-directive",
        "sibling-directive",
        "inline-fragment-directive",
        "spread-directive",
        "path-directive",
        "list-field-directive",
        "aliased-item",
        "aliased-path",
    ],
)
def test_what_is_not_followed_gives_up(query: str) -> None:
    assert asked(query) is None


def test_answers_remembered_for_a_list_are_each_items_own() -> None:
    asked = Asked("price", "p", {"quantity": 2}, {"quantity": 2})
    one_by_one: list[Answers] = [{}, {}, {}]
    for answers, found in zip(one_by_one, ["a", ValueError("b"), None], strict=True):
        remember(answers, asked, found)
    at_once: list[Answers] = [{}, {}, {}]
    remember_each(at_once, asked, [one_by_one[i]["p"][1] for i in range(3)])
    assert at_once == one_by_one
    assert held_in(at_once[0], "p", {"quantity": 2}) == "a"
    assert held_in(at_once[0], "p", {"quantity": 3}) is MISSING
    with pytest.raises(ValueError):
        remember_each(at_once, asked, ["too few"])


def test_what_is_selected_on_an_answer_is_seen_across_merged_nodes_and_fragments() -> None:
    found = asked(
        """{ items { edges { node { level { units } ...L price } } } }
        fragment L on Item { level { ... on Level { status } } }"""
    )
    assert found is not None
    by_key = {a.key: a for a in found}
    assert by_key["level"].selects == frozenset({"units", "status"})
    assert by_key["price"].selects is None  # a leaf: nothing selected on it


def test_a_directive_below_an_answer_leaves_what_it_selects_unknown() -> None:
    found = asked("{ items { edges { node { level { units status @skip(if: true) } } } } }")
    assert found is not None and [a.selects for a in found] == [None]
