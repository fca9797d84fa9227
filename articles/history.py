"""Revisions of articles, entities and categories: recorded, and compared.

django-simple-history stores each revision as a row of the object's historical model
(Article.history, Entity.history, Category.history) with who changed it, when and why.
Besides the object's own fields, each row keeps in `related` what belongs to the object
but lives in other tables, so that a revert (revert(), below) brings it all back:

- an article's paragraphs (both texts and when each changed) and the entities an editor
  added to it by hand;
- an entity's aliases;
- a category's rule: its tags, entities and pinned and excluded articles.

A revision is recorded by an explicit call, once the object and its related rows are all
saved: saving the object alone records nothing (see articles.models.RevisionSnapshot).
"""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from itertools import pairwise

from django.db import models, transaction
from django.utils import formats, timezone
from django.utils.dateparse import parse_datetime
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from articles.derived import RELINK_AT_ONCE, relink_entity
from articles.entities.linking import set_entities_by_hand
from articles.models import (
    Article,
    Category,
    Entity,
    EntityAlias,
    Mention,
    Paragraph,
    Source,
    Tag,
)

REASON_LENGTH = 100  # django-simple-history's history_change_reason column
FIRST_REVISION_REASON = "As it was before its first recorded change"
# Fields that change on every save or follow from others: not worth showing as changes.
UNCOMPARED_FIELDS = {
    *("id", "version", "created_at", "updated_at", "import_ref", "import_digest"),
    *("lead_vi_changed_at", "lead_en_changed_at"),
}
SHOWN_CHARACTERS = 120


def record_revision(objects: Sequence[models.Model], reason: str = "", created=False) -> None:
    """Record these objects (all of one model) as they are now in the database, related rows
    and derived ids included.

    The editor is the one given to an object as `_history_user` (the admin does), or else
    the user of the current request (simple_history's HistoryRequestMiddleware).
    """
    if not objects:
        return
    model = type(objects[0])
    historical = model.history.model
    editors = {obj.pk: historical.get_default_history_user(obj) for obj in objects}
    rows = model.objects.filter(pk__in=editors)
    derived_ids = {}
    if model is Article:
        rows = rows.without_search_columns()
        derived_ids = {"tag_ids": _tag_ids(list(editors))}
    related = snapshot(model, list(editors))
    now = timezone.now()
    historical.objects.bulk_create(
        historical(
            history_date=now,
            history_type="+" if created else "~",
            history_user=editors[row.pk],
            history_change_reason=reason[:REASON_LENGTH] or None,
            related=related[row.pk],
            **{
                field.attname: derived_ids[field.attname][row.pk]
                if field.attname in derived_ids
                else getattr(row, field.attname)
                for field in historical.tracked_fields
            },
        )
        for row in rows.order_by("pk")
    )


def _tag_ids(article_ids: list[int]) -> dict[int, list[int]]:
    """The articles' tags, read from the tags themselves: inside a batch (articles.changes)
    the tag_ids column is brought up to date only when the batch ends."""
    tag_ids: dict[int, list[int]] = {pk: [] for pk in article_ids}
    tagged = Article.tags.through.objects.filter(article_id__in=article_ids)
    for article_id, tag_id in tagged.order_by("article_id", "tag_id").values_list(
        "article_id", "tag_id"
    ):
        tag_ids[article_id].append(tag_id)
    return tag_ids


def record_first_revision(model: type[models.Model], ids) -> None:
    """Before changing objects that have no revision yet (they were created by a command
    or an older version of the site), record them as they are, so the change can be undone."""
    ids = set(ids)
    recorded = set(model.history.filter(id__in=ids).values_list("id", flat=True).distinct())
    unrecorded = ids - recorded
    if unrecorded:
        record_revision(
            list(model.objects.filter(pk__in=unrecorded).only("pk")), reason=FIRST_REVISION_REASON
        )


