"""Extension hooks wrapped once per class run as Strawberry runs them, request after request."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from typing import Any

import strawberry
from strawberry.extensions import SchemaExtension
from strawberry.extensions.runner import SchemaExtensionsRunner
from strawberry.types import ExecutionContext

from commercegraph.schema.extension_hooks import ExtensionsRunner

calls: list[str] = []
bound: list[SchemaExtension] = []  # kept alive, so that each stays a distinct object


class Generators(SchemaExtension):
    def on_operation(self) -> Iterator[None]:
        bound.append(self)
        calls.append("operation in")
        yield
        calls.append("operation out")

    async def on_execute(self) -> AsyncIterator[None]:  # type: ignore[override]
        calls.append("execute in")
        yield
        calls.append("execute out")


class Callables(SchemaExtension):
    def on_validate(self) -> None:  # type: ignore[override]
        calls.append("validate")

    async def on_parse(self) -> None:  # type: ignore[override]
        calls.append("parse")


class Nothing(SchemaExtension):
    pass


@strawberry.type
class Query:
    @strawberry.field
    def hello(self) -> str:
        calls.append("resolve")
        return "hi"


class OnceWrapped(strawberry.Schema):
    def create_extensions_runner(
        self, execution_context: ExecutionContext, extensions: list[SchemaExtension]
    ) -> SchemaExtensionsRunner:
        return ExtensionsRunner(execution_context=execution_context, extensions=extensions)


async def _run(schema: strawberry.Schema) -> list[str]:
    calls.clear()
    result = await schema.execute("{ hello }")
    assert result.errors is None and result.data == {"hello": "hi"}
    return list(calls)


async def test_hooks_run_in_strawberrys_order_and_bound_to_each_requests_extension() -> None:
    extensions: list[Any] = [Generators, Nothing, Callables]
    ours, theirs = (
        OnceWrapped(Query, extensions=extensions),
        strawberry.Schema(Query, extensions=extensions),
    )
    expected = await _run(theirs)
    assert "operation in" in expected and "resolve" in expected
    assert await _run(ours) == expected
    bound.clear()
    await ours.execute("{ hello }")
    await ours.execute("{ hello }")
    assert len(bound) == 2 and bound[0] is not bound[1]  # each request's own extension
