"""The one place where article queries are defined."""

import operator
from datetime import timedelta
from functools import reduce
from typing import NamedTuple

from django.contrib.postgres.search import SearchQuery
from django.core.exceptions import EmptyResultSet, FullResultSet
from django.db import connections, models, router
from django.db.models import Count, Exists, F, FloatField, OuterRef, Q
from django.db.models.expressions import RawSQL
from django.db.models.functions import Cast, Extract
from django.db.models.sql import Query
from django.utils import timezone

from articles import changes, topics
from articles.search.query import (
    Reading,
    checked_on_row,
    exact_tsquery,
    exclusions,
    form_tsquery,
    holding_tsquery,
    holds_word_pairs,
    is_only_word_pairs,
    reader_tsquery,
    required_phrases,
    syllables_tsquery,
)
from articles.search.ranking import (
    recency_sql,
    relevance_sql,
    scored_terms,
    title_candidates_sql,
)
from articles.search.sql import TERM_IDF_FUNCTION
from articles.stories import SAME_EVENT, STORY_DAYS, overlap_sql
from articles.text import fold

FACET_ARRAYS = ("category_ids", "tag_ids", "entity_ids")
SEARCH_COLUMNS = (
    *("body_vi", "body_en", "entity_names", "search_words", "word_lengths"),
    *("search_vector", "head_vector", "phrase_vector", "word_vector"),
)
VERSION_FIELDS = ("id", "slug", "updated_at", "status", "published_at")
CARD_FIELDS = (
    *("slug", "title_vi", "title_en", "lead_vi", "lead_en"),
    *("status", "published_at", "updated_at", "source", "source__name", "level"),
)
SEARCH_CANDIDATES = 100  # the latest of each kind of match (see search())
BY_DATE = ("-published_at", "-id")
FACET_WINDOW = 10_000  # facets count over at most the latest 10,000 articles of a list
RELATED_RECENT = 1_000  # related articles are looked for among the latest 1,000, and
RELATED_CANDIDATES = 100  # at most this many of them, and as many holding a rare topic
RELATED_MONTH_DAYS = 30  # an article a month old counts half as much as today's


class SummaryRow(NamedTuple):
    """One article of a list as its summary counts it: its story (its own id when it tells
    one alone) and the topics its facets count."""

    pk: int
    published: float  # seconds since the epoch: hundreds of rows are read at a time
    story: int
    source_id: int | None
    category_ids: list[int]
    tag_ids: list[int]
    entity_ids: list[int]


class NoticedWrites:
    """update(), bulk_create() and bulk_update() tell articles.changes which articles they
    touched, as Django's signals do for single saves and deletes."""

    article_attname = "article_id"

    def update(self, **kwargs):
        ids = list(self.values_list(self.article_attname, flat=True).distinct().order_by())
        count = super().update(**kwargs)
        changes.mark(ids, texts_changed=bool(changes.TEXT_FIELDS & kwargs.keys()))
        return count

    def bulk_create(self, objs, *args, **kwargs):
        created = super().bulk_create(objs, *args, **kwargs)
        changes.mark(
            {getattr(obj, self.article_attname) for obj in created},
            texts_changed=self.model.__name__ != "Mention",
        )
        return created

    def bulk_update(self, objs, fields, *args, **kwargs):
        objs = list(objs)
        count = super().bulk_update(objs, fields, *args, **kwargs)
        changes.mark(
            {getattr(obj, self.article_attname) for obj in objs},
            texts_changed=bool(changes.TEXT_FIELDS & set(fields)),
        )
        return count


class ParagraphQuerySet(NoticedWrites, models.QuerySet):
    pass


class MentionQuerySet(NoticedWrites, models.QuerySet):
    pass


