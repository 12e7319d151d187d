"""Shopping abroad: a store in Germany prices in EUR and speaks de-DE, content follows the
shopper's Accept-Language with fallback, and `formatted` follows the locale."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete

from commercegraph.adapters.native.tenders import NativeTenders
from commercegraph.demo import BERLIN_ID, DEVI_COFFEE_SKU, DEVI_ID, DEVI_SODA_SKU
from commercegraph.ids import to_global_id
from commercegraph.services.money import format_money
from commercegraph.store.models.tenders import ExchangeRate
from tests.conftest import SeededDatabase
from tests.customer360.conftest import Client, client, fresh_db
from tests.factories import store_for
from tests.wallet.audit import audit_ledger

__all__ = ["client", "fresh_db"]

BERLIN = to_global_id("Store", BERLIN_ID)
STORES = """{ stores(near: { lat: 52.52, lon: 13.405 }, radiusKm: 5) {
    id name region currency locale } }"""
PRODUCT = """query($sku: String!, $store: ID) { product(sku: $sku) {
    price(storeId: $store) { final { amount currency formatted } }
    content { title locale } } }"""


async def _post(
    client: Client, query: str, variables: dict[str, Any], language: str | None = None
) -> dict[str, Any]:
    headers = {"Accept-Language": language} if language else {}
    response = await client.http.post(
        "/graphql", json={"query": query, "variables": variables}, headers=headers
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    assert "errors" not in body, body
    return body["data"]


async def test_the_berlin_store_takes_euros_and_speaks_german(client: Client) -> None:
    (store,) = (await _post(client, STORES, {}))["stores"]
    assert store == {
        "id": BERLIN,
        "name": "Berlin Mitte",
        "region": "Berlin, DE",
        "currency": "EUR",
        "locale": "de-DE",
    }


async def test_prices_at_the_store_are_in_its_currency_and_formatted_for_the_shopper(
    client: Client,
) -> None:
    variables = {"sku": DEVI_COFFEE_SKU, "store": BERLIN}
    german = (await _post(client, PRODUCT, variables, "de-DE,de;q=0.9,en;q=0.5"))["product"]
    final = german["price"]["final"]
    assert final["currency"] == "EUR"
    whole, cents = divmod(final["amount"], 100)
    assert final["formatted"] == f"{whole:,}".replace(",", ".") + f",{cents:02d}\u00a0€"
    assert german["content"]["locale"] == "de-DE"

    english = (await _post(client, PRODUCT, variables, "en-US"))["product"]
    assert english["price"]["final"]["amount"] == final["amount"]
    assert english["price"]["final"]["formatted"] == f"€{whole:,}.{cents:02d}"
    assert english["content"]["locale"] == "en-US"

    at_home = (await _post(client, PRODUCT, {"sku": DEVI_COFFEE_SKU}))["product"]
    assert at_home["price"]["final"]["currency"] == "USD"


async def test_content_falls_back_within_the_language_then_to_the_default(client: Client) -> None:
    variables = {"sku": DEVI_COFFEE_SKU}
    austrian = (await _post(client, PRODUCT, variables, "de-AT"))["product"]
    assert austrian["content"]["locale"] == "de-DE"
    french = (await _post(client, PRODUCT, variables, "fr-FR"))["product"]
    assert french["content"]["locale"] == "en-US"
    asked = await _post(
        client,
        """query($sku: String!) { product(sku: $sku) { content(locale: "en-US") { locale } } }""",
        variables,
        "de-DE",
    )
    assert asked["product"]["content"]["locale"] == "en-US", "an explicit locale wins"


def test_formatting_follows_the_locale() -> None:
    assert format_money(123450, "EUR", "de-DE") == "1.234,50\u00a0€"
    assert format_money(123450, "EUR", "en-US") == "€1,234.50"
    assert format_money(123450, "USD") == "$1,234.50"
    assert format_money(1500, "JPY", "de-DE") == "1.500\u00a0¥"


async def test_paying_by_code_in_berlin_is_in_euros_and_never_spends_dollars_silently(
    client: Client, fresh_db: SeededDatabase
) -> None:
    token = client.token(DEVI_ID)
    balance = "{ me { wallet { balance { amount currency } } } }"
    redeem = """mutation($c: String!, $s: ID!, $sale: StoreSaleInput!, $k: String!) {
      redeemStorePaymentCode(code: $c, storeId: $s, sale: $sale, idempotencyKey: $k) {
        paid { amount currency } walletBalance { amount currency } } }"""
    sale = {"lines": [{"sku": DEVI_SODA_SKU, "quantity": 1, "unitPrice": 199}]}

    async def new_code() -> str:
        issued = await client.post(
            "mutation($s: ID!) { createStorePaymentCode(storeId: $s) { code currency } }",
            {"s": BERLIN},
            token=token,
        )
        code = issued["data"]["createStorePaymentCode"]
        assert code["currency"] == "EUR"
        return str(code["code"])

    store = store_for(fresh_db.url)
    try:
        # with no EUR→USD rate the dollar wallet is refused, and nothing moves
        async with store.write() as session:
            await session.execute(delete(ExchangeRate))
        before = await client.post(balance, token=token)
        assert before["data"]["me"]["wallet"]["balance"]["currency"] == "USD"
        variables = {"c": await new_code(), "s": BERLIN, "sale": sale, "k": "b-1"}
        refused = await client.post(redeem, variables, token=client.token(staff=True))
        error = refused["errors"][0]
        assert error["extensions"]["code"] == "CURRENCY_MISMATCH" and "EUR" in error["message"]
        assert (await client.post(balance, token=token))["data"] == before["data"]

        # with a rate the sale is in euros and the wallet pays the converted amount, once
        await NativeTenders(store).set_rate("EUR", "USD", 1_086_957, "test desk", fresh_db.now)
        variables = {"c": await new_code(), "s": BERLIN, "sale": sale, "k": "b-2"}
        staff = client.token(staff=True)
        paid = (await client.post(redeem, variables, token=staff))["data"]
        paid = paid["redeemStorePaymentCode"]
        start = before["data"]["me"]["wallet"]["balance"]["amount"]
        # 199 EUR cents × 1.086957 = 216.30 → 216 USD cents
        assert paid["paid"] == {"amount": 199, "currency": "EUR"}
        assert paid["walletBalance"] == {"amount": start - 216, "currency": "USD"}
        await client.post(redeem, variables, token=staff)  # the till retries: nothing more
        after = await client.post(balance, token=token)
        assert after["data"]["me"]["wallet"]["balance"]["amount"] == start - 216
        await audit_ledger(store)
    finally:
        await store.dispose()
