"""The GraphQL-over-HTTP rules on top of Strawberry's ASGI view.

- ``Accept: application/graphql-response+json`` gets that media type, and a request error
  (parse, validation, a refused limit: no ``data``) answers 400. ``application/json`` (and
  no ``Accept``, or ``*/*``) keeps the legacy rule: 200 with the errors in the body.
- A POST must be ``application/json`` (UTF-8): anything else is 415. An ``Accept`` that
  allows neither JSON type is 406. A mutation over GET is 405 with ``Allow: POST``.
- The body is bounded, and so is the nesting of its JSON (and of GET ``variables`` and
  ``extensions``); batches follow the batch policy; every refusal is coded JSON.
"""

from __future__ import annotations

import json
from functools import lru_cache
from typing import Any

from cross_web import AsyncHTTPRequestAdapter, HTTPException
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Message, Receive, Scope, Send
from strawberry.asgi import GraphQL
from strawberry.http import GraphQLHTTPResponse, GraphQLRequestData, GraphQLRequestProtocol
from strawberry.http.parse_content_type import parse_content_type
from strawberry.schema.exceptions import InvalidOperationTypeError
from strawberry.types import ExecutionResult

from commercegraph.context import Context
from commercegraph.limits.batching import BatchPolicy, BatchRefused
from commercegraph.security import json_depth
from commercegraph.security.http_errors import (
    GRAPHQL_RESPONSE,
    JSON,
    CodedHTTPError,
    from_http_exception,
)

MEDIA_TYPE_KEY = "graphql_media_type"


class BodyTooLarge(Exception):
    pass


@lru_cache(maxsize=256)  # clients send a handful of distinct headers; bounded all the same
def negotiate(accept: str | None) -> str | None:
    """The response media type for an ``Accept`` header, or None when none is acceptable."""
    if not accept or not accept.strip():
        return JSON
    weights = {GRAPHQL_RESPONSE: 0.0, JSON: 0.0}
    for entry in accept.split(","):
        media, _, params = entry.strip().partition(";")
        media = media.strip().lower()
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip().lower() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if media == GRAPHQL_RESPONSE:
            weights[GRAPHQL_RESPONSE] = max(weights[GRAPHQL_RESPONSE], quality)
        elif media in (JSON, "application/*", "*/*"):
            weights[JSON] = max(weights[JSON], quality)
    if weights[GRAPHQL_RESPONSE] > 0 and weights[GRAPHQL_RESPONSE] >= weights[JSON]:
        return GRAPHQL_RESPONSE
    return JSON if weights[JSON] > 0 else None


@lru_cache(maxsize=64)  # a few distinct headers in practice; client-chosen, so bounded
def is_json_utf8(content_type: str) -> bool:
    media, params = parse_content_type(content_type)
    return media == JSON and params.get("charset", "utf-8").lower() in ("utf-8", "utf8")


def _bounded(receive: Receive, max_bytes: int) -> Receive:
    seen = 0

    async def bounded_receive() -> Message:
        nonlocal seen
        message = await receive()
        if message["type"] == "http.request":
            seen += len(message.get("body", b""))
            if seen > max_bytes:
                raise BodyTooLarge
        return message

    return bounded_receive


def is_request_error(result: ExecutionResult) -> bool:
    """No data and no error tied to a field: the operation never ran."""
    return (
        result.data is None
        and bool(result.errors)
        and all(e.path is None for e in result.errors or ())
    )


def _request_data(
    data: dict[str, Any], protocol: GraphQLRequestProtocol, *, checked: bool = False
) -> GraphQLRequestData:
    """One operation of a body; ``checked``, a single one, whose members must have their
    types (a batch's are taken as they are, as Strawberry does)."""
    query, variables = data.get("query"), data.get("variables")
    extensions = data.get("extensions")
    if checked:
        for name, value, kinds in (
            ("query", query, "a string"),
            ("variables", variables, "an object"),
            ("extensions", extensions, "an object"),
        ):
            if value is not None and not isinstance(value, str if name == "query" else dict):
                raise HTTPException(
                    400,
                    f"The GraphQL operation's `{name}` must be {kinds} or null, if provided.",
                )
    return GraphQLRequestData(
        query=query,
        variables=variables,
        operation_name=data.get("operationName"),
        extensions=extensions,
        protocol=protocol,
    )


