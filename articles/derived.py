"""Everything stored on an article that follows from other rows, and the one place that
keeps it right.

Derived from an article's own rows and its related ones:
- tag_ids (its tags), entity_ids (its mentions) and category_ids (the categories whose
  rule selects it, or that pin it): the id arrays filters and facets read;
- body_vi, body_en (its paragraphs) and entity_names (the names and aliases of what it
  mentions): the text search reads, and the tsvectors PostgreSQL generates from them;
- translation, block_count, translated_block_count: how far its English has come;
- its mentions and their counts, found in its text by the entity linker;
- and, for the whole site, the content version that makes every cached page stale.

The writes that change any of these are noticed here, and nowhere else, through Django's
signals (saves, deletes, many-to-many changes) and the querysets' bulk methods
(ArticleQuerySet, ParagraphQuerySet and MentionQuerySet mark what their update() and
bulk_create() touch). Outside a batch each write is followed at once by refresh(); inside
`with batch():` (a save path, an admin request) the articles touched are collected and
refreshed once, in bulk SQL, when the batch ends, in the same transaction. The content
version changes once the transaction that changed content commits, and only then.

Nothing else writes the derived columns: tests/test_it_keeps_derived_data_right.py checks
that the code names them nowhere else, and that after random sequences of writes through
every path, recomputing everything from scratch changes nothing.
"""

import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.db import connection, transaction
from django.db.models import Q
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete

from newsreader.pagecache import content_changed

BATCH_IDS = 5_000  # articles recomputed per statement
DERIVED_COLUMNS = (
    *("tag_ids", "entity_ids", "category_ids", "body_vi", "body_en", "entity_names"),
    *("translation", "block_count", "translated_block_count"),
)
# An article whose text changes is linked again: its mentions follow from its text.
TEXT_FIELDS = frozenset(
    {
        *("title_vi", "title_en", "lead_vi", "lead_en", "caption_vi", "caption_en"),
        *("source", "source_id", "text_vi", "text_en"),
    }
)


# --- The SQL ---------------------------------------------------------------------------------


def _rule_array(field_name: str) -> str:
    from articles.models import Category

    field = Category._meta.get_field(field_name)
    through = field.remote_field.through._meta.db_table
    return (
        f"ARRAY(SELECT {field.m2m_reverse_name()} FROM {through} "
        f"WHERE {field.m2m_column_name()} = category.id)"
    )


def _refresh_sql() -> str:
    from articles.models import Article, Category

    rules = ", ".join(f"{_rule_array(name)} AS {name}" for name in Category.RULE_FIELDS)
    tags = Article.tags.through._meta.db_table
    columns = ", ".join(DERIVED_COLUMNS)
    return f"""
WITH rules AS MATERIALIZED (
    SELECT category.id, {rules} FROM articles_category AS category
),
computed AS (
    SELECT article.id,
        coalesce(tags.ids, '{{}}') AS tag_ids,
        coalesce(mentioned.ids, '{{}}') AS entity_ids,
        coalesce(paragraphs.body_vi, '') AS body_vi,
        coalesce(paragraphs.body_en, '') AS body_en,
        coalesce(names.names, '') AS entity_names,
        (article.lead_vi <> '')::int + coalesce(paragraphs.vietnamese, 0) AS block_count,
        (article.lead_en <> '')::int + coalesce(paragraphs.english, 0)
            AS translated_block_count,
        (article.lead_en <> '' AND article.lead_vi_changed_at > article.lead_en_changed_at)
            OR coalesce(paragraphs.stale, false) AS stale
    FROM articles_article AS article
    LEFT JOIN LATERAL (
        SELECT array_agg(tag_id ORDER BY tag_id) AS ids FROM {tags}
        WHERE article_id = article.id
    ) AS tags ON true
    LEFT JOIN LATERAL (
        SELECT array_agg(entity_id ORDER BY entity_id) AS ids FROM articles_mention
        WHERE article_id = article.id
    ) AS mentioned ON true
    LEFT JOIN LATERAL (
        SELECT string_agg(text_vi, E'\\n' ORDER BY position) AS body_vi,
            string_agg(text_en, E'\\n' ORDER BY position) FILTER (WHERE text_en <> '')
                AS body_en,
            count(*) FILTER (WHERE text_vi <> '') AS vietnamese,
            count(*) FILTER (WHERE text_en <> '') AS english,
            bool_or(text_en <> '' AND vi_changed_at > en_changed_at) AS stale
        FROM articles_paragraph WHERE article_id = article.id
    ) AS paragraphs ON true
    LEFT JOIN LATERAL (
        SELECT string_agg(DISTINCT name, ' ' ORDER BY name) AS names
        FROM articles_mention AS mention, LATERAL (
            SELECT entity.name_vi FROM articles_entity AS entity
                WHERE entity.id = mention.entity_id
            UNION SELECT entity.name_en FROM articles_entity AS entity
                WHERE entity.id = mention.entity_id
            UNION SELECT alias.text FROM articles_entityalias AS alias
                WHERE alias.entity_id = mention.entity_id
        ) AS entity_names(name)
        WHERE mention.article_id = article.id
    ) AS names ON true
    WHERE article.id = ANY(%s)
),
final AS (
    SELECT computed.*,
        CASE WHEN translated_block_count = 0 THEN 'missing'
            WHEN stale THEN 'stale'
            WHEN translated_block_count < block_count THEN 'partial'
            ELSE 'complete' END AS translation,
        ARRAY(
            SELECT rules.id FROM rules WHERE (
                cardinality(any_tags) + cardinality(any_entities)
                    + cardinality(all_tags) + cardinality(all_entities) > 0
                AND computed.tag_ids @> all_tags AND computed.entity_ids @> all_entities
                AND (cardinality(any_tags) + cardinality(any_entities) = 0
                    OR computed.tag_ids && any_tags OR computed.entity_ids && any_entities)
                AND NOT computed.tag_ids && exclude_tags
                AND NOT computed.entity_ids && exclude_entities
                AND computed.id <> ALL(excluded_articles)
            ) OR computed.id = ANY(pinned_articles)
            ORDER BY rules.id
        )::bigint[] AS category_ids
    FROM computed
)
UPDATE articles_article AS article
SET ({columns}) = ({", ".join(f"final.{column}" for column in DERIVED_COLUMNS)})
FROM final
WHERE article.id = final.id
    AND ({", ".join(f"article.{column}" for column in DERIVED_COLUMNS)})
        IS DISTINCT FROM ({", ".join(f"final.{column}" for column in DERIVED_COLUMNS)})
"""


