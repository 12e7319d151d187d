from tests.gateway.conftest import backends, span_exporter

__all__ = ["backends", "span_exporter"]
