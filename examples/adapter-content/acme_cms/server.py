"""A tiny Acme CMS on loopback serving ``entries.json``, to try the adapter and test it.

python -m acme_cms.server 8700
"""

from __future__ import annotations

import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

ENTRIES = Path(__file__).with_name("entries.json")


def serve(port: int = 0, entries: Path = ENTRIES) -> ThreadingHTTPServer:
    """Start serving in a daemon thread; ``server.server_address`` has the port."""
    catalogue: dict[str, Any] = json.loads(entries.read_text())

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self) -> None:
            _, kind, sku, *_ = [*self.path.split("?")[0].split("/"), "", ""]
            locales = catalogue.get(sku) if kind == "entries" else None
            body = json.dumps({"locales": locales} if locales else {"error": "not found"})
            self.send_response(200 if locales else 404)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body.encode())))
            self.end_headers()
            self.wfile.write(body.encode())

        def log_message(self, format: str, *args: Any) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


if __name__ == "__main__":
    running = serve(int(sys.argv[1]) if len(sys.argv) > 1 else 8700)
    print(f"Acme CMS on http://127.0.0.1:{running.server_address[1]}")
    threading.Event().wait()
