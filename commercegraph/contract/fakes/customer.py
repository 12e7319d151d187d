"""The customer port in memory: profiles, identifiers by email, consent."""

from __future__ import annotations

from collections.abc import Sequence

from commercegraph.adapters.base import ConsentRecord, CustomerRecord
from commercegraph.contract.fakes.common import EPOCH
from commercegraph.contract.fixture import ContractFixture


class FakeCustomer:
    capabilities = frozenset({"customer.profiles", "customer.consent"})

    def __init__(
        self, customers: Sequence[CustomerRecord], consents: dict[str, ConsentRecord]
    ) -> None:
        self.customers = {c.id: c for c in customers}
        self.consent = consents

    @classmethod
    def sample(cls, fx: ContractFixture = ContractFixture()) -> FakeCustomer:
        customer = CustomerRecord(fx.customer_id, "Devi", fx.customer_email, "REGULAR", EPOCH)
        return cls([customer], {fx.customer_id: ConsentRecord(True, False, True)})

    async def customers_by_id(self, ids: Sequence[str]) -> list[CustomerRecord | None]:
        return [self.customers.get(i) for i in ids]

    async def resolve_identifiers(self, identifiers: Sequence[tuple[str, str]]) -> list[str | None]:
        emails = {c.email.lower(): c.id for c in self.customers.values() if c.email}
        return [emails.get(v.lower()) if k == "EMAIL" else None for k, v in identifiers]

    async def consents(self, customer_ids: Sequence[str]) -> list[ConsentRecord | None]:
        return [self.consent.get(i) for i in customer_ids]
