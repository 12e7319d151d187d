"""Input the caller got wrong is refused at the edge and never opens a circuit."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
import pytest_asyncio
from sqlalchemy import text

from commercegraph.adapters.http_errors import BackendThrottled
from commercegraph.adapters.rest.errors import from_response
from commercegraph.app import create_app
from commercegraph.demo import DEVI_COFFEE_SKU, DEVI_ID
from commercegraph.errors import BackendUnavailable, BadUserInput, Conflict, NotFound
from commercegraph.gateway.circuit import CircuitState
from commercegraph.gateway.resilience import CallRecord, Resilience
from commercegraph.gateway.settings import BackendPolicy
from tests.conftest import GraphQLClient, SeededDatabase, settings_for
from tests.factories import store_for

BACKENDS = "{ backends { domain circuit } }"
CREATE_CART = "mutation { createCart(channel: WEB) { id } }"
ADD_LINE = "mutation($c: ID!, $s: String!) { addCartLine(cartId: $c, sku: $s, quantity: 1) { id } }"

# (document, variables, needs a customer token): each a different path to a backend
BAD_REQUESTS: list[tuple[str, dict[str, Any], bool]] = [
    ('{ products(query: "a\\u0000b") { edges { node { sku } } } }', {}, False),
    (
        "query($q: String) { products(query: $q) { edges { node { sku } } } }",
        {"q": "a\x00b"},
        False,
    ),
    (
        "query($q: String) { products(query: $q) { edges { node { sku } } } }",
        {"q": "x" * 5000},
        False,
    ),
    ('{ product(sku: "A\\u0000") { sku } }', {}, False),
    (
        "query($c: String) { products(category: $c) { edges { node { sku } } } }",
        {"c": "\x00"},
        False,
    ),
    (
        "mutation($s: String!) { addToShoppingList(sku: $s) { items { quantity } } }",
        {"s": "sku\x00"},
        True,
    ),
    ("mutation($k: String!) { createCart(currency: $k) { id } }", {"k": "U\x00D"}, True),
    (
        'mutation { placeOrder(cartId: "Q2FydDp4", idempotencyKey: "k\\u0000",'
        " fulfillment: { method: SHIP }) { id } }",
        {},
        True,
    ),
    (
        'mutation($p: CheckoutPaymentInput) { placeOrder(cartId: "Q2FydDp4",'
        ' idempotencyKey: "k1", fulfillment: { method: SHIP }, payment: $p) { id } }',
        {"p": {"walletAmount": 1, "paymentMethodId": "pm\x00"}},
        True,
    ),
]


@pytest_asyncio.fixture
async def fresh_gql(seeded_db: SeededDatabase) -> AsyncIterator[GraphQLClient]:
    """An app of its own: circuits are per process, so no other test shares them."""
    settings = settings_for(seeded_db.url)
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="http://gateway.test") as http:
        yield GraphQLClient(http, settings)
    await app.state.registry.aclose()
    await app.state.store.dispose()


async def circuits(gql: GraphQLClient) -> dict[str, str]:
    body = await gql.post(BACKENDS, token=gql.token(staff=True))
    return {b["domain"]: b["circuit"] for b in body["data"]["backends"]}


@pytest.mark.asyncio
async def test_a_hundred_bad_inputs_leave_every_circuit_closed(fresh_gql: GraphQLClient) -> None:
    gql = fresh_gql
    devi = gql.token(DEVI_ID)
    for i in range(100):
        document, variables, customer = BAD_REQUESTS[i % len(BAD_REQUESTS)]
        body = await gql.post(document, variables, token=devi if customer else None)
        codes = [e["extensions"]["code"] for e in body["errors"]]
        assert codes == ["BAD_USER_INPUT"], (document, body)
        assert body.get("data") is None, "refused before any resolver ran"
    assert set((await circuits(gql)).values()) == {"CLOSED"}
    cart = await gql.post(CREATE_CART, token=devi)
    cart_id = cart["data"]["createCart"]["id"]
    added = await gql.post(ADD_LINE, {"c": cart_id, "s": DEVI_COFFEE_SKU}, token=devi)
    assert "errors" not in added, added


@pytest.mark.asyncio
async def test_string_length_limit_is_a_setting(seeded_db: SeededDatabase) -> None:
    settings = settings_for(seeded_db.url, limit_string_length=8)
    app = create_app(settings)
    transport = httpx.ASGITransport(app=app)
    query = "query($q: String) { products(query: $q) { edges { node { sku } } } }"
    async with httpx.AsyncClient(transport=transport, base_url="http://gateway.test") as http:
        gql = GraphQLClient(http, settings)
        assert "errors" not in await gql.post(query, {"q": "x" * 8})
        refused = await gql.post(query, {"q": "x" * 9})
        assert refused["errors"][0]["extensions"] == {
            "code": "BAD_USER_INPUT",
            "variable": "$q",
            "max_length": 8,
        }
    await app.state.store.dispose()


@pytest.mark.asyncio
async def test_a_value_the_store_refuses_is_not_a_backend_failure(
    postgres_db: SeededDatabase,
) -> None:
    """Whatever slips past the edge, PostgreSQL's refusal of a value (SQLSTATE class 22) is
    the caller's error: coded, and never counted against the circuit."""
    engine = store_for(postgres_db).engine
    resilience = Resilience("commerce", BackendPolicy(failure_threshold=2))

    async def select(value: Any) -> Any:
        async with engine.connect() as conn:
            return (
                await conn.execute(text("SELECT CAST(CAST(:v AS text) AS integer)"), {"v": value})
            ).scalar()

    try:
        for bad in ["a\x00b", "99999999999", "not a number"]:
            for _ in range(3):
                with pytest.raises(BadUserInput):
                    await resilience.run(lambda b=bad: select(b), read=True, record=CallRecord())
        assert resilience.breaker.state is CircuitState.CLOSED
        assert await resilience.run(lambda: select("7"), read=True, record=CallRecord()) == 7
    finally:
        await engine.dispose()


def _answer(status: int, body: Any = None) -> httpx.Response:
    return httpx.Response(status, json=body) if body is not None else httpx.Response(status)


@pytest.mark.parametrize(
    ("status", "body", "expected"),
    [
        (400, None, BadUserInput),
        (422, {"detail": "bad"}, BadUserInput),
        (404, None, NotFound),
        (409, None, Conflict),
        (404, {"error": {"code": "CONFLICT", "message": "taken"}}, Conflict),
        (401, None, BackendUnavailable),
        (403, None, BackendUnavailable),
        (429, None, BackendThrottled),
        (500, {"error": {"code": "NOT_FOUND", "message": "x"}}, BackendUnavailable),
        (503, None, BackendUnavailable),
    ],
)
def test_rest_answers_are_classified_by_whose_fault_they_are(
    status: int, body: Any, expected: type[Exception]
) -> None:
    error = from_response("commerce", _answer(status, body))
    assert type(error) is expected
