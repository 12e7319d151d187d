"""A port adapter that speaks the REST contract (``openapi/<domain>.yaml``) over httpx.

One class serves every domain: its methods are the port's, each one HTTP request built
from ``endpoints.endpoints(domain)`` and decoded into canonical records by the port's type
hints. It is the reference client an in-house backend is tested against.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine, Sequence
from typing import Any, get_args, get_origin
from urllib.parse import urlsplit

from commercegraph.adapters.rest.client import RestClient
from commercegraph.adapters.rest.codec import WireFormatError, decode, encode
from commercegraph.adapters.rest.endpoints import Endpoint, endpoints
from commercegraph.errors import BackendUnavailable, NotFound

MAX_GET_URL = 2_000  # longer id lists go as POST /batch so no proxy truncates the URL
ERASURE_PATH = "/privacy/erasure"


class RestAdapter:
    name = "rest"

    def __init__(self, domain: str, client: RestClient, *, erasure: bool = False) -> None:
        self.domain = domain
        self.supports_erasure = erasure  # declared by configuration: the backend serves it
        self.client = client
        self.endpoint = client.endpoint
        self.display_name = urlsplit(client.endpoint).netloc.rpartition("@")[2]
        for operation, spec in endpoints(domain).items():
            setattr(self, operation, self._method(spec))

    def _method(self, spec: Endpoint) -> Callable[..., Coroutine[Any, Any, Any]]:
        async def call(*args: Any, **kwargs: Any) -> Any:
            return await self.call(spec, args, kwargs)

        call.__name__ = spec.operation
        return call

    async def call(self, spec: Endpoint, args: Sequence[Any], kwargs: dict[str, Any]) -> Any:
        bound = dict(zip(spec.params, args, strict=False)) | kwargs
        if spec.kind == "all":
            body = await self.client.request("GET", spec.path)
            return self._decode(spec, body, "items")
        if spec.kind == "write":
            headers = {}
            if bound.get("idempotency_key"):
                headers["Idempotency-Key"] = str(bound["idempotency_key"])
            body = await self.client.request("POST", spec.path, json=encode(bound), headers=headers)
            return self._decode(spec, body, "item")
        keys = list(bound[spec.params[0]])
        if not keys:
            return []
        ids = ",".join(keys) if spec.kind == "ids" else ""
        try:
            if spec.kind == "ids" and len(ids) < MAX_GET_URL and all("," not in k for k in keys):
                body = await self.client.request("GET", spec.path, params={"ids": ids})
            else:
                body = await self.client.request(
                    "POST", f"{spec.path}/batch", json={"keys": encode(keys)}, read=True
                )
        except NotFound:
            # a backend that answers 404 knows none of the keys: each reads as missing
            (item,) = get_args(spec.result_type)
            if get_origin(item) is list:
                return [[] for _ in keys]
            if type(None) in get_args(item):
                return [None for _ in keys]
            raise
        items = self._decode(spec, body, "items")
        if len(items) != len(keys):
            raise BackendUnavailable(
                self.domain, f"The {self.domain} backend sent {len(items)} items for {len(keys)}"
            )
        return items

    def _decode(self, spec: Endpoint, body: Any, field: str) -> Any:
        try:
            return decode(spec.result_type, body[field])
        except (WireFormatError, KeyError, TypeError) as exc:
            raise BackendUnavailable(
                self.domain, f"The {self.domain} backend sent a malformed {spec.operation} answer"
            ) from exc

    async def erase_customer(self, customer_id: str) -> None:
        """Ask the backend to erase its copy of the customer's personal data (idempotent)."""
        await self.client.request(
            "POST",
            ERASURE_PATH,
            json={"customer_id": customer_id},
            headers={"Idempotency-Key": f"erasure:{customer_id}"},
        )

    async def health_check(self) -> None:
        """The backend's ``/healthz``, outside the circuit: readiness asks, callers do not."""
        await self.client.request("GET", "/healthz")

    async def aclose(self) -> None:
        await self.client.aclose()
