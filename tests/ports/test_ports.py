"""The capability table, the vendor Protocols and the domain interfaces say the same thing."""

from __future__ import annotations

import inspect

import pytest

from commercegraph.adapters.base import PORTS
from commercegraph.ports import CAPABILITIES, PROTOCOLS
from commercegraph.ports.capabilities import capabilities_of, operations


def _methods(protocol: type) -> dict[str, inspect.Signature]:
    return {
        name: inspect.signature(getattr(protocol, name))
        for name in dir(protocol)
        if not name.startswith("_") and inspect.iscoroutinefunction(getattr(protocol, name))
    }


@pytest.mark.parametrize("capability", sorted(CAPABILITIES))
def test_each_capability_has_a_protocol_with_exactly_its_methods(capability: str) -> None:
    domain, methods = CAPABILITIES[capability]
    declared = _methods(PROTOCOLS[capability])
    assert set(declared) == set(methods)
    interface = _methods(PORTS[domain])
    for name, signature in declared.items():
        if name in interface:  # the domain interface the gateway calls has the same shape
            assert signature == interface[name], name


@pytest.mark.parametrize("domain", sorted(PORTS))
def test_every_method_of_a_domain_belongs_to_one_capability(domain: str) -> None:
    optional = {"write_back"}  # routed apart: no native implementation to fall back on
    assert set(_methods(PORTS[domain])) == set(operations(domain)) - optional
    owners = [c for c, (d, _) in CAPABILITIES.items() if d == domain]
    seen = [m for c in owners for m in CAPABILITIES[c][1]]
    assert len(seen) == len(set(seen))


def test_vendor_ports_stay_narrow() -> None:
    for capability in capabilities_of("commerce") + capabilities_of("wallet"):
        assert len(CAPABILITIES[capability][1]) <= 15
    for domain in PORTS:
        vendor = [op for op in operations(domain).values() if op.vendor]
        assert len(vendor) <= 16, domain


def test_reads_and_writes_are_marked_where_the_old_guess_got_them_wrong() -> None:
    customer = operations("customer")
    assert not customer["record_events"].read
    assert not customer["refresh_segments"].read
    assert customer["resolve_identifiers"].read
    assert not operations("commerce")["place_order"].read
