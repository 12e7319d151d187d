"""The contract kit every adapter must pass, shipped as a pytest plugin.

``pytest --commercegraph-adapter=NAME`` (see ``pytest_plugin``) builds the adapter through
the entry-point registry and runs ``checks_for`` it; ``fakes`` holds an in-memory adapter
per vendor port that passes the kit, for fast unit tests.
"""

from commercegraph.contract.fixture import (
    FAULT_DELAY_S,
    MISSING,
    ContractFixture,
    ContractViolation,
    fixture_for,
)
from commercegraph.contract.kit import Check, Subject, checks_for, declared_capabilities, violations

__all__ = [
    "FAULT_DELAY_S",
    "MISSING",
    "Check",
    "ContractFixture",
    "ContractViolation",
    "Subject",
    "checks_for",
    "declared_capabilities",
    "fixture_for",
    "violations",
]
