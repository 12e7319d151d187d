"""Refuse idempotency keys that are not short, visible ASCII, before any resolver runs.

Every argument named ``idempotencyKey``, in any mutation, literal or variable: a key is
stored and compared by every backend that moves money or stock, and a control character,
a space or a kilobyte of text in it is no key a client meant to send (SQLite would store
a NUL happily; PostgreSQL would fail the call).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from graphql import ArgumentNode, DocumentNode, StringValueNode, VariableNode, visit
from graphql.language import Visitor
from strawberry.extensions import SchemaExtension

from commercegraph.limits._walk import limit_error

CODE = "BAD_USER_INPUT"
ARGUMENT = "idempotencyKey"
MAX_KEY_LENGTH = 128  # the width of every idempotency key column
KEY = re.compile(rf"[\x21-\x7e]{{1,{MAX_KEY_LENGTH}}}")


def is_idempotency_key(value: object) -> bool:
    return isinstance(value, str) and KEY.fullmatch(value) is not None


class _Keys(Visitor):
    def __init__(self, variables: dict[str, Any]) -> None:
        super().__init__()
        self.variables = variables
        self.bad = False

    def enter_argument(self, node: ArgumentNode, *_: object) -> Any:
        if node.name.value != ARGUMENT:
            return None
        value: Any = None
        if isinstance(node.value, StringValueNode):
            value = node.value.value
        elif isinstance(node.value, VariableNode):
            value = self.variables.get(node.value.name.value)
            if value is None:  # missing: the executor reports it with its own error
                return None
        else:
            return None  # a non-string literal: validation has refused it already
        self.bad = not is_idempotency_key(value)
        return Visitor.BREAK if self.bad else None


def has_bad_key(document: DocumentNode, variables: dict[str, Any]) -> bool:
    visitor = _Keys(variables)
    visit(document, visitor)
    return visitor.bad


class IdempotencyKeys(SchemaExtension):
    """``extensions=[IdempotencyKeys]``: ``idempotencyKey: "k\\u0000"`` is refused."""

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        if context.graphql_document is not None and has_bad_key(
            context.graphql_document, context.variables or {}
        ):
            raise limit_error(
                CODE,
                f"`{ARGUMENT}` must be 1 to {MAX_KEY_LENGTH} visible ASCII characters"
                " (no spaces or control characters)",
                argument=ARGUMENT,
            )
        yield
