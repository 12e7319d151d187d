"""Plain subtrees completed by the executor's plans answer exactly as graphql-core's own
completion does: the same data and the same errors (message, locations, path), whatever
null, bad enum, failing scalar or exception a value holds. Each query runs with the plans
and without them, on a schema of its own and on the gateway's product page."""

from __future__ import annotations

from collections.abc import Iterator
from enum import Enum
from typing import Any, NewType

import pytest
import strawberry
from strawberry.schema.config import StrawberryConfig

from commercegraph.schema.execution import execution_context_class, lean_resolvers
from tests.conftest import SeededDatabase
from tests.factories import open_gateway


class Status(Enum):
    IN = "IN"
    OUT = "OUT"


StatusType = strawberry.enum(Status)


class OtherStatus(Enum):  # equal values, another enum: not a member of `Status`
    IN = "IN"


def _cents(value: int) -> str | None:
    if value < 0:
        raise ValueError(f"negative amount: {value}")
    return None if value == 0 else f"{value // 100}.{value % 100:02d}"


Cents = NewType("Cents", int)
CENTS = strawberry.scalar(name="Cents", serialize=_cents, parse_value=int)


@strawberry.type
class Money:
    amount: int
    cents: Cents
    note: str | None = None


@strawberry.type
class Level:
    count: int
    status: Status
    label: str


@strawberry.type
class Box:
    money: Money
    maybe: Money | None
    levels: list[Level]
    optional_levels: list[Level | None] | None
    tags: list[str]


@strawberry.interface
class Named:
    name: str


@strawberry.type
class Item(Named):  # an interface: Strawberry checks each value is an Item
    name: str
    _box: strawberry.Private[Box]

    @strawberry.field
    def box(self) -> Box:
        return self._box

    @strawberry.field
    async def later(self) -> Box:
        return self._box

    @strawberry.field
    def nullable_box(self) -> Box | None:
        return self._box


def _box(**broken: Any) -> Box:
    """A valid box, with `broken`'s values put where they are named."""
    level = Level(
        count=broken.get("count", 3),
        status=broken.get("status", Status.IN),
        label=broken.get("label", "x"),
    )
    money = Money(amount=1250, cents=broken.get("cents", 1250), note=broken.get("note"))
    return Box(
        money=money,
        maybe=None,
        levels=[Level(count=1, status=Status.OUT, label="a"), level],
        optional_levels=[None, level],
        tags=broken.get("tags", ["new", "sale"]),
    )


# what the second item's box holds wrong, by case; made afresh for each request
CASES: dict[str, dict[str, Any]] = {
    "valid": {},
    "null in a non-null leaf": {"label": None},
    "a value no enum value is": {"status": "NOPE"},
    "an enum member": {"status": Status.OUT},
    "an enum member's value": {"status": "OUT"},
    "a member of another enum": {"status": OtherStatus.IN},
    "a scalar that fails": {"cents": -5},
    "an int beyond 32 bits": {"count": 2**40},
    "a bool for an int": {"count": True},
    "a str for an int": {"count": "7"},
    "a scalar serialized to null": {"cents": 0},
    "an exception as a value": {"note": ValueError("no note")},
    "a list that is not a list": {},  # a generator: see `Query.items`
    "null in a non-null list": {"tags": None},
}


@strawberry.type
class Wrap:  # basic fields of an object type whose selections are not plain (an edge's node)
    item: Item
    maybe_item: Item | None


# what the second wrap holds in both its fields, by case
WRAP_CASES: dict[str, Any] = {
    "an item": Item(name="second", _box=_box()),
    "an item without its name": Item(name=None, _box=_box()),  # type: ignore[arg-type]
    "null": None,
    "a value of another type": Level(count=1, status=Status.IN, label="not an item"),
    "an exception as a value": ValueError("no item"),
    "a dict": {"name": "second"},
}


@strawberry.type
class Query:
    @strawberry.field
    def wraps(self, case: str) -> list[Wrap]:
        first = Item(name="first", _box=_box())
        value = WRAP_CASES[case]
        return [Wrap(item=first, maybe_item=first), Wrap(item=value, maybe_item=value)]

    @strawberry.field
    def misfit(self) -> Item | None:
        return Level(count=1, status=Status.IN, label="not an item")  # type: ignore[return-value]

    @strawberry.field
    def items(self, case: str) -> list[Item]:
        broken = dict(CASES[case])
        if case == "a list that is not a list":
            broken["tags"] = (t for t in ("a", "b"))  # a generator is read once
        return [Item(name="first", _box=_box()), Item(name="second", _box=_box(**broken))]


schema = strawberry.Schema(query=Query, config=StrawberryConfig(scalar_map={Cents: CENTS}))
schema.execution_context_class = execution_context_class(schema._schema)
lean_resolvers(schema)
EXECUTOR: Any = schema.execution_context_class

QUERY = """query($case: String!, $yes: Boolean!) { items(case: $case) { name
  box { __typename money { amount cents total: amount } ...BoxParts
    levels { count status label } tags maybe { amount }
    optionalLevels { count @include(if: $yes) label @skip(if: $yes) status } }
  later { money { cents note } levels { label } }
  nullableBox { levels { label status } money { ... on Money { cents __typename } } tags } } }
fragment BoxParts on Box { money { note amount } levels { kind: __typename count } }"""

SMALL = """query($case: String!) { items(case: $case) {
  nullableBox { money { note } optionalLevels { label } } } }"""


@pytest.fixture
def without_plans() -> Iterator[None]:
    EXECUTOR.complete_plain = False
    try:
        yield
    finally:
        EXECUTOR.complete_plain = True


