"""Which ASGI app serves each OpenAPI document in ``openapi/``, for the fuzz tests.

``openapi/<name>.yaml`` is served by ``OPENAPI_APPS[name](settings)``. A document without
an entry here fails the suite, so every REST surface is fuzzed against a running app.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.types import ASGIApp

from commercegraph.config import DOMAINS, Settings


def _gateway(settings: Settings) -> ASGIApp:
    from commercegraph.app import create_app

    return create_app(settings)


def _reference_backend(domain: str) -> Callable[[Settings], ASGIApp]:
    """The reference backend of one domain (``commercegraph backends serve``) on the store."""

    def build(settings: Settings) -> ASGIApp:
        from commercegraph import bootstrap
        from commercegraph.adapters.native import create_adapter
        from commercegraph.backends.app import create_backend_app

        # no pool: the fuzzer drives the app from loops of its own, so nothing may outlive one
        store = bootstrap.create_store(settings, pooled=False)
        return create_backend_app(domain, create_adapter(domain, settings, store))

    return build


# name of the document (file stem) → factory building the app that serves it
OPENAPI_APPS: dict[str, Callable[[Settings], ASGIApp]] = {
    "events": _gateway,  # POST /events is a route of the gateway itself
    **{domain: _reference_backend(domain) for domain in DOMAINS},
}
