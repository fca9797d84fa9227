"""How relevant an article is to a query, as SQL (ArticleQuerySet.search), and how the
best of every match are found without ranking every match.

Relevance is BM25-like: the sum over the query's terms of the term's inverse document
frequency times its weight in the article, times a recency factor.

- A term's weight in an article (articles.search.sql): in its title, BM25's saturating
  (k1 + 1) tf / (tf + k1 (1 - b + b length / usual length)), k1 = 1.2, b = 0.75, so that a
  long title counts each of its terms less; elsewhere, ts_rank's harmonic sum of its
  occurrences (lead 0.4, body and captions 0.2, entity names 0.1, each further occurrence
  counting less), at most 0.65. A term once in a title of usual length weighs 1.0.
  Weights are kept in tenths (levels).
- Inverse document frequency: ln(1 + (1 - f) / f), f the share of articles holding the
  term, from PostgreSQL's statistics (newsreader_term_idf).
- Recency: 1 + 0.5 × 0.5^(age in days / 30), between 1 and 1.5: an article published
  today counts 1.5 times, one a month old 1.25 times, one a year old barely more than once.

The terms: of a query read as words, each word of several syllables (in the word vector,
w:quocphong; as typed when it has marks, w:quốcphòng) and each syllable alone (nhat);
else its folded words, and their English stems when it is not Vietnamese.

Finding the best without ranking every match: for each term and each weight level, the
TITLE_CANDIDATES latest articles holding the term in their title are read from the
index of title terms. Within a level, a later article has the larger recency factor, so
for a one-term query, the first TITLE_CANDIDATES of the ranking are among them unless an
article holding the term only outside its title outweighs them (at most 0.65 × 1.5 times
its idf, where a title of usual length gives 1.0 × its idf and more). The search adds the
latest matches of each kind (ArticleQuerySet.search), so that a query no title holds
still finds its latest matches.
"""

from articles.search.query import Reading, SearchQuery, query_terms
from articles.search.sql import (
    LEVELS_PER_UNIT,
    REST_LEVEL_MAX,
    SATURATION,
    TERM_IDF_FUNCTION,
    WORD_TERM_PREFIX,
    rest_level_sql,
)
from articles.words import lexeme

TITLE_CANDIDATES = 20  # per term and level: a first page's worth
TITLE_LEVEL_MAX = round(LEVELS_PER_UNIT * (SATURATION + 1)) + REST_LEVEL_MAX
TITLE_TERMS_TABLE = "articles_titleterm"
ARTICLE = '"articles_article"'  # the row being ranked, as the ORM names it
TERM = "{term}"


def scored_terms(query: SearchQuery, reading: Reading) -> list[tuple[str, list]]:
    """The query's terms, each as SQL for the lexeme with its parameters."""
    terms: list[str] = []
    english: list[str] = []
    if reading.words:
        for word in reading.words:
            if word.forms:
                form = word.folded if word.is_toneless else word.forms[0]
                terms.append(WORD_TERM_PREFIX + lexeme(form))
            else:
                terms.extend(word.folded.split())
    else:
        terms = query_terms(query)
        if not reading.is_vietnamese:
            english = terms
    unique = list(dict.fromkeys(terms))
    return [("%s", [term]) for term in unique] + [
        ("(SELECT (tsvector_to_array(to_tsvector('english', %s)))[1])", [word])
        for word in dict.fromkeys(english)
    ]


def title_candidates_sql(terms: list[tuple[str, list]]) -> tuple[str, list]:
    """The ids of the TITLE_CANDIDATES latest articles holding each term in their title at
    each level: a few index entries per term and level, however many articles match."""
    listed, params = _array(terms)
    sql = (
        f"SELECT best.article_id FROM unnest({listed}) AS term(lexeme) "
        f"CROSS JOIN generate_series(1, {TITLE_LEVEL_MAX}) AS level(value) "
        f"CROSS JOIN LATERAL (SELECT article_id FROM {TITLE_TERMS_TABLE} "
        "WHERE term = term.lexeme AND level = level.value "
        f"ORDER BY published_at DESC LIMIT {TITLE_CANDIDATES}) AS best"
    )
    return sql, params


def relevance_sql(terms: list[tuple[str, list]]) -> tuple[str, list]:
    """The sum over the terms of each one's idf times its weight in the article (before
    the recency factor): the stored weight of a title term, else the rest of the text's."""
    parts, params = [], []
    for term_sql, term_params in terms:
        word = f"substr({TERM}, {len(WORD_TERM_PREFIX) + 1})"
        part = (
            f"coalesce((SELECT {TERM_IDF_FUNCTION}({TERM})) * coalesce("
            f"(SELECT level FROM {TITLE_TERMS_TABLE} AS held WHERE held.article_id = "
            f"{ARTICLE}.id AND held.term = {TERM}), "
            f"CASE WHEN left({TERM}, {len(WORD_TERM_PREFIX)}) = '{WORD_TERM_PREFIX}' "
            f"THEN {rest_level_sql(f'{ARTICLE}.word_vector', word)} "
            f"ELSE {rest_level_sql(f'{ARTICLE}.search_vector', TERM)} END), 0)"
        )
        parts.append(part.replace(TERM, term_sql))
        params += term_params * part.count(TERM)
    if not parts:
        return "0.0", []
    return f"(({' + '.join(parts)}) / {LEVELS_PER_UNIT}.0)", params


def _array(terms: list[tuple[str, list]]) -> tuple[str, list]:
    if not terms:
        return "ARRAY[]::text[]", []
    return (
        "ARRAY[" + ", ".join(sql for sql, _ in terms) + "]::text[]",
        [param for _, params in terms for param in params],
    )
