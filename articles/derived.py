"""Everything stored on an article that follows from other rows, and the one place that
keeps it right.

Derived from an article's own rows and its related ones:
- tag_ids (its tags: those given by hand or by its source, and those whose rule its text
  meets, but not those an editor took off), entity_ids (its mentions) and category_ids
  (the categories whose rule selects it, or that pin it): the id arrays filters and
  facets read;
- body_vi, body_en (its paragraphs) and entity_names (the names and aliases of what it
  mentions): the text search reads, and the tsvectors PostgreSQL generates from them;
- search_words: its Vietnamese words (articles.words), read in the same pass as its
  mentions, from which PostgreSQL generates the word vector; word_lengths: how many
  syllables each of those words has, which its page reads to tell its words apart;
- sentences and alignment_coverage: its sentences paired across the languages
  (articles.alignment), read in the same pass; level: its reading level (articles.levels),
  from its words, its sentences and the site's word ranks;
- translation, block_count, translated_block_count: how far its English has come;
- translation_checks: what the desk's checks saw in its pairs (articles.desk.checks), read
  with its mentions; needs_checking: whether any of it is not dismissed (CheckDismissal);
- its title's terms, each with its weight in the article (TitleTerm, articles.search.sql),
  through which search ranks every match;
- its mentions and their counts, found in its text by the entity linker, and the tags
  whose rule its text meets (rule_tag_ids, articles.tagging);
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

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Q
from django.db.models.expressions import DatabaseDefault
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete

from articles import changes
from articles.alignment import ArticleAlignment, align_article
from articles.changes import TEXT_FIELDS, mark, mark_categories
from articles.desk.checks import check_pairs
from articles.entities.linking import (
    articles_to_match,
    built_from_names,
    current_gazetteer,
    current_names,
    names_changed,
    read_article,
    store_mentions,
)
from articles.levels import level_sql
from articles.models import (
    Article,
    Category,
    CheckDismissal,
    Correction,
    Entity,
    EntityAlias,
    GlossaryEntry,
    Mention,
    Paragraph,
    Source,
    StoryMember,
    Tag,
    TitleTerm,
)
from articles.search.sql import TITLE_TERMS_FUNCTION
from articles.stories import bands_sql, basis_sql, keys_sql, near_duplicates_sql, pairs_sql
from articles.tagging import RuleOutcome, current_tag_rules, rule_changes
from articles.words import dictionary

BATCH_IDS = 5_000  # articles recomputed per statement
COMPUTED_IN_SQL = (
    *("tag_ids", "entity_ids", "category_ids", "body_vi", "body_en", "entity_names"),
    *("translation", "block_count", "translated_block_count", "level", "needs_checking"),
)
READ_WITH_THE_MENTIONS = (
    *("search_words", "word_lengths", "rule_tag_ids", "sentences", "alignment_coverage"),
    "translation_checks",
)
DERIVED_COLUMNS = (*COMPUTED_IN_SQL, *READ_WITH_THE_MENTIONS)
# The story each article tells, kept in a table of its own (StoryMember) by find_stories().
STORY_COLUMNS = (
    *("story_id", "story_basis", "story_time", "story_source_id", "story_pairs"),
    *("story_bands", "story_keys"),
)


# --- The SQL ---------------------------------------------------------------------------------


def _rule_array(field_name: str) -> str:
    field = Category._meta.get_field(field_name)
    through = field.remote_field.through._meta.db_table
    return (
        f"ARRAY(SELECT {field.m2m_reverse_name()} FROM {through} "
        f"WHERE {field.m2m_column_name()} = category.id)"
    )


def _derived_sql(articles: str, where: str = "", carried: Iterable[str] = ()) -> str:
    """`final`: the id and every derived column of the article rows in the table `articles`
    (that `where` chooses), computed from their related rows, and their columns `carried`
    as they are."""
    tags = Article.tags.through._meta.db_table
    removed_tags = Article.removed_tags.through._meta.db_table
    return f"""