class ArticleQuerySet(NoticedWrites, models.QuerySet):
    article_attname = "pk"

    def published(self):
        return self.filter(status=self.model.Status.PUBLISHED, published_at__lte=timezone.now())

    def published_sql(self) -> tuple[str, dict]:
        """published(), in SQL, for the queries written out, with its named parameters."""
        return (
            "status = %(published)s AND published_at <= %(now)s",
            {"published": self.model.Status.PUBLISHED, "now": timezone.now()},
        )

    def visible_to(self, user):
        """Staff may open drafts (to preview them); everyone else sees published articles."""
        return self if user.is_staff else self.published()

    def translated(self):
        return self.exclude(lead_en="")

    def untranslated(self):
        return self.filter(lead_en="")

    def latest_first(self):
        return self.order_by("-published_at", "-id")

    def in_order(self, order: str | None):
        """These articles in the order a list's reader chose (?sort=): oldest first, or
        as they are (a list's own order: newest first; a search's: best first)."""
        return self.order_by("published_at", "id") if order == "oldest" else self

    def without_search_columns(self):
        return self.defer(*SEARCH_COLUMNS)

    def to_translate(self):
        """The articles the translation desk works on: English missing, partial or stale."""
        return self.exclude(translation=self.model.Translation.COMPLETE)

    def needing_checks(self):
        """Articles with a stale English, or a flag of the desk's checks no one dismissed."""
        return self.filter(
            models.Q(needs_checking=True) | models.Q(translation=self.model.Translation.STALE)
        )

    def oldest_published_first(self):
        """Oldest published first, the unpublished last."""
        return self.order_by(models.F("published_at").asc(nulls_last=True), "pk")

    def for_listing(self):
        return self.published().select_related("source").without_search_columns().latest_first()

    def version_to_read(self, slug: str, user):
        """Just enough of the article with this slug to tell one version of it from the
        next, if the user may read it (a draft only for staff), else None. Every reader of
        every article asks this first, so it is one query written out, without the ORM's
        cost of building it."""
        fields = [f for f in self.model._meta.concrete_fields if f.attname in VERSION_FIELDS]
        columns = ", ".join(field.column for field in fields)  # in the model's order
        sql = f"SELECT {columns} FROM {self.model._meta.db_table} WHERE slug = %(slug)s"
        params = {"slug": slug}
        if not user.is_staff:
            published, published_params = self.published_sql()
            sql += f" AND {published}"
            params |= published_params
        with connections[self.db].cursor() as cursor:
            cursor.execute(sql, params)
            row = cursor.fetchone()
        if row is None:
            return None
        return self.model.from_db(self.db, [field.attname for field in fields], row)

    def for_cards(self):
        """The published articles, newest first, with only what a list's cards show."""
        return self.for_listing().only(*CARD_FIELDS)

    def for_reading(self):
        """One article's own row and source; reading.py fetches the rest when it renders."""
        return self.select_related("source").without_search_columns()

    def with_tags(self, tag_ids, match_all=False):
        tag_ids = list(tag_ids)
        if match_all:
            return self.filter(tag_ids__contains=tag_ids)
        return self.filter(tag_ids__overlap=tag_ids)

    def with_entities(self, entity_ids, match_all=False):
        entity_ids = list(entity_ids)
        if match_all:
            return self.filter(entity_ids__contains=entity_ids)
        return self.filter(entity_ids__overlap=entity_ids)

    def in_category(self, category):
        return self.filter(category_ids__contains=[category.pk])

    def category_rule(self, category) -> Q:
        """The condition for membership of the category: its rule, pins and exclusions.
        (Prefetch Category.RULE_FIELDS when building it for many categories.)"""
        return self.rule_condition(
            {
                field: [related.pk for related in getattr(category, field).all()]
                for field in category.RULE_FIELDS
            }
        )

    def rule_condition(self, rule: dict[str, list[int]]) -> Q:
        """The membership condition for a rule given as ids, keyed like Category.RULE_FIELDS:
        what a category's saved rule, or the rule an editor is still typing, selects."""
        any_tags, any_entities = rule.get("any_tags", []), rule.get("any_entities", [])
        all_tags, all_entities = rule.get("all_tags", []), rule.get("all_entities", [])
        condition = Q(pk__in=[])
        if any_tags or any_entities or all_tags or all_entities:
            condition = Q(tag_ids__contains=all_tags) & Q(entity_ids__contains=all_entities)
            if any_tags or any_entities:
                condition &= Q(tag_ids__overlap=any_tags) | Q(entity_ids__overlap=any_entities)
            condition &= ~Q(tag_ids__overlap=rule.get("exclude_tags", [])) & ~Q(
                entity_ids__overlap=rule.get("exclude_entities", [])
            )
        excluded = rule.get("excluded_articles", [])
        return (condition & ~Q(pk__in=excluded)) | Q(pk__in=rule.get("pinned_articles", []))

    def facet_counts(self, limit: int, window: int) -> dict[str, list[tuple[int, int]]]:
        """The most frequent sources, categories, tags and entities among the latest
        `window` of these articles, with their counts: one scan of at most `window` rows.

        Returns {"rows": [(None, rows scanned)], "source_id": [(id, n), ...], ...}: when
        fewer rows than the window were scanned, that is how many articles there are.
        """
        columns = ("source_id", *FACET_ARRAYS)
        latest = self.order_by("-published_at", "-id").values(*columns)[:window]
        sql, params = latest.query.sql_with_params()
        unnested = " UNION ALL ".join(
            f"SELECT '{field}', value, count(*) "
            f"FROM (SELECT unnest({field}) AS value FROM filtered) AS unnested GROUP BY value"
            for field in FACET_ARRAYS
        )
        with connections[self.db].cursor() as cursor:
            cursor.execute(
                f"WITH filtered({', '.join(columns)}) AS MATERIALIZED ({sql}), "
                "counted(facet, value, n) AS ("
                "SELECT 'rows', NULL::bigint, count(*) FROM filtered UNION ALL "
                "SELECT 'source_id', source_id, count(*) FROM filtered "
                f"WHERE source_id IS NOT NULL GROUP BY source_id UNION ALL {unnested}) "
                "SELECT facet, value, n FROM (SELECT *, row_number() OVER "
                "(PARTITION BY facet ORDER BY n DESC, value) AS rank FROM counted) AS ranked "
                "WHERE rank <= %s ORDER BY facet, rank",
                [*params, limit],
            )
            counts: dict[str, list[tuple[int, int]]] = {name: [] for name in ("rows", *columns)}
            for facet, value, n in cursor.fetchall():
                counts[facet].append((value, n))
        return counts

    def summary_rows(self) -> list[SummaryRow]:
        """Each of these articles, in their order, with its story and topics: one query, for
        a list bounded in size (a search's matches)."""
        columns = ("pk", "published", "story_member__story_id", "source_id", *FACET_ARRAYS)
        published = Cast(Extract("published_at", "epoch"), FloatField())
        return [
            SummaryRow(pk, published, story or pk, *rest)
            for pk, published, story, *rest in self.annotate(published=published).values_list(
                *columns
            )
        ]

    def search(
        self,
        query,
        reading=None,
        order_by_rank: bool = True,
        candidates: int | None = SEARCH_CANDIDATES,
    ):
        """These articles matching the reader's query, best first.

        A query of plain words is read as Vietnamese words (articles.search.reading).
        When it is the whole name or alias of an entity, the articles naming the entity
        come first. Then those holding more of its words of several syllables as words (a
        syllable alone is matched wherever it is), then more of the syllables on either
        side of the boundary between two of its words side by side; then, of a word typed
        without marks, those holding its most held form. Holding the syllables apart, or
        in other words, is a loose match, ranked after.
        Then, of a query with marks, those holding it as typed in their title or lead;
        then by relevance (articles.search.ranking): each term's BM25-like weight times its
        inverse document frequency, times a recency factor between 1 and 1.5.

        Every match can be ranked, without ranking every match: the candidates are the
        best title holders of each term at each weight level, latest first within a level
        (a few index entries each, however common the term), and the latest articles of
        each kind of match (naming the entity the query names, holding its words, matching
        in the title or lead, matching anywhere), so that what no title holds is found too.
        A quoted phrase is looked up by its pairs of neighbouring words first, so that word
        positions are checked only in the few articles holding all of them; a phrase of two
        words is one pair, so holding it is matching it, and no positions are read at all.
        """
        reading = reading or Reading()
        terms = scored_terms(query, reading)
        tsquery = syllables_tsquery(query, reading) if reading.words else reader_tsquery(query)
        phrases = [holds_word_pairs(phrase) for phrase in required_phrases(query.text)]
        only_pairs = is_only_word_pairs(query.text)
        matching = phrases if only_pairs else [*phrases, Q(search_vector=tsquery)]
        holds = [Q(word_vector=holding_tsquery(word)) for word in reading.words if word.forms]
        side_by_side = [holds_word_pairs(pair) for pair in reading.neighbours()]
        named = reading.named_entities
        names = [Q(entity_ids__overlap=list(named))] if named else []
        parts = _SearchParts(self)
        if candidates is None:  # every match: what the bounded set is measured against
            found = self.filter(*matching)
        else:

            def matching_among(*conditions, hold_every_syllable: bool) -> list:
                """The matches among the few articles the conditions find through their
                own indexes, the query checked on those rows alone: ANDing the index of
                a common syllable would read thousands of entries. Conditions that hold
                every syllable of the query match it: then there is nothing to check."""
                if only_pairs or hold_every_syllable:
                    return [*phrases, *conditions]
                return [*phrases, *conditions, checked_on_row(tsquery)]

            kinds = [[*phrases, Q(head_vector=tsquery)], matching]
            if holds:
                kinds.append(
                    matching_among(*holds, hold_every_syllable=len(holds) == len(reading.words))
                )
            if side_by_side:
                # a query's word of several syllables is one articles hold (query_words),
                # and each of one syllable is in a pair with its neighbour
                kinds.append(matching_among(*holds, *side_by_side, hold_every_syllable=True))
            if names:
                kinds.append(names)
            selects = [
                parts.ids(matching, among=title_candidates_sql(terms)),
                *(parts.latest(kind, candidates) for kind in kinds),
            ]
            union, params = _joined(" UNION ", ((f"({sql})", p) for sql, p in selects))
            found = self.filter(pk__in=RawSQL(union, params))
        if exclusions(query.text):
            found = found.filter(search_vector=tsquery)  # an excluded word only in the body
        relevance, relevance_params = relevance_sql(terms)
        found = found.annotate(
            names_held=parts.counted(names),
            words_held=parts.counted(holds),
            neighbours_held=parts.counted(side_by_side),
            forms_held=parts.counted(
                [Q(word_vector=form_tsquery(form)) for form in reading.forms_ranked_first()]
            ),
            exact_held=parts.counted(
                [Q(head_vector=exact_tsquery(query))] if query.has_diacritics else []
            ),
            rank=RawSQL(
                f"({relevance} * {recency_sql()})", relevance_params, output_field=FloatField()
            ),
        )
        if not order_by_rank:
            return found
        return found.order_by(
            *("-names_held", "-words_held", "-neighbours_held", "-forms_held", "-exact_held"),
            *("-rank", *BY_DATE),
        )

    def term_statistics(
        self, words, at_most: int, terms=(), english=()
    ) -> tuple[dict[str, int], dict[str, float], dict[str, str]]:
        """How many of these articles hold each word (articles.words: spelled, syllables
        spaced) as a word, counted up to `at_most` each, through the index; with the
        inverse document frequency of each of the `terms` (articles.search.ranking), and
        the English stem of each of the `english` words: one query."""
        parts, params, articles = [], [], _SearchParts(self)
        for word in sorted(set(words)):
            sql, holding_params = articles.ids([Q(word_vector=form_tsquery(word))])
            parts.append(
                f"SELECT 'count', %s, count(*)::float8, '' FROM ({sql} LIMIT {int(at_most)}) "
                "AS holding"
            )
            params += [word, *holding_params]
        stemmed = (
            "(SELECT word, (tsvector_to_array(to_tsvector('english', word)))[1] AS stem "
            "FROM unnest(%s::text[]) AS word) AS stemmed WHERE stem IS NOT NULL"
        )
        # one reading of the statistics for the terms and the stems together
        parts.append(
            f"SELECT 'idf', term, idf, '' FROM {TERM_IDF_FUNCTION}("
            f"%s::text[] || ARRAY(SELECT stem FROM {stemmed}))"
        )
        parts.append(f"SELECT 'stem', word, 0, stem FROM {stemmed}")
        english = sorted(set(english))
        params += [sorted(set(terms)), english, english]
        counts, idf, stems = {}, {}, {}
        with connections[self.db].cursor() as cursor:
            cursor.execute(" UNION ALL ".join(parts), params)
            for kind, key, value, stem in cursor.fetchall():
                if kind == "count":
                    counts[key] = int(value)
                elif kind == "idf":
                    idf[key] = value
                else:
                    stems[key] = stem
        return counts, idf, stems

    def may_name(self, names):
        """Articles whose text may name any of these: the same words in a row, in any case,
        with or without diacritics, found through the search index (or the source's name).
        The entity linker, which is exact, decides which really do."""
        Source = _related(self.model, "source")
        names = set(names)
        phrases = [
            SearchQuery(folded, config="simple", search_type="phrase")
            for folded in sorted({fold(name) for name in names})
        ]
        condition = Q(search_vector=reduce(operator.or_, phrases)) if phrases else Q(pk__in=[])
        # ids rather than a join, so that both sides can be read through an index
        source_ids = list(Source.objects.filter(name__in=names).values_list("pk", flat=True))
        if source_ids:
            condition |= Q(source_id__in=source_ids)
        return self.filter(condition)

    def matching_rule(self, rule: dict[str, list[int]]):
        """Articles a rule given as ids selects (see rule_condition)."""
        return self.filter(self.rule_condition(rule))

    def selected_by(self, category):
        """Articles the category's rule selects now, whatever membership was stored."""
        return self.filter(self.category_rule(category))

    def topic_counts(self, tag_ids, entity_ids) -> tuple[float, dict[str, dict | None]]:
        """How many articles there are, and about how many hold each of these tags and
        entities ({"tag_ids": {id: count}, "entity_ids": {...}}), from PostgreSQL's
        statistics of the table and its id arrays, which ANALYZE keeps as it changes. One
        that is not in the statistics is rarer than the rarest in them, and is counted at
        half of that; a column without statistics yet (a new site) is None."""
        table = self.model._meta.db_table
        wanted = {"tag_ids": list(tag_ids), "entity_ids": list(entity_ids)}
        with connections[self.db].cursor() as cursor:
            cursor.execute(
                "SELECT stats.attname, counted.id, counted.share, stats.most_common_elem_freqs["
                "cardinality(stats.most_common_elem_freqs) - 2], class.reltuples "
                "FROM pg_stats AS stats JOIN pg_class AS class ON class.oid = %s::regclass "
                "LEFT JOIN LATERAL (SELECT * FROM unnest(stats.most_common_elems::text::bigint[], "
                "stats.most_common_elem_freqs) AS counted(id, share) WHERE counted.id = ANY("
                "CASE stats.attname WHEN 'tag_ids' THEN %s::bigint[] ELSE %s::bigint[] END)) "
                "AS counted ON true WHERE stats.schemaname = current_schema() "
                "AND stats.tablename = %s AND stats.attname IN ('tag_ids', 'entity_ids')",
                [table, wanted["tag_ids"], wanted["entity_ids"], table],
            )
            rows = cursor.fetchall()
        articles, counts = 0.0, {"tag_ids": None, "entity_ids": None}
        for column, pk, share, rarest, articles in rows:
            if counts[column] is None:
                counts[column] = dict.fromkeys(wanted[column], (rarest or 0) / 2 * articles)
            if pk is not None:
                counts[column][pk] = share * articles
        return max(articles, 0.0), counts

    def one_per_story(self):
        """These articles, each story told once (articles.stories): of several telling one
        story, the latest among these stands for it."""
        newer = self.filter(story_member__story_id=OuterRef("story_member__story_id")).filter(
            Q(published_at__gt=OuterRef("published_at"))
            | Q(published_at=OuterRef("published_at"), pk__gt=OuterRef("pk"))
        )
        return self.exclude(Exists(newer))

    def told_again(self) -> int:
        """How many of these articles one_per_story() leaves out: of the stories several of
        them tell, all their articles but one. Read from the stories told more than once,
        which are few, found first: PostgreSQL cannot tell how few."""
        StoryMember = _related(self.model, "story_member")
        retold = StoryMember.objects.exclude(story_id=F("article_id")).values_list("story_id")
        stories = sorted({story for (story,) in retold})
        if not stories:
            return 0
        counted = (
            StoryMember.objects.filter(story_id__in=stories)
            .filter(Exists(self.filter(pk=OuterRef("article_id"))))
            .aggregate(articles=Count("article_id"), stories=Count("story_id", distinct=True))
        )
        return counted["articles"] - counted["stories"]

    def same_stories(self, ids) -> dict[int, list[int]]:
        """For each of these articles with the given ids, the ids of the others among these
        that tell its story, latest first: one query."""
        StoryMember = _related(self.model, "story_member")
        stories = StoryMember.objects.filter(article_id__in=list(ids)).values("story_id")
        told = (
            self.filter(story_member__story_id__in=stories)
            .order_by("-published_at", "-id")
            .values_list("pk", "story_member__story_id")
        )
        by_story: dict[int, list[int]] = {}
        story_of = {}
        for pk, story in told:
            by_story.setdefault(story, []).append(pk)
            story_of[pk] = story
        return {
            pk: [other for other in by_story.get(story_of.get(pk), []) if other != pk] for pk in ids
        }

    def related_ids(self, article, weights: dict, keys: dict, rare: dict, exclude=(), limit=5):
        """The ids of the `limit` published articles that share most with the article, most
        related first: the weights of what they share (`weights`: {"tag_ids": {id: weight},
        ...}, the rarer the heavier), divided by 1 + their age in months.

        Only a bounded set of candidates is weighed: of the latest RELATED_RECENT articles,
        the latest RELATED_CANDIDATES that hold one of its `keys` ({"tag_ids": ids, ...}:
        those that are not among the commonest), and the latest as many from any time
        that hold one of the `rare` ones. They are ranked by a query written out: the ORM
        took longer to build it than PostgreSQL to answer it."""
        if not any(keys.values()):
            return []
        table = self.model._meta.db_table
        published, published_params = self.published_sql()

        def latest_holding(kind: str, condition: str = "TRUE") -> str:
            return (
                f"SELECT id FROM {table} WHERE {published} AND {condition} AND (tag_ids && "
                f"%({kind}_tag_ids)s::bigint[] OR entity_ids && %({kind}_entity_ids)s::bigint[])"
                f" ORDER BY published_at DESC, id DESC LIMIT {RELATED_CANDIDATES}"
            )

        topics = [
            (column, pk, weight)
            for column, by_id in weights.items()
            for pk, weight in by_id.items()
        ]
        weighed = " + ".join(
            f"CASE WHEN article.{column} @> ARRAY[%(topic_{n})s]::bigint[] "
            f"THEN %(weight_{n})s::float8 ELSE 0 END"
            for n, (column, _pk, _weight) in enumerate(topics)
        )
        sql = f"""
WITH since AS (
    SELECT published_at FROM {table} WHERE {published}
    ORDER BY published_at DESC OFFSET {RELATED_RECENT - 1} LIMIT 1
),
candidates AS (
    ({latest_holding("key", "published_at >= coalesce((SELECT * FROM since), '-infinity')")})
    UNION ({latest_holding("rare")})
)
SELECT article.id FROM candidates JOIN {table} AS article ON article.id = candidates.id
WHERE article.id <> ALL(%(shown)s)
ORDER BY ({weighed}) / (1 + greatest(date_part('epoch', %(now)s - article.published_at), 0)
    / {RELATED_MONTH_DAYS * 86400}) DESC, article.published_at DESC, article.id DESC
LIMIT %(limit)s
"""
        params = {
            **published_params,
            **{f"key_{column}": ids for column, ids in keys.items()},
            **{f"rare_{column}": ids for column, ids in rare.items()},
            **{f"topic_{n}": pk for n, (_column, pk, _weight) in enumerate(topics)},
            **{f"weight_{n}": weight for n, (_column, _pk, weight) in enumerate(topics)},
            "shown": [article.pk, *exclude],
            "limit": limit,
        }
        return self._ids(sql, params)

    def story_ids(self, article, member, key_entity_ids, limit=5) -> list[int]:
        """The ids of the published articles from other sources telling the article's
        story, closest first: those of its stored story (StoryMember `member`, or None),
        and those published at most STORY_DAYS apart that name one of its key entities and
        share at least SAME_EVENT of its word pairs (articles.stories)."""
        if article.published_at is None or member is None:
            return []
        table = self.model._meta.db_table
        members = _related(self.model, "story_member")._meta.db_table
        published, params = self.published_sql()
        overlap = overlap_sql("member", "mine")
        sql = f"""
WITH mine(story_pairs) AS (SELECT %(pairs)s::integer[]),
told AS (
    SELECT %(leader)s::bigint AS id
    UNION SELECT article_id FROM {members} WHERE story_id IN (%(leader)s, %(article)s)
),
candidates AS (
    SELECT id FROM {table} WHERE {published} AND entity_ids && %(keys)s::bigint[]
        AND published_at BETWEEN %(since)s AND %(until)s
    UNION SELECT id FROM told
)
SELECT article.id FROM candidates
JOIN {table} AS article ON article.id = candidates.id
JOIN {members} AS member ON member.article_id = article.id, mine
WHERE {published} AND article.id <> %(article)s
    AND article.source_id IS DISTINCT FROM %(source)s
    AND ({overlap} >= {SAME_EVENT} OR article.id IN (SELECT id FROM told))
ORDER BY {overlap} DESC, article.published_at DESC, article.id DESC
LIMIT %(limit)s
"""
        near = timedelta(days=STORY_DAYS)
        params |= {
            "pairs": member.story_pairs,
            "leader": member.story_id,
            "article": article.pk,
            "keys": list(key_entity_ids),
            "since": article.published_at - near,
            "until": article.published_at + near,
            "source": article.source_id,
            "limit": limit,
        }
        return self._ids(sql, params)

    def _ids(self, sql: str, params: dict) -> list[int]:
        with connections[self.db].cursor() as cursor:
            cursor.execute(sql, params)
            return [pk for (pk,) in cursor.fetchall()]


