"""What editors do besides saving a form: publish and unpublish in bulk, re-link, add
articles to a category, pick entities by hand, revert to a revision and merge entities.

Each keeps the derived data right (id arrays, search text, category membership,
translation state) with the same explicit calls as an article save, raises the version
of the articles it changes (so a form opened before is refused), and records a revision.
"""

from dataclasses import dataclass

from django.db import transaction
from django.db.models import F, Sum
from django.db.models.functions import Coalesce, Now
from django.utils import formats
from django.utils.dateparse import parse_datetime

from articles.history import record_first_revision, record_revision
from articles.linking import link_entities, load_gazetteer, relink_article
from articles.membership import forget, refresh_membership
from articles.models import (
    Article,
    Category,
    Entity,
    EntityAlias,
    EntitySuggestion,
    Mention,
    Paragraph,
    Source,
    Tag,
)
from articles.search import sync_search_text
from newsreader.pagecache import content_changed

ENTITY_RULE_FIELDS = ("any_entities", "all_entities", "exclude_entities")
# What a revert leaves as it is: identity, bookkeeping, and what follows from the rest.
NOT_REVERTED = {
    *("id", "slug", "version", "import_ref", "import_digest", "created_at", "updated_at"),
    "tag_ids",
}


# --- Publishing ------------------------------------------------------------------------------


def current_version(article_pk: int) -> int | None:
    """The article's version, its row locked until the end of the transaction, so that of
    two saves of the same version only the first goes through."""
    return (
        Article.objects.select_for_update()
        .filter(pk=article_pk)
        .values_list("version", flat=True)
        .first()
    )


@transaction.atomic
def publish(articles) -> int:
    """Publish the articles that are not published yet: now, or at the time already set
    (a future time schedules them)."""
    ids = list(articles.exclude(status=Article.Status.PUBLISHED).values_list("pk", flat=True))
    return _set_status(
        ids, Article.Status.PUBLISHED, "Published", published_at=Coalesce("published_at", Now())
    )


@transaction.atomic
def unpublish(articles) -> int:
    """Take published (and scheduled) articles back to draft."""
    ids = list(articles.filter(status=Article.Status.PUBLISHED).values_list("pk", flat=True))
    return _set_status(ids, Article.Status.DRAFT, "Unpublished")


def _set_status(ids: list[int], status: str, reason: str, **fields) -> int:
    if not ids:
        return 0
    record_first_revision(Article, ids)
    Article.objects.filter(pk__in=ids).update(
        status=status, version=F("version") + 1, updated_at=Now(), **fields
    )
    record_revision(list(Article.objects.filter(pk__in=ids).without_search_columns()), reason)
    return len(ids)


# --- Linking and categories ------------------------------------------------------------------


RELINK_BATCH = 500


def relink_articles(article_ids) -> int:
    """Find the articles' entity mentions again (after entities or aliases changed), then
    their categories: one pass of the linker per article, one membership refresh per
    batch, each batch committed on its own."""
    article_ids = list(article_ids)
    gazetteer = load_gazetteer()
    for start in range(0, len(article_ids), RELINK_BATCH):
        batch = article_ids[start : start + RELINK_BATCH]
        articles = (
            Article.objects.filter(pk__in=batch)
            .without_search_columns()
            .select_related("source")
            .prefetch_related("paragraphs")
        )
        with transaction.atomic():
            for article in articles:
                link_entities(article, gazetteer)
            refresh_membership(article_ids=batch)
            transaction.on_commit(content_changed)
    return len(article_ids)


RELINK_AT_ONCE = 200  # what an editor's save re-links (about 4 s); a command re-links the rest


@dataclass(frozen=True)
class Relinked:
    count: int  # articles re-linked
    left: int  # older ones that may also name the entity, not re-linked yet
    linked: int  # articles linked to the entity now


def relink_entity(entity: Entity, limit: int | None = None) -> Relinked:
    """After an entity's names or aliases changed (or it is new): find it again in the
    articles that mention it and in those whose text may name it, newest first; at most
    `limit` of them (None: all)."""
    names = [entity.name_vi, entity.name_en, *entity.aliases.values_list("text", flat=True)]
    mentioning = Article.objects.filter(mentions__entity=entity).values("pk")
    naming = Article.objects.may_name(name for name in names if name).values("pk")
    candidates = Article.objects.filter(pk__in=mentioning.union(naming)).latest_first()
    ids = list(candidates.values_list("pk", flat=True)[:limit])
    left = candidates.count() - len(ids) if limit is not None and len(ids) == limit else 0
    count = relink_articles(ids)
    return Relinked(count, left, linked=entity.mentions.count())


@transaction.atomic
def add_to_category(articles, category: Category) -> int:
    """Pin the articles into the category (and lift any exclusion by hand)."""
    ids = list(articles.values_list("pk", flat=True))
    if not ids:
        return 0
    record_first_revision(Category, [category.pk])
    category.pinned_articles.add(*ids)
    category.excluded_articles.remove(*ids)
    refresh_membership([category], article_ids=ids)
    record_revision([category], reason=f"Added {len(ids)} article(s) by hand")
    return len(ids)


