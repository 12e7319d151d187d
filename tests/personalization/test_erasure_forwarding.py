"""Erasure reaches a backend that declares it: the customer domain served over REST."""

from __future__ import annotations

from sqlalchemy import select

from commercegraph.backends import BackendServers
from commercegraph.config import AdapterChoice, Settings
from commercegraph.gateway.settings import RestBackend, RestSettings
from commercegraph.ids import to_global_id
from commercegraph.store import models as m
from commercegraph.store.db import Store
from tests.conftest import SeededDatabase
from tests.gateway.conftest import gateway
from tests.integration.test_journey import data
from tests.personalization.test_personal_data import ERASE, _a_customer_to_erase


async def test_erasure_is_forwarded_to_a_rest_backend_that_supports_it(
    p8_db: SeededDatabase, p8_store: Store
) -> None:
    customer_id, _ = await _a_customer_to_erase(p8_store)
    with BackendServers(Settings(database_url=p8_db.url), domains=("customer",)) as servers:
        settings = Settings(
            database_url=p8_db.url,
            adapters=AdapterChoice(customer="rest"),
            rest=RestSettings(customer=RestBackend(url=servers.urls["customer"], erasure=True)),
        )
        async with gateway(settings) as client:
            staff = client.token(staff=True)
            body = await client.post(
                ERASE, {"id": to_global_id("Customer", customer_id)}, token=staff
            )
            erased = data(body)["requestErasure"]
        calls = servers.calls["customer"]["erase_customer"]
    assert erased["completed"] is True and erased["forwardedTo"] == ["customer:rest"]
    assert calls == 1
    async with p8_store.read() as session:
        audits = list(
            await session.scalars(
                select(m.PrivacyAudit).where(
                    m.PrivacyAudit.customer_id == customer_id, m.PrivacyAudit.step == "forward"
                )
            )
        )
    assert [(a.backend, a.details["supported"]) for a in audits] == [("customer:rest", True)]
