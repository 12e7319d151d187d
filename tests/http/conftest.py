from tests.gateway.conftest import backends

__all__ = ["backends"]
