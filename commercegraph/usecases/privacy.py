"""The customer's own consent, the export of everything held about them, and erasure.

Erasure runs as named steps, each idempotent and recorded once done, so a run that dies
half-way is finished by the next and a finished one answers as it is. Each step and each
backend it reaches leaves an audit entry. Orders and the ledger keep their amounts, so the
books still balance; what names the person goes, and a tombstone of each identifier stops
later events from bringing them back.
"""

from __future__ import annotations

import dataclasses
import json
from datetime import datetime
from typing import Any

from commercegraph.adapters.base import ConsentRecord, OrderQuery, TransactionQuery
from commercegraph.adapters.native.privacy import gateway_state
from commercegraph.adapters.registry import AdapterRegistry
from commercegraph.errors import BadUserInput, NotFound
from commercegraph.loaders import Loaders

EXPORT_LIMIT = 200  # items per collection in an export: a bounded document, marked when cut
EXPORT_PAGE = 100  # the page size the commerce and wallet ports are asked for
ERASURE_STEPS = ("identifiers", "profile", "personalisation", "outbox", "events", "backends")


@dataclasses.dataclass(frozen=True, slots=True)
class PrivacyPorts:
    """The registry (the privacy log, every backend asked to erase) and the reads."""

    registry: AdapterRegistry
    reads: Loaders


async def update_consent(
    ports: PrivacyPorts,
    customer_id: str,
    *,
    marketing_email: bool | None,
    marketing_sms: bool | None,
    personalization: bool | None,
    actor: str,
    now: datetime,
) -> tuple[ConsentRecord, list[str]]:
    """Change the customer's own consent; fields left out keep their value. Answers the new
    consent and the queued webhooks dropped because it no longer allows them."""
    if marketing_email is None and marketing_sms is None and personalization is None:
        raise BadUserInput("Give at least one consent to change", argument="input")
    current = await ports.reads.consent.load(customer_id) or ConsentRecord(False, False, False)
    wanted = ConsentRecord(
        current.marketing_email if marketing_email is None else marketing_email,
        current.marketing_sms if marketing_sms is None else marketing_sms,
        current.personalization if personalization is None else personalization,
    )
    log = ports.registry.privacy_log()
    before = await log.set_consent(customer_id, wanted, now)
    dropped = await log.drop_queued_without_consent(customer_id)
    await log.audit(
        customer_id,
        "CONSENT",
        actor,
        now,
        backend=ports.registry.names.get("customer", "native"),
        details={
            "before": None if before is None else dataclasses.asdict(before),
            "after": dataclasses.asdict(wanted),
            "droppedWebhooks": dropped,
        },
    )
    ports.reads.consent.clear(customer_id)
    ports.reads.consent.prime(customer_id, wanted)
    return wanted, dropped


def _plain(value: Any) -> Any:
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, (list, tuple)):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value


async def _pages(loader: Any, make: Any) -> tuple[list[Any], bool]:
    items: list[Any] = []
    after = None
    while len(items) < EXPORT_LIMIT:
        page = await loader.load(make(after))
        items.extend(page.items)
        if not page.has_next_page or page.end_cursor is None:
            return items[:EXPORT_LIMIT], len(items) > EXPORT_LIMIT
        after = page.end_cursor
    return items[:EXPORT_LIMIT], True


def _collection(items: list[Any], truncated: bool) -> dict[str, Any]:
    return {"items": _plain(items), "truncated": truncated}


