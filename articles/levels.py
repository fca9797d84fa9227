"""A reading level for each article, from the site's own word frequencies.

The site's words are ranked by how many of its latest published articles hold each
(WordRank, refreshed by `manage.py rank_words`). An article's level follows from the share
of its Vietnamese words (lead and body, as articles.words reads them; numbers left out)
beyond the 1,000 most common, the share beyond the 3,000 most common, and how many words
its sentences hold on average (articles.alignment cuts them):

    difficulty = 100 × share beyond 1,000 + 100 × share beyond 3,000 + words per sentence

Level 1 is the easiest, 5 the hardest. An article of fewer than MIN_WORDS words, or on a
site whose words are not ranked yet, has no level. The level is computed in SQL, by
articles.derived, as the rest of what an article's rows imply.
"""

from django.db import connection, transaction

from articles.models import READING_LEVELS, Article, WordRank

COMMON, MORE_COMMON = 1_000, 3_000  # the ranks the shares are counted beyond
RANKED_ARTICLES = 20_000  # the latest published articles whose words are ranked
MIN_WORDS = 20
# The difficulty each level goes up to (the last has no top).
LEVEL_TOPS = (35, 50, 65, 80)


def level_sql(article: str) -> str:
    """The reading level of the article row `article`, an SQL expression: NULL for a short
    article or while no word is ranked."""
    words = (
        f"regexp_split_to_table(split_part({article}.search_words, E'\\n', 2) || ' ' "
        f"|| split_part({article}.search_words, E'\\n', 3), ' ')"
    )
    sentences = (
        f"(SELECT nullif(sum(jsonb_array_length(block->'vi')), 0) "
        f"FROM jsonb_array_elements({article}.sentences) AS block)"
    )
    difficulty = (
        f"100.0 * count(*) FILTER (WHERE ranked.rank IS NULL OR ranked.rank > {COMMON}) / count(*)"
        f" + 100.0 * count(*) FILTER (WHERE ranked.rank IS NULL OR ranked.rank > {MORE_COMMON})"
        f" / count(*) + count(*)::float / coalesce({sentences}, 1)"
    )
    steps = " ".join(
        f"WHEN {difficulty} <= {top} THEN {level}" for level, top in enumerate(LEVEL_TOPS, 1)
    )
    return f"""(
        SELECT CASE WHEN count(*) < {MIN_WORDS} THEN NULL {steps} ELSE {len(READING_LEVELS)} END
        FROM {words} AS word LEFT JOIN {WordRank._meta.db_table} AS ranked USING (word)
        WHERE word <> '' AND word !~ '[0-9]'
            AND EXISTS (SELECT FROM {WordRank._meta.db_table})
    )"""


def rank_words(limit: int = MORE_COMMON) -> int:
    """Rank the words of the latest published articles by how many of them hold each, and
    keep the first `limit`; returns how many were kept."""
    latest = (
        Article.objects.published()
        .order_by("-published_at")
        .values("search_words")[:RANKED_ARTICLES]
    )
    latest_sql, params = latest.query.sql_with_params()
    words = (
        "regexp_split_to_table(split_part(latest.search_words, E'\\n', 1) || ' ' "
        "|| split_part(latest.search_words, E'\\n', 2) || ' ' "
        "|| split_part(latest.search_words, E'\\n', 3), ' ')"
    )
    ranked = f"""
SELECT word, row_number() OVER (ORDER BY count(*) DESC, word), count(*)
FROM (
    SELECT DISTINCT latest.number, word
    FROM (SELECT row_number() OVER () AS number, search_words FROM ({latest_sql}) AS chosen)
        AS latest,
        {words} AS word
    WHERE word <> '' AND word !~ '[0-9]'
) AS held
GROUP BY word
ORDER BY count(*) DESC, word
LIMIT %s
"""
    table = WordRank._meta.db_table
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {table}")
        cursor.execute(f"INSERT INTO {table} (word, rank, articles) {ranked}", [*params, limit])
        return cursor.rowcount