class EntityQuerySet(models.QuerySet):
    def public(self):
        """Entities readers may know of: those with at least one published article. One
        named only in drafts, in articles in review or in scheduled ones stays private."""
        Mention, Article = _related(self.model, "mentions"), _related(self.model, "articles")
        # from the mentions (by their entity index) to the articles: the order that lets
        # PostgreSQL stop at the first published one
        published = Article.objects.published()
        return self.filter(
            Exists(Mention.objects.filter(entity=OuterRef("pk"), article__in=published))
        )

    def public_sql(self, entity_id_sql: str) -> tuple[str, dict]:
        """public(), in SQL, for the queries written out: whether the entity whose id
        entity_id_sql gives is public, with its named parameters."""
        Mention, Article = _related(self.model, "mentions"), _related(self.model, "articles")
        published, params = Article.objects.published_sql()
        sql = (
            f"EXISTS (SELECT 1 FROM {Mention._meta.db_table} AS mention "
            f"WHERE mention.entity_id = {entity_id_sql} AND mention.article_id IN "
            f"(SELECT id FROM {Article._meta.db_table} WHERE {published}))"
        )
        return sql, params

    def visible_to(self, user):
        """Staff may open any entity's page; everyone else those that are public."""
        return self if user.is_staff else self.public()

    def mentioned_with(self, entity, limit: int = 12) -> list:
        """Entities named in the same published articles as this one, most shared first;
        each carries `shared_articles`."""
        counts = topics.facet_counts(topics.ENTITY, entity.pk, limit + 1)["entity_ids"]
        others = [(pk, n) for pk, n in counts if pk != entity.pk]
        return with_counts(self, others[:limit], "shared_articles")


