"""Seed product pages from a JSON file: ``manage.py seed_demo seed.json``.

The file holds ``{"pages": [{"sku", "handle", "title", "body", "images", "locale"}]}`` with
Wagtail language codes; a sku's first page is the original and later ones its translations.
Pages that already exist (same sku and locale) are left as they are.
"""

import json
import uuid

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.text import slugify
from wagtail.models import Locale, Site

from catalog.models import ProductPage


class Command(BaseCommand):
    help = "Create the demo product pages in every locale the seed file names."

    def add_arguments(self, parser):
        parser.add_argument("seed_file")

    @transaction.atomic
    def handle(self, *args, seed_file, **options):
        with open(seed_file, encoding="utf-8") as handle:
            pages = json.load(handle)["pages"]
        site = Site.objects.get(is_default_site=True)
        home = site.root_page
        homes = {home.locale.language_code: home}
        for code in dict.fromkeys(page["locale"] for page in pages):
            locale, _ = Locale.objects.get_or_create(language_code=code)
            if code not in homes:
                translated = home.get_translations().filter(locale=locale).first()
                if translated is None:
                    translated = home.copy_for_translation(locale)
                    translated.save_revision().publish()
                homes[code] = translated
        existing = set(ProductPage.objects.values_list("product_sku", "locale__language_code"))
        translation_keys = dict(
            ProductPage.objects.values_list("product_sku", "translation_key").distinct()
        )
        created = 0
        for page in pages:
            sku, code = page["sku"], page["locale"]
            if (sku, code) in existing:
                continue
            key = translation_keys.setdefault(sku, uuid.uuid4())
            parent = homes[code]
            parent.add_child(
                instance=ProductPage(
                    title=page["title"],
                    slug=slugify(page["handle"] or sku)[:200] or sku.lower(),
                    product_sku=sku,
                    handle=page["handle"],
                    body=page["body"],
                    image_urls=list(page["images"]),
                    locale=parent.locale,
                    translation_key=key,
                )
            )
            existing.add((sku, code))
            created += 1
        self.stdout.write(f"seeded {created} product pages")