class GraphQLOverHTTP(GraphQL[Context, None]):
    batch_policy = BatchPolicy()
    max_body_bytes = 262_144
    max_json_depth = json_depth.DEFAULT_MAX_DEPTH

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await super().__call__(scope, receive, send)
            return
        request = Request(scope, receive=_bounded(receive, self.max_body_bytes))
        media = negotiate(request.headers.get("accept"))
        scope.setdefault("state", {})[MEDIA_TYPE_KEY] = media or JSON
        try:
            response = await self._answer(request, media)
        except HTTPException as exc:
            response = from_http_exception(exc, media or JSON)
        await response(scope, receive, send)

    async def _answer(self, request: Request, media: str | None) -> Response:
        length = request.headers.get("content-length", "")
        if length.isdigit() and int(length) > self.max_body_bytes:
            raise self._too_large()
        params = request.query_params
        wants_ide = request.method == "GET" and not ({"query", "extensions"} & set(params))
        if media is None and not wants_ide:
            raise CodedHTTPError(
                406,
                "NOT_ACCEPTABLE",
                f"Responses are {GRAPHQL_RESPONSE} or {JSON}; the Accept header allows neither.",
            )
        try:
            return await self.run(request)
        except BodyTooLarge:
            raise self._too_large() from None

    def should_render_graphql_ide(self, request: Any) -> bool:
        # a GET carrying only a persisted-operation hash is an operation, not a page
        return bool(
            super().should_render_graphql_ide(request)
            and request.query_params.get("extensions") is None
        )

    def _too_large(self) -> CodedHTTPError:
        return CodedHTTPError(
            413,
            "REQUEST_TOO_LARGE",
            f"The request body exceeds {self.max_body_bytes} bytes.",
            limit=self.max_body_bytes,
        )

    def _refuse_deep(self, raw: bytes | str | None) -> None:
        if json_depth.too_deep(raw, self.max_json_depth):
            raise CodedHTTPError(
                400,
                json_depth.CODE,
                f"JSON may nest at most {self.max_json_depth} levels deep.",
                limit=self.max_json_depth,
            )

    async def parse_http_body(
        self, request: AsyncHTTPRequestAdapter
    ) -> GraphQLRequestData | list[GraphQLRequestData]:
        if request.method == "GET":
            for name in ("variables", "extensions"):
                self._refuse_deep(request.query_params.get(name))
        if request.method != "POST":
            return await super().parse_http_body(request)
        if not is_json_utf8(request.content_type or ""):
            raise CodedHTTPError(
                415,
                "UNSUPPORTED_MEDIA_TYPE",
                "POST bodies must be application/json (UTF-8).",
            )
        body = await request.get_body()
        self._refuse_deep(body)
        try:
            data = json.loads(body)
        except (json.JSONDecodeError, UnicodeDecodeError):
            raise CodedHTTPError(
                400, "BAD_REQUEST", "The request body is not valid JSON."
            ) from None
        items = data if isinstance(data, list) else [data]
        if not items or not all(isinstance(item, dict) for item in items):
            raise CodedHTTPError(
                400, "BAD_REQUEST", "The body must be a JSON object with a `query`."
            )
        # Strawberry's rules for a decoded JSON body, without parsing the content type and
        # decoding the body a second time
        transport = self._get_stream_transport_from_headers(request.headers)
        protocol: GraphQLRequestProtocol = transport.protocol if transport else "http"
        if isinstance(data, list):
            self._validate_batch_request(data, protocol=protocol)
            return [_request_data(item, protocol) for item in data]
        return _request_data(data, protocol, checked=True)

    def _validate_batch_request(
        self, request_data: list[GraphQLRequestData], protocol: GraphQLRequestProtocol
    ) -> None:
        try:
            self.batch_policy.check(len(request_data))
        except BatchRefused as exc:
            raise CodedHTTPError(
                400, exc.code, exc.message, maxOperations=exc.max_operations
            ) from None
        if protocol != "http":
            raise CodedHTTPError(400, "BAD_REQUEST", "Batches cannot be streamed.")

    async def execute_single(self, *args: Any, **kwargs: Any) -> Any:
        try:
            return await super().execute_single(*args, **kwargs)
        except HTTPException as exc:
            adapter = kwargs.get("request_adapter")
            if isinstance(exc.__cause__, InvalidOperationTypeError) and (
                adapter is not None and adapter.method == "GET"
            ):
                raise CodedHTTPError(
                    405,
                    "METHOD_NOT_ALLOWED",
                    "Only queries may be sent with GET; use POST.",
                    headers={"Allow": "POST"},
                ) from None
            raise

    async def get_sub_response(self, request: Any) -> Response:
        sub_response = await super().get_sub_response(request)
        sub_response.media_type = request.scope.get("state", {}).get(MEDIA_TYPE_KEY, JSON)
        return sub_response

    async def process_result(self, request: Any, result: ExecutionResult) -> GraphQLHTTPResponse:
        processed = await super().process_result(request, result)
        media = request.scope.get("state", {}).get(MEDIA_TYPE_KEY, JSON)
        if media == GRAPHQL_RESPONSE and is_request_error(result):
            processed.pop("data", None)
        return processed

    def create_response(
        self,
        response_data: GraphQLHTTPResponse | list[GraphQLHTTPResponse],
        sub_response: Response,
    ) -> Response:
        response = super().create_response(response_data, sub_response)
        if sub_response.media_type == GRAPHQL_RESPONSE:
            response.headers["content-type"] = GRAPHQL_RESPONSE
            if isinstance(response_data, dict) and "data" not in response_data:
                response.status_code = 400
        return response
