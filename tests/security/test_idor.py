"""IDOR: a customer token never reads another customer's data, by any path from Query.

The walk is built from the schema itself, so fields and types added later are walked
without edits here; a reachable type missing from the classification fails the suite.
Sam's token attacks with Devi's ids and identifiers; anonymous callers attack too.
"""

from __future__ import annotations

from typing import Any

import pytest
from graphql import GraphQLObjectType, GraphQLSchema, get_named_type, is_leaf_type
from sqlalchemy import select

from commercegraph.demo import DEVI_ID, SAM_ID
from commercegraph.ids import NODE_DOMAINS, to_global_id
from commercegraph.schema import build_schema
from tests.conftest import GraphQLClient
from tests.factories import store_for
from tests.security.idor import (
    MAX_STEPS,
    Candidates,
    Path,
    concrete_types,
    extensions_of,
    objects_on,
    render,
    scalar_fields,
    values_at,
)

# Every object type reachable from Query, by who may read it. A new type must be added
# here: customer-owned when it carries one customer's data, public otherwise.
CUSTOMER_OWNED = frozenset(
    {
        "Customer",
        "CustomerEdge",
        "CustomerConnection",
        "LifetimeValue",
        "RfmScore",
        "Identity",
        "Consent",
        "Segment",
        "Wallet",
        "PaymentMethod",
        "WalletTransaction",
        "WalletTransactionEdge",
        "WalletTransactionConnection",
        "LoyaltyAccount",
        "Order",
        "OrderEdge",
        "OrderConnection",
        "OrderLine",
        "Cart",
        "CartLine",
        "CartEdge",
        "CartConnection",
        "PriceQuote",
        "QuoteLine",
        "ShoppingList",
        "ShoppingListItem",
        "Offer",
        "Referral",
        "OrderPayment",
        "OrderRewards",
        "PaymentExchange",
        "DeliverySubscription",
    }
)
PUBLIC = frozenset(
    {
        "Query",
        "Product",
        "ProductVariant",
        "VariantOption",
        "ProductEdge",
        "ProductConnection",
        "ProductFacets",
        "FacetValue",
        "PageInfo",
        "Price",
        "AppliedRule",
        "Money",
        "Availability",
        "StockLevel",
        "StoreStock",
        "Store",
        "StoreDistance",
        "GeoPoint",
        "Content",
        "Bundle",
        "BundleComponent",
        "BundleConnection",
        "BundleEdge",
        # computed for whoever asks, never for a customer named in the query
        "Recommendation",
        # a bearer instrument: whoever holds the code may read its balance; it names nobody
        "GiftCard",
    }
)
# Staff tooling that carries no customer's data (the pricing tests prove the staff scope).
STAFF_ONLY = frozenset(
    {
        "PricingRule",
        "PricingRuleConnection",
        "PricingRuleEdge",
        "PricingRuleVersion",
        "BackendStatus",
        "Campaign",
    }
)
# Root fields that answer with the caller's own data; every other root must not hand a
# customer token (or nobody) any customer-owned object when given someone else's ids.
SELF_ROOTS = frozenset({"me", "deliverySubscriptions"})

Results = list[tuple[Path, dict[str, Any]]]


def schema() -> GraphQLSchema:
    return build_schema()._schema


def reachable_types(s: GraphQLSchema) -> set[str]:
    assert s.query_type is not None
    seen: set[str] = set()
    todo: list[GraphQLObjectType] = [s.query_type]
    while todo:
        current = todo.pop()
        if current.name in seen:
            continue
        seen.add(current.name)
        for f in current.fields.values():
            named = get_named_type(f.type)
            if not is_leaf_type(named):
                todo.extend(concrete_types(s, named))
    return seen


def leading_to_owned(s: GraphQLSchema) -> frozenset[str]:
    """Object types from which some customer-owned type can be reached (themselves included).

    Subtrees without any customer-owned type hold public data only: the walk skips them.
    """
    edges: dict[str, set[str]] = {}
    for named in s.type_map.values():
        if isinstance(named, GraphQLObjectType) and not named.name.startswith("__"):
            edges[named.name] = {
                t.name
                for f in named.fields.values()
                if not is_leaf_type(get_named_type(f.type))
                for t in concrete_types(s, get_named_type(f.type))
            }
    found = set(CUSTOMER_OWNED) & set(edges)
    while True:
        more = {name for name, targets in edges.items() if targets & found} - found
        if not more:
            return frozenset(found)
        found |= more


def test_every_type_reachable_from_query_is_classified() -> None:
    reachable = reachable_types(schema())
    unclassified = reachable - CUSTOMER_OWNED - PUBLIC - STAFF_ONLY
    assert not unclassified, (
        f"classify {sorted(unclassified)} in tests/security/test_idor.py: "
        "CUSTOMER_OWNED if it carries one customer's data, else PUBLIC"
    )
    assert {"Customer", "Order", "Wallet"} <= reachable