def set_categories(article: Article, wanted: set[Category]) -> list[Category]:
    """Make the article belong to exactly these categories, by pinning it into the ones it
    joins and excluding it by hand from the ones it leaves (unless it was only pinned).
    Returns the categories changed. Membership is refreshed by the caller's relink."""
    current = set(Category.objects.filter(pk__in=article.category_ids))
    changed = []
    for category in wanted - current:
        record_first_revision(Category, [category.pk])
        category.pinned_articles.add(article)
        category.excluded_articles.remove(article)
        changed.append(category)
    for category in current - wanted:
        record_first_revision(Category, [category.pk])
        category.pinned_articles.remove(article)
        if Article.objects.filter(pk=article.pk).selected_by(category).exists():
            category.excluded_articles.add(article)
        changed.append(category)
    for category in changed:
        record_revision([category], reason=f"Changed from the article “{article}”"[:100])
    return changed


def set_entities_by_hand(article: Article, wanted_ids) -> None:
    """Keep the entities an editor picked for the article, besides those its text names.

    Entities the text names need no picking; one that is no longer wanted is left to the
    next linking, which keeps it only if the text names it.
    """
    wanted = set(wanted_ids)
    found_in_text = set(article.mentions.filter(by_hand=False).values_list("entity_id", flat=True))
    article.mentions.filter(by_hand=True).exclude(entity_id__in=wanted).update(by_hand=False)
    Mention.objects.bulk_create(
        [
            Mention(article=article, entity_id=pk, count=0, by_hand=True)
            for pk in wanted - found_in_text
        ],
        update_conflicts=True,
        unique_fields=["article", "entity"],
        update_fields=["by_hand"],
    )


# --- Reverting -------------------------------------------------------------------------------


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
    article = (
        Article.objects.select_related("source").prefetch_related("paragraphs").get(pk=article.pk)
    )
    relink_article(article)


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
    refresh_membership([category])


# --- Merging entities ------------------------------------------------------------------------


@transaction.atomic
def merge_entities(target: Entity, others) -> int:
    """Merge the other entities into the target: their names become its aliases, and their
    aliases, mentions, category rules and suggestions move over; then the articles that
    named them are re-linked. Returns how many articles were re-linked."""
    others = [other for other in others if other.pk != target.pk]
    if not others:
        return 0
    other_ids = [other.pk for other in others]
    record_first_revision(Entity, [target.pk, *other_ids])

    EntityAlias.objects.filter(entity_id__in=other_ids).update(entity=target)
    own_names = {(target.name_vi, "vi"), (target.name_en, "en")}
    EntityAlias.objects.bulk_create(
        [
            EntityAlias(entity=target, text=name, language=language)
            for other in others
            for name, language in ((other.name_vi, "vi"), (other.name_en, "en"))
            if name and (name, language) not in own_names
        ],
        ignore_conflicts=True,
    )

    moved = Mention.objects.filter(entity_id__in=other_ids)
    affected = set(moved.values_list("article_id", flat=True))
    by_hand = set(moved.filter(by_hand=True).values_list("article_id", flat=True))
    totals = moved.values_list("article_id").annotate(total=Sum("count")).order_by()
    Mention.objects.bulk_create(
        [
            Mention(
                article_id=article_id, entity=target, count=total, by_hand=article_id in by_hand
            )
            for article_id, total in totals
        ],
        update_conflicts=True,
        unique_fields=["article", "entity"],
        update_fields=["count"],
    )
    Mention.objects.filter(entity=target, article_id__in=by_hand).update(by_hand=True)

    categories = _move_rules(target, other_ids)
    EntitySuggestion.objects.filter(entity_id__in=other_ids).update(entity=target)

    Entity.objects.filter(pk__in=other_ids).delete()
    for other_id in other_ids:
        forget("entity_ids", other_id)

    relink_articles(affected)
    sync_search_text(target.mentions.values_list("article_id", flat=True))
    refresh_membership(categories)
    names = ", ".join(str(other) for other in others)
    record_revision([target], reason=f"Merged {names} into it"[:100])
    record_revision(categories, reason=f"Rule took over {names} from the merge"[:100])
    return len(affected)


def _move_rules(target: Entity, other_ids: list[int]) -> list[Category]:
    """Put the target in every category rule that named one of the others."""
    touched: dict[int, Category] = {}
    for field in ENTITY_RULE_FIELDS:
        through = Category._meta.get_field(field).remote_field.through
        category_ids = set(
            through.objects.filter(entity_id__in=other_ids).values_list("category_id", flat=True)
        )
        if not category_ids:
            continue
        record_first_revision(Category, category_ids)
        for category in Category.objects.filter(pk__in=category_ids):
            getattr(category, field).add(target)
            getattr(category, field).remove(*other_ids)
            touched[category.pk] = category
    return list(touched.values())
