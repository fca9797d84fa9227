"""Counts of published articles by topic, and by pair of topics, kept by the database.

A topic is an article's source, one of its categories, tags or entities, or ALL, which
every published article has. TopicPair holds, for each two topics, how many published
articles have both. Triggers on the article table keep it: each INSERT, UPDATE or DELETE
statement adds and takes away the pairs of the rows it published or unpublished, or whose
topics it changed, in the same transaction, so no write path can forget it.

A list of every article, or of one topic (a category, tag or entity page, or the home
page filtered by one of them or by a source), reads its count and facets from the pairs
of its topic: a few thousand index entries at most, however many articles it holds. Articles
published for a later time are counted by the triggers already, and subtracted when read.
"""

from django.db import connection
from django.utils import timezone

ALL, SOURCE, CATEGORY, TAG, ENTITY = range(5)
# the facet each kind of topic counts for, as QuerySet.facet_counts() names it
FACET_OF_KIND = {
    SOURCE: "source_id",
    CATEGORY: "category_ids",
    TAG: "tag_ids",
    ENTITY: "entity_ids",
}
EVERY_ARTICLE = (ALL, 0)
KIND_OF_FILTER = {"source": SOURCE, "category": CATEGORY, "tag": TAG, "entity": ENTITY}

PUBLISHED = "published"

CREATE_TOPICS_FUNCTION = f"""
CREATE OR REPLACE FUNCTION newsreader_topics(
    source bigint, categories bigint[], tags bigint[], entities bigint[]
) RETURNS TABLE (kind smallint, value bigint) LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT {ALL}::smallint, 0::bigint
    UNION ALL SELECT {SOURCE}::smallint, source WHERE source IS NOT NULL
    UNION ALL SELECT {CATEGORY}::smallint, unnest(categories)
    UNION ALL SELECT {TAG}::smallint, unnest(tags)
    UNION ALL SELECT {ENTITY}::smallint, unnest(entities)
$$;
"""

_TOPIC_COLUMNS = tuple(FACET_OF_KIND.values())


def _columns(row: str) -> str:
    """The topic columns of a row ("o.source_id, o.category_ids, …")."""
    return ", ".join(f"{row}.{column}" for column in _TOPIC_COLUMNS)


def _pairs_of(row: str) -> str:
    """The pairs of a row's topics, as two sets of them to join: `one` and `other`."""
    return f"newsreader_topics({_columns(row)}) AS one, newsreader_topics({_columns(row)}) AS other"


# the rows a statement counted in (+1) or out (-1): transition tables, named by the triggers
_CHANGED_TOPICS = f"(n.status, {_columns('n')}) IS DISTINCT FROM (o.status, {_columns('o')})"
_COUNTED_ROWS = {
    "INSERT": f"SELECT 1 AS sign, {_columns('n')} FROM new_rows n WHERE n.status = '{PUBLISHED}'",
    "DELETE": f"SELECT -1 AS sign, {_columns('o')} FROM old_rows o WHERE o.status = '{PUBLISHED}'",
    "UPDATE": (
        f"SELECT -1 AS sign, {_columns('o')} "
        f"FROM old_rows o JOIN new_rows n USING (id) WHERE o.status = '{PUBLISHED}' "
        f"AND {_CHANGED_TOPICS} UNION ALL "
        f"SELECT 1, {_columns('n')} "
        f"FROM old_rows o JOIN new_rows n USING (id) WHERE n.status = '{PUBLISHED}' "
        f"AND {_CHANGED_TOPICS}"
    ),
}


def _quoted(sql: str) -> str:
    return sql.replace("'", "''")


# Pairs are written in key order, so that two transactions never wait on each other's rows
# in opposite orders.
CREATE_TRIGGER_FUNCTION = f"""
CREATE OR REPLACE FUNCTION newsreader_count_topic_pairs() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
    counted text := CASE TG_OP
        WHEN 'INSERT' THEN '{_quoted(_COUNTED_ROWS["INSERT"])}'
        WHEN 'DELETE' THEN '{_quoted(_COUNTED_ROWS["DELETE"])}'
        ELSE '{_quoted(_COUNTED_ROWS["UPDATE"])}'
    END;
BEGIN
    EXECUTE format(
        'INSERT INTO articles_topicpair AS kept (kind, value, other_kind, other_value, articles)
         SELECT one.kind, one.value, other.kind, other.value, sum(counted.sign)
         FROM (%s) AS counted, {_pairs_of("counted")}
         GROUP BY 1, 2, 3, 4 HAVING sum(counted.sign) <> 0
         ORDER BY 1, 2, 3, 4
         ON CONFLICT (kind, value, other_kind, other_value)
         DO UPDATE SET articles = kept.articles + excluded.articles',
        counted);
    RETURN NULL;
END $$;
"""

