"""The reference backends answer what their OpenAPI documents promise, for generated input
(property-based: schemathesis derives requests from each domain's document)."""

from __future__ import annotations

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from sqlalchemy.ext.asyncio import create_async_engine
from sqlalchemy.pool import NullPool

from commercegraph.adapters.native import NATIVE_ADAPTERS
from commercegraph.backends import create_backend_app
from commercegraph.config import DOMAINS, Settings
from commercegraph.store.db import Store
from tests.conftest import SeededDatabase

EXAMPLES = 8  # per operation: finds a crash on odd input, stays quick on two cores


@pytest.mark.parametrize("domain", DOMAINS)
def test_backend_conforms_to_its_openapi_document(sqlite_db: SeededDatabase, domain: str) -> None:
    # The test client runs each call on a fresh event loop: no pooled connection may outlive it.
    store = Store(create_async_engine(sqlite_db.url, poolclass=NullPool))
    app = create_backend_app(domain, NATIVE_ADAPTERS[domain](store, Settings()))
    schema = schemathesis.openapi.from_asgi("/openapi.json", app)
    # Reads only: generated writes would change the demo data other tests share.
    operations = [
        op
        for op in (result.ok() for result in schema.get_all_operations())
        if op.method.upper() == "GET" or op.path.endswith("/batch")
    ]
    assert operations
    for operation in operations:

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
            case.call_and_validate(excluded_checks=[schemathesis.checks.positive_data_acceptance])

        conforms()