# --- Recomputing -----------------------------------------------------------------------------


def refresh(article_ids: Iterable[int], *, relink: Iterable[int] = ()) -> int:
    """Recompute every derived column of these articles, in bulk SQL, after finding the
    mentions again in the text of those in `relink`. Returns how many articles changed."""
    from articles.entities.linking import link_articles

    article_ids, relink = set(article_ids), set(relink)
    with _not_marking(), transaction.atomic():
        if relink:
            link_articles(sorted(relink))
        changed = 0
        ordered = sorted(article_ids | relink)
        with connection.cursor() as cursor:
            for start in range(0, len(ordered), BATCH_IDS):
                cursor.execute(_refresh_sql(), [ordered[start : start + BATCH_IDS]])
                changed += cursor.rowcount
    return changed


def refresh_all(*, relink: bool = False) -> int:
    """Recompute every article's derived data (and mentions, with relink=True)."""
    from articles.models import Article

    ids = list(Article.objects.values_list("pk", flat=True).order_by("pk"))
    return refresh(ids, relink=ids if relink else ())


def refresh_categories(category_ids: Iterable[int]) -> int:
    """After a category's rule changed, or it was deleted: its members and the articles
    its rule may select now."""
    from articles.models import Article, Category

    category_ids = list(category_ids)
    condition = Q(category_ids__overlap=category_ids)
    for category in Category.objects.filter(pk__in=category_ids).prefetch_related(
        *Category.RULE_FIELDS
    ):
        condition |= Article.objects.category_rule(category)
    return refresh(Article.objects.filter(condition).values_list("pk", flat=True))


# --- Noticing writes -------------------------------------------------------------------------


class _State(threading.local):
    depth = 0  # nesting of batch()
    paused = False  # inside refresh(): its own writes need no noticing
    changed = False  # what readers see changed: the content version goes up on commit
    articles: set
    relink: set
    categories: set

    def __init__(self):
        self.articles, self.relink, self.categories = set(), set(), set()


_state = _State()


@contextmanager
def batch() -> Iterator[None]:
    """Collect the articles the writes inside touch, and refresh them once at the end (in
    the same transaction: open the batch inside it)."""
    _state.depth += 1
    try:
        yield
    except BaseException:
        if _state.depth == 1:
            _state.articles, _state.relink, _state.categories = set(), set(), set()
            _state.changed = False
        raise
    finally:
        _state.depth -= 1
    if _state.depth == 0:
        _flush()


@contextmanager
def _not_marking() -> Iterator[None]:
    paused, _state.paused = _state.paused, True
    try:
        yield
    finally:
        _state.paused = paused


def _flush() -> None:
    articles, relink, categories = _state.articles, _state.relink, _state.categories
    _state.articles, _state.relink, _state.categories = set(), set(), set()
    if _state.changed:
        _state.changed = False
        content_changed_on_commit()
    if categories:
        refresh_categories(categories)
    if articles or relink:
        refresh(articles, relink=relink)


