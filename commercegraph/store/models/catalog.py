"""Catalog, prices, locations, stock and content: what the native commerce, pricing,
inventory and content adapters serve."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, Boolean, Float, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from commercegraph.store.models.base import Base, UTCDateTime


class Brand(Base):
    __tablename__ = "brands"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))


class Category(Base):
    __tablename__ = "categories"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    parent_id: Mapped[str | None] = mapped_column(ForeignKey("categories.id"))


class Product(Base):
    __tablename__ = "products"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    sku: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(300))
    brand_id: Mapped[str | None] = mapped_column(ForeignKey("brands.id"))
    category_id: Mapped[str | None] = mapped_column(ForeignKey("categories.id"), index=True)
    tags: Mapped[list[str]] = mapped_column(JSON, default=list)
    attributes: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    rating: Mapped[float | None] = mapped_column(Float)
    tier: Mapped[int] = mapped_column(Integer, default=1)
    floor_price: Mapped[int] = mapped_column(Integer, default=0)
    low_stock_threshold: Mapped[int] = mapped_column(Integer, default=5)
    released_at: Mapped[datetime] = mapped_column(UTCDateTime)
    name_search: Mapped[str] = mapped_column(String(600), index=True)


class ProductRelation(Base):
    """Catalog relations, e.g. a phone's cases and chargers (``ACCESSORY``)."""

    __tablename__ = "product_relations"
    product_id: Mapped[str] = mapped_column(ForeignKey("products.id"), primary_key=True)
    related_id: Mapped[str] = mapped_column(ForeignKey("products.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), primary_key=True)


class Price(Base):
    """A base price row; ``channel``/``customer_group`` NULL means any."""

    __tablename__ = "prices"
    __table_args__ = (Index("ix_prices_sku_currency", "sku", "currency"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    sku: Mapped[str] = mapped_column(String(64))
    currency: Mapped[str] = mapped_column(String(3))
    channel: Mapped[str | None] = mapped_column(String(32))
    customer_group: Mapped[str | None] = mapped_column(String(32))
    min_quantity: Mapped[int] = mapped_column(Integer, default=1)
    amount: Mapped[int] = mapped_column(Integer)
    valid_from: Mapped[datetime | None] = mapped_column(UTCDateTime)
    valid_until: Mapped[datetime | None] = mapped_column(UTCDateTime)


class Location(Base):
    __tablename__ = "locations"
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    kind: Mapped[str] = mapped_column(String(16))  # WAREHOUSE | STORE
    lat: Mapped[float] = mapped_column(Float)
    lon: Mapped[float] = mapped_column(Float)
    region: Mapped[str] = mapped_column(String(64))
    address: Mapped[str] = mapped_column(String(300))
    can_ship: Mapped[bool] = mapped_column(Boolean)
    can_pickup: Mapped[bool] = mapped_column(Boolean)


class Stock(Base):
    __tablename__ = "stock"
    sku: Mapped[str] = mapped_column(String(64), primary_key=True)
    location_id: Mapped[str] = mapped_column(ForeignKey("locations.id"), primary_key=True)
    on_hand: Mapped[int] = mapped_column(Integer)
    reserved: Mapped[int] = mapped_column(Integer, default=0)
    safety_stock: Mapped[int] = mapped_column(Integer, default=0)


class ContentEntry(Base):
    __tablename__ = "content_entries"
    entity_type: Mapped[str] = mapped_column(String(32), primary_key=True)
    entity_key: Mapped[str] = mapped_column(String(64), primary_key=True)
    locale: Mapped[str] = mapped_column(String(16), primary_key=True)
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    images: Mapped[list[str]] = mapped_column(JSON, default=list)
