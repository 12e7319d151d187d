#!/usr/bin/env sh
# Devi's story, one call per sentence, against the seeded demo (`make run`).
# Usage: sh examples/devi-story.sh [http://127.0.0.1:8000]   (run from the repository root)
# Every call prints its answer; the script stops at the first GraphQL error.
set -eu
G=${1:-http://127.0.0.1:8000}
CG=${CG:-.venv/bin/commercegraph}
DEVI=$($CG token --customer devi@example.com)
STAFF=$($CG token --staff)
DOWNTOWN=U3RvcmU6aW52ZW50b3J5OmxvY19kb3dudG93bg==   # Store:inventory:loc_downtown
BERLIN=U3RvcmU6aW52ZW50b3J5OmxvY19iZXJsaW5fbWl0dGU=  # Store:inventory:loc_berlin_mitte
RUN=$(date +%s)                                       # fresh idempotency keys per run
NOW=$(date -u +%Y-%m-%dT%H:%M:%SZ)

# gql TOKEN QUERY [VARIABLES-JSON] -> prints the answer, fails on errors
gql() {
  body=$(python3 -c 'import json,sys; print(json.dumps({"query": sys.argv[1], "variables": json.loads(sys.argv[2])}))' "$2" "${3:-{\}}")
  answer=$(curl -sS "$G/graphql" -H "Authorization: Bearer $1" -H 'Content-Type: application/json' \
    -H "Accept-Language: ${LANG_HEADER:-en-US}" -d "$body")
  echo "$answer"
  echo "$answer" | python3 -c 'import json,sys; d=json.load(sys.stdin); sys.exit(1 if d.get("errors") else 0)'
}
# pick PATH < answer -> one value out of the last answer (data.a.b.0.c)
pick() { python3 -c 'import json,sys
v=json.load(sys.stdin)["data"]
for k in sys.argv[1].split("."): v=v[int(k)] if k.isdigit() else v[k]
print(v)' "$1"; }
event() {
  curl -sS "$G/events" -H "Authorization: Bearer $1" -H 'Content-Type: application/json' -d "$2"; echo
}

say() { printf '\n## %s\n' "$*"; }

say "Devi walks into Downtown and signs in to the Wi-Fi: the portal greets her with her points."
event "$STAFF" '{"id":"wifi-'$RUN'","type":"wifi_login","occurredAt":"'$NOW'","channel":"STORE","storeId":"loc_downtown","zone":"entrance","identifiers":[{"kind":"LOYALTY_CARD","value":"LC-DEVI-0001"}]}'

say "Her app shows her world: wallet, points, segments and the offers that matter most first."
gql "$DEVI" '{ me { displayName wallet { balance { formatted } } loyalty { points tier }
  segments { key } offers(context: { channel: MOBILE_APP, near: { lat: 45.519, lon: -122.679 } }) { kind priority title } } }'

say "She tops up her wallet on her laptop."
gql "$DEVI" 'mutation($k: String!) { walletTopUp(amount: 2500, paymentMethodId: "pm_devi_1", idempotencyKey: $k) { balance { formatted } } }' \
  '{"k":"topup-'$RUN'"}'

say "Her coffee pods are due: the app fills her cart, and asking again adds nothing."
gql "$DEVI" 'mutation { autoFillCart(channel: MOBILE_APP) { cartId added { sku quantity } } }'
gql "$DEVI" 'mutation { autoFillCart(channel: MOBILE_APP) { cartId added { sku quantity } } }'

say "She asks for them every week instead."
gql "$DEVI" 'mutation { createDeliverySubscription(cadenceWeeks: 1) { id cadenceDays nextDate status } }'

say "At the till she pays with the app: it shows a one-time code..."
CODE=$(gql "$DEVI" 'mutation($s: ID!) { createStorePaymentCode(storeId: $s) { code expiresAt } }' '{"s":"'$DOWNTOWN'"}' | pick createStorePaymentCode.code)
echo "code: $CODE"

say "...the till redeems it: wallet debited, a store order, points earned, in one step."
gql "$STAFF" 'mutation($c: String!, $s: ID!, $k: String!) { redeemStorePaymentCode(code: $c, storeId: $s,
  sale: { lines: [{ sku: "SKU-SOD-0001", quantity: 2, unitPrice: 450 }] }, idempotencyKey: $k) {
  paid { formatted } walletBalance { formatted } rewards { pointsEarned points } } }' \
  '{"c":"'$CODE'","s":"'$DOWNTOWN'","k":"till-'$RUN'"}'

