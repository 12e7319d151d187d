"""What the contract kit knows about the backend under test: its known keys.

An adapter package tells the kit which records its backend holds through a seeding hook,
a ``contract_fixture`` attribute on the adapter factory (or on the adapter) returning a
``ContractFixture``::

    def contract_fixture(domain: str) -> ContractFixture:
        return ContractFixture(
            product_id="prd_00114",
            fault_env=lambda url: {"CG_ACME__URL": url, "CG_ACME__TIMEOUT_MS": "300"},
        )

    create_adapter.contract_fixture = contract_fixture

Without the hook the kit uses the demo retailer's keys (``commercegraph seed``): the
harnesses of real vendors seed that same catalogue. ``fault_env`` is how the kit points a
fresh adapter at its loopback fault server to check error mapping: the ``CG_*`` variables
that make the adapter call ``url`` with a timeout under ``FAULT_DELAY_S``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

MISSING = "__contract_missing__"
FAULT_DELAY_S = 2.0  # the fault server's slow answer; an adapter's timeout must be shorter


class ContractViolation(AssertionError):
    """An adapter broke a rule of its port."""


@dataclass(frozen=True)
class ContractFixture:
    """Known keys in the backend under test (the demo retailer's defaults fit)."""

    product_id: str = "prd_00114"  # the demo's SKU-RUN-0001
    sku: str = "SKU-RUN-0001"
    customer_id: str = "cus_devi"
    customer_email: str = "devi@example.com"
    store_id: str = "loc_downtown"
    currency: str = "USD"
    locale: str = "en-US"
    channel: str = "WEB"
    # where the kit takes and gives back stock: a location holding ``sku``
    stock_location_id: str = "loc_warehouse"
    # the CG_* variables pointing a fresh adapter at ``url`` (None: no error-mapping checks)
    fault_env: Callable[[str], Mapping[str, str]] | None = field(default=None, compare=False)


def fixture_for(domain: str, *owners: Any) -> ContractFixture:
    """The first ``contract_fixture(domain)`` hook found on ``owners``, else the demo's keys."""
    for owner in owners:
        hook = getattr(owner, "contract_fixture", None)
        if callable(hook):
            fixture = hook(domain)
            if not isinstance(fixture, ContractFixture):
                raise TypeError(f"{owner!r}.contract_fixture() must return a ContractFixture")
            return fixture
    return ContractFixture()


def expect(condition: bool, rule: str) -> None:
    if not condition:
        raise ContractViolation(rule)
