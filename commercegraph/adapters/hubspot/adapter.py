"""HubSpot contacts mapped to customer records, consent and write-back.

- ``customers_by_id``: ``POST /crm/v3/objects/contacts/batch/read`` with ``idProperty`` =
  the contact property holding our customer id (a unique-value property), 100 per request.
- ``resolve_identifiers``: ``POST /crm/v3/objects/contacts/search`` with ``email`` (or
  ``phone`` / ``mobilephone``) ``IN`` the values, paged with ``after``.
- ``consents``: marketing email from ``POST /communication-preferences/v4/statuses/batch/
  read?channel=EMAIL``; SMS and personalisation from two boolean contact properties.
- ``write_back``: ``POST /crm/v3/objects/contacts/batch/upsert``, 100 contacts a request,
  matched by email (or by our id property for customers without one).
"""

from __future__ import annotations

import logging
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, TypeVar

from commercegraph.adapters.base import ConsentRecord, CustomerPropertyUpdate, CustomerRecord
from commercegraph.adapters.hubspot.client import HubSpotClient
from commercegraph.errors import NotFound

if TYPE_CHECKING:
    from commercegraph.adapters.hubspot import HubSpotSettings

log = logging.getLogger("commercegraph.adapters.hubspot")

T = TypeVar("T")

BATCH_LIMIT = 100  # inputs per batch request, and values per IN filter, in HubSpot's API
SEARCH_PAGE = 100
CONTACTS = "/crm/v3/objects/contacts"
STATUSES = "/communication-preferences/v4/statuses/batch/read"
PHONE_PROPERTIES = ("phone", "mobilephone")


def chunks(values: Sequence[T], size: int = BATCH_LIMIT) -> Iterator[Sequence[T]]:
    for start in range(0, len(values), size):
        yield values[start : start + size]


def flag(value: Any) -> bool:
    return str(value).strip().lower() == "true"


def moment(value: Any) -> datetime:
    if not value:
        return datetime.fromtimestamp(0, UTC)
    parsed = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def property_value(value: str | int | None) -> str:
    """HubSpot takes every value as a string; an empty string clears the property."""
    return "" if value is None else str(value)