say "She orders running shoes for pickup, paying part from the wallet and the rest by PayPal."
CART=$(gql "$DEVI" 'mutation { createCart(channel: MOBILE_APP) { id } }' | pick createCart.id)
gql "$DEVI" 'mutation($c: ID!) { addCartLine(cartId: $c, sku: "SKU-RUN-0001", quantity: 1) { id } }' '{"c":"'$CART'"}'
ORDER=$(gql "$DEVI" 'mutation($c: ID!, $s: ID!, $k: String!) { placeOrder(cartId: $c, idempotencyKey: $k,
  fulfillment: { method: PICKUP, storeId: $s }, payment: { walletAmount: 1000, paymentMethodId: "pm_devi_1" }) {
  id total { formatted } rewards { pointsEarned } } }' '{"c":"'$CART'","s":"'$DOWNTOWN'","k":"shoes-'$RUN'"}' | pick placeOrder.id)
echo "order: $ORDER"

say "The store readies it and she collects it: her points from it become available."
gql "$STAFF" 'mutation($o: ID!) { changeOrderStatus(orderId: $o, status: READY_FOR_PICKUP) { changed } }' '{"o":"'$ORDER'"}'
gql "$STAFF" 'mutation($o: ID!) { changeOrderStatus(orderId: $o, status: COMPLETED) { pointsReleased referralPoints } }' '{"o":"'$ORDER'"}'

say "The shoes do not fit; she returns them in another store, refunded to wallet and card, stock back there."
gql "$STAFF" 'mutation($o: ID!, $l: ID!) { changeOrderStatus(orderId: $o, status: RETURNED, locationId: $l) {
  refunded { formatted } cardRefunded { formatted } pointsReversed restockedAt } }' '{"o":"'$ORDER'","l":"'$DOWNTOWN'"}'

say "She still sees what goes with running shoes, because she viewed them."
gql "$DEVI" '{ product(sku: "SKU-RUN-0001") { recommendations(kind: CROSS_SELL) { product { sku name } reason } } }'

say "Travelling in Berlin, the store answers in euros and German."
LANG_HEADER=de-DE gql "$DEVI" '{ product(sku: "SKU-COF-0001") { content { title locale }
  price(storeId: "'$BERLIN'") { final { formatted } } } }'

say "She pays a euro order from her dollar wallet: converted at a shown rate, never one for one."
CART=$(gql "$DEVI" 'mutation { createCart(channel: MOBILE_APP, currency: "EUR") { id } }' | pick createCart.id)
gql "$DEVI" 'mutation($c: ID!) { addCartLine(cartId: $c, sku: "SKU-COF-0001", quantity: 1) { id } }' '{"c":"'$CART'"}'
gql "$DEVI" 'mutation($c: ID!, $s: ID!, $k: String!) { placeOrder(cartId: $c, idempotencyKey: $k,
  fulfillment: { method: PICKUP, storeId: $s }, payment: { walletAmount: 100, paymentMethodId: "pm_devi_1" }) {
  total { formatted } payment { exchange { orderAmount { formatted } walletAmount { formatted } rate source } } } }' \
  '{"c":"'$CART'","s":"'$DOWNTOWN'","k":"eur-'$RUN'"}'

say "A friend gives her a gift card; she spends part of it beside her wallet."
GIFT=$(gql "$STAFF" 'mutation($k: String!) { issueGiftCard(amount: 2500, currency: "USD", idempotencyKey: $k) { code } }' \
  '{"k":"gift-'$RUN'"}' | pick issueGiftCard.code)
CART=$(gql "$DEVI" 'mutation { createCart(channel: MOBILE_APP) { id } }' | pick createCart.id)
gql "$DEVI" 'mutation($c: ID!) { addCartLine(cartId: $c, sku: "SKU-COF-0001", quantity: 1) { id } }' '{"c":"'$CART'"}'
gql "$DEVI" 'mutation($c: ID!, $s: ID!, $g: String!, $k: String!) { placeOrder(cartId: $c, idempotencyKey: $k,
  fulfillment: { method: PICKUP, storeId: $s }, payment: { giftCardCode: $g, giftCardAmount: 500, walletAmount: 500, paymentMethodId: "pm_devi_1" }) {
  payment { giftCardAmount { formatted } walletAmount { formatted } chargedAmount { formatted } } } }' \
  '{"c":"'$CART'","s":"'$DOWNTOWN'","g":"'$GIFT'","k":"giftpay-'$RUN'"}'
gql "$DEVI" 'query($g: String!) { giftCard(code: $g) { balance { formatted } } }' '{"g":"'$GIFT'"}'

say "She withdraws personalisation; personal recommendations stop at once."
gql "$DEVI" 'mutation { updateConsent(input: { personalization: false }) { personalization droppedWebhooks } }'
gql "$DEVI" '{ me { recommendations(kind: CROSS_SELL) { product { sku } } } }'
gql "$DEVI" 'mutation { updateConsent(input: { personalization: true }) { personalization } }'

say "She downloads everything held about her, grouped by the system that holds it."
gql "$DEVI" '{ me { dataExport } }' | python3 -c 'import json,sys; d=json.loads(json.load(sys.stdin)["data"]["me"]["dataExport"]); print(sorted(d))'