def mark(article_ids: Iterable[int] = (), *, texts_changed: bool = False) -> None:
    """Note that these articles' derived data may be out of step: refreshed now, or at the
    end of the batch. Readers' pages go stale once the transaction commits: one change
    of the content version per batch, or per write outside one."""
    if _state.paused:
        return
    _state.changed = True
    target = _state.relink if texts_changed else _state.articles
    target.update(pk for pk in article_ids if pk is not None)
    if _state.depth == 0:
        _flush()


def mark_categories(category_ids: Iterable[int]) -> None:
    if _state.paused:
        return
    _state.changed = True
    _state.categories.update(category_ids)
    if _state.depth == 0:
        _flush()


def content_changed_on_commit() -> None:
    """Make cached pages stale once this transaction commits (never if it rolls back)."""
    transaction.on_commit(content_changed)


def _articles_holding(field: str, pk: int) -> list[int]:
    from articles.models import Article

    return list(Article.objects.filter(**{f"{field}__contains": [pk]}).values_list("pk", flat=True))


def _article_saved(sender, instance, created, update_fields=None, **kwargs):
    texts_changed = created or update_fields is None or bool(TEXT_FIELDS & set(update_fields))
    mark([instance.pk], texts_changed=texts_changed)


def _article_deleted(sender, instance, **kwargs):
    mark()


def _row_of_article_written(sender, instance, **kwargs):
    """A paragraph saved or deleted changes its article's text; a mention, its links."""
    from articles.models import Paragraph

    mark([instance.article_id], texts_changed=sender is Paragraph)


def _tags_changed(sender, instance, action, reverse, pk_set, **kwargs):
    from articles.models import Article

    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        mark([instance.pk])
    elif action == "post_clear":
        mark(Article.objects.filter(tag_ids__contains=[instance.pk]).values_list("pk", flat=True))
    else:
        mark(pk_set or ())


def _rule_changed(sender, instance, action, reverse, pk_set, **kwargs):
    from articles.models import Category

    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if isinstance(instance, Category):
        mark_categories([instance.pk])
    elif pk_set:
        mark_categories(pk_set)
    else:
        mark()


def _rule_member_deleting(sender, instance, **kwargs):
    """A tag or entity is about to go, and with it its place in categories' rules, without a
    many-to-many signal: note the categories whose rule names it, to refresh them after."""
    from articles.models import Category

    condition = Q()
    for name in Category.RULE_FIELDS:
        if Category._meta.get_field(name).related_model is sender:
            condition |= Q(**{name: instance.pk})
    instance._in_rules_of = list(
        Category.objects.filter(condition).order_by().values_list("pk", flat=True).distinct()
    )


def _tag_deleted(sender, instance, **kwargs):
    mark_categories(getattr(instance, "_in_rules_of", ()))
    mark(_articles_holding("tag_ids", instance.pk))


def _entity_written(sender, instance, **kwargs):
    """Its names are searched as part of the articles that mention it."""
    from articles.entities.linking import entities_changed

    entities_changed()
    mark_categories(getattr(instance, "_in_rules_of", ()))  # deleted: see above
    mark(_articles_holding("entity_ids", instance.pk))


def _alias_written(sender, instance, **kwargs):
    from articles.entities.linking import entities_changed

    entities_changed()
    mark(_articles_holding("entity_ids", instance.entity_id))


def _category_deleted(sender, instance, **kwargs):
    mark(_articles_holding("category_ids", instance.pk))


def _shown_to_readers(sender, **kwargs):
    mark()


def connect() -> None:
    """Listen to every write that changes derived data (called once, by the app's ready())."""
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

    post_save.connect(_article_saved, sender=Article)
    post_delete.connect(_article_deleted, sender=Article)
    for model in (Paragraph, Mention):
        post_save.connect(_row_of_article_written, sender=model)
        post_delete.connect(_row_of_article_written, sender=model)
    m2m_changed.connect(_tags_changed, sender=Article.tags.through)
    for field in Category.RULE_FIELDS:
        m2m_changed.connect(_rule_changed, sender=getattr(Category, field).through)
    for model in (Tag, Entity):
        pre_delete.connect(_rule_member_deleting, sender=model)
    post_delete.connect(_tag_deleted, sender=Tag)
    post_save.connect(_entity_written, sender=Entity)
    post_delete.connect(_entity_written, sender=Entity)
    post_save.connect(_alias_written, sender=EntityAlias)
    post_delete.connect(_alias_written, sender=EntityAlias)
    post_delete.connect(_category_deleted, sender=Category)
    for model in (Tag, Category, Source):
        post_save.connect(_shown_to_readers, sender=model)
    post_delete.connect(_shown_to_readers, sender=Source)
