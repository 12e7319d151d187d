from tests.gateway.conftest import span_exporter

__all__ = ["span_exporter"]
