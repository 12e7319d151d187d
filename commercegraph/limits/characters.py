"""Refuse query documents longer than a number of characters, before they are parsed.

Limits raise in ``on_parse`` and are listed before the parser cache: a hook that raises
while entering must come before any hook that needs its exit to run.
"""

from __future__ import annotations

from collections.abc import Iterator

from strawberry.extensions import SchemaExtension

from commercegraph.limits._walk import limit_error

CODE = "QUERY_TOO_LARGE"


class MaxCharacters(SchemaExtension):
    """``extensions=[lambda: MaxCharacters(15_000)]``."""

    def __init__(self, limit: int) -> None:
        self.limit = limit

    def on_parse(self) -> Iterator[None]:
        query = self.execution_context.query
        if query is not None and len(query) > self.limit:
            raise limit_error(
                CODE,
                f"Query is too large: {len(query)} characters, allowed {self.limit}.",
                limit=self.limit,
                found=len(query),
            )
        yield
