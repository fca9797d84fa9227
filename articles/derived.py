"""Everything stored on an article that follows from other rows, and the one place that
keeps it right.

Derived from an article's own rows and its related ones:
- tag_ids (its tags), entity_ids (its mentions) and category_ids (the categories whose
  rule selects it, or that pin it): the id arrays filters and facets read;
- body_vi, body_en (its paragraphs) and entity_names (the names and aliases of what it
  mentions): the text search reads, and the tsvectors PostgreSQL generates from them;
- search_words: its Vietnamese words (articles.words), read in the same pass as its
  mentions, from which PostgreSQL generates the word vector;
- translation, block_count, translated_block_count: how far its English has come;
- its mentions and their counts, found in its text by the entity linker;
- and, for the whole site, the content version that makes every cached page stale.

The writes that change any of these are noticed through Django's signals (saves, deletes,
many-to-many changes), connected here and nowhere else, and the querysets' bulk methods
(ArticleQuerySet, ParagraphQuerySet and MentionQuerySet mark what their update(),
bulk_create() and bulk_update() touch); articles.changes collects the articles they
touched and hands them back to refresh(), at once or once per batch, in the same
transaction.

Nothing else writes the derived columns: tests/test_it_keeps_derived_data_right.py checks
that the code names them nowhere else, and that after random sequences of writes through
every path, recomputing everything from scratch changes nothing.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Q
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete

from articles import changes
from articles.changes import TEXT_FIELDS, mark, mark_categories
from articles.entities.linking import entities_changed, link_articles
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

BATCH_IDS = 5_000  # articles recomputed per statement
COMPUTED_IN_SQL = (
    *("tag_ids", "entity_ids", "category_ids", "body_vi", "body_en", "entity_names"),
    *("translation", "block_count", "translated_block_count"),
)
READ_WITH_THE_MENTIONS = ("search_words",)
DERIVED_COLUMNS = (*COMPUTED_IN_SQL, *READ_WITH_THE_MENTIONS)


# --- The SQL ---------------------------------------------------------------------------------


def _rule_array(field_name: str) -> str:
    field = Category._meta.get_field(field_name)
    through = field.remote_field.through._meta.db_table
    return (
        f"ARRAY(SELECT {field.m2m_reverse_name()} FROM {through} "
        f"WHERE {field.m2m_column_name()} = category.id)"
    )


def _refresh_sql() -> str:
    rules = ", ".join(f"{_rule_array(name)} AS {name}" for name in Category.RULE_FIELDS)
    tags = Article.tags.through._meta.db_table
    columns = ", ".join(COMPUTED_IN_SQL)
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
SET ({columns}) = ({", ".join(f"final.{column}" for column in COMPUTED_IN_SQL)})
FROM final
WHERE article.id = final.id
    AND ({", ".join(f"article.{column}" for column in COMPUTED_IN_SQL)})
        IS DISTINCT FROM ({", ".join(f"final.{column}" for column in COMPUTED_IN_SQL)})
RETURNING article.id
"""


_STORE_WORDS_SQL = """
UPDATE articles_article AS article SET search_words = read.words
FROM unnest(%s::bigint[], %s::text[]) AS read(id, words)
WHERE article.id = read.id AND article.search_words IS DISTINCT FROM read.words
RETURNING article.id
"""


# --- Recomputing -----------------------------------------------------------------------------


def refresh(article_ids: Iterable[int], *, relink: Iterable[int] = ()) -> int:
    """Recompute every derived column of these articles, in bulk SQL, after finding the
    mentions again in the text of those in `relink`. Returns how many articles changed."""
    article_ids, relink = set(article_ids), set(relink)
    with changes.not_noticed(), transaction.atomic(), connection.cursor() as cursor:
        changed = set()
        if relink:
            words = link_articles(sorted(relink))
            cursor.execute(_STORE_WORDS_SQL, [list(words), list(words.values())])
            changed.update(pk for (pk,) in cursor.fetchall())
        ordered = sorted(article_ids | relink)
        for start in range(0, len(ordered), BATCH_IDS):
            cursor.execute(_refresh_sql(), [ordered[start : start + BATCH_IDS]])
            changed.update(pk for (pk,) in cursor.fetchall())
    return len(changed)


