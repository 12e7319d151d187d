"""Scan-and-go: the app scans shelf barcodes into a cart bound to one store, pays it from
the wallet, and shows an exit code the store's door or staff verify.

Checking out is the ordinary checkout saga (stock held and sold at that store, the wallet
debited, the same key answering the first outcome). The exit code is
``order.store.issued.signature``: an HMAC-SHA256, under a key derived from the gateway's
signing secret, over the order, the store and the moment the order was placed, so it
verifies without a lookup, refuses any change, and expires ``CG_EXIT_CODE_TTL_SECONDS``
after the purchase.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from commercegraph.adapters.base import CartRecord, CommerceBackend, LocationRecord, OrderRecord
from commercegraph.usecases.quote import quote_cart
from commercegraph.usecases.settlement import Settled
from commercegraph.usecases.shopping import ShoppingPorts

SIGNATURE_CHARS = 43  # the whole SHA-256, base64url without padding
MAX_EXIT_CODE = 200


@dataclass(frozen=True, slots=True)
class ExitPass:
    settled: Settled
    code: str
    expires_at: datetime


@dataclass(frozen=True, slots=True)
class ExitCheck:
    status: str  # VALID | TAMPERED | EXPIRED | OTHER_STORE
    order: OrderRecord | None
    expires_at: datetime | None


def _key(secret: str) -> bytes:
    return hmac.new(secret.encode(), b"scan-and-go exit code", "sha256").digest()


def exit_signature(secret: str, order_id: str, store_id: str, issued: int) -> str:
    mac = hmac.new(_key(secret), f"{order_id}|{store_id}|{issued}".encode(), hashlib.sha256)
    return base64.urlsafe_b64encode(mac.digest()).decode().rstrip("=")


def exit_code(
    secret: str, order: OrderRecord, store_id: str, ttl_seconds: int
) -> tuple[str, datetime]:
    issued = int(order.placed_at.timestamp())
    code = f"{order.id}.{store_id}.{issued}.{exit_signature(secret, order.id, store_id, issued)}"
    return code, datetime.fromtimestamp(issued, UTC) + timedelta(seconds=ttl_seconds)


async def wallet_share(
    ports: ShoppingPorts, customer_id: str, cart: CartRecord, store_id: str, now: datetime
) -> int:
    """What the wallet pays, in the cart's currency: the total less the reward credit the
    checkout takes first. A wallet in another currency is converted by the checkout at the
    pricing side's rate, or refused with ``CURRENCY_MISMATCH``."""
    quote = await quote_cart(
        ports.prices,
        customer_id,
        cart.lines,
        channel=cart.channel,
        currency=cart.currency,
        now=now,
        store_id=store_id,
    )
    credit = await ports.reads.reward_credit.load(customer_id)
    from_credit = credit.amount if credit is not None and credit.currency == cart.currency else 0
    return max(0, quote.total.amount - from_credit)


async def verify(
    commerce: CommerceBackend,
    secret: str,
    code: str,
    store: LocationRecord,
    now: datetime,
    ttl_seconds: int,
) -> ExitCheck:
    parts = code.split(".") if len(code) <= MAX_EXIT_CODE else []
    if len(parts) != 4 or not parts[2].isdigit() or len(parts[3]) != SIGNATURE_CHARS:
        return ExitCheck("TAMPERED", None, None)
    order_id, store_id, issued_text, signature = parts
    issued = int(issued_text)
    if not hmac.compare_digest(signature, exit_signature(secret, order_id, store_id, issued)):
        return ExitCheck("TAMPERED", None, None)
    (order,) = await commerce.orders_by_id([order_id])
    if order is None or order.store_id != store_id:
        return ExitCheck("TAMPERED", None, None)
    expires_at = datetime.fromtimestamp(issued, UTC) + timedelta(seconds=ttl_seconds)
    if store_id != store.id:
        return ExitCheck("OTHER_STORE", order, expires_at)
    if now >= expires_at:
        return ExitCheck("EXPIRED", order, expires_at)
    return ExitCheck("VALID", order, expires_at)
