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

from commercegraph.limits._walk import DocumentFacts, limit_error

CODE = "BAD_USER_INPUT"
ARGUMENT = "idempotencyKey"
MAX_KEY_LENGTH = 128  # the width of every idempotency key column
KEY = re.compile(rf"[\x21-\x7e]{{1,{MAX_KEY_LENGTH}}}")


def is_idempotency_key(value: object) -> bool:
    return isinstance(value, str) and KEY.fullmatch(value) is not None


class _Keys(Visitor):
    """Collects what each ``idempotencyKey`` argument is: a literal or a variable's name."""

    def __init__(self) -> None:
        super().__init__()
        self.literals: list[str] = []
        self.variables: list[str] = []

    def enter_argument(self, node: ArgumentNode, *_: object) -> None:
        if node.name.value != ARGUMENT:
            return
        if isinstance(node.value, StringValueNode):
            self.literals.append(node.value.value)
        elif isinstance(node.value, VariableNode):
            self.variables.append(node.value.name.value)
        # any other literal has been refused by validation already


def key_arguments(document: DocumentNode) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """``(literal keys, names of variables given as keys)`` in ``document``."""
    visitor = _Keys()
    visit(document, visitor)
    return tuple(visitor.literals), tuple(visitor.variables)


def has_bad_key(
    arguments: tuple[tuple[str, ...], tuple[str, ...]], variables: dict[str, Any]
) -> bool:
    literals, names = arguments
    # a missing variable is left to the executor, which reports it with its own error
    given = [variables[n] for n in names if variables.get(n) is not None]
    return not all(is_idempotency_key(key) for key in (*literals, *given))


class IdempotencyKeys(SchemaExtension):
    """``extensions=[lambda: IdempotencyKeys(DocumentFacts())]``: ``"k\\u0000"`` is refused."""

    def __init__(self, facts: DocumentFacts | None = None) -> None:
        self.facts = facts or DocumentFacts(maxsize=0)

    def on_execute(self) -> Iterator[None]:
        context = self.execution_context
        document = context.graphql_document
        if document is not None and has_bad_key(
            self.facts.get(context.query, lambda: key_arguments(document)),
            context.variables or {},
        ):
            raise limit_error(
                CODE,
                f"`{ARGUMENT}` must be 1 to {MAX_KEY_LENGTH} visible ASCII characters"
                " (no spaces or control characters)",
                argument=ARGUMENT,
            )
        yield
