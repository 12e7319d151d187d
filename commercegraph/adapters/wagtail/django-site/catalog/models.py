from django.db import models
from wagtail.api import APIField
from wagtail.models import Page


class ProductPage(Page):
    """A product's editorial content, found by the commerce platform's sku."""

    product_sku = models.CharField(max_length=64, db_index=True)
    handle = models.SlugField(max_length=128, blank=True)
    body = models.TextField(blank=True)
    image_urls = models.JSONField(default=list, blank=True)

    api_fields = [
        APIField("product_sku"),
        APIField("handle"),
        APIField("body"),
        APIField("image_urls"),
    ]