def refresh_all(*, relink: bool = False) -> int:
    """Recompute every article's derived data (and mentions, with relink=True)."""
    ids = list(Article.objects.values_list("pk", flat=True).order_by("pk"))
    return refresh(ids, relink=ids if relink else ())


def refresh_categories(category_ids: Iterable[int]) -> int:
    """After a category's rule changed, or it was deleted: its members and the articles
    its rule may select now."""
    category_ids = list(category_ids)
    condition = Q(category_ids__overlap=category_ids)
    for category in Category.objects.filter(pk__in=category_ids).prefetch_related(
        *Category.RULE_FIELDS
    ):
        condition |= Article.objects.category_rule(category)
    return refresh(Article.objects.filter(condition).values_list("pk", flat=True))


RELINK_BATCH = 500
RELINK_AT_ONCE = 200  # what an editor's save re-links (about 4 s); a command re-links the rest


def relink_articles(article_ids) -> int:
    """Find the articles' mentions again (after entities or aliases changed), and all that
    follows from them: one batch at a time, each committed on its own."""
    article_ids = list(article_ids)
    for start in range(0, len(article_ids), RELINK_BATCH):
        batch = article_ids[start : start + RELINK_BATCH]
        with transaction.atomic():
            refresh(batch, relink=batch)
            changes.content_changed_on_commit()
    return len(article_ids)


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


# --- Noticing writes -------------------------------------------------------------------------


def _articles_holding(field: str, pk: int) -> list[int]:
    return list(Article.objects.filter(**{f"{field}__contains": [pk]}).values_list("pk", flat=True))


def _article_saved(sender, instance, created, update_fields=None, **kwargs):
    texts_changed = created or update_fields is None or bool(TEXT_FIELDS & set(update_fields))
    mark([instance.pk], texts_changed=texts_changed)


def _article_deleted(sender, instance, **kwargs):
    mark()


def _row_of_article_written(sender, instance, **kwargs):
    """A paragraph saved or deleted changes its article's text; a mention, its links."""
    mark([instance.article_id], texts_changed=sender is Paragraph)


def _tags_changed(sender, instance, action, reverse, pk_set, **kwargs):
    if action not in ("post_add", "post_remove", "post_clear"):
        return
    if not reverse:
        mark([instance.pk])
    elif action == "post_clear":
        mark(Article.objects.filter(tag_ids__contains=[instance.pk]).values_list("pk", flat=True))
    else:
        mark(pk_set or ())


def _rule_changed(sender, instance, action, reverse, pk_set, **kwargs):
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
    entities_changed()
    mark(_articles_holding("entity_ids", instance.pk))


def _entity_deleting(sender, instance, **kwargs):
    """Note the articles that name it, before its mentions go with it."""
    instance._named_in = _articles_holding("entity_ids", instance.pk)


def _entity_deleted(sender, instance, **kwargs):
    """Its names were words of the articles that named it: they are read again."""
    entities_changed()
    mark_categories(getattr(instance, "_in_rules_of", ()))  # see above
    mark(getattr(instance, "_named_in", ()), texts_changed=True)


def _alias_written(sender, instance, **kwargs):
    entities_changed()
    mark(_articles_holding("entity_ids", instance.entity_id))


def _category_deleted(sender, instance, **kwargs):
    mark(_articles_holding("category_ids", instance.pk))


def _shown_to_readers(sender, **kwargs):
    mark()


def _refresh_touched(articles: set, relink: set, categories: set) -> None:
    if categories:
        refresh_categories(categories)
    if articles or relink:
        refresh(articles, relink=relink)


def connect() -> None:
    """Listen to every write that changes derived data (called once, by the app's ready())."""
    changes.refresh_with(_refresh_touched)
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
    pre_delete.connect(_entity_deleting, sender=Entity)
    post_delete.connect(_entity_deleted, sender=Entity)
    post_save.connect(_alias_written, sender=EntityAlias)
    post_delete.connect(_alias_written, sender=EntityAlias)
    post_delete.connect(_category_deleted, sender=Category)
    for model in (Tag, Category, Source):
        post_save.connect(_shown_to_readers, sender=model)
    post_delete.connect(_shown_to_readers, sender=Source)
