"""The ``acme-cms`` adapter: CommerceGraph's ``content.entries`` from the Acme CMS.

    CG_ADAPTERS__CONTENT=acme-cms CG_ACME_CMS__URL=http://127.0.0.1:8700

The CMS keys product entries by sku: ``GET /entries/<sku>`` answers every locale of one
product, ``404`` when it has none. Check it with the contract kit::

    CG_ADAPTERS__CONTENT=acme-cms CG_ACME_CMS__URL=... pytest --commercegraph-adapter=acme-cms
"""

from __future__ import annotations

from pydantic import Field
from pydantic_settings import BaseSettings

from acme_cms.adapter import AcmeContent
from commercegraph.config import Settings
from commercegraph.contract import ContractFixture
from commercegraph.store.db import Store


class AcmeSettings(BaseSettings):
    """Read from ``CG_ACME_CMS__*``."""

    url: str
    token: str | None = None
    timeout_ms: int = Field(default=2_000, gt=0)


def create_adapter(domain: str, settings: Settings, store: Store, own: AcmeSettings) -> AcmeContent:
    if domain != "content":
        raise ValueError(f"acme-cms serves content only, not {domain}")
    return AcmeContent(own.url, own.token, own.timeout_ms / 1000)


def contract_fixture(domain: str) -> ContractFixture:
    """The CMS holds the demo retailer's content: the kit's default keys fit."""
    return ContractFixture(
        fault_env=lambda url: {"CG_ACME_CMS__URL": url, "CG_ACME_CMS__TIMEOUT_MS": "300"}
    )


create_adapter.settings_model = AcmeSettings  # type: ignore[attr-defined]
create_adapter.contract_fixture = contract_fixture  # type: ignore[attr-defined]
create_adapter.domains = ("content",)  # type: ignore[attr-defined]

__all__ = ["AcmeContent", "AcmeSettings", "create_adapter"]
