"""Loading the curated starter set: entities with aliases, tags with their rules, categories.

Each loader creates what is missing and leaves what editors already have untouched,
so running it again is harmless.
"""

import json
from pathlib import Path

from django.db import transaction

from articles.models import Category, Entity, EntityAlias, Tag

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


RULE_FIELDS = ("words_vi", "words_en", "ignore_diacritics", "minimum_count", "title_and_lead_only")


@transaction.atomic
def load_tags(path: Path) -> list[Tag]:
    """Create missing tags, and give a rule to those that have none yet; return the tags
    whose rule was written, for their rule to be applied to the stored articles."""
    ruled = []
    for item in _read(path):
        rule = {name: item[name] for name in RULE_FIELDS if name in item}
        tag, is_new = Tag.objects.get_or_create(
            slug=item["slug"],
            defaults={"name_vi": item["name_vi"], "name_en": item["name_en"], **rule},
        )
        if not is_new and rule and not (tag.words_vi or tag.words_en):
            for name, value in rule.items():
                setattr(tag, name, value)
            tag.save(update_fields=list(rule))
            is_new = True
        if is_new and rule:
            ruled.append(tag)
    return ruled


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
