"""The customer's control of their personal data: consent, export and erasure."""

from __future__ import annotations

from typing import Annotated

import strawberry
from strawberry.types import Info

from commercegraph.context import Context
from commercegraph.ids import expect_global_id, to_global_id
from commercegraph.resolvers import privacy


@strawberry.input(description="The consents to change; a field left out keeps its value.")
class ConsentInput:
    marketing_email: bool | None = strawberry.field(default=None, description="Marketing by email.")
    marketing_sms: bool | None = strawberry.field(
        default=None, description="Marketing by text message."
    )
    personalization: bool | None = strawberry.field(
        default=None, description="Using their behaviour for recommendations and offers."
    )


@strawberry.type(description="The consent as now recorded, and what its change stopped.")
class ConsentChange:
    marketing_email: bool = strawberry.field(description="Marketing by email.")
    marketing_sms: bool = strawberry.field(description="Marketing by text message.")
    personalization: bool = strawberry.field(
        description="Using their behaviour for recommendations and offers."
    )
    dropped_webhooks: int = strawberry.field(
        description="Queued marketing webhooks dropped because the consent no longer allows them."
    )


@strawberry.type(description="An erasure of a customer's personal data, done or resumed.")
class Erasure:
    customer_id: strawberry.ID = strawberry.field(description="The customer erased.")
    completed: bool = strawberry.field(description="True once every step has run.")
    steps: list[str] = strawberry.field(description="The steps run, in order; each audited.")
    forwarded_to: list[str] = strawberry.field(
        description="Other backends that erased their copy (those that declare support)."
    )


@strawberry.type
class PrivacyMutation:
    @strawberry.mutation(description="Change the caller's own consent, effective at once.")
    async def update_consent(
        self,
        info: Info[Context, None],
        input: Annotated[ConsentInput, strawberry.argument(description="The consents to change.")],
    ) -> ConsentChange:
        consent, dropped = await privacy.update_consent(
            info.context,
            marketing_email=input.marketing_email,
            marketing_sms=input.marketing_sms,
            personalization=input.personalization,
        )
        return ConsentChange(
            marketing_email=consent.marketing_email,
            marketing_sms=consent.marketing_sms,
            personalization=consent.personalization,
            dropped_webhooks=len(dropped),
        )

    @strawberry.mutation(
        description=(
            "Erase the caller's personal data (staff: the customer named) everywhere it is "
            "held; orders and the ledger keep their amounts. Irreversible, safe to repeat."
        )
    )
    async def request_erasure(
        self,
        info: Info[Context, None],
        customer_id: Annotated[
            strawberry.ID | None,
            strawberry.argument(description="Staff only: the customer to erase."),
        ] = None,
    ) -> Erasure:
        local = (
            None if customer_id is None else expect_global_id(customer_id, "Customer", "customerId")
        )
        outcome = await privacy.request_erasure(info.context, local)
        return Erasure(
            customer_id=strawberry.ID(to_global_id("Customer", outcome.customer_id)),
            completed=outcome.completed,
            steps=list(outcome.steps),
            forwarded_to=list(outcome.forwarded),
        )
