"""Every GraphQL example in the README and the documentation site is valid against the
published schema, so an example cannot drift from the graph it documents."""

from __future__ import annotations

import pytest
from graphql import build_schema, parse, validate

from tests.docs.examples import ROOT, Example, examples

SCHEMA = build_schema((ROOT / "schema.graphql").read_text(encoding="utf-8"))
EXAMPLES = examples()


def test_the_pages_hold_examples() -> None:
    pages = {example.page for example in EXAMPLES}
    assert "README.md" in pages
    assert len(pages) >= 10, pages


@pytest.mark.parametrize("example", EXAMPLES, ids=[f"{e.page}:{n}" for n, e in enumerate(EXAMPLES)])
def test_the_example_is_valid_against_the_published_schema(example: Example) -> None:
    errors = validate(SCHEMA, parse(example.operation))
    assert errors == [], "\n".join(e.message for e in errors) + "\n" + example.operation
