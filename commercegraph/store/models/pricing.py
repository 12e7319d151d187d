"""Pricing rules, their version history and budget redemptions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import JSON, Boolean, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from commercegraph.store.models.base import Base, UTCDateTime


class PricingRule(Base):
    """The current version of a rule; ``redeemed`` counts budget redemptions."""

    __tablename__ = "pricing_rules"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    condition: Mapped[str] = mapped_column(Text)
    effect: Mapped[str] = mapped_column(Text)
    priority: Mapped[int] = mapped_column(Integer, default=0)
    stacking: Mapped[str] = mapped_column(String(16), default="STACK")
    active: Mapped[bool] = mapped_column(Boolean, default=True, index=True)
    valid_from: Mapped[datetime | None] = mapped_column(UTCDateTime)
    valid_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    max_redemptions: Mapped[int | None] = mapped_column(Integer)
    max_redemptions_per_customer: Mapped[int | None] = mapped_column(Integer)
    redeemed: Mapped[int] = mapped_column(Integer, default=0)
    channels: Mapped[list[str]] = mapped_column(JSON, default=list)
    currency: Mapped[str | None] = mapped_column(String(3))
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_by: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime)
    updated_by: Mapped[str] = mapped_column(String(128))
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PricingRuleVersion(Base):
    """Every saved state of every rule, deletions included, as a JSON snapshot."""

    __tablename__ = "pricing_rule_versions"
    rule_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    change: Mapped[str] = mapped_column(String(16))  # CREATED | UPDATED | DELETED
    snapshot: Mapped[dict[str, object]] = mapped_column(JSON)
    changed_by: Mapped[str] = mapped_column(String(128))
    changed_at: Mapped[datetime] = mapped_column(UTCDateTime)


class PricingRevision(Base):
    """One row whose number moves on every rule change, so replicas know to recompile."""

    __tablename__ = "pricing_revision"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    revision: Mapped[int] = mapped_column(Integer, default=0)


class RuleRedemption(Base):
    """One rule counted once for one order: the primary key makes redeeming idempotent."""

    __tablename__ = "pricing_rule_redemptions"
    __table_args__ = (Index("ix_pricing_rule_redemptions_rule_customer", "rule_id", "customer_id"),)
    order_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    rule_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    customer_id: Mapped[str | None] = mapped_column(String(64))
    redeemed_at: Mapped[datetime] = mapped_column(UTCDateTime)


class CustomerRuleBudget(Base):
    """Redemptions per rule and customer, updated conditionally against the per-customer cap."""

    __tablename__ = "pricing_customer_budgets"
    __table_args__ = (UniqueConstraint("rule_id", "customer_id"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    rule_id: Mapped[str] = mapped_column(String(64))
    customer_id: Mapped[str] = mapped_column(String(64))
    redeemed: Mapped[int] = mapped_column(Integer, default=0)
