"""The reference backends answer what their OpenAPI documents promise, for generated input
(property-based: schemathesis derives requests from each domain's document)."""

from __future__ import annotations

import json
from typing import Any

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from jsonschema_rs import Draft202012Validator
from schemathesis.specs.openapi.checks import response_schema_conformance

from commercegraph.adapters.native import NATIVE_ADAPTERS
from commercegraph.backends import create_backend_app
from commercegraph.backends.openapi import document
from commercegraph.config import DOMAINS, Settings
from tests.conftest import SeededDatabase
from tests.factories import store_for

EXAMPLES = 8  # per operation: finds a crash on odd input, stays quick on two cores


@pytest.mark.parametrize("domain", DOMAINS)
def test_backend_conforms_to_its_openapi_document(sqlite_db: SeededDatabase, domain: str) -> None:
    # The test client runs each call on a fresh event loop: no pooled connection may outlive it.
    store = store_for(sqlite_db, pooled=False)
    app = create_backend_app(domain, NATIVE_ADAPTERS[domain](store, Settings()))
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    # Reads only: generated writes would change the demo data other tests share.
    operations = [
        op
        for op in (result.ok() for result in schema.get_all_operations())
        if op.method.upper() == "GET" or op.path.endswith("/batch")
    ]
    assert operations
    doc = document(domain)
    for operation in operations:
        tuple_answer = _answers_a_tuple(doc, operation.path, operation.method)

        @settings(
            max_examples=EXAMPLES,
            deadline=None,
            suppress_health_check=list(HealthCheck),
            database=None,
        )
        @given(case=operation.as_strategy())
        def conforms(case: schemathesis.Case) -> None:
            # Opaque values (cursors, ids) can be schema-valid and still refused with a 400;
            # every other check stands: no 5xx, documented status, body matching the schema.
            excluded: list[Any] = [schemathesis.checks.positive_data_acceptance]
            # conforms() runs within this iteration, so the loop variable is the right one
            if tuple_answer is not None:  # noqa: B023
                # schemathesis turns `prefixItems` into a draft-4 `items` array, then checks
                # the answer with a 2020-12 validator that refuses it; check it ourselves.
                excluded.append(response_schema_conformance)
            response = case.call_and_validate(excluded_checks=excluded)
            if tuple_answer is not None and response.status_code == 200:  # noqa: B023
                errors = [str(e) for e in tuple_answer.iter_errors(response.json())]  # noqa: B023
                assert not errors, errors[:3]

        conforms()


def _answers_a_tuple(doc: dict[str, Any], path: str, method: str) -> Any:
    """A 2020-12 validator of the operation's answer when the answer holds a tuple."""
    answer = doc["paths"][path][method.lower()]["responses"]["200"]["content"]
    schema = answer["application/json"]["schema"]
    if "prefixItems" not in json.dumps(schema):
        return None
    return Draft202012Validator({**doc, **schema})
