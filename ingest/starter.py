"""Loading the curated starter set: entities with aliases, tags with their rules, categories,
and the starter glossary.

Each loader creates what is missing and leaves what editors already have untouched,
so running it again is harmless.
"""

import json
from pathlib import Path

from django.db import transaction

from articles import changes
from articles.entities.linking import names_changed
from articles.models import Category, Entity, EntityAlias, GlossaryEntry, Tag
from articles.words import headword_key

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


PARTS_OF_SPEECH = {
    **{"n": "noun", "v": "verb", "adj": "adjective", "adv": "adverb", "pron": "pronoun"},
    **{"prep": "preposition", "conj": "conjunction", "num": "number", "cl": "classifier"},
    **{"part": "particle", "phr": "phrase", "": ""},
}


def read_glossary(path: Path, language: str) -> list[GlossaryEntry]:
    """A glossary file: a line per word, `headword<TAB>part of speech<TAB>glosses` (the part
    of speech abbreviated: n, v, adj, adv, pron, prep, conj, num, cl, part, phr), glosses
    separated by semicolons; blank lines and lines starting with # are skipped."""
    entries = {}
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip() or line.startswith("#"):
            continue
        try:
            headword, part, glosses = line.split("\t")
            entry = GlossaryEntry(
                headword=headword_key(headword, language),
                language=language,
                part_of_speech=PARTS_OF_SPEECH[part.strip()],
                glosses=glosses.strip(),
            )
        except (ValueError, KeyError) as error:
            raise ValueError(f"{path.name}:{number}: not a glossary line ({error})") from None
        entries.setdefault(entry.headword, entry)  # the first meaning given for a word
    return list(entries.values())


@transaction.atomic
def load_glossary(path: Path, language: str) -> int:
    """Add the words the glossary lacks; an entry an editor wrote or changed is kept as it
    is. Returns how many were added."""
    entries = read_glossary(path, language)
    known = set(GlossaryEntry.objects.filter(language=language).values_list("headword", flat=True))
    new = [entry for entry in entries if entry.headword not in known]
    GlossaryEntry.objects.bulk_create(new, ignore_conflicts=True)
    if new:
        names_changed()  # its headwords of several words are words of the pages saved next
        changes.content_changed_on_commit()
    return len(new)
