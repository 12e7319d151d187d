"""Fragments that spread each other are analysed once each: refusing a fan-out is cheap.

Work is measured as Python function calls made while the schema handles the document (a
count, not a timer): it must grow with the document's length, not with its expansion.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import Any

import pytest
from graphql import parse

from commercegraph.config import Settings
from commercegraph.limits import limit_extensions
from commercegraph.limits._walk import fragments_of
from commercegraph.limits.aliases import count_aliases
from commercegraph.limits.depth import operation_depth
from commercegraph.limits.directives import count_directives
from commercegraph.schema import build_schema

TRIVIAL = "{ __typename }"


def fan_out(levels: int, width: int = 4, leaf: str = "stores(first: 1) { name }") -> str:
    """Each fragment spreads the one below it ``width`` times; no aliases."""
    lines = [f"query FanOut {{ ...F{levels} }}", f"fragment F0 on Query {{ {leaf} }}"]
    for level in range(1, levels + 1):
        spreads = " ".join([f"...F{level - 1}"] * width)
        lines.append(f"fragment F{level} on Query {{ {spreads} }}")
    return "\n".join(lines)


@pytest.fixture(scope="module")
def schema() -> Any:
    return build_schema(extensions=limit_extensions(Settings()))


@contextmanager
def counting_calls() -> Iterator[list[int]]:
    calls = [0]

    def profile(_: FrameType, event: str, __: object) -> None:
        if event == "call":
            calls[0] += 1

    sys.setprofile(profile)
    try:
        yield calls
    finally:
        sys.setprofile(None)


async def handled(schema: Any, query: str) -> tuple[list[str], int]:
    with counting_calls() as calls:
        result = await schema.execute(query)
    return [e.extensions.get("code") for e in result.errors or []], calls[0]


async def linear_up_to_eight_levels(schema: Any, leaf: str) -> int:
    """Work at 8 levels, after checking it against 4 (before 20 levels could hang)."""
    _, small = await handled(schema, fan_out(4, leaf=leaf))
    _, double = await handled(schema, fan_out(8, leaf=leaf))
    # expansion grows 256-fold from 4 to 8 levels; the document not even twofold
    assert double < 2.5 * small, (small, double)
    return double


async def test_refusing_a_twenty_level_fan_out_costs_work_linear_in_its_size(
    schema: Any,
) -> None:
    _, trivial = await handled(schema, TRIVIAL)
    double = await linear_up_to_eight_levels(schema, "stores(first: 1) { name }")
    codes, deep = await handled(schema, fan_out(20))
    assert codes == ["COST_ESTIMATED_TOO_EXPENSIVE"]
    assert deep < 3 * double, (double, deep)
    # the limits refuse it before the specification's rules walk it (17 times without that)
    assert deep < 10 * trivial, "a 1 KB document, refused in the work of a few small ones"


@pytest.mark.parametrize(
    ("leaf", "code"),
    [
        ("a: __typename", "MAX_ALIASES_EXCEEDED"),
        ("__typename @include(if: true)", "MAX_DIRECTIVES_EXCEEDED"),
    ],
)
async def test_every_limit_counts_the_fan_out_as_executed(
    schema: Any, leaf: str, code: str
) -> None:
    double = await linear_up_to_eight_levels(schema, leaf)
    codes, deep = await handled(schema, fan_out(20, leaf=leaf))
    assert code in codes and deep < 3 * double


def test_counts_are_those_of_the_expansion() -> None:
    document = parse(fan_out(3, width=2, leaf="a: __typename @skip(if: false)"))
    fragments = fragments_of(document.definitions)
    operation = document.definitions[0].selection_set  # type: ignore[attr-defined]
    assert count_aliases(operation, fragments) == 8
    assert count_directives(operation, fragments) == 8
    nested = parse(fan_out(6, leaf="stores(first: 1) { name }"))
    nested_operation = nested.definitions[0].selection_set  # type: ignore[attr-defined]
    assert operation_depth(nested_operation, fragments_of(nested.definitions)) == 2


async def test_a_fragment_cycle_ends_and_is_refused(schema: Any) -> None:
    cycle = "{ ...A } fragment A on Query { ...B __typename } fragment B on Query { ...A }"
    codes, _ = await handled(schema, cycle)
    assert codes and set(codes) <= {"GRAPHQL_VALIDATION_FAILED"}
