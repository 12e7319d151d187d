"""Error mapping, checked against a loopback server that answers what the kit asks.

A fresh adapter is pointed at ``FaultServer`` (through the fixture's ``fault_env``); then
- a 404 on a batch read is ``None`` (or ``[]``) for every key, never an error;
- a 409 on a write is our ``Conflict`` (or the refusal the write names, e.g. ``OutOfStock``);
- a 400 on a write is a refusal of our input, never a ``BackendError``;
- a 500, a 503, a dropped connection or a slow answer is a ``BackendError``
  (``BackendUnavailable`` / ``BackendTimeout``), the slow one before ``FAULT_DELAY_S``;
- an empty batch makes no request at all.
A call the adapter answers without asking the vendor (a relation the vendor keeps none of)
has no vendor failure to map and is not held to these rules.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from types import TracebackType
from typing import Any, Self

import orjson

from commercegraph.adapters.base import (
    CartQuery,
    ContentKey,
    OrderQuery,
    ProductSearch,
    ReservationLine,
    TransactionQuery,
)
from commercegraph.contract.fixture import (
    FAULT_DELAY_S,
    MISSING,
    ContractFixture,
    ContractViolation,
    expect,
)
from commercegraph.contract.writes import fresh, new_order
from commercegraph.errors import (
    BackendError,
    CommerceGraphError,
    Conflict,
    InsufficientFunds,
    OutOfStock,
)

CALL_LIMIT_S = FAULT_DELAY_S + 3.0  # a call still pending by then hangs: a violation itself
REASONS = {
    200: "OK",
    400: "Bad Request",
    404: "Not Found",
    409: "Conflict",
    500: "Internal Server Error",
    503: "Service Unavailable",
}


class LoopbackServer:
    """HTTP/1.1 on 127.0.0.1 reading each request whole and answering what ``answer`` gives:
    ``(status, JSON body)``, or ``None`` to close without answering. Counts requests."""

    def __init__(self) -> None:
        self.requests = 0
        self._server: asyncio.Server | None = None
        self.url = ""

    async def __aenter__(self) -> Self:
        self._server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        port = self._server.sockets[0].getsockname()[1]
        self.url = f"http://127.0.0.1:{port}"
        return self

    async def __aexit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        assert self._server is not None
        self._server.close()
        await self._server.wait_closed()

    async def answer(self) -> tuple[int, Any] | None:
        raise NotImplementedError

    async def _handle(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            length = 0
            for line in head.split(b"\r\n"):
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value.strip())
            if length:
                await reader.readexactly(length)
            self.requests += 1
            answered = await self.answer()
            if answered is None:
                return
            status, payload = answered
            body = orjson.dumps(payload)
            reason = REASONS.get(status, "Error")
            writer.write(
                f"HTTP/1.1 {status} {reason}\r\n"
                f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n"
                "Connection: close\r\n\r\n".encode()
                + body
            )
            await writer.drain()
        except (asyncio.IncompleteReadError, ConnectionError):
            pass
        finally:
            writer.close()


class FaultServer(LoopbackServer):
    """Answers every request with ``mode``: a status (404, 409, 500, ...), ``"drop"`` (close
    without answering) or ``"slow"`` (answer 503 after ``FAULT_DELAY_S``)."""

    def __init__(self) -> None:
        super().__init__()
        self.mode: int | str = 503

    async def answer(self) -> tuple[int, Any] | None:
        if self.mode == "drop":
            return None
        if self.mode == "slow":
            await asyncio.sleep(FAULT_DELAY_S)
        status = 503 if self.mode == "slow" else int(self.mode)
        return status, {"message": REASONS.get(status, "Error"), "status": status}


Call = Callable[[Any, ContractFixture], Awaitable[Any]]


@dataclass(frozen=True)
class Sample:
    """One call of a capability's method on the fixture's keys."""

    method: str
    call: Call
    keys: int = 0  # a keyed batch read of this many keys: a 404 is None/[] for each
    refusals: tuple[type[CommerceGraphError], ...] = (Conflict,)


def _expires() -> datetime:
    return datetime.now(UTC) + timedelta(minutes=15)


SAMPLES: dict[str, tuple[Sample, ...]] = {
    "commerce.catalog": (
        Sample("products_by_id", lambda a, fx: a.products_by_id([fx.product_id, MISSING]), 2),
        Sample("products_by_sku", lambda a, fx: a.products_by_sku([fx.sku, MISSING]), 2),
        Sample("categories_by_id", lambda a, fx: a.categories_by_id([MISSING]), 1),
        Sample(
            "related_products",
            lambda a, fx: a.related_products([(fx.product_id, "ACCESSORY")]),
            1,
        ),
    ),
    "commerce.search": (
        Sample("search_products", lambda a, fx: a.search_products([ProductSearch(first=3)])),
        Sample("product_facets", lambda a, fx: a.product_facets([ProductSearch()])),
    ),
    "commerce.carts": (
        Sample("carts_by_id", lambda a, fx: a.carts_by_id([MISSING]), 1),
        Sample("carts_for_customers", lambda a, fx: a.carts_for_customers([CartQuery(MISSING)])),
        Sample("create_cart", lambda a, fx: a.create_cart(fx.customer_id, fx.channel, fx.currency)),
        Sample("set_cart_line", lambda a, fx: a.set_cart_line(MISSING, fx.sku, 1)),
        Sample("replace_cart_line", lambda a, fx: a.replace_cart_line(MISSING, fx.sku, 1)),
    ),
    "commerce.orders": (
        Sample("orders_by_id", lambda a, fx: a.orders_by_id([MISSING, MISSING]), 2),
        Sample(
            "orders_for_customers",
            lambda a, fx: a.orders_for_customers([OrderQuery(fx.customer_id)]),
        ),
        Sample("place_order", lambda a, fx: a.place_order(new_order(fx, MISSING, fresh("order")))),
        Sample(
            "order_for_key", lambda a, fx: a.order_for_key(fx.customer_id, fresh("order"), MISSING)
        ),
    ),
    "content.entries": (
        Sample(
            "entries",
            lambda a, fx: a.entries([ContentKey("product", fx.product_id, fx.locale, sku=fx.sku)]),
            1,
        ),
    ),
    "customer.profiles": (
        Sample("customers_by_id", lambda a, fx: a.customers_by_id([fx.customer_id]), 1),
        Sample(
            "resolve_identifiers",
            lambda a, fx: a.resolve_identifiers([("EMAIL", fx.customer_email)]),
            1,
        ),
    ),
    "customer.consent": (Sample("consents", lambda a, fx: a.consents([fx.customer_id]), 1),),
    "pricing.prices": (
        Sample("price_rows", lambda a, fx: a.price_rows([(fx.sku, fx.currency)]), 1),
    ),
    "inventory.locations": (
        Sample("locations", lambda a, fx: a.locations()),
        Sample("locations_by_id", lambda a, fx: a.locations_by_id([fx.store_id]), 1),
    ),
    "inventory.stock": (Sample("stock", lambda a, fx: a.stock([fx.sku, MISSING]), 2),),
    "inventory.reservations": (
        Sample("reservations", lambda a, fx: a.reservations([MISSING]), 1),
        Sample(
            "reserve",
            lambda a, fx: a.reserve(
                fresh("hold"), [ReservationLine(fx.sku, fx.stock_location_id, 1)], _expires()
            ),
            refusals=(Conflict, OutOfStock),
        ),
        Sample("commit_reservation", lambda a, fx: a.commit_reservation(fresh("hold"))),
        Sample("release_reservation", lambda a, fx: a.release_reservation(fresh("hold"))),
    ),
    "wallet.balances": (
        Sample("wallets", lambda a, fx: a.wallets([fx.customer_id]), 1),
        Sample("transactions", lambda a, fx: a.transactions([TransactionQuery(fx.customer_id)])),
    ),
    "wallet.payments": (
        Sample(
            "pay",
            lambda a, fx: a.pay(fx.customer_id, 1, "contract check", fresh("pay")),
            refusals=(Conflict, InsufficientFunds),
        ),
        Sample("find_posting", lambda a, fx: a.find_posting(fx.customer_id, fresh("pay"))),
    ),
    "wallet.payment_methods": (
        Sample("payment_methods", lambda a, fx: a.payment_methods([fx.customer_id]), 1),
    ),
    "wallet.loyalty": (
        Sample("loyalty_accounts", lambda a, fx: a.loyalty_accounts([fx.customer_id]), 1),
        Sample("reward_credits", lambda a, fx: a.reward_credits([fx.customer_id]), 1),
    ),
}


def is_read(capability: str, method: str) -> bool:
    from commercegraph.ports.capabilities import methods_of

    return methods_of(capability)[method]


async def _outcome(sample: Sample, adapter: Any, fx: ContractFixture) -> tuple[Any, float]:
    """``(result or the exception raised, seconds taken)``."""
    started = time.monotonic()
    try:
        result: Any = await asyncio.wait_for(sample.call(adapter, fx), CALL_LIMIT_S)
    except TimeoutError:
        raise ContractViolation(
            f"{sample.method}: still waiting after {CALL_LIMIT_S:.0f} s (no timeout set)"
        ) from None
    except Exception as exc:  # the outcome under test
        result = exc
    return result, time.monotonic() - started


def _name(outcome: Any) -> str:
    return type(outcome).__name__ if isinstance(outcome, BaseException) else repr(outcome)[:80]


async def check_errors(
    capability: str, adapter: Any, server: FaultServer, fx: ContractFixture
) -> None:
    samples = SAMPLES.get(capability, ())
    server.mode, server.requests = 503, 0
    for sample in samples:
        if sample.keys:
            method = getattr(adapter, sample.method)
            expect(await method([]) == [], f"{sample.method}([]) == [] on a failing backend")
    expect(server.requests == 0, f"{capability}: an empty batch makes no request")
    for mode in (404, 409, 400, 500, 503, "drop", "slow"):
        server.mode = mode
        for sample in samples:
            asked = server.requests
            outcome, took = await _outcome(sample, adapter, fx)
            if server.requests == asked and not isinstance(outcome, BaseException):
                continue  # answered without asking the vendor (it keeps no such data)
            rule = f"{sample.method} on a vendor {mode}"
            read = is_read(capability, sample.method)
            if mode == 404 and sample.keys:
                expect(
                    isinstance(outcome, list)
                    and len(outcome) == sample.keys
                    and all(r is None or r == [] for r in outcome),
                    f"{rule}: None or [] for every key, got {_name(outcome)}",
                )
            elif mode == 404 or (read and mode in (409, 400)):
                expect(
                    not isinstance(outcome, BaseException)
                    or isinstance(outcome, CommerceGraphError),
                    f"{rule}: an answer or one of our errors, got {_name(outcome)}",
                )
            elif mode == 409:
                expect(
                    isinstance(outcome, sample.refusals),
                    f"{rule}: {' or '.join(r.__name__ for r in sample.refusals)}, "
                    f"got {_name(outcome)}",
                )
            elif mode == 400:
                expect(
                    isinstance(outcome, CommerceGraphError)
                    and not isinstance(outcome, BackendError),
                    f"{rule}: a refusal of our input (not a backend failure), got {_name(outcome)}",
                )
            else:
                expect(
                    isinstance(outcome, BackendError),
                    f"{rule}: a BackendError (unavailable or timeout), got {_name(outcome)}",
                )
                if mode == "slow":
                    expect(took < FAULT_DELAY_S, f"{rule}: times out before {FAULT_DELAY_S} s")
