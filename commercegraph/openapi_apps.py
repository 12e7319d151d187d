"""Which ASGI app serves each OpenAPI document in ``openapi/``, for the fuzz tests.

``openapi/<name>.yaml`` is served by ``OPENAPI_APPS[name](settings)``. A document without
an entry here fails the suite, so every REST surface is fuzzed against a running app.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.types import ASGIApp

from commercegraph.config import Settings


def _gateway(settings: Settings) -> ASGIApp:
    from commercegraph.app import create_app

    return create_app(settings)


# name of the document (file stem) → factory building the app that serves it
OPENAPI_APPS: dict[str, Callable[[Settings], ASGIApp]] = {
    "events": _gateway,  # POST /events is a route of the gateway itself
}