class HubSpotAdapter:
    capabilities = frozenset({"customer.profiles", "customer.consent", "customer.write_back"})
    name = "hubspot"
    display_name = "hubspot:customer"

    def __init__(self, client: HubSpotClient, settings: HubSpotSettings) -> None:
        self.client = client
        self.settings = settings

    def _profile_properties(self) -> list[str]:
        s = self.settings
        return [
            s.id_property,
            "email",
            "firstname",
            "lastname",
            s.customer_group_property,
            s.home_store_property,
        ]

    async def _contacts(
        self, customer_ids: Sequence[str], properties: list[str]
    ) -> dict[str, dict[str, Any]]:
        """Contacts by our customer id; ids HubSpot does not know are left out."""
        found: dict[str, dict[str, Any]] = {}
        id_property = self.settings.id_property
        for chunk in chunks(list(dict.fromkeys(customer_ids))):
            body = {
                "idProperty": id_property,
                "properties": properties,
                "inputs": [{"id": customer_id} for customer_id in chunk],
            }
            try:
                answer = await self.client.post(f"{CONTACTS}/batch/read", body)
            except NotFound:
                continue  # none of the chunk exists
            for contact in answer.get("results") or ():
                props = contact.get("properties") or {}
                key = props.get(id_property)
                if key:
                    found[str(key)] = contact
        return found

    def _record(self, contact: dict[str, Any]) -> CustomerRecord:
        s = self.settings
        props = contact.get("properties") or {}
        email = props.get("email") or None
        name = " ".join(p for p in (props.get("firstname"), props.get("lastname")) if p)
        return CustomerRecord(
            id=str(props[s.id_property]),
            display_name=name or email or str(props[s.id_property]),
            email=email,
            customer_group=props.get(s.customer_group_property) or s.default_customer_group,
            created_at=moment(contact.get("createdAt") or props.get("createdate")),
            home_store_id=props.get(s.home_store_property) or None,
        )

    async def customers_by_id(self, ids: Sequence[str]) -> list[CustomerRecord | None]:
        if not ids:
            return []
        contacts = await self._contacts(ids, self._profile_properties())
        return [self._record(contacts[i]) if i in contacts else None for i in ids]

    async def resolve_identifiers(self, identifiers: Sequence[tuple[str, str]]) -> list[str | None]:
        if not identifiers:
            return []
        emails = [v.lower() for kind, v in identifiers if kind == "EMAIL"]
        phones = [v for kind, v in identifiers if kind == "PHONE"]
        by_email = await self._search(("email",), list(dict.fromkeys(emails)))
        by_phone = await self._search(PHONE_PROPERTIES, list(dict.fromkeys(phones)))
        results: list[str | None] = []
        for kind, value in identifiers:
            if kind == "EMAIL":
                results.append(by_email.get(value.lower()))
            elif kind == "PHONE":
                results.append(by_phone.get(value))
            else:
                results.append(None)  # other identifiers live in the gateway's identity graph
        return results

    async def _search(self, properties: Sequence[str], values: list[str]) -> dict[str, str]:
        """Each value of ``properties`` (matched exactly) → our id of the contact holding it."""
        id_property = self.settings.id_property
        found: dict[str, str] = {}
        wanted = set(values)
        for chunk in chunks(values):
            after: str | None = None
            while True:
                body: dict[str, Any] = {
                    "filterGroups": [
                        {"filters": [{"propertyName": p, "operator": "IN", "values": list(chunk)}]}
                        for p in properties
                    ],
                    "properties": [id_property, *properties],
                    "limit": SEARCH_PAGE,
                }
                if after is not None:
                    body["after"] = after
                try:
                    answer = await self.client.post(f"{CONTACTS}/search", body, search=True)
                except NotFound:
                    break  # no contact to search: none of the values is known
                for contact in answer.get("results") or ():
                    props = contact.get("properties") or {}
                    customer_id = props.get(id_property)
                    if not customer_id:
                        continue  # a contact the gateway never wrote back to
                    for p in properties:
                        value = props.get(p)
                        value = value.lower() if p == "email" and value else value
                        if value in wanted:
                            found.setdefault(value, str(customer_id))
                after = ((answer.get("paging") or {}).get("next") or {}).get("after")
                if not after:
                    break
        return found

    async def consents(self, customer_ids: Sequence[str]) -> list[ConsentRecord | None]:
        if not customer_ids:
            return []
        s = self.settings
        contacts = await self._contacts(
            customer_ids,
            [s.id_property, "email", s.sms_consent_property, s.personalization_property],
        )
        emails = sorted(
            {
                str(c["properties"]["email"]).lower()
                for c in contacts.values()
                if c["properties"].get("email")
            }
        )
        subscribed = await self._subscribed(emails)
        results: list[ConsentRecord | None] = []
        for customer_id in customer_ids:
            contact = contacts.get(customer_id)
            if contact is None:
                results.append(None)
                continue
            props = contact["properties"]
            email = str(props.get("email") or "").lower()
            results.append(
                ConsentRecord(
                    marketing_email=email in subscribed,
                    marketing_sms=flag(props.get(s.sms_consent_property)),
                    personalization=flag(props.get(s.personalization_property)),
                )
            )
        return results

    async def _subscribed(self, emails: Sequence[str]) -> set[str]:
        """Emails subscribed to a marketing subscription type (any, unless some are named)."""
        wanted = {str(i) for i in self.settings.marketing_subscription_ids}
        subscribed: set[str] = set()
        for chunk in chunks(emails):
            try:
                answer = await self.client.post(
                    STATUSES, {"inputs": list(chunk)}, params={"channel": "EMAIL"}
                )
            except NotFound:
                continue
            for result in answer.get("results") or ():
                for status in result.get("statuses") or ():
                    if status.get("status") != "SUBSCRIBED":
                        continue
                    if wanted and str(status.get("subscriptionId")) not in wanted:
                        continue
                    subscribed.add(str(result.get("subscriberIdString") or "").lower())
        return subscribed

    def _properties(self, update: CustomerPropertyUpdate) -> dict[str, str]:
        names = self.settings.property_names()
        props = {names.get(k, k): property_value(v) for k, v in update.properties.items()}
        props[self.settings.id_property] = update.customer_id
        return props

    async def write_back(self, updates: Sequence[CustomerPropertyUpdate]) -> int:
        """Upsert each update's properties on its contact; returns how many HubSpot wrote.

        Repeating a write-back changes nothing: an upsert with the values a contact already
        holds leaves it as it is. Inputs HubSpot refuses one by one (a 207 answer) are
        logged and not counted.
        """
        by_email = self.settings.match_by == "email"
        keyed: list[dict[str, Any]] = []
        by_id: list[dict[str, Any]] = []
        for update in dict((u.customer_id, u) for u in updates).values():
            properties = self._properties(update)
            if by_email and update.email:
                keyed.append(
                    {"idProperty": "email", "id": update.email.lower(), "properties": properties}
                )
            else:
                by_id.append(
                    {
                        "idProperty": self.settings.id_property,
                        "id": update.customer_id,
                        "properties": properties,
                    }
                )
        written = 0
        for inputs in (keyed, by_id):
            for chunk in chunks(inputs):
                answer = await self.client.post(f"{CONTACTS}/batch/upsert", {"inputs": list(chunk)})
                written += len(answer.get("results") or ())
                for error in answer.get("errors") or ():
                    log.warning(
                        "hubspot refused a contact write-back: %s %s",
                        error.get("category"),
                        error.get("message"),
                    )
        return written

    async def aclose(self) -> None:
        await self.client.aclose()
