"""Gift cards and membership cards: the ``giftCard`` query and the staff mutations."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

import strawberry
from strawberry.types import Info

from commercegraph.adapters.native.tenders import GiftCardPosting, GiftCardRecord
from commercegraph.context import Context
from commercegraph.ids import to_global_id
from commercegraph.resolvers import tenders
from commercegraph.schema.common import Currency, IdempotencyKey, Money
from commercegraph.store.models.base import utcnow
from commercegraph.usecases.membership_cards import MembershipCardRecord

GiftCardCode = Annotated[
    str, strawberry.argument(description="The gift card's code (dashes and case do not matter).")
]


@strawberry.type(
    description="A gift card: a bearer code with a balance in one currency, spent at "
    "checkout beside the wallet and a payment method, until it expires."
)
class GiftCard:
    code: str = strawberry.field(description="The code to spend it with.")
    balance: Money = strawberry.field(description="What is left on it.")
    expires_at: datetime | None = strawberry.field(
        description="After this it can no longer be spent or topped up; null: never."
    )
    expired: bool = strawberry.field(description="Past its expiry date.")
    issued_at: datetime = strawberry.field(description="When it was issued.")

    @classmethod
    def of(cls, r: GiftCardRecord) -> GiftCard:
        return cls(
            code=r.code,
            balance=Money.minor(r.balance, r.unit),
            expires_at=r.expires_at,
            expired=r.expired(utcnow()),
            issued_at=r.issued_at,
        )


@strawberry.type(description="A gift card topped up: the amount added and the balance after.")
class GiftCardTopUp:
    amount: Money = strawberry.field(description="Added to the card.")
    balance: Money = strawberry.field(description="The card's balance right after.")
    replayed: bool = strawberry.field(description="A retry of a top-up done before.")

    @classmethod
    def of(cls, p: GiftCardPosting) -> GiftCardTopUp:
        return cls(
            amount=Money.minor(p.amount, p.unit),
            balance=Money.minor(p.balance, p.unit),
            replayed=p.replayed,
        )


@strawberry.type(
    description="A membership card: the loyalty identifier (LOYALTY_CARD) a store issued to "
    "a customer; the POS and `customerByIdentifier` recognise the customer by its number."
)
class MembershipCard:
    number: str = strawberry.field(description="The card number, printed as a barcode.")
    customer_id: strawberry.ID = strawberry.field(description="The card holder's global ID.")
    store_id: strawberry.ID = strawberry.field(description="The store that issued it.")
    issued_at: datetime = strawberry.field(description="When it was issued.")

    @classmethod
    def of(cls, r: MembershipCardRecord) -> MembershipCard:
        return cls(
            number=r.number,
            customer_id=strawberry.ID(to_global_id("Customer", r.customer_id)),
            store_id=strawberry.ID(to_global_id("Store", r.store_id)),
            issued_at=r.issued_at,
        )


@strawberry.type
class TenderQuery:
    @strawberry.field(description="A gift card's balance and expiry, by its code.")
    async def gift_card(self, info: Info[Context, None], code: GiftCardCode) -> GiftCard:
        return GiftCard.of(await tenders.gift_card(info.context, code))


@strawberry.type
class TenderMutation:
    @strawberry.mutation(
        description="Issue a gift card loaded with `amount` (staff, at the till); the same key "
        "answers the same card."
    )
    async def issue_gift_card(
        self,
        info: Info[Context, None],
        amount: Annotated[int, strawberry.argument(description="Minor units to load.")],
        idempotency_key: IdempotencyKey,
        currency: Currency = None,
        expires_at: Annotated[
            datetime | None,
            strawberry.argument(description="When it stops being spendable; null: never."),
        ] = None,
    ) -> GiftCard:
        return GiftCard.of(
            await tenders.issue_gift_card(
                info.context, amount, currency, expires_at, idempotency_key
            )
        )

    @strawberry.mutation(description="Add value to a gift card that has not expired (staff).")
    async def top_up_gift_card(
        self,
        info: Info[Context, None],
        code: GiftCardCode,
        amount: Annotated[int, strawberry.argument(description="Minor units to add.")],
        idempotency_key: IdempotencyKey,
    ) -> GiftCardTopUp:
        return GiftCardTopUp.of(
            await tenders.top_up_gift_card(info.context, code, amount, idempotency_key)
        )

    @strawberry.mutation(
        description="Issue a membership card to a customer at a store (staff); a customer "
        "holds one, so asking again answers the card issued before."
    )
    async def issue_membership_card(
        self,
        info: Info[Context, None],
        customer_id: Annotated[
            strawberry.ID, strawberry.argument(description="The customer's global ID.")
        ],
        store_id: Annotated[
            strawberry.ID, strawberry.argument(description="The issuing store's global ID.")
        ],
    ) -> MembershipCard:
        return MembershipCard.of(
            await tenders.issue_membership_card(info.context, str(customer_id), str(store_id))
        )