async def data_export(ports: PrivacyPorts, customer_id: str, actor: str, now: datetime) -> str:
    """Everything held about the customer, grouped by domain and the backend that holds it,
    as one JSON document; each collection at most ``EXPORT_LIMIT`` items."""
    loaders, names, log = ports.reads, ports.registry.names, ports.registry.privacy_log()
    profile = await loaders.customer_by_id.load(customer_id)
    if profile is None:
        raise NotFound(f"Customer {customer_id!r} not found")
    orders, more_orders = await _pages(
        loaders.orders, lambda after: OrderQuery(customer_id, EXPORT_PAGE, after)
    )
    postings, more_postings = await _pages(
        loaders.wallet_transactions,
        lambda after: TransactionQuery(customer_id, EXPORT_PAGE, after),
    )
    document = {
        "customerId": customer_id,
        "generatedAt": now.isoformat(),
        "limits": {"itemsPerCollection": EXPORT_LIMIT},
        "customer": {
            "backend": names.get("customer", "native"),
            "profile": _plain(profile),
            "identifiers": _plain(await loaders.identities.load(customer_id)),
            "consent": _plain(await loaders.consent.load(customer_id)),
        },
        "commerce": {
            "backend": names.get("commerce", "native"),
            "orders": _collection(orders, more_orders),
        },
        "wallet": {
            "backend": names.get("wallet", "native"),
            "wallet": _plain(await loaders.wallet.load(customer_id)),
            "transactions": _collection(postings, more_postings),
            "loyalty": _plain(await loaders.loyalty.load(customer_id)),
            "paymentMethods": _plain(await loaders.payment_methods.load(customer_id)),
        },
        "gateway": {
            "backend": "native",
            **await gateway_state(ports.registry.privacy_log().store, customer_id, EXPORT_LIMIT),
            "privacyAudit": await ports.registry.privacy_log().audit_trail(
                customer_id, EXPORT_LIMIT
            ),
        },
    }
    await log.audit(customer_id, "EXPORT", actor, now)
    return json.dumps(document, sort_keys=True, default=str)


@dataclasses.dataclass(frozen=True)
class ErasureOutcome:
    customer_id: str
    steps: tuple[str, ...]
    completed: bool
    forwarded: tuple[str, ...]  # backends that erased their copy too


async def request_erasure(
    ports: PrivacyPorts, customer_id: str, actor: str, now: datetime
) -> ErasureOutcome:
    """Erase the customer; safe to run again."""
    log = ports.registry.privacy_log()
    started = await log.erasure(customer_id) is not None
    if not started and (await ports.reads.customer_by_id.load(customer_id)) is None:
        raise NotFound(f"Customer {customer_id!r} not found")
    done, completed = await log.start_erasure(customer_id, now)
    forwarded: list[str] = []
    for step in ERASURE_STEPS:
        if step in done:
            continue
        details: dict[str, Any] = {}
        if step == "identifiers":
            details["unlinked"] = await log.erase_identifiers(customer_id, now)
        elif step == "profile":
            await log.erase_profile(customer_id, now)
        elif step == "personalisation":
            details.update(await log.erase_personalisation(customer_id))
        elif step == "outbox":
            details["droppedWebhooks"] = await log.drop_queued(customer_id)
        elif step == "events":
            details["scrubbed"] = await log.erase_events(customer_id)
        else:
            forwarded = await _forward(ports, customer_id, actor, now)
            details["forwardedTo"] = forwarded
        await log.audit(
            customer_id, "ERASURE", actor, now, step=step, backend="native", details=details
        )
        await log.step_done(customer_id, step)
    await log.finish_erasure(customer_id, now)
    if not completed:
        await log.audit(customer_id, "ERASURE", actor, now, step="completed")
    ports.reads.customer_by_id.clear(customer_id)
    return ErasureOutcome(customer_id, ERASURE_STEPS, True, tuple(forwarded))


async def _forward(ports: PrivacyPorts, customer_id: str, actor: str, now: datetime) -> list[str]:
    """Ask each other backend that declares erasure to erase its copy; the native store's
    was erased by the steps before. Each backend is asked once, however many domains it
    serves."""
    seen: set[tuple[str, str | None]] = set()
    forwarded = []
    for domain, adapter in ports.registry.guarded():
        name = getattr(adapter, "adapter_name", None) or ports.registry.names.get(domain, "native")
        backend = (name, getattr(adapter, "endpoint", None))
        if name == "native" or backend in seen:
            continue
        seen.add(backend)
        erase = getattr(adapter, "erase_customer", None)
        supported = bool(getattr(adapter, "supports_erasure", False)) and callable(erase)
        if supported and erase is not None:
            await erase(customer_id)
            forwarded.append(f"{domain}:{name}")
        await ports.registry.privacy_log().audit(
            customer_id,
            "ERASURE",
            actor,
            now,
            step="forward",
            backend=f"{domain}:{name}",
            details={"supported": supported},
        )
    return forwarded