WITH {_rules_sql()},
computed AS (
    SELECT article.id, {"".join(f"article.{column}, " for column in carried)}
        coalesce(tags.ids, '{{}}') AS tag_ids,
        coalesce(mentioned.ids, '{{}}') AS entity_ids,
        coalesce(paragraphs.body_vi, '') AS body_vi,
        coalesce(paragraphs.body_en, '') AS body_en,
        coalesce(names.names, '') AS entity_names,
        (article.lead_vi <> '')::int + coalesce(paragraphs.vietnamese, 0) AS block_count,
        (article.lead_en <> '')::int + coalesce(paragraphs.english, 0)
            AS translated_block_count,
        (article.lead_en <> '' AND article.lead_vi_changed_at > article.lead_en_changed_at)
            OR coalesce(paragraphs.stale, false) AS stale,
        {level_sql("article")} AS level,
        EXISTS (
            SELECT FROM jsonb_array_elements(article.translation_checks) AS flag
            WHERE NOT EXISTS (
                SELECT FROM {CheckDismissal._meta.db_table} AS dismissal
                WHERE dismissal.article_id = article.id AND dismissal.kind = flag->>'kind'
                    AND dismissal.pair = flag->>'pair'
            )
        ) AS needs_checking
    FROM {articles} AS article
    LEFT JOIN LATERAL (
        SELECT array_agg(tag_id ORDER BY tag_id) AS ids FROM (
            SELECT tag_id FROM {tags} WHERE article_id = article.id
            UNION
            SELECT tag.id FROM articles_tag AS tag
            WHERE tag.id = ANY(article.rule_tag_ids) AND tag.id NOT IN (
                SELECT tag_id FROM {removed_tags} WHERE article_id = article.id
            )
        ) AS given(tag_id)
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
    {where}
),
final AS (
    SELECT computed.*,
        CASE WHEN translated_block_count = 0 THEN 'missing'
            WHEN stale THEN 'stale'
            WHEN translated_block_count < block_count THEN 'partial'
            ELSE 'complete' END AS translation,
        {_category_ids_sql("computed.tag_ids", "computed.entity_ids", "computed.id")}
            AS category_ids
    FROM computed
)
"""


def _rules_sql() -> str:
    rules = ", ".join(f"{_rule_array(name)} AS {name}" for name in Category.RULE_FIELDS)
    return f"rules AS MATERIALIZED (SELECT category.id, {rules} FROM articles_category AS category)"


def _category_ids_sql(tag_ids: str, entity_ids: str, article_id: str) -> str:
    """The ids of the categories (in `rules`) whose rule selects an article with these tag
    and entity ids, or that pin it."""
    return f"""ARRAY(
            SELECT rules.id FROM rules WHERE (
                cardinality(any_tags) + cardinality(any_entities)
                    + cardinality(all_tags) + cardinality(all_entities) > 0
                AND {tag_ids} @> all_tags AND {entity_ids} @> all_entities
                AND (cardinality(any_tags) + cardinality(any_entities) = 0
                    OR {tag_ids} && any_tags OR {entity_ids} && any_entities)
                AND NOT {tag_ids} && exclude_tags
                AND NOT {entity_ids} && exclude_entities
                AND {article_id} <> ALL(excluded_articles)
            ) OR {article_id} = ANY(pinned_articles)
            ORDER BY rules.id
        )::bigint[]"""


def categories_for(tag_ids: Iterable[int], entity_ids: Iterable[int]) -> list[int]:
    """The ids of the categories an article with these tags and entities would be in."""
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH {_rules_sql()} SELECT "
            + _category_ids_sql("%(tags)s::bigint[]", "%(entities)s::bigint[]", "0"),
            {"tags": sorted(tag_ids), "entities": sorted(entity_ids)},
        )
        return cursor.fetchone()[0]


def _columns(prefix: str, columns=COMPUTED_IN_SQL) -> str:
    return ", ".join(f"{prefix}{column}" for column in columns)


def _refresh_sql() -> str:
    return f"""{_derived_sql(Article._meta.db_table, "WHERE article.id = ANY(%s)")}
UPDATE {Article._meta.db_table} AS article
SET ({_columns("")}) = ({_columns("final.")})
FROM final
WHERE article.id = final.id
    AND ({_columns("article.")}) IS DISTINCT FROM ({_columns("final.")})
RETURNING article.id
"""


def _insert_sql(staged: str, columns: list[str]) -> str:
    """Each staged row with its derived columns, in one pass over the staged rows: joined
    back to them, PostgreSQL read the whole batch again for each of its rows."""
    own = [column for column in columns if column not in ("id", '"id"')]
    return f"""{_derived_sql(staged, carried=own)}
INSERT INTO {Article._meta.db_table} (id, {_columns("", own)}, {_columns("")})
SELECT id, {_columns("", own)}, {_columns("")} FROM final
"""


_STORE_READ_SQL = f"""
UPDATE articles_article AS article
SET ({_columns("", READ_WITH_THE_MENTIONS)}) = (
    read.words, read.lengths, read.tag_ids::bigint[], read.sentences::jsonb, read.coverage,
    read.checks::jsonb
)
FROM unnest(%s::bigint[], %s::text[], %s::text[], %s::text[], %s::text[], %s::int[], %s::text[])
    AS read(id, words, lengths, tag_ids, sentences, coverage, checks)
WHERE article.id = read.id
    AND ({_columns("article.", READ_WITH_THE_MENTIONS)}) IS DISTINCT FROM (
        read.words, read.lengths, read.tag_ids::bigint[], read.sentences::jsonb, read.coverage,
        read.checks::jsonb
    )
RETURNING article.id
"""


# --- Recomputing -----------------------------------------------------------------------------


def refresh(
    article_ids: Iterable[int],
    *,
    relink: Iterable[int] = (),
    stories: bool = True,
    stories_from_scratch: bool = False,
) -> int:
    """Recompute every derived column of these articles, in bulk SQL, after finding the
    mentions again in the text of those in `relink`, and their title terms and stories (of
    those whose title, lead, source or time changed, or all; neither with stories=False,
    when only their categories may have changed). Returns how many rows changed."""
    article_ids, relink = set(article_ids), set(relink)
    with changes.not_noticed(), transaction.atomic(), connection.cursor() as cursor:
        changed = set()
        if relink:
            changed.update(_read_again(sorted(relink), cursor))
        ordered = sorted(article_ids | relink)
        for start in range(0, len(ordered), BATCH_IDS):
            cursor.execute(_refresh_sql(), [ordered[start : start + BATCH_IDS]])
            changed.update(pk for (pk,) in cursor.fetchall())
        if stories:
            store_title_terms(ordered)
    count = len(changed)
    if stories:
        count += find_stories(ordered, from_scratch=stories_from_scratch)
    return count


@dataclass(frozen=True)
class TextRead:
    """What an article's text names: the entities it mentions, with how often, its words
    (articles.words), the tags whose rule it meets, its sentences paired across the
    languages, and what the desk's checks see in its pairs."""

    mentions: Counter
    words: str
    word_lengths: str
    rule_tag_ids: list[int]
    alignment: ArticleAlignment
    checks: list[dict]


def _read(articles: Iterable[tuple[Article, list | None]]) -> dict[int, TextRead]:
    """What each (article, its paragraphs, or None for its stored ones) names; by id."""
    gazetteer, rules, names = current_gazetteer(), current_tag_rules(), current_names()
    compounds = glossary_compounds()
    found = {}
    for article, paragraphs in articles:
        mentions, words, lengths, named = read_article(article, gazetteer, paragraphs, compounds)
        blocks = article.aligned_blocks(paragraphs)
        found[article.pk] = TextRead(
            mentions,
            words,
            lengths,
            rules.tag_ids(article, paragraphs),
            align_article(blocks),
            [flag.as_json() for flag in check_pairs(blocks, named, names)],
        )
    return found


def glossary_compounds() -> frozenset[str]:
    """The glossary's Vietnamese headwords that segmentation reads as several words
    (chuỗi cung ứng), which a reader taps as one (articles.words.joined)."""
    return built_from_names("glossary compounds", _load_compounds)


def _load_compounds() -> frozenset[str]:
    headwords = GlossaryEntry.objects.filter(language="vi", headword__contains=" ")
    return frozenset(
        headword
        for headword in headwords.values_list("headword", flat=True)
        if headword not in dictionary()
    )


def _read_again(article_ids: list[int], cursor) -> list[int]:
    """Read the stored articles' text again, and store what it names; the ids of the
    articles whose words or rule tags changed."""
    found = _read((article, None) for article in articles_to_match(article_ids))
    store_mentions({pk: read.mentions for pk, read in found.items()})
    ids = list(found)
    cursor.execute(
        _STORE_READ_SQL,
        [
            ids,
            [found[pk].words for pk in ids],
            [found[pk].word_lengths for pk in ids],
            [_array(found[pk].rule_tag_ids) for pk in ids],
            [json.dumps(found[pk].alignment.as_stored()) for pk in ids],
            [found[pk].alignment.coverage for pk in ids],
            [json.dumps(found[pk].checks, ensure_ascii=False) for pk in ids],
        ],
    )
    return [pk for (pk,) in cursor.fetchall()]


def _array(ids: list[int]) -> str:
    return "{" + ",".join(map(str, ids)) + "}"


def store_rule_tags(rule_tags: dict[int, list[int]]) -> int:
    """Store the tags each article's text meets the rule of, by article id; how many
    articles changed."""
    if not rule_tags:
        return 0
    ids = list(rule_tags)
    with connection.cursor() as cursor:
        cursor.execute(
            f"""
UPDATE {Article._meta.db_table} AS article SET rule_tag_ids = found.tag_ids::bigint[]
FROM unnest(%s::bigint[], %s::text[]) AS found(id, tag_ids)
WHERE article.id = found.id AND article.rule_tag_ids IS DISTINCT FROM found.tag_ids::bigint[]
""",
            [ids, [_array(rule_tags[pk]) for pk in ids]],
        )
        return cursor.rowcount


def apply_tag_rules(tags: list[Tag], progress=None) -> RuleOutcome:
    """Bring the stored articles in line with these tags' saved rules: those whose text
    meets one gain the tag, those that no longer do lose it (unless an editor gave it by
    hand), and all that follows (categories included); a batch at a time, each committed
    on its own, every article written once whatever the number of tags."""
    checked, gained, lost, batch = [], [], [], {}

    def write(batch: dict[int, list[int]]) -> None:
        with transaction.atomic():
            store_rule_tags(batch)
            refresh(batch, stories=False)  # a tag never changes a story
            changes.content_changed_on_commit()

    for change in rule_changes(tags, progress=progress, read=checked.append):
        batch[change.article_id] = change.rule_tag_ids
        if change.gained:
            gained.append(change.article_id)
        if change.lost:
            lost.append(change.article_id)
        if len(batch) >= RELINK_BATCH:
            write(batch)
            batch = {}
    if batch:
        write(batch)
    return RuleOutcome(gained, lost, checked[0], complete=True)


def refresh_all(*, relink: bool = False) -> int:
    """Recompute every article's derived data (and mentions, with relink=True)."""
    ids = list(Article.objects.values_list("pk", flat=True).order_by("pk"))
    return refresh(ids, relink=ids if relink else (), stories_from_scratch=True)


def refresh_categories(category_ids: Iterable[int]) -> int:
    """After a category's rule changed, or it was deleted: its members and the articles
    its rule may select now."""
    category_ids = list(category_ids)
    condition = Q(category_ids__overlap=category_ids)
    for category in Category.objects.filter(pk__in=category_ids).prefetch_related(
        *Category.RULE_FIELDS
    ):
        condition |= Article.objects.category_rule(category)
    return refresh(Article.objects.filter(condition).values_list("pk", flat=True), stories=False)


def refresh_levels() -> int:
    """After the site's words were ranked again: every article's level, written where it
    changed; how many changed."""
    table = Article._meta.db_table
    with changes.not_noticed(), transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"""
UPDATE {table} AS article SET level = computed.level
FROM (SELECT article.id, {level_sql("article")} AS level FROM {table} AS article) AS computed
WHERE article.id = computed.id AND article.level IS DISTINCT FROM computed.level
"""
        )
        count = cursor.rowcount
        if count:
            changes.content_changed_on_commit()
    return count


