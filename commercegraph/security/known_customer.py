"""A mutation under a customer token runs only for a customer who exists.

A token is proof of who signed it, not that its subject is (or ever was) a customer here:
a token minted for an id that is not in the store must not create carts, orders or wallet
entries for nobody. The one
look-up goes through the request's loader, so resolvers asking for the same customer
later in the request do not ask again.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

from strawberry.extensions import SchemaExtension
from strawberry.types.graphql import OperationType

from commercegraph.context import Context
from commercegraph.limits._walk import limit_error

CODE = "UNAUTHENTICATED"


class KnownCustomer(SchemaExtension):
    """``extensions=[KnownCustomer]``."""

    async def on_execute(self) -> AsyncIterator[None]:
        execution = self.execution_context
        context = execution.context
        if (
            isinstance(context, Context)
            and execution.operation_type is OperationType.MUTATION
            and context.caller.customer_id is not None
        ):
            customer = await context.loaders.customer_by_id.load(context.caller.customer_id)
            if customer is None:
                raise limit_error(CODE, "The token's customer does not exist")
        yield
