"""GraphiQL served from the package itself: no request leaves for a CDN.

The page and its assets (GraphiQL's and React's built files, vendored under
``static/graphiql/vendor`` by ``scripts/vendor-graphiql.sh``) come with a strict Content
Security Policy: scripts and styles only from this origin, no inline script, no ``eval``,
fetches only to this origin. Dev only: production serves no IDE.
"""

from __future__ import annotations

from importlib.resources import files
from pathlib import Path

from starlette.applications import Starlette
from starlette.responses import HTMLResponse
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles
from starlette.types import Receive, Scope, Send

ASSETS_PATH = "/graphiql"
STATIC_DIR = Path(str(files("commercegraph.http") / "static" / "graphiql"))

# Inline style *attributes* are what React and CodeMirror set on elements; no inline
# <style> or <script> elements are needed or allowed.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'none'",
        "script-src 'self'",
        "style-src 'self'",
        "style-src-attr 'unsafe-inline'",
        "font-src 'self' data:",
        "img-src 'self' data:",
        "connect-src 'self'",
        "base-uri 'none'",
        "form-action 'none'",
        "frame-ancestors 'none'",
    ]
)
SECURITY_HEADERS = {
    "Content-Security-Policy": CONTENT_SECURITY_POLICY,
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cross-Origin-Resource-Policy": "same-origin",
}

ASSET_HEADERS = {**SECURITY_HEADERS, "Cache-Control": "public, max-age=86400"}

PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>CommerceGraph · GraphiQL</title>
<link rel="stylesheet" href="{assets}/vendor/graphiql.min.css">
<link rel="stylesheet" href="{assets}/page.css">
</head>
<body>
<div id="graphiql" data-endpoint="{endpoint}">Loading GraphiQL…</div>
<script src="{assets}/vendor/react.production.min.js"></script>
<script src="{assets}/vendor/react-dom.production.min.js"></script>
<script src="{assets}/vendor/graphiql.min.js"></script>
<script src="{assets}/init.js"></script>
</body>
</html>
"""


def graphiql_page(endpoint: str = "/graphql") -> HTMLResponse:
    html = PAGE.format(assets=ASSETS_PATH, endpoint=endpoint)
    return HTMLResponse(html, headers={**SECURITY_HEADERS, "Cache-Control": "no-cache"})


class _Assets:
    """The vendored files, with the page's security headers and a day of caching."""

    def __init__(self) -> None:
        self.files = StaticFiles(directory=STATIC_DIR)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def send_with_headers(message: dict[str, object]) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))  # type: ignore[call-overload]
                for name, value in ASSET_HEADERS.items():
                    headers.append((name.lower().encode(), value.encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.files(scope, receive, send_with_headers)  # type: ignore[arg-type]


def mount_assets(app: Starlette) -> None:
    app.router.routes.append(Mount(ASSETS_PATH, app=_Assets(), name="graphiql-assets"))
