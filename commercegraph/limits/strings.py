"""Refuse string input no backend should see: NUL characters and over-long values.

Every String and ID argument and input field of every operation is checked here, once,
before any resolver runs: literals in the document and every string in the variables.
PostgreSQL refuses NUL in text and would fail the call, and a failed call counts against
the backend's circuit; so a caller's bad input must never get that far.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from graphql import DocumentNode, StringValueNode, visit
from graphql.language import Visitor
from strawberry.extensions import SchemaExtension

from commercegraph.limits._walk import DocumentFacts, limit_error

CODE = "BAD_USER_INPUT"


def string_problem(value: str, limit: int) -> str | None:
    """Why ``value`` is refused, or None when it may pass."""
    if "\x00" in value:
        return "contains a NUL character"
    if len(value) > limit:
        return f"is {len(value)} characters long, allowed {limit}"
    return None


class _Literals(Visitor):
    def __init__(self, limit: int) -> None:
        super().__init__()
        self.limit = limit
        self.problem: str | None = None

    def enter_string_value(self, node: StringValueNode, *_: object) -> Any:
        self.problem = string_problem(node.value, self.limit)
        return Visitor.BREAK if self.problem else None


def literal_problem(document: DocumentNode, limit: int) -> str | None:
    visitor = _Literals(limit)
    visit(document, visitor)
    return visitor.problem


def variable_problem(value: Any, limit: int, path: str) -> tuple[str, str] | None:
    """The first refused string in a variable's value (any depth), with where it is."""
    if isinstance(value, str):
        problem = string_problem(value, limit)
        return (path, problem) if problem else None
    if isinstance(value, dict):
        for key, item in value.items():
            found = variable_problem(item, limit, f"{path}.{key}")
            if found:
                return found
    elif isinstance(value, list):
        for index, item in enumerate(value):
            found = variable_problem(item, limit, f"{path}[{index}]")
            if found:
                return found
    return None


class StringInput(SchemaExtension):
    """``extensions=[lambda: StringInput(1000)]``: ``"a\\u0000b"`` is refused."""

    def __init__(self, max_length: int, facts: DocumentFacts | None = None) -> None:
        self.max_length = max_length
        self.facts = facts or DocumentFacts(maxsize=0)

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if document is not None:
            problem = self.facts.get(
                context.query, lambda: literal_problem(document, self.max_length)
            )
            if problem:
                raise limit_error(CODE, f"A string argument {problem}.", max_length=self.max_length)
        for name, value in (context.variables or {}).items():
            found = variable_problem(value, self.max_length, f"${name}")
            if found:
                where, problem = found
                raise limit_error(
                    CODE,
                    f"Variable {where} {problem}.",
                    variable=where,
                    max_length=self.max_length,
                )
        yield
