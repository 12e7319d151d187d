"""The ``hubspot`` adapter: customer profiles, consent and write-back on HubSpot's CRM.

``CG_ADAPTERS__CUSTOMER=hubspot`` with ``CG_HUBSPOT__TOKEN`` (a private app access token
with the ``crm.objects.contacts.read``/``write`` and ``communication_preferences.read``
scopes). It serves ``customer.profiles``, ``customer.consent`` and ``customer.write_back``;
``commercegraph segments write-back`` sends segments, RFM and lifetime value to contacts.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import BaseSettings

from commercegraph.adapters.hubspot.adapter import HubSpotAdapter
from commercegraph.adapters.hubspot.client import HubSpotClient
from commercegraph.config import Settings
from commercegraph.store.db import Store


class HubSpotSettings(BaseSettings):
    """``CG_HUBSPOT__*``."""

    token: SecretStr = Field(description="Private app access token (sent as a Bearer token).")
    base_url: str = Field("https://api.hubapi.com", description="HubSpot API base URL.")
    id_property: str = Field(
        "cg_customer_id",
        description="Contact property (unique values) holding the gateway's customer id.",
    )
    match_by: Literal["email", "id"] = Field(
        "email",
        description="How write-back finds a contact: by email (customers without one by the "
        "id property) or always by the id property.",
    )
    customer_group_property: str = Field(
        "cg_customer_group", description="Contact property read as the customer group."
    )
    default_customer_group: str = Field(
        "RETAIL", description="Customer group of contacts without that property."
    )
    home_store_property: str = Field(
        "cg_home_store_id", description="Contact property read as the home store id."
    )
    sms_consent_property: str = Field(
        "cg_marketing_sms", description="Boolean contact property: consent to marketing SMS."
    )
    personalization_property: str = Field(
        "cg_personalization", description="Boolean contact property: consent to personalisation."
    )
    marketing_subscription_ids: list[str] = Field(
        default_factory=list,
        description="Email subscription type ids that count as marketing consent; empty: any.",
    )
    segments_property: str = Field(
        "cg_segments", description="Contact property written with the segment keys (;-joined)."
    )
    rfm_segment_property: str = Field(
        "cg_rfm_segment", description="Contact property written with the RFM segment key."
    )
    rfm_score_property: str = Field(
        "cg_rfm_score", description="Contact property written with the R, F and M scores (543)."
    )
    lifetime_value_property: str = Field(
        "cg_lifetime_value",
        description="Contact property written with lifetime revenue in minor units.",
    )
    lifetime_value_currency_property: str = Field(
        "cg_lifetime_value_currency", description="Contact property written with its currency."
    )
    predicted_value_property: str = Field(
        "cg_predicted_12m_value",
        description="Contact property written with predicted 12-month spend in minor units.",
    )
    requests_per_window: int = Field(
        100, ge=2, description="Requests HubSpot allows per rolling window (the app's tier)."
    )
    window_seconds: float = Field(10.0, gt=0, description="That window's length.")
    burst: int = Field(
        10, ge=1, description="Requests sent back to back before the steady rate applies."
    )
    timeout_ms: int = Field(5000, ge=1, description="Time allowed for one request.")
    connect_timeout_ms: int = Field(2000, ge=1, description="Time allowed to connect.")
    rate_limit_retries: int = Field(3, ge=0, description="Retries of a 429 answer.")
    max_retry_after_s: float = Field(
        30.0, ge=0, description="Longest Retry-After a 429 may ask for and still be retried."
    )

    @model_validator(mode="after")
    def _burst_below_limit(self) -> HubSpotSettings:
        if self.burst >= self.requests_per_window:
            raise ValueError("burst must be below requests_per_window")
        return self

    def property_names(self) -> dict[str, str]:
        """The write-back keys the gateway sends → the contact properties they go to."""
        return {
            "segments": self.segments_property,
            "rfm_segment": self.rfm_segment_property,
            "rfm_score": self.rfm_score_property,
            "lifetime_value": self.lifetime_value_property,
            "lifetime_value_currency": self.lifetime_value_currency_property,
            "predicted_12m": self.predicted_value_property,
        }


def create_adapter(domain: str, settings: Settings, store: Store, hubspot: HubSpotSettings) -> Any:
    """Entry point ``commercegraph.adapters: hubspot``; the store is not used."""
    if domain != "customer":
        raise ValueError(f"the hubspot adapter serves customer, not {domain}")
    return HubSpotAdapter(HubSpotClient(hubspot), hubspot)


create_adapter.settings_model = HubSpotSettings  # type: ignore[attr-defined]

__all__ = ["HubSpotAdapter", "HubSpotClient", "HubSpotSettings", "create_adapter"]