_TITLE_TERMS_SQL = f"""
DELETE FROM {TitleTerm._meta.db_table} WHERE article_id = ANY(%(ids)s);
INSERT INTO {TitleTerm._meta.db_table} (article_id, term, level, published_at)
SELECT article.id, terms.term, terms.level, article.published_at
FROM {Article._meta.db_table} AS article,
    {TITLE_TERMS_FUNCTION}(article.search_vector, article.word_vector) AS terms
WHERE article.id = ANY(%(ids)s) AND article.published_at IS NOT NULL
"""


def store_title_terms(article_ids: list[int]) -> None:
    """Store the terms of these articles' titles again, as their text and time now are."""
    with connection.cursor() as cursor:
        for start in range(0, len(article_ids), BATCH_IDS):
            cursor.execute(_TITLE_TERMS_SQL, {"ids": article_ids[start : start + BATCH_IDS]})


# --- Creating --------------------------------------------------------------------------------

STAGED_ARTICLES = "incoming_article"


def create_articles(
    articles: list[Article], paragraphs: list[list[Paragraph]], tags: list[list[Tag]]
) -> None:
    """Store new articles, each with its paragraphs and tags, and the mentions its text
    names, each article written once with every derived column already right.

    The related rows are stored first (their foreign keys are checked when the transaction
    commits), then the articles, through the same SQL as refresh(): the search vectors are
    computed and indexed once, where an insert and a refresh would do it twice."""
    if not articles:
        return
    with changes.not_noticed():
        for article, pk in zip(articles, _new_article_ids(len(articles)), strict=True):
            article.pk = article.id = pk
        Paragraph.objects.bulk_create(
            _belonging_to(article, paragraph)
            for article, own in zip(articles, paragraphs, strict=True)
            for paragraph in own
        )
        Article.tags.through.objects.bulk_create(
            Article.tags.through(article_id=article.pk, tag_id=tag.pk)
            for article, own in zip(articles, tags, strict=True)
            for tag in own
        )
        found = _read(zip(articles, paragraphs, strict=True))
        store_mentions({pk: read.mentions for pk, read in found.items()})
        for article in articles:
            article.search_words = found[article.pk].words
            article.word_lengths = found[article.pk].word_lengths
            article.rule_tag_ids = found[article.pk].rule_tag_ids
            article.sentences = found[article.pk].alignment.as_stored()
            article.alignment_coverage = found[article.pk].alignment.coverage
            article.translation_checks = found[article.pk].checks
        _insert(articles)
        store_title_terms([article.pk for article in articles])
        find_stories([article.pk for article in articles])
    changes.mark()  # readers' pages go stale once this commits


