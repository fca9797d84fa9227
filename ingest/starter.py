"""Loading the curated starter set: entities with aliases, tags, categories, article tags.

Each loader creates what is missing and leaves what editors already have untouched,
so running it again is harmless.
"""

import json
from pathlib import Path

from django.db import transaction

from articles.models import Article, Category, Entity, EntityAlias, Tag

ALIAS_LANGUAGES = {"vi": "vi", "en": "en", "any": ""}


def _read(path: Path) -> list | dict:
    return json.loads(path.read_text(encoding="utf-8"))


@transaction.atomic
def load_entities(path: Path) -> int:
    """Create missing entities and aliases; return how many entities or aliases were new."""
    created = 0
    for item in _read(path):
        entity, is_new = Entity.objects.get_or_create(
            slug=item["slug"],
            defaults={
                key: item.get(key, "")
                for key in ("kind", "name_vi", "name_en", "description_vi", "description_en")
            },
        )
        created += is_new
        for key, language in ALIAS_LANGUAGES.items():
            for text in item.get("aliases", {}).get(key, []):
                _, alias_is_new = EntityAlias.objects.get_or_create(
                    text=text, language=language, defaults={"entity": entity}
                )
                created += alias_is_new
    return created


@transaction.atomic
def load_tags(path: Path) -> int:
    created = 0
    for item in _read(path):
        _, is_new = Tag.objects.get_or_create(
            slug=item["slug"], defaults={"name_vi": item["name_vi"], "name_en": item["name_en"]}
        )
        created += is_new
    return created


@transaction.atomic
def load_categories(path: Path) -> int:
    created = 0
    for item in _read(path):
        category, is_new = Category.objects.get_or_create(
            slug=item["slug"],
            defaults={
                key: item.get(key, "")
                for key in ("name_vi", "name_en", "description_vi", "description_en")
            }
            | {"position": item.get("position", 0)},
        )
        if is_new:
            for relation in ("any", "all", "exclude"):
                getattr(category, f"{relation}_tags").set(
                    Tag.objects.filter(slug__in=item.get(f"{relation}_tags", []))
                )
                getattr(category, f"{relation}_entities").set(
                    Entity.objects.filter(slug__in=item.get(f"{relation}_entities", []))
                )
        created += is_new
    return created


@transaction.atomic
def apply_article_tags(path: Path) -> int:
    """Add the listed tags to articles found by import reference; return how many were added."""
    added = 0
    tags = {tag.slug: tag for tag in Tag.objects.all()}
    for import_ref, slugs in _read(path).items():
        article = Article.objects.filter(import_ref=import_ref).first()
        if article is None:
            continue
        present = set(article.tags.values_list("slug", flat=True))
        missing = [tags[slug] for slug in slugs if slug in tags and slug not in present]
        article.tags.add(*missing)
        added += len(missing)
    return added
