"""Refuse documents longer than a number of lexical tokens, before they are parsed."""

from __future__ import annotations

from collections.abc import Iterator
from functools import lru_cache

from graphql import GraphQLError, Source
from graphql.language import Lexer, TokenKind
from strawberry.extensions import SchemaExtension

from commercegraph.limits._walk import limit_error

CODE = "MAX_TOKENS_EXCEEDED"


@lru_cache(maxsize=1024)  # as many documents as the parser cache keeps
def count_tokens(query: str, stop_after: int) -> int:
    """Tokens up to ``stop_after + 1`` (comments are not tokens); a lexing error stops."""
    lexer = Lexer(Source(query))
    found = 0
    try:
        while lexer.advance().kind is not TokenKind.EOF:
            found += 1
            if found > stop_after:
                break
    except GraphQLError:  # the parser reports the syntax error with its own code
        pass
    return found


class MaxTokens(SchemaExtension):
    """``extensions=[lambda: MaxTokens(1000)]``: ``{ a }`` has 3 tokens."""

    def __init__(self, limit: int) -> None:
        self.limit = limit

    def on_operation(self) -> Iterator[None]:
        # the parser stops at the limit too, whatever parses the document
        self.execution_context.parse_options["max_tokens"] = self.limit
        yield

    def on_parse(self) -> Iterator[None]:
        query = self.execution_context.query
        if query and count_tokens(query, self.limit) > self.limit:
            raise limit_error(CODE, f"Token limit of {self.limit} exceeded.", limit=self.limit)
        yield