class TagQuerySet(models.QuerySet):
    def public(self):
        """Tags readers may know of: those with at least one published article."""
        Article = _related(self.model, "articles")
        return self.filter(Exists(Article.objects.published().filter(tags=OuterRef("pk"))))

    def visible_to(self, user):
        """Staff may open any tag's page; everyone else those that are public."""
        return self if user.is_staff else self.public()


class _SearchParts:
    """The parts of a search's queries, written out from conditions on the articles of a
    queryset, each condition compiled once: the ORM took longer to build a search's
    query from querysets, and relabel them as subqueries, than PostgreSQL to answer it."""

    def __init__(self, queryset):
        self.model, self.db = queryset.model, queryset.db
        self.table = connections[self.db].ops.quote_name(self.model._meta.db_table)
        self.base = self._compiled(queryset.query, queryset.query.where)
        self._conditions = {}  # id(condition): (condition, its SQL), the condition kept alive

    def condition(self, condition) -> tuple[str, tuple]:
        if id(condition) not in self._conditions:
            query = Query(self.model)
            compiled = self._compiled(query, query.build_where(condition))
            self._conditions[id(condition)] = (condition, compiled)
        return self._conditions[id(condition)][1]

    def _compiled(self, query, where) -> tuple[str, tuple]:
        try:
            sql, params = query.get_compiler(self.db).compile(where)
        except FullResultSet:
            return "TRUE", ()
        except EmptyResultSet:
            return "FALSE", ()
        return f"({sql})", tuple(params)

    def ids(self, conditions, among: tuple[str, list] | None = None) -> tuple[str, tuple]:
        """SELECT the ids of the queryset's articles meeting every condition (and among
        the ids the SQL `among` selects)."""
        parts = [self.base, *map(self.condition, conditions)]
        if among:
            parts.append((f"{self.table}.id IN ({among[0]})", tuple(among[1])))
        where, params = _joined(" AND ", parts)
        return f"SELECT {self.table}.id FROM {self.table} WHERE {where}", params

    def latest(self, conditions, limit: int) -> tuple[str, tuple]:
        """ids(), of the `limit` latest (BY_DATE)."""
        sql, params = self.ids(conditions)
        order = ", ".join(
            f"{self.table}.{name.lstrip('-')} {'DESC' if name.startswith('-') else 'ASC'}"
            for name in BY_DATE
        )
        return f"{sql} ORDER BY {order} LIMIT {int(limit)}", params

    def counted(self, conditions) -> RawSQL:
        """How many of the conditions hold, as a number to order by."""
        cases = [
            (f"CASE WHEN {sql} THEN 1 ELSE 0 END", params)
            for sql, params in map(self.condition, conditions)
        ]
        sql, params = _joined(" + ", cases)
        return RawSQL(f"({sql or '0::integer'})", params, output_field=models.IntegerField())


