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

from collections.abc import Iterable
from dataclasses import dataclass

from articles.search.query import Reading, SearchQuery, query_terms
from articles.search.sql import (
    LEVELS_PER_UNIT,
    REST_LEVEL_MAX,
    SATURATION,
    TERM_IDF_FUNCTION,
    WORD_TERM_PREFIX,
    rest_level_sql,
)
from articles.text import fold
from articles.words import lexeme

TITLE_CANDIDATES = 20  # per term and level: a first page's worth
RECENT_BOOST = 0.5  # an article published now ranks as if 1.5 times as relevant
RECENT_HALF_LIFE_DAYS = 30
TITLE_LEVEL_MAX = round(LEVELS_PER_UNIT * (SATURATION + 1)) + REST_LEVEL_MAX
TITLE_TERMS_TABLE = "articles_titleterm"
ARTICLE = '"articles_article"'  # the row being ranked, as the ORM names it
TERM = "{term}"


@dataclass(frozen=True)
class Term:
    """A term the query is ranked by: SQL for its lexeme and for its idf, with parameters
    (known when the query was read; else looked up by the ranking query itself)."""

    lexeme_sql: str
    lexeme_params: tuple
    idf_sql: str
    idf_params: tuple


def possible_terms(syllables: list[str], words: Iterable[str]) -> list[str]:
    """Every term a query of these syllables may be ranked by, whichever words it is read
    as (`words`: the known words some of its syllables may be): what to look up the idf
    of when reading it."""
    return [
        *(fold(syllable) for syllable in syllables),
        *(WORD_TERM_PREFIX + lexeme(form) for word in words for form in (word, fold(word))),
    ]


def scored_terms(query: SearchQuery, reading: Reading) -> list[Term]:
    """The query's terms: of a query read as words, each word of several syllables and
    each syllable alone, else its folded words; and when it is not Vietnamese (no word
    of several syllables, no marks), the English stems of its words."""
    lexemes: list[str] = []
    if reading.words:
        for word in reading.words:
            if word.forms:
                form = word.folded if word.is_toneless else word.forms[0]
                lexemes.append(WORD_TERM_PREFIX + lexeme(form))
            else:
                lexemes.extend(word.folded.split())
    else:
        lexemes = query_terms(query)
    english = [] if reading.is_vietnamese or query.has_diacritics else lexemes
    idf, stems = dict(reading.idf), dict(reading.stems)
    terms = [_term("%s", (term,), idf.get(term)) for term in dict.fromkeys(lexemes)]
    for word in dict.fromkeys(english):
        if word in stems:
            if stems[word] != word:
                terms.append(_term("%s", (stems[word],), idf.get(stems[word])))
        elif not reading.words:
            stem = "(SELECT (tsvector_to_array(to_tsvector('english', %s)))[1])"
            terms.append(_term(stem, (word,), None))
    return terms


def _term(lexeme_sql: str, params: tuple, idf: float | None) -> Term:
    if idf is not None:
        return Term(lexeme_sql, params, "%s", (idf,))
    idf_sql = f"(SELECT idf FROM {TERM_IDF_FUNCTION}(ARRAY[{lexeme_sql}]))"
    return Term(lexeme_sql, params, idf_sql, params)


def title_candidates_sql(terms: list[Term]) -> tuple[str, list]:
    """The ids of the TITLE_CANDIDATES latest articles holding each term in their title at
    each level: a few index entries per term and level, however many articles match.

    A level too low to reach a first page is left out: once TITLE_CANDIDATES articles
    hold the term at a level L or above, each weighs at least L times its idf, and an
    article at a level below L / (1 + RECENT_BOOST) weighs less, however recent."""
    listed, params = _array(terms)
    sql = (
        "SELECT article_id FROM (SELECT best.article_id, level.value AS level, "
        f"nth_value(level.value, {TITLE_CANDIDATES}) OVER (PARTITION BY term.lexeme "
        "ORDER BY level.value DESC ROWS BETWEEN UNBOUNDED PRECEDING AND UNBOUNDED FOLLOWING) "
        f"AS first_page_level FROM unnest({listed}) AS term(lexeme) "
        f"CROSS JOIN generate_series(1, {TITLE_LEVEL_MAX}) AS level(value) "
        f"CROSS JOIN LATERAL (SELECT article_id FROM {TITLE_TERMS_TABLE} "
        "WHERE term = term.lexeme AND level = level.value AND published_at <= now() "
        f"ORDER BY published_at DESC LIMIT {TITLE_CANDIDATES}) AS best) AS held "
        f"WHERE held.level * {1 + RECENT_BOOST} >= coalesce(held.first_page_level, 0)"
    )
    return sql, params


def relevance_sql(terms: list[Term]) -> tuple[str, list]:
    """The sum over the terms of each one's idf times its weight in the article (before
    the recency factor): the stored weight of a title term, else the rest of the text's."""
    parts, params = [], []
    for term in terms:
        # COLLATE "C": looked up by the article's id; by the term, PostgreSQL may read every
        # title holding it through the (term, level, time) index, once per ranked article
        word = f"substr({TERM}, {len(WORD_TERM_PREFIX) + 1})"
        weight = (
            f"coalesce((SELECT level FROM {TITLE_TERMS_TABLE} AS held WHERE held.article_id = "
            f'{ARTICLE}.id AND held.term = {TERM} COLLATE "C"), '
            f"CASE WHEN left({TERM}, {len(WORD_TERM_PREFIX)}) = '{WORD_TERM_PREFIX}' "
            f"THEN {rest_level_sql(f'{ARTICLE}.word_vector', word)} "
            f"ELSE {rest_level_sql(f'{ARTICLE}.search_vector', TERM)} END)"
        )
        parts.append(f"coalesce({term.idf_sql} * {weight.replace(TERM, term.lexeme_sql)}, 0)")
        params += [*term.idf_params, *term.lexeme_params * weight.count(TERM)]
    if not parts:
        return "0.0", []
    return f"(({' + '.join(parts)}) / {LEVELS_PER_UNIT}.0)", params


def recency_sql() -> str:
    """The recency factor: 1 + RECENT_BOOST for an article published now, halving every
    RECENT_HALF_LIFE_DAYS towards 1 (an unpublished draft: 1). In floating point:
    PostgreSQL's numeric powers cost more than the rest of the ranking."""
    age = f"greatest(extract(epoch FROM statement_timestamp() - {ARTICLE}.published_at)::float8, 0)"
    halvings = f"least({age} / {86_400 * RECENT_HALF_LIFE_DAYS}.0, 1000.0)"
    return f"(1.0 + coalesce({RECENT_BOOST} * power(0.5, {halvings}), 0.0))"


def _array(terms: list[Term]) -> tuple[str, list]:
    if not terms:
        return "ARRAY[]::text[]", []
    return (
        "ARRAY[" + ", ".join(term.lexeme_sql for term in terms) + "]::text[]",
        [param for term in terms for param in term.lexeme_params],
    )