async def walk(
    gql: GraphQLClient,
    s: GraphQLSchema,
    token: str | None,
    candidates: Candidates,
    roots: frozenset[str] | None = None,
) -> Results:
    assert s.query_type is not None
    worth = leading_to_owned(s)
    frontier: list[Path] = [
        (step,)
        for step in extensions_of(s, s.query_type, (), candidates)
        if (roots is None or step.field in roots) and step.type_name in worth
    ]
    results: Results = []
    while frontier:
        path = frontier.pop()
        body = await gql.post(render(s, path), token=token)
        assert "Traceback" not in str(body)
        results.append((path, body))
        if values_at(body.get("data"), path) and len(path) < MAX_STEPS:
            parent = s.get_type(path[-1].type_name)
            assert isinstance(parent, GraphQLObjectType)
            frontier.extend(
                (*path, step)
                for step in extensions_of(s, parent, path, candidates)
                if step.type_name in worth
            )
    return results


def harvest(s: GraphQLSchema, results: Results) -> tuple[dict[str, str], set[str], set[str]]:
    """(ids of customer-owned objects by type.field, their strings, strings seen in public objects)."""
    ids: dict[str, str] = {}
    owned: set[str] = set()
    public: set[str] = set()
    for path, body in results:
        for type_name, obj in objects_on(body.get("data"), path):
            object_type = s.get_type(type_name)
            assert isinstance(object_type, GraphQLObjectType)
            strings = leaf_strings(
                {k: obj.get(k) for k in scalar_fields(object_type, "String", "ID")}
            )
            if type_name in CUSTOMER_OWNED:
                owned |= strings
                for name in scalar_fields(object_type, "ID"):
                    if isinstance(obj.get(name), str):
                        ids.setdefault(f"{type_name}.{name}", obj[name])
            else:
                public |= strings
    return ids, owned, public


def leaf_strings(value: Any) -> set[str]:
    if isinstance(value, str):
        return {value}
    if isinstance(value, dict):
        return set().union(*(leaf_strings(v) for v in value.values())) if value else set()
    if isinstance(value, list):
        return set().union(*(leaf_strings(v) for v in value)) if value else set()
    return set()


async def owned_node_ids(database_url: str, customer_id: str) -> set[str]:
    """Global ids, under every node type, of rows the customer owns in any table.

    Objects the customer cannot read back through ``me`` (a cart, say) are attacked too.
    """
    import commercegraph.store.models  # noqa: F401  (registers every table)
    from commercegraph.store.models.base import Base

    store = store_for(database_url)
    found: set[str] = set()
    try:
        async with store.read() as session:
            for table in Base.metadata.sorted_tables:
                keys = list(table.primary_key.columns)
                if "customer_id" not in table.c or len(keys) != 1:
                    continue
                rows = await session.execute(
                    select(keys[0]).where(table.c.customer_id == customer_id).limit(2)
                )
                for (local_id,) in rows:
                    found |= {to_global_id(t, str(local_id)) for t in NODE_DOMAINS}
    finally:
        await store.dispose()
    return found


@pytest.fixture(scope="module")
def walked_schema() -> GraphQLSchema:
    return schema()


async def test_customer_token_never_reads_another_customers_data(
    walker_gql: GraphQLClient, walked_schema: GraphQLSchema
) -> None:
    s, gql = walked_schema, walker_gql
    devi_token, sam_token = gql.token(DEVI_ID), gql.token(SAM_ID)

    devi_ids, devi_strings, devi_public = harvest(
        s, await walk(gql, s, devi_token, Candidates(), SELF_ROOTS)
    )
    _, sam_strings, sam_public = harvest(s, await walk(gql, s, sam_token, Candidates(), SELF_ROOTS))
    assert "Customer.id" in devi_ids and "Order.id" in devi_ids, devi_ids
    secrets = set(devi_ids.values()) | (devi_strings - sam_strings - devi_public - sam_public)
    assert "devi@example.com" in secrets
    if "createCart" in (s.mutation_type.fields if s.mutation_type else {}):
        # the demo seeds no carts: Devi makes one, so node(id:) is tried on a cart too
        created = await gql.post("mutation { createCart { id } }", token=devi_token)
        secrets.add(created["data"]["createCart"]["id"])
    stored = await owned_node_ids(gql.settings.database_url, DEVI_ID)

    attack = Candidates(
        ids=sorted(set(devi_ids.values()) | stored),
        strings=sorted({DEVI_ID, *(x for x in secrets if "@" in x or any(c.isdigit() for c in x))})[
            :12
        ],
    )
    leaks: list[str] = []
    for token, who in ((sam_token, "Sam"), (None, "anonymous")):
        results = await walk(gql, s, token, attack)
        assert len(results) > 30, "the walk should cover many paths"
        for path, body in results:
            query = render(s, path)
            data = body.get("data")
            found = leaf_strings(data) & secrets
            if found:
                leaks.append(f"{who}: {query} returned Devi's {sorted(found)[:3]}")
            for type_name, obj in objects_on(data, path):
                trusted = token is not None and path[0].field in SELF_ROOTS
                if type_name in CUSTOMER_OWNED and obj and not trusted:
                    leaks.append(f"{who}: {query} returned a {type_name}")
                    break
            for error in body.get("errors", []):
                assert error["extensions"]["code"] != "INTERNAL_SERVER_ERROR", (query, error)
    assert not leaks, "\n".join(leaks[:20])
