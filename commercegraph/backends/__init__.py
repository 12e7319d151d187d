"""Reference backends: the native store served over the REST contract, one app per domain."""

from commercegraph.backends.app import create_backend_app
from commercegraph.backends.serve import BackendServers

__all__ = ["BackendServers", "create_backend_app"]
