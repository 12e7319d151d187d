"""The REST contract documents describe every operation and schema, with examples that are
valid against the schemas beside them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema_rs import Draft202012Validator

from commercegraph.backends.openapi import document
from commercegraph.config import DOMAINS

OPENAPI = Path(__file__).resolve().parents[2] / "openapi"
METHODS = ("get", "post", "put", "patch", "delete")


def _validate(doc: dict[str, Any], schema: dict[str, Any], value: Any, where: str) -> None:
    # The whole document is the root, so "#/components/schemas/..." references resolve.
    validator = Draft202012Validator({**doc, **schema})
    errors = [str(e) for e in validator.iter_errors(value)]
    assert not errors, f"{where}: example is not valid: {errors[:3]}"


def _documents() -> list[tuple[str, dict[str, Any]]]:
    docs = [(d, document(d)) for d in DOMAINS]
    docs.append(("events", yaml.safe_load((OPENAPI / "events.yaml").read_text(encoding="utf-8"))))
    return docs


@pytest.mark.parametrize(
    ("name", "doc"), _documents(), ids=lambda v: v if isinstance(v, str) else ""
)
def test_every_operation_and_schema_is_described_with_examples(
    name: str, doc: dict[str, Any]
) -> None:
    for path, item in doc["paths"].items():
        for method in METHODS:
            if method not in item:
                continue
            op = item[method]
            where = f"{name} {method.upper()} {path}"
            assert op.get("summary") and op.get("description"), f"{where} is not described"
            body = op.get("requestBody", {}).get("content", {}).get("application/json")
            if body is not None:
                assert "example" in body or "examples" in body, f"{where}: request has no example"
                samples = [body["example"]] if "example" in body else []
                samples += [e["value"] for e in body.get("examples", {}).values()]
                for sample in samples:
                    _validate(doc, body["schema"], sample, f"{where} request")
            ok = next(r for s, r in op["responses"].items() if s.startswith("2"))
            answer = ok.get("content", {}).get("application/json")
            if answer is not None:
                assert "example" in answer or "examples" in answer, (
                    f"{where}: answer has no example"
                )
                if "example" in answer:
                    _validate(doc, answer["schema"], answer["example"], f"{where} answer")
    for schema_name, schema in doc["components"]["schemas"].items():
        where = f"{name} schema {schema_name}"
        assert schema.get("description"), f"{where} is not described"
        assert schema.get("examples"), f"{where} has no example"
        for value in schema["examples"]:
            _validate(doc, schema, value, where)


def test_tuples_are_positional() -> None:
    commerce = document("commerce")
    related = commerce["paths"]["/products/related/batch"]["post"]["requestBody"]
    keys = related["content"]["application/json"]["schema"]["properties"]["keys"]["items"]
    assert keys == {
        "type": "array",
        "prefixItems": [{"type": "string"}, {"type": "string"}],
        "minItems": 2,
        "maxItems": 2,
    }
