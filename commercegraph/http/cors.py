"""Cross-origin access for browser apps, through Starlette's CORS middleware.

Only the origins in ``CG_CORS_ORIGINS`` are answered; none are by default, so a browser
page on another origin cannot read responses. Credentials (cookies, ``Authorization``) are
allowed for exactly those origins: with the wildcard origin they are always refused, since a
wildcard that admits credentials would let any site act as the signed-in user.
"""

from __future__ import annotations

from starlette.applications import Starlette
from starlette.middleware.cors import CORSMiddleware

from commercegraph.config import Settings


def add_cors(app: Starlette, settings: Settings) -> bool:
    """Adds the middleware when any origin is configured; True when it did."""
    origins = list(settings.cors_origins)
    if not origins:
        return False
    wildcard = "*" in origins
    app.add_middleware(
        CORSMiddleware,
        allow_origins=["*"] if wildcard else origins,
        allow_methods=list(settings.cors_allow_methods),
        allow_headers=list(settings.cors_allow_headers),
        allow_credentials=settings.cors_allow_credentials and not wildcard,
        max_age=settings.cors_max_age_seconds,
    )
    return True
