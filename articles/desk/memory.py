"""Translation memory: the English of the site's own paragraphs most like a Vietnamese one.

Every paragraph whose English is not stale is an approved pair. A Vietnamese paragraph is
compared with theirs by trigram similarity over folded text (pg_trgm's similarity() of
newsreader_fold()), the score shown to the editor. Comparing it with every stored
paragraph would read them all, and pg_trgm's own index does no better on news text:
every paragraph holds the commonest trigrams, so its GIN index reads most of the table
(19 s for one lookup among 100,000 paragraphs, where the goal is 50 ms among a million).
So the candidates are found first through keys: a quarter of the paragraph's runs of four
folded words, chosen by their hash (the same quarter of any text), in a partial GIN index
of the approved pairs. A paragraph close to a stored one shares most of its keys; one
that shares none of its four-word phrases shares none (runs of three words were common
enough to make hundreds of candidates). Only the candidates are scored.

An exact repeat (the same Vietnamese, as stored, however short: a caption, a standard
sentence about a source) is found through an index of its hash, and comes first, marked
as such: the editor can fill every one of an article's at once. One statement answers for
all its paragraphs.
"""

from dataclasses import dataclass

from django.db import connection

from articles.search.sql import FOLD_FUNCTION, sql_fold

SUGGESTIONS = 3  # per paragraph
THRESHOLD = 0.3  # the least similarity shown (pg_trgm's similarity, 0 to 1)
CANDIDATES = 200  # the most candidates scored for one paragraph
TABLE = "articles_paragraph"
KEYS_FUNCTION = "newsreader_memory_keys"
# What makes a paragraph an approved pair; the partial indexes (migration 0023) share it.
APPROVED = "text_en <> '' AND en_changed_at >= vi_changed_at"

# The fold is written out, not called: PostgreSQL builds an index with a search path of its
# own, in which newsreader_fold() is not found.
CREATE_KEYS_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {KEYS_FUNCTION}(text) RETURNS integer[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT ARRAY(
        SELECT DISTINCT key FROM (
            SELECT hashtext(array_to_string(words[i:i + 3], ' ')) AS key
            FROM regexp_split_to_array({sql_fold("$1")}, '[^a-z0-9]+') AS words,
                generate_series(1, cardinality(words) - 3) AS i
        ) AS runs
        WHERE key & 3 = 0
        ORDER BY 1
    )
$$
"""
DROP_KEYS_FUNCTION = f"DROP FUNCTION IF EXISTS {KEYS_FUNCTION}(text)"


@dataclass(frozen=True)
class Suggestion:
    english: str
    similarity: float  # 0 to 1
    article_id: int
    exact: bool  # the same Vietnamese, as stored

    @property
    def percent(self) -> int:
        return round(self.similarity * 100)


def memory_sql(table: str = TABLE) -> str:
    """Up to SUGGESTIONS approved pairs like each of %(texts)s (numbered from 1), the most
    similar first, from articles other than %(article)s."""
    return f"""
SELECT wanted.number, found.text_en, found.similarity, found.article_id, found.exact
FROM unnest(%(texts)s::text[]) WITH ORDINALITY AS wanted(text, number)
CROSS JOIN LATERAL (
    SELECT candidate.text_en, candidate.article_id, candidate.text_vi = wanted.text AS exact,
        similarity({FOLD_FUNCTION}(candidate.text_vi), {FOLD_FUNCTION}(wanted.text))
            AS similarity
    FROM (
        (
            SELECT memory.text_vi, memory.text_en, memory.article_id FROM {table} AS memory
            WHERE {KEYS_FUNCTION}(memory.text_vi) && {KEYS_FUNCTION}(wanted.text)
                AND {APPROVED} AND memory.article_id <> %(article)s
            LIMIT {CANDIDATES}
        )
        UNION
        (
            SELECT memory.text_vi, memory.text_en, memory.article_id FROM {table} AS memory
            WHERE md5(memory.text_vi) = md5(wanted.text) AND memory.text_vi = wanted.text
                AND {APPROVED} AND memory.article_id <> %(article)s
            LIMIT 1
        )
    ) AS candidate
    WHERE similarity({FOLD_FUNCTION}(candidate.text_vi), {FOLD_FUNCTION}(wanted.text))
        >= {THRESHOLD}
    ORDER BY exact DESC, similarity DESC, candidate.text_en
    LIMIT {SUGGESTIONS}
) AS found
ORDER BY wanted.number, found.exact DESC, found.similarity DESC
"""


def index_sql(table: str = TABLE, prefix: str = "paragraph") -> list[str]:
    """The partial indexes memory reads: the keys of the approved pairs' Vietnamese, and
    its hash (for exact repeats, however short)."""
    return [
        f"CREATE INDEX IF NOT EXISTS {prefix}_memory_keys_idx ON {table} "
        f"USING gin ({KEYS_FUNCTION}(text_vi)) WHERE {APPROVED}",
        f"CREATE INDEX IF NOT EXISTS {prefix}_memory_md5_idx ON {table} "
        f"(md5(text_vi)) WHERE {APPROVED}",
    ]


def suggestions(
    texts: list[str], exclude_article: int = 0, table: str = TABLE
) -> list[list[Suggestion]]:
    """For each Vietnamese text, the English of the most similar approved pairs."""
    found: list[list[Suggestion]] = [[] for _ in texts]
    if not texts:
        return found
    with connection.cursor() as cursor:
        cursor.execute(memory_sql(table), {"texts": texts, "article": exclude_article or 0})
        for number, english, similarity, article_id, exact in cursor.fetchall():
            found[number - 1].append(Suggestion(english, similarity, article_id, exact))
    return found