def _new_article_ids(count: int) -> list[int]:
    table = Article._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT nextval(pg_get_serial_sequence('{table}', 'id')) FROM generate_series(1, %s)",
            [count],
        )
        return [pk for (pk,) in cursor.fetchall()]


def _belonging_to(article: Article, paragraph: Paragraph) -> Paragraph:
    paragraph.article = article
    return paragraph


def _insert(articles: list[Article]) -> None:
    """Insert the articles with their derived columns."""
    fields = [
        field
        for field in Article._meta.concrete_fields
        if not field.generated and field.column not in COMPUTED_IN_SQL
    ]
    insert_rows(
        [field.column for field in fields],
        ([_database_value(field, article) for field in fields] for article in articles),
    )
    for article in articles:
        article._state.adding, article._state.db = False, connection.alias


def insert_rows(columns: list[str], rows: Iterable) -> None:
    """Insert new articles given as rows of their own columns (none computed in SQL), their
    paragraphs, tags and mentions stored first: copied into a temporary table, and
    inserted from there with their derived columns."""
    quoted = [connection.ops.quote_name(column) for column in columns]
    listed = ", ".join(quoted)
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMPORARY TABLE {STAGED_ARTICLES} AS "
            f"SELECT {listed} FROM {Article._meta.db_table} WITH NO DATA"
        )
        with cursor.copy(f"COPY {STAGED_ARTICLES} ({listed}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)
        cursor.execute(_insert_sql(STAGED_ARTICLES, quoted))
        cursor.execute(f"DROP TABLE {STAGED_ARTICLES}")


def _database_value(field, article: Article):
    value = field.pre_save(article, add=True)
    if isinstance(value, DatabaseDefault):
        raise ValueError(f"a new article needs its {field.name}")
    return field.get_db_prep_save(value, connection)


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


# --- Stories ---------------------------------------------------------------------------------

STORY_LOCK = 0x53544F52  # one transaction at a time finds stories, seeing the last one's


def _members_sql() -> str:
    """Bring the StoryMember rows of the articles %(ids)s up to date where what their story
    is found from changed (all of them with %(from_scratch)s), or the article their story
    was named after is gone; answer (id, whether its row changed) for each of those."""
    articles, members = Article._meta.db_table, StoryMember._meta.db_table
    return f"""
WITH chosen AS (
    SELECT article.id, {basis_sql("article")} AS basis, article.published_at,
        article.source_id, {pairs_sql("article")} AS pairs
    FROM {articles} AS article
    WHERE article.id = ANY(%(ids)s) AND (%(from_scratch)s OR NOT EXISTS (
        SELECT FROM {members} AS member
        WHERE member.article_id = article.id AND member.story_basis = {basis_sql("article")}
            AND EXISTS (SELECT FROM {articles} AS named WHERE named.id = member.story_id)
    ))
),
banded AS (
    SELECT *, {bands_sql("pairs")} AS bands FROM chosen
),
written AS (
    INSERT INTO {members} AS member (
        article_id, story_id, {", ".join(STORY_COLUMNS[1:])}
    )
    SELECT id, id, basis, published_at, source_id, pairs, bands,
        {keys_sql("bands", "published_at")}
    FROM banded
    ON CONFLICT (article_id) DO UPDATE SET ({", ".join(STORY_COLUMNS[1:])}) = (
            {", ".join(f"EXCLUDED.{column}" for column in STORY_COLUMNS[1:])}
        )
        WHERE ({", ".join(f"member.{column}" for column in STORY_COLUMNS[1:])})
            IS DISTINCT FROM ({", ".join(f"EXCLUDED.{column}" for column in STORY_COLUMNS[1:])})
    RETURNING article_id
)
SELECT chosen.id, written.article_id IS NOT NULL
FROM chosen LEFT JOIN written ON written.article_id = chosen.id
"""


def _stories_sql() -> str:
    """Name the story of the articles %(ids)s, of those that followed them into theirs and
    of their near-duplicates after the earliest of each one's near-duplicates and itself;
    answer the ids whose story changed. Each of those articles' near-duplicates are
    looked up once."""
    members = StoryMember._meta.db_table
    near = near_duplicates_sql(members, "member")
    return f"""
WITH moved AS MATERIALIZED (
    SELECT member.article_id AS id, member.story_time AS time,
        near.article_id AS near_id, near.story_time AS near_time
    FROM {members} AS member LEFT JOIN LATERAL ({near}) AS near ON true
    WHERE member.article_id = ANY(%(ids)s)
),
others AS MATERIALIZED (
    SELECT article_id AS id FROM {members} WHERE story_id = ANY(%(ids)s)
    UNION SELECT near_id FROM moved
    EXCEPT SELECT id FROM moved
),
named AS (
    SELECT DISTINCT ON (id) id, candidate AS story_id FROM (
        SELECT id, id AS candidate, time AS candidate_time FROM moved
        UNION ALL SELECT id, near_id, near_time FROM moved WHERE near_id IS NOT NULL
    ) AS options
    ORDER BY id, candidate_time, candidate
),
others_named AS (
    SELECT member.article_id AS id, coalesce((
        SELECT near.article_id FROM ({near}) AS near
        WHERE (near.story_time, near.article_id) < (member.story_time, member.article_id)
        ORDER BY near.story_time, near.article_id LIMIT 1
    ), member.article_id) AS story_id
    FROM others JOIN {members} AS member ON member.article_id = others.id
)
UPDATE {members} AS member SET story_id = named.story_id
FROM (SELECT * FROM named UNION ALL SELECT * FROM others_named) AS named
WHERE member.article_id = named.id AND member.story_id <> named.story_id
RETURNING member.article_id
"""


def find_stories(article_ids: Iterable[int], *, from_scratch: bool = False) -> int:
    """Bring the stories of these articles up to date (articles.stories), and those of the
    articles whose story follows from theirs. Returns how many articles' rows changed."""
    ordered = sorted(set(article_ids))
    changed: set[int] = set()
    with connection.cursor() as cursor:
        moved = []
        for start in range(0, len(ordered), BATCH_IDS):
            ids = ordered[start : start + BATCH_IDS]
            cursor.execute(_members_sql(), {"ids": ids, "from_scratch": from_scratch})
            for pk, written in cursor.fetchall():
                moved.append(pk)
                if written:
                    changed.add(pk)
        if not moved:
            return 0
        cursor.execute("SELECT pg_advisory_xact_lock(%s)", [STORY_LOCK])
        # Its estimates are high enough for PostgreSQL to compile it (JIT), which takes
        # ten times as long as running it.
        cursor.execute("SET LOCAL jit = off")
        for start in range(0, len(moved), BATCH_IDS):
            cursor.execute(_stories_sql(), {"ids": moved[start : start + BATCH_IDS]})
            changed.update(pk for (pk,) in cursor.fetchall())
        cursor.execute("SET LOCAL jit TO DEFAULT")
    return len(changed)


# --- Noticing writes -------------------------------------------------------------------------


def _articles_holding(field: str, pk: int) -> list[int]:
    return list(Article.objects.filter(**{f"{field}__contains": [pk]}).values_list("pk", flat=True))


def _article_saved(sender, instance, created, update_fields=None, **kwargs):
    texts_changed = created or update_fields is None or bool(TEXT_FIELDS & set(update_fields))
    mark([instance.pk], texts_changed=texts_changed)


def _article_deleted(sender, instance, **kwargs):
    """The articles that followed it into its story find theirs again."""
    mark(StoryMember.objects.filter(story_id=instance.pk).values_list("article_id", flat=True))


def _row_of_article_written(sender, instance, **kwargs):
    """A paragraph saved or deleted changes its article's text; a mention, its links; a
    dismissal, what is left to check; a correction note, what its readers see."""
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


def _tag_written(sender, instance, created=False, **kwargs):
    """Its rule applies to articles saved from now on (apply_tag_rules brings the stored
    ones in line); its name shows on pages."""
    names_changed()
    mark()


def _tag_deleted(sender, instance, **kwargs):
    names_changed()
    mark_categories(getattr(instance, "_in_rules_of", ()))
    mark(_articles_holding("tag_ids", instance.pk))
    mark(_articles_holding("rule_tag_ids", instance.pk), texts_changed=True)


def _entity_written(sender, instance, **kwargs):
    """Its names are searched as part of the articles that mention it."""
    names_changed()
    mark(_articles_holding("entity_ids", instance.pk))


def _entity_deleting(sender, instance, **kwargs):
    """Note the articles that name it, before its mentions go with it."""
    instance._named_in = _articles_holding("entity_ids", instance.pk)


def _entity_deleted(sender, instance, **kwargs):
    """Its names were words of the articles that named it: they are read again."""
    names_changed()
    mark_categories(getattr(instance, "_in_rules_of", ()))  # see above
    mark(getattr(instance, "_named_in", ()), texts_changed=True)


def _alias_written(sender, instance, **kwargs):
    names_changed()
    mark(_articles_holding("entity_ids", instance.entity_id))


def _category_deleted(sender, instance, **kwargs):
    mark(_articles_holding("category_ids", instance.pk))


def _glossary_written(sender, **kwargs):
    """Readers see its meanings; its headwords of several words are words an article's page
    tells apart from the next save of each article (relink_entities for the stored ones)."""
    names_changed()
    mark()


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
    for model in (Paragraph, Mention, CheckDismissal, Correction):
        post_save.connect(_row_of_article_written, sender=model)
        post_delete.connect(_row_of_article_written, sender=model)
    for through in (Article.tags.through, Article.removed_tags.through):
        m2m_changed.connect(_tags_changed, sender=through)
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
    post_save.connect(_tag_written, sender=Tag)
    for model in (Category, Source):
        post_save.connect(_shown_to_readers, sender=model)
    post_delete.connect(_shown_to_readers, sender=Source)
    post_save.connect(_glossary_written, sender=GlossaryEntry)
    post_delete.connect(_glossary_written, sender=GlossaryEntry)
