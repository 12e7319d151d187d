"""Turn exceptions into GraphQL errors with a stable ``extensions.code``; mask the rest."""

from __future__ import annotations

import logging

from graphql import GraphQLError

from commercegraph.errors import CommerceGraphError
from commercegraph.gateway.classify import caller_error

log = logging.getLogger("commercegraph.errors")

MASKED_MESSAGE = "Internal server error"


def code_error(error: GraphQLError) -> None:
    """Give ``error`` its code in place: ours keep theirs, unknown failures are masked."""
    original = error.original_error
    while isinstance(original, GraphQLError) and original.original_error is not None:
        original = original.original_error
    extensions = dict(error.extensions or {})
    if original is not None and not isinstance(original, CommerceGraphError):
        original = caller_error(original) or original
    if isinstance(original, CommerceGraphError):
        extensions.update(original.extensions)
        extensions["code"] = original.code
        log.info("coded error %s: %s", original.code, original.message)
    elif original is None or isinstance(original, GraphQLError):
        if error.message.startswith("Syntax Error"):
            extensions["code"] = "GRAPHQL_PARSE_FAILED"
        elif error.message.startswith("Variable '$"):
            extensions["code"] = "BAD_USER_INPUT"
        else:
            extensions.setdefault("code", "GRAPHQL_VALIDATION_FAILED")
    else:
        log.error("unexpected error in resolver", exc_info=original)
        error.message = MASKED_MESSAGE
        extensions = {"code": "INTERNAL_SERVER_ERROR"}
    error.extensions = extensions