async def answer(query: str, variables: dict[str, Any]) -> tuple[Any, list[Any]]:
    result = await schema.execute(query, variable_values=variables)
    return result.data, [error.formatted for error in result.errors or []]


async def answers(query: str, variables: dict[str, Any]) -> tuple[Any, Any]:
    """The answer with the plans, then without them."""
    planned = await answer(query, variables)
    EXECUTOR.complete_plain = False
    try:
        generic = await answer(query, variables)
    finally:
        EXECUTOR.complete_plain = True
    return planned, generic


@pytest.mark.parametrize("case", list(CASES))
@pytest.mark.parametrize("yes", [True, False])
async def test_each_case_answers_as_graphql_core_completes_it(case: str, yes: bool) -> None:
    for query in (QUERY, SMALL):
        planned, generic = await answers(query, {"case": case, "yes": yes})
        assert planned == generic
        if case == "valid":
            assert planned[1] == []  # no errors: the plans completed it all


WRAPS = """query($case: String!) { wraps(case: $case) {
  item { name box { money { amount } } } maybeItem { __typename name later { tags } } } }"""


@pytest.mark.parametrize("case", list(WRAP_CASES))
async def test_an_object_read_off_its_parent_answers_as_graphql_core_completes_it(
    case: str,
) -> None:
    planned, generic = await answers(WRAPS, {"case": case})
    assert planned == generic
    if case == "an item":
        assert planned[1] == []
        assert planned[0]["wraps"][1]["maybeItem"]["later"] == {"tags": ["new", "sale"]}
    else:
        assert planned[1] != []


async def test_errors_are_located_and_nulls_propagate_as_graphql_core_does() -> None:
    (data, errors), generic = await answers(SMALL, {"case": "null in a non-null leaf"})
    assert (data, errors) == generic
    assert data["items"][1] == {
        "nullableBox": {"money": {"note": None}, "optionalLevels": [None, None]}
    }
    assert [e["path"] for e in errors] == [
        ["items", 1, "nullableBox", "optionalLevels", 1, "label"]
    ]
    assert errors[0]["message"] == "Cannot return null for non-nullable field Level.label."


async def test_a_value_of_another_type_is_reported_as_graphql_core_does() -> None:
    (data, errors), generic = await answers('{ misfit { name } items(case: "valid") { name } }', {})
    assert (data, errors) == generic
    assert data == {"misfit": None, "items": [{"name": "first"}, {"name": "second"}]}
    assert errors[0]["message"].startswith("Expected value of type 'Item' but got: <Level")


async def test_the_plans_cover_plain_types_only() -> None:
    EXECUTOR.planned.clear()
    await answer(QUERY, {"case": "valid", "yes": True})
    assert set(EXECUTOR.planned) == {"Box", "Money", "Level"}  # Item has resolvers


async def test_switched_off_no_plan_is_made(without_plans: None) -> None:
    EXECUTOR.planned.clear()
    data, errors = await answer(QUERY, {"case": "valid", "yes": True})
    assert errors == [] and data["items"][0]["box"]["money"]["cents"] == "12.50"
    assert not EXECUTOR.planned


PAGE = """query Page($first: Int!) { products(first: $first) { edges { node { sku name brand
  __typename price { base { amount currency } final { amount } appliedRules { name } }
  availability { online { availableToPromise status } pickupEligible }
  content { title images } } } } }"""


async def test_the_product_page_is_completed_by_plans_and_answers_alike(
    sqlite_db: SeededDatabase,
) -> None:
    async with open_gateway(sqlite_db, cache_ttl_seconds=0) as gql:
        executor: Any = gql.app.state.schema.execution_context_class
        executor.planned.clear()
        planned = await gql.post(PAGE, {"first": 8})
        made = dict(executor.planned)
        executor.complete_plain = False
        try:
            generic = await gql.post(PAGE, {"first": 8})
        finally:
            executor.complete_plain = True
    assert "errors" not in planned, planned["errors"]
    assert len(planned["data"]["products"]["edges"]) == 8
    assert planned == generic
    # one plan per type and field group for the whole page, not one per product; the
    # products' held price, availability and content are read by the page's plan too
    assert made == {
        "ProductConnection": 1,
        "ProductEdge": 1,
        "Product": 1,
        "Price": 1,
        "Money": 2,
        "AppliedRule": 1,
        "Availability": 1,
        "StockLevel": 1,
        "Content": 1,
    }


async def test_a_page_holding_errors_answers_as_graphql_core_completes_it(
    sqlite_db: SeededDatabase,
) -> None:
    one = """{ product(sku: "%s") { sku price { final { amount } } content { title } } }"""
    async with open_gateway(sqlite_db, cache_ttl_seconds=0, faults="content:error_rate=1") as gql:
        executor: Any = gql.app.state.schema.execution_context_class
        page = await gql.post(PAGE, {"first": 3})
        sku = page["data"]["products"]["edges"][0]["node"]["sku"]
        alone = await gql.post(one % sku)  # a product holding no answers: its resolvers run
        executor.complete_plain = False
        try:
            generic_page = await gql.post(PAGE, {"first": 3})
            generic_alone = await gql.post(one % sku)
        finally:
            executor.complete_plain = True

    def located(body: dict[str, Any]) -> Any:  # the circuit may open between the runs
        return body["data"], [(e["path"], e["locations"]) for e in body["errors"]]

    assert located(generic_page) == located(page)
    assert located(generic_alone) == located(alone)
    assert [e["path"][2] for e in page["errors"]] == [0, 1, 2]
    assert alone["data"]["product"]["content"] is None and alone["data"]["product"]["price"]