def snapshot(model: type[models.Model], ids: list[int]) -> dict[int, dict]:
    """What belongs to each object but lives in other tables, as JSON."""
    taken: dict[int, dict] = {pk: {} for pk in ids}
    if model is Article:
        for pk in ids:
            taken[pk] = {"paragraphs": [], "entities_by_hand": []}
        paragraphs = Paragraph.objects.filter(article_id__in=ids).order_by("article_id", "position")
        for article_id, *pair in paragraphs.values_list(
            "article_id", "text_vi", "text_en", "vi_changed_at", "en_changed_at"
        ):
            text_vi, text_en, vi_changed_at, en_changed_at = pair
            taken[article_id]["paragraphs"].append(
                [text_vi, text_en, vi_changed_at.isoformat(), en_changed_at.isoformat()]
            )
        by_hand = Mention.objects.filter(article_id__in=ids, by_hand=True).order_by("entity_id")
        for article_id, entity_id in by_hand.values_list("article_id", "entity_id"):
            taken[article_id]["entities_by_hand"].append(entity_id)
    elif model is Entity:
        for pk in ids:
            taken[pk] = {"aliases": []}
        aliases = EntityAlias.objects.filter(entity_id__in=ids).order_by("language", "text")
        for entity_id, text, language in aliases.values_list("entity_id", "text", "language"):
            taken[entity_id]["aliases"].append([text, language])
    elif model is Category:
        for pk in ids:
            taken[pk] = {field: [] for field in Category.RULE_FIELDS}
        for field in Category.RULE_FIELDS:
            through = Category._meta.get_field(field).remote_field.through
            target = Category._meta.get_field(field).m2m_reverse_name()
            rows = through.objects.filter(category_id__in=ids).order_by(target)
            for category_id, target_id in rows.values_list("category_id", target):
                taken[category_id][field].append(target_id)
    return taken


@dataclass(frozen=True)
class Change:
    field: str
    old: str
    new: str


def revision_changes(older, newer) -> list[Change]:
    """What differs between two revisions of one object, as an editor would describe it."""
    model = newer.instance_type
    changes = []
    for field in newer.tracked_fields:
        if field.attname in UNCOMPARED_FIELDS:
            continue
        old, new = getattr(older, field.attname), getattr(newer, field.attname)
        if old != new:
            original = model._meta.get_field(field.name)
            changes.append(
                Change(
                    _field_label(original), shown_value(original, old), shown_value(original, new)
                )
            )
    if older.related is not None and newer.related is not None:
        changes += _related_changes(model, older.related, newer.related)
    return changes


def _field_label(field) -> str:
    if field.name == "tag_ids":
        return str(Article._meta.get_field("tags").verbose_name)
    return str(field.verbose_name)


def _related_changes(model, older: dict, newer: dict) -> list[Change]:
    changes = []
    if model is Article:
        old_paragraphs, new_paragraphs = older["paragraphs"], newer["paragraphs"]
        for number in range(1, max(len(old_paragraphs), len(new_paragraphs)) + 1):
            old = old_paragraphs[number - 1] if number <= len(old_paragraphs) else ["", ""]
            new = new_paragraphs[number - 1] if number <= len(new_paragraphs) else ["", ""]
            for side, label in ((0, _("Vietnamese")), (1, _("English"))):
                if old[side] != new[side]:
                    changes.append(
                        Change(f"¶{number} {label}", _shown(old[side]), _shown(new[side]))
                    )
        if older["entities_by_hand"] != newer["entities_by_hand"]:
            changes.append(
                Change(
                    _("entities added by hand"),
                    _names(Entity, older["entities_by_hand"]),
                    _names(Entity, newer["entities_by_hand"]),
                )
            )
    elif model is Entity:
        old_aliases = {text for text, _language in older["aliases"]}
        new_aliases = {text for text, _language in newer["aliases"]}
        if old_aliases != new_aliases:
            old, new = ", ".join(sorted(old_aliases)), ", ".join(sorted(new_aliases))
            changes.append(Change(_("aliases"), _shown(old), _shown(new)))
    elif model is Category:
        for field in Category.RULE_FIELDS:
            if older.get(field) != newer.get(field):
                related_model = Category._meta.get_field(field).related_model
                changes.append(
                    Change(
                        str(Category._meta.get_field(field).verbose_name),
                        _names(related_model, older.get(field, [])),
                        _names(related_model, newer.get(field, [])),
                    )
                )
    return changes