def _joined(joiner: str, parts) -> tuple[str, tuple]:
    parts = list(parts)
    return joiner.join(sql for sql, _ in parts), tuple(p for _, params in parts for p in params)


def _related(model, field: str):
    """The model at the other end of one of this model's relations (these querysets are
    defined before their models)."""
    return model._meta.get_field(field).related_model


def in_bulk_of_each(wanted: dict, fields: set[str]) -> dict:
    """in_bulk() of several models in one query: {model: {pk: object}} for
    {model: [pk, ...]}, each object read with its pk and those of `fields` its model has
    (the rest deferred)."""
    read = {
        model: [
            f.attname for f in model._meta.concrete_fields if f.primary_key or f.attname in fields
        ]
        for model in wanted
    }
    found: dict = {model: {} for model in wanted}
    if not any(wanted.values()):
        return found
    width = max(map(len, read.values()))
    parts, params = [], []
    for position, (model, ids) in enumerate(wanted.items()):
        columns = [f'"{model._meta.get_field(name).column}"::text' for name in read[model][1:]]
        padded = ", ".join([*columns, *["NULL"] * (width - len(read[model]))])
        parts.append(
            f"SELECT {position}, {model._meta.pk.column}, {padded} "
            f"FROM {model._meta.db_table} WHERE {model._meta.pk.column} = ANY(%s)"
        )
        params.append(list(ids))
    in_order = list(wanted)
    alias = router.db_for_read(in_order[0])  # a replica, where the request may read one
    with connections[alias].cursor() as cursor:
        cursor.execute(" UNION ALL ".join(parts), params)
        rows = cursor.fetchall()
    for position, pk, *values in rows:
        model = in_order[position]
        names = read[model]
        found[model][pk] = model.from_db(alias, names, [pk, *values[: len(names) - 1]])
    return found


def with_counts(queryset, counts: list[tuple[int, int]], attribute: str) -> list:
    """The objects for (id, count) pairs, in that order, each with the count set on it."""
    found = queryset.in_bulk([pk for pk, _ in counts])
    objects = []
    for pk, count in counts:
        if pk in found:
            setattr(found[pk], attribute, count)
            objects.append(found[pk])
    return objects
