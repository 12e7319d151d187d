"""Every type, field, argument and enum value of the public schema says what it is."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from graphql import (
    GraphQLEnumType,
    GraphQLInputObjectType,
    GraphQLInterfaceType,
    GraphQLObjectType,
    GraphQLScalarType,
    GraphQLUnionType,
)
from strawberry.exceptions import StrawberryInputCoercionError

from commercegraph.schema import build_schema
from commercegraph.schema.common import DATE_TIME

BUILT_IN_SCALARS = {"String", "Int", "Float", "Boolean", "ID"}


def undescribed() -> list[str]:
    schema = build_schema()._schema
    missing: list[str] = []
    for name, t in sorted(schema.type_map.items()):
        if name.startswith("__") or name in BUILT_IN_SCALARS:
            continue
        if not (t.description or "").strip():
            missing.append(name)
        if isinstance(t, GraphQLObjectType | GraphQLInterfaceType):
            for fname, f in t.fields.items():
                if not (f.description or "").strip():
                    missing.append(f"{name}.{fname}")
                for aname, a in f.args.items():
                    if not (a.description or "").strip():
                        missing.append(f"{name}.{fname}({aname})")
        elif isinstance(t, GraphQLInputObjectType):
            for fname, f in t.fields.items():
                if not (f.description or "").strip():
                    missing.append(f"{name}.{fname}")
        elif isinstance(t, GraphQLEnumType):
            for vname, v in t.values.items():
                if not (v.description or "").strip():
                    missing.append(f"{name}.{vname}")
        else:
            assert isinstance(t, GraphQLScalarType | GraphQLUnionType), name
    return missing


def test_every_type_field_argument_and_enum_value_is_described() -> None:
    missing = undescribed()
    assert not missing, f"{len(missing)} undescribed: " + ", ".join(missing)


def test_date_time_names_its_specification() -> None:
    date_time = build_schema()._schema.type_map["DateTime"]
    assert isinstance(date_time, GraphQLScalarType)
    assert date_time.specified_by_url == "https://scalars.graphql.org/andimarek/date-time"


def test_date_time_is_rfc_3339_with_an_offset_both_ways() -> None:
    assert DATE_TIME.serialize(datetime(2026, 3, 1, 9, 30)) == "2026-03-01T09:30:00+00:00"
    moment = DATE_TIME.parse_value("2026-03-01T09:30:00Z")
    assert moment == datetime(2026, 3, 1, 9, 30, tzinfo=UTC)
    for bad in ("2026-03-01T09:30:00", "tomorrow", 1_700_000_000):
        with pytest.raises(StrawberryInputCoercionError):
            DATE_TIME.parse_value(bad)


def test_closed_sets_are_enums() -> None:
    """The fields whose values are a fixed set answer with an enum, not a String."""
    schema = build_schema()._schema
    expected = {
        ("Cart", "status"): "CartStatus",
        ("Order", "status"): "OrderStatus",
        ("StockLevel", "status"): "StockStatus",
        ("Bundle", "kind"): "BundleKind",
        ("Offer", "kind"): "OfferKind",
        ("Segment", "kind"): "SegmentKind",
        ("RfmScore", "segment"): "RfmSegment",
        ("LifetimeValue", "valueClass"): "ValueClass",
        ("LoyaltyAccount", "tier"): "LoyaltyTier",
        ("OrderRewards", "tierBefore"): "LoyaltyTier",
        ("OrderRewards", "tierAfter"): "LoyaltyTier",
        ("PaymentMethod", "kind"): "PaymentMethodKind",
        ("WalletTransaction", "kind"): "WalletTransactionKind",
        ("ShoppingListItem", "source"): "ShoppingListSource",
        ("PricingRule", "stacking"): "Stacking",
        ("PricingRuleVersion", "stacking"): "Stacking",
        ("PricingRuleInput", "stacking"): "Stacking",
        ("PricingRuleVersion", "change"): "PricingRuleChange",
        ("AppliedReferral", "status"): "ReferralStatus",
        ("BackendStatus", "domain"): "BackendDomain",
        ("BackendStatus", "circuit"): "CircuitState",
    }
    for (type_name, field), enum in expected.items():
        named = schema.type_map[type_name].fields[field].type  # type: ignore[union-attr]
        while hasattr(named, "of_type"):
            named = named.of_type
        assert isinstance(named, GraphQLEnumType) and named.name == enum, (type_name, field)
