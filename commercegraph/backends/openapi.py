"""OpenAPI 3.1 documents of the REST contract, generated from the ports.

``commercegraph backends openapi`` writes ``openapi/<domain>.yaml``; a test fails when the
checked-in documents drift from the ports.
"""

from __future__ import annotations

import dataclasses
import inspect
import types
import typing
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from enum import Enum
from typing import Any, TypeVar, Union, get_args, get_origin, get_type_hints

import yaml

from commercegraph.adapters.base import PORTS
from commercegraph.adapters.rest.codec import SAFE_INT_MAX
from commercegraph.adapters.rest.endpoints import Endpoint, endpoints
from commercegraph.backends.openapi_examples import example
from commercegraph.backends.openapi_text import KINDS, OPERATIONS, SCHEMAS

ERROR_SCHEMA = {
    "type": "object",
    "description": SCHEMAS["Error"],
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string", "examples": ["NOT_FOUND", "BAD_USER_INPUT"]},
                "message": {"type": "string"},
                "extensions": {"type": "object"},
            },
        }
    },
    "examples": [{"error": {"code": "NOT_FOUND", "message": "No such cart", "extensions": {}}}],
}


class _Schemas:
    def __init__(self) -> None:
        self.components: dict[str, Any] = {}

    def of(self, tp: Any, bindings: dict[Any, Any] | None = None) -> dict[str, Any]:
        bindings = bindings or {}
        if isinstance(tp, TypeVar):
            tp = bindings.get(tp, Any)
        if tp is Any:
            return {}
        if tp is type(None):
            return {"type": "null"}
        origin, args = get_origin(tp), get_args(tp)
        if origin is Union or origin is types.UnionType:
            options = [self.of(a, bindings) for a in args if a is not type(None)]
            schema = options[0] if len(options) == 1 else {"anyOf": options}
            return {"anyOf": [schema, {"type": "null"}]} if type(None) in args else schema
        if origin is typing.Literal:
            return {"enum": list(args)}
        if origin in (list, Sequence, set, frozenset):
            return {"type": "array", "items": self.of(args[0], bindings) if args else {}}
        if origin is tuple:
            if len(args) == 2 and args[1] is Ellipsis:
                return {"type": "array", "items": self.of(args[0], bindings)}
            # A fixed-length tuple: one schema per position (OpenAPI 3.1 is JSON Schema
            # 2020-12); maxItems rules out more, so no `items: false`, which some tools refuse.
            return {
                "type": "array",
                "prefixItems": [self.of(a, bindings) for a in args],
                "minItems": len(args),
                "maxItems": len(args),
            }
        if origin is dict or tp is dict:
            return {"type": "object"}
        cls = origin or tp
        if dataclasses.is_dataclass(cls) and isinstance(cls, type):
            return self._record(cls, args, bindings)
        if isinstance(tp, type) and issubclass(tp, Enum):
            return {"enum": [m.value for m in tp]}
        scalars: dict[Any, dict[str, Any]] = {
            str: {"type": "string"},
            int: {"type": "integer", "minimum": -SAFE_INT_MAX, "maximum": SAFE_INT_MAX},
            float: {"type": "number"},
            bool: {"type": "boolean"},
            datetime: {"type": "string", "format": "date-time"},
            date: {"type": "string", "format": "date"},
            timedelta: {"type": "number", "description": "a duration in seconds"},
        }
        return scalars[tp]

    def _record(self, cls: type, args: tuple[Any, ...], bindings: dict[Any, Any]) -> dict[str, Any]:
        name = cls.__name__ + "".join(getattr(a, "__name__", "") for a in args)
        if name not in self.components:
            self.components[name] = {}  # placeholder against recursion
            scoped = {
                **bindings,
                **dict(zip(getattr(cls, "__parameters__", ()), args, strict=False)),
            }
            hints = get_type_hints(cls)
            fields = dataclasses.fields(cls)
            self.components[name] = {
                "type": "object",
                "description": _describe(cls, name),
                "required": [
                    f.name
                    for f in fields
                    if f.default is dataclasses.MISSING and f.default_factory is dataclasses.MISSING
                ],
                "properties": {f.name: self.of(hints[f.name], scoped) for f in fields},
                "examples": [example(_parametrised(cls, args), bindings=bindings)],
            }
        return {"$ref": f"#/components/schemas/{name}"}


def _parametrised(cls: Any, args: tuple[Any, ...]) -> Any:
    return cls[args] if args else cls