# PostgreSQL allows transition tables on triggers of one event only: three triggers.
CREATE_TRIGGERS = """
CREATE TRIGGER article_topics_inserted AFTER INSERT ON articles_article
    REFERENCING NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION newsreader_count_topic_pairs();
CREATE TRIGGER article_topics_updated AFTER UPDATE ON articles_article
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows
    FOR EACH STATEMENT EXECUTE FUNCTION newsreader_count_topic_pairs();
CREATE TRIGGER article_topics_deleted AFTER DELETE ON articles_article
    REFERENCING OLD TABLE AS old_rows
    FOR EACH STATEMENT EXECUTE FUNCTION newsreader_count_topic_pairs();
"""

TRIGGERS = ("article_topics_inserted", "article_topics_updated", "article_topics_deleted")

DROP_TRIGGERS = (
    "".join(f"DROP TRIGGER IF EXISTS {trigger} ON articles_article;\n" for trigger in TRIGGERS)
    + """DROP FUNCTION IF EXISTS newsreader_count_topic_pairs();
DROP FUNCTION IF EXISTS newsreader_topics(bigint, bigint[], bigint[], bigint[]);
"""
)

_PAIRS_OF_STORED_ARTICLES = f"""
SELECT one.kind, one.value, other.kind, other.value, count(*)
FROM articles_article AS article, {_pairs_of("article")}
WHERE article.status = '{PUBLISHED}'
GROUP BY 1, 2, 3, 4
"""
COUNT_STORED_ARTICLES = (
    "INSERT INTO articles_topicpair (kind, value, other_kind, other_value, articles) "
    + _PAIRS_OF_STORED_ARTICLES
)


def kept_and_recounted() -> tuple[set, set]:
    """The pairs the triggers kept (those of any article) and the pairs counted afresh
    from the stored articles: equal, whatever was written."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT kind, value, other_kind, other_value, articles FROM articles_topicpair "
            "WHERE articles <> 0"
        )
        kept = set(cursor.fetchall())
        cursor.execute(_PAIRS_OF_STORED_ARTICLES)
        return kept, set(cursor.fetchall())


# A topic's count and the most frequent other topics of each kind among its published
# articles, less those published for a later time.
_FACETS = f"""
WITH later AS (
    SELECT {", ".join(_TOPIC_COLUMNS)} FROM articles_article
    WHERE status = '{PUBLISHED}' AND published_at > %(now)s
), counts AS (
    SELECT other_kind AS kind, other_value AS value, articles
    FROM articles_topicpair WHERE kind = %(kind)s AND value = %(value)s
    UNION ALL
    SELECT other.kind, other.value, -count(*)
    FROM later, {_pairs_of("later")}
    WHERE one.kind = %(kind)s AND one.value = %(value)s
    GROUP BY 1, 2
), summed AS (
    SELECT kind, value, sum(articles) AS articles FROM counts
    GROUP BY kind, value HAVING sum(articles) > 0
)
SELECT kind, value, articles FROM (
    SELECT *, row_number() OVER (PARTITION BY kind ORDER BY articles DESC, value) AS rank
    FROM summed
) AS ranked
WHERE rank <= %(limit)s
ORDER BY kind, rank
"""


def facet_counts(kind: int, value: int, limit: int) -> dict:
    """The count and facets of the published articles holding one topic (of every
    published article, by default), shaped as QuerySet.facet_counts() shapes them:
    {"rows": [(None, articles)], "source_id": [(id, n), ...], "category_ids": ...}."""
    counts = {"rows": [(None, 0)], **{name: [] for name in FACET_OF_KIND.values()}}
    with connection.cursor() as cursor:
        cursor.execute(
            _FACETS, {"kind": kind, "value": value, "limit": limit, "now": timezone.now()}
        )
        for other_kind, other_value, articles in cursor.fetchall():
            if other_kind == ALL:
                counts["rows"] = [(None, int(articles))]
            else:
                counts[FACET_OF_KIND[other_kind]].append((other_value, int(articles)))
    return counts