def shown_value(field, value) -> str:
    """A field's value in a revision, as an editor reads it: names for ids, labels for
    choices, local times, yes and no."""
    if field.name == "tag_ids":
        return _names(Tag, value or [])
    if field.is_relation:
        return _names(field.related_model, [value] if value else [])
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime):
        return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")
    return _shown(value)


def _names(model, ids: list[int]) -> str:
    found = model.objects.in_bulk(ids)
    return ", ".join(str(found[pk]) if pk in found else f"#{pk}" for pk in ids) or "—"


def _shown(value) -> str:
    if value in (None, "", []):
        return "—"
    if isinstance(value, list):
        value = ", ".join(map(str, value))
    return Truncator(str(value)).chars(SHOWN_CHARACTERS)


def changes_by_record(records) -> dict[int, list[Change]]:
    """For each record of a page of history (newest first), what it changed from the one
    before it."""
    records = list(records)
    changes: dict[int, list[Change]] = defaultdict(list)
    for newer, older in pairwise(records):
        changes[newer.history_id] = revision_changes(older, newer)
    return changes


# --- Reverting -------------------------------------------------------------------------------

# What a revert leaves as it is: identity, bookkeeping, and what follows from the rest.
NOT_REVERTED = {
    *("id", "slug", "version", "import_ref", "import_digest", "created_at", "updated_at"),
    "tag_ids",
}


@transaction.atomic
def revert(record):
    """Bring an article, entity or category back to a revision, related rows included,
    and record that as a new revision (so a revert can be undone too)."""
    model = record.instance_type
    obj = model.objects.select_for_update().get(pk=record.id)
    for field in record.tracked_fields:
        if field.attname not in NOT_REVERTED:
            setattr(obj, field.attname, getattr(record, field.attname))
    if not model.objects.exclude(pk=obj.pk).filter(slug=record.slug).exists():
        obj.slug = record.slug
    if model is Article:
        _revert_article(obj, record)
    elif model is Entity:
        _revert_entity(obj, record)
    else:
        _revert_category(obj, record)
    when = formats.date_format(record.history_date, "SHORT_DATETIME_FORMAT")
    record_revision([obj], reason=f"Reverted to the revision of {when}")
    return obj


def _revert_article(article: Article, record) -> None:
    if article.source_id and not Source.objects.filter(pk=article.source_id).exists():
        article.source_id = None
    article.version += 1
    article.save()
    related = record.related
    if related is not None:
        article.paragraphs.all().delete()
        Paragraph.objects.bulk_create(
            Paragraph(
                article=article,
                position=position,
                text_vi=text_vi,
                text_en=text_en,
                vi_changed_at=parse_datetime(vi_changed_at),
                en_changed_at=parse_datetime(en_changed_at),
            )
            for position, (text_vi, text_en, vi_changed_at, en_changed_at) in enumerate(
                related["paragraphs"], start=1
            )
        )
        existing = Entity.objects.filter(pk__in=related["entities_by_hand"])
        set_entities_by_hand(article, existing.values_list("pk", flat=True))
    article.tags.set(Tag.objects.filter(pk__in=record.tag_ids or []))


def _revert_entity(entity: Entity, record) -> None:
    entity.save()
    if record.related is not None:
        entity.aliases.all().delete()
        taken = set(
            EntityAlias.objects.values_list("text", "language").filter(
                text__in=[text for text, _language in record.related["aliases"]]
            )
        )
        EntityAlias.objects.bulk_create(
            EntityAlias(entity=entity, text=text, language=language)
            for text, language in record.related["aliases"]
            if (text, language) not in taken
        )
    relink_entity(entity, limit=RELINK_AT_ONCE)


def _revert_category(category: Category, record) -> None:
    category.save()
    if record.related is not None:
        for field in Category.RULE_FIELDS:
            related_model = Category._meta.get_field(field).related_model
            getattr(category, field).set(
                related_model.objects.filter(pk__in=record.related.get(field, []))
            )