def _describe(cls: type, name: str) -> str:
    """The record's docstring, unless it is the one dataclasses made up, else our words."""
    doc = inspect.getdoc(cls) or ""
    if doc and not doc.startswith(f"{cls.__name__}("):
        return " ".join(doc.split())
    return SCHEMAS.get(name, "")


def _summary(spec: Endpoint) -> tuple[str, str]:
    """A one-line summary and a longer description of a port method's operation."""
    method = getattr(PORTS[spec.domain], spec.operation)
    doc = " ".join((inspect.getdoc(method) or "").split())
    summary = doc.split(". ")[0].rstrip(".") + "." if doc else OPERATIONS.get(spec.operation, "")
    return summary, " ".join(p for p in (doc, KINDS[spec.kind]) if p)


def _operation(spec: Endpoint, schemas: _Schemas, batch: bool) -> dict[str, Any]:
    result = schemas.of(spec.result_type)
    wrapper = "item" if spec.kind == "write" else "items"
    summary, description = _summary(spec)
    answer = example(spec.result_type)
    op: dict[str, Any] = {
        "operationId": spec.operation + ("_batch" if batch and spec.kind == "ids" else ""),
        "summary": summary,
        "description": description,
        "responses": {
            "200": {
                "description": "One item per key, in key order" if spec.kind != "write" else "OK",
                "content": {
                    "application/json": {
                        "schema": {
                            "type": "object",
                            "required": [wrapper],
                            "properties": {wrapper: result},
                        },
                        "example": {wrapper: answer},
                    }
                },
            },
            "4XX": _error_response("The request was refused"),
            "5XX": _error_response("The backend failed"),
        },
    }
    if spec.kind == "ids" and not batch:
        op["parameters"] = [
            {
                "name": "ids",
                "in": "query",
                "required": True,
                "description": "Comma-separated keys; use POST .../batch for keys holding commas",
                "schema": {"type": "string"},
                "example": ",".join(str(example(spec.key_type, spec.params[0])) for _ in "ab"),
            }
        ]
    elif batch:
        op["requestBody"] = _json_body(
            {
                "type": "object",
                "required": ["keys"],
                "properties": {"keys": {"type": "array", "items": schemas.of(spec.key_type)}},
            },
            {"keys": [example(spec.key_type, spec.params[0].removesuffix("s"))]},
        )
    elif spec.kind == "write":
        op["requestBody"] = _json_body(
            {
                "type": "object",
                "properties": {
                    n: schemas.of(t) for n, t in zip(spec.params, spec.param_types, strict=True)
                },
            },
            {n: example(t, n) for n, t in zip(spec.params, spec.param_types, strict=True)},
        )
    return op


def _json_body(schema: dict[str, Any], sample: Any) -> dict[str, Any]:
    return {
        "required": True,
        "content": {"application/json": {"schema": schema, "example": sample}},
    }


def _error_response(description: str) -> dict[str, Any]:
    ref = {"$ref": "#/components/schemas/Error"}
    return {"description": description, "content": {"application/json": {"schema": ref}}}


def document(domain: str) -> dict[str, Any]:
    schemas = _Schemas()
    paths: dict[str, dict[str, Any]] = {}
    for spec in endpoints(domain).values():
        if spec.kind == "write":
            paths.setdefault(spec.path, {})["post"] = _operation(spec, schemas, batch=False)
            continue
        if spec.kind in ("ids", "all"):
            paths.setdefault(spec.path, {})["get"] = _operation(spec, schemas, batch=False)
        if spec.kind in ("ids", "keys"):
            paths.setdefault(f"{spec.path}/batch", {})["post"] = _operation(
                spec, schemas, batch=True
            )
    schemas.components["Error"] = ERROR_SCHEMA
    return {
        "openapi": "3.1.0",
        "info": {
            "title": f"CommerceGraph {domain} backend",
            "version": "1.0.0",
            "description": (
                f"The contract a {domain} backend implements to plug into CommerceGraph "
                "with the `rest` adapter. Every batch read answers one item per key, in key "
                "order (null or [] where nothing matches); money is integer minor units; "
                "times are ISO 8601 with offset. A W3C `traceparent` header accompanies "
                "each request."
            ),
        },
        "paths": dict(sorted(paths.items())),
        "components": {
            "schemas": dict(sorted(schemas.components.items())),
            "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer"}},
        },
    }


def render(domain: str) -> str:
    return yaml.safe_dump(document(domain), sort_keys=False, allow_unicode=True, width=100)
