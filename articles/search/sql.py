"""The SQL of search, with no model imported: the diacritic fold as a PostgreSQL function,
the word-pair functions, and the three generated tsvector columns an article stores.

- search_vector: title (A), lead (B), body and captions (C) and the names of the entities it
  mentions (D), each folded (no diacritics, đ→d) under the "simple" config, and the English
  text again under the "english" config, so English words are stemmed;
- head_vector: title and lead only, plus their Vietnamese words unfolded, so that an exact
  diacritic match can rank above a folded one;
- phrase_vector: every pair of neighbouring folded words ("ten lua"), so that a quoted
  phrase finds its few articles through the index; checking word positions in
  search_vector then reads only those, not every article holding the words somewhere;
- word_vector: the article's Vietnamese words (articles.words), a word of several
  syllables one lexeme ("quốcphòng"), each as written (tone marks placed one way) and
  folded ("quocphong"), both as search_words stores them: title (A), lead (B), the
  rest (C).

PostgreSQL has no `unaccent` here: newsreader_fold() takes the same steps as the Python
fold of articles.text.fold(), so that a reader's folded query meets the folded text.
"""

from django.db import connection

from articles.text import STROKED_LETTERS, UNSTROKED_LETTERS
from articles.words import JOINER as WORD_JOINER


def sql_fold(expression_sql: str) -> str:
    """articles.text.fold() in SQL, for generated columns and indexes. Every function in it
    is built in and fast (about 0.3 ms for a 2,000-character article), and lowercasing
    comes last so that it needs no Unicode-aware locale."""
    return (
        f"lower(translate(regexp_replace(normalize({expression_sql}, NFD), "
        r"'[\u0300-\u036f]', '', 'g'), "
        f"'{STROKED_LETTERS}', '{UNSTROKED_LETTERS}'))"
    )


FOLD_FUNCTION = "newsreader_fold"

CREATE_FOLD_FUNCTION = (
    f"CREATE OR REPLACE FUNCTION {FOLD_FUNCTION}(text) RETURNS text "
    f"LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT {sql_fold('$1')} $$"
)
DROP_FOLD_FUNCTION = f"DROP FUNCTION IF EXISTS {FOLD_FUNCTION}(text)"

NAMES_LIKE_FUNCTION = "newsreader_names_like"

# The names and aliases of entities whose folded form (stored with each) looks like the
# folded text (trigram similarity), best first. Through the trigram indexes: the tables are
# small, and PostgreSQL would rather read them whole.
CREATE_NAMES_LIKE_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {NAMES_LIKE_FUNCTION}(typed text, at_most integer)
RETURNS TABLE (name text, entity_id bigint, score real)
LANGUAGE sql STABLE ROWS 20 SET enable_seqscan = off AS $$
SELECT name::text, entity_id::bigint, similarity(folded_name, typed) AS score
FROM (
    SELECT text, entity_id, folded FROM articles_entityalias WHERE folded % typed
    UNION SELECT name_vi, id, folded_vi FROM articles_entity WHERE folded_vi % typed
    UNION SELECT name_en, id, folded_en FROM articles_entity WHERE folded_en % typed
) AS names(name, entity_id, folded_name)
ORDER BY score DESC, name LIMIT at_most
$$"""
DROP_NAMES_LIKE_FUNCTION = f"DROP FUNCTION IF EXISTS {NAMES_LIKE_FUNCTION}(text, integer)"

PAIRS_FUNCTION = "newsreader_word_pairs"
PHRASE_PAIRS_FUNCTION = "newsreader_phrase_pairs"

# The neighbouring lexemes of a tsvector, each pair one lexeme: 'ten':1 'lua':2 → 'ten lua'.
CREATE_PAIRS_FUNCTIONS = f"""
CREATE OR REPLACE FUNCTION {PAIRS_FUNCTION}(tsvector) RETURNS tsvector
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT coalesce(array_to_tsvector(array_agg(pair)), ''::tsvector) FROM (
        SELECT lexeme || ' ' || lead(lexeme) OVER next AS pair,
               lead(position) OVER next - position AS gap
        FROM (SELECT lexeme, unnest(positions) AS position FROM unnest($1)) AS words
        WINDOW next AS (ORDER BY position)
    ) AS pairs
    WHERE gap = 1
$$;
CREATE OR REPLACE FUNCTION {PHRASE_PAIRS_FUNCTION}(text) RETURNS tsquery
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    SELECT string_agg(
        '''' || replace(replace(pair, '\\', '\\\\'), '''', '''''') || '''', ' & '
    )::tsquery
    FROM unnest(tsvector_to_array(
        {PAIRS_FUNCTION}(to_tsvector('simple'::regconfig, {FOLD_FUNCTION}($1)))
    )) AS pair
$$;
"""
DROP_PAIRS_FUNCTIONS = (
    f"DROP FUNCTION IF EXISTS {PHRASE_PAIRS_FUNCTION}(text); "
    f"DROP FUNCTION IF EXISTS {PAIRS_FUNCTION}(tsvector);"
)


def _joined(columns: tuple[str, ...]) -> str:
    return " || ' ' || ".join(f'"{column}"' for column in columns)


def _folded(weight: str, *columns: str) -> str:
    text = _joined(columns)
    return f"setweight(to_tsvector('simple'::regconfig, {FOLD_FUNCTION}({text})), '{weight}')"


def _english(weight: str, *columns: str) -> str:
    return f"setweight(to_tsvector('english'::regconfig, {_joined(columns)}), '{weight}')"


def _exact(weight: str, *columns: str) -> str:
    return f"setweight(to_tsvector('simple'::regconfig, {_joined(columns)}), '{weight}')"


SEARCH_VECTOR_SQL = " || ".join(
    [
        _folded("A", "title_vi", "title_en"),
        _english("A", "title_en"),
        _folded("B", "lead_vi", "lead_en"),
        _english("B", "lead_en"),
        _folded("C", "body_vi", "body_en", "caption_vi", "caption_en"),
        _english("C", "body_en", "caption_en"),
        _folded("D", "entity_names"),
        _english("D", "entity_names"),
    ]
)

HEAD_VECTOR_SQL = " || ".join(
    [
        _folded("A", "title_vi", "title_en"),
        _english("A", "title_en"),
        _folded("B", "lead_vi", "lead_en"),
        _english("B", "lead_en"),
        _exact("A", "title_vi", "lead_vi"),
    ]
)

PHRASE_VECTOR_SQL = (
    f"{PAIRS_FUNCTION}(to_tsvector('simple'::regconfig, {FOLD_FUNCTION}("
    + _joined(("title_vi", "title_en", "lead_vi", "lead_en", "body_vi", "body_en"))
    + " || ' ' || "
    + _joined(("caption_vi", "caption_en", "entity_names"))
    + ")))"
)


def _word_line(number: int) -> str:
    """One line of the search_words column (articles.words.stored_words), one token a word."""
    return f"replace(split_part(\"search_words\", E'\\n', {number}), '{WORD_JOINER}', '')"


WORD_VECTOR_SQL = " || ".join(
    f"setweight(to_tsvector('simple'::regconfig, {_word_line(line)}), '{weight}')"
    for weight, lines in (("A", (1, 4)), ("B", (2, 5)), ("C", (3, 6)))
    for line in lines
)


TEXT_INDEXES = (
    *("article_search_idx", "article_head_search_idx", "article_phrase_search_idx"),
    "article_word_search_idx",
)
# New entries wait in a GIN index's pending list until it outgrows this, then are merged
# into the index in one pass. A bulk write lets the list grow sixteen times the default
# (4 MB): merging larger lists costs about a third less per article.
BULK_PENDING_LIST = "64MB"


def defer_text_index_merges() -> None:
    """For the rest of this transaction, merge pending full-text index entries in larger
    passes: for bulk writes, which call merge_pending_text_index_entries() when done."""
    with connection.cursor() as cursor:
        cursor.execute(f"SET LOCAL gin_pending_list_limit = '{BULK_PENDING_LIST}'")


def merge_pending_text_index_entries() -> None:
    """Merge what waits in the full-text indexes' pending lists, which every search reads
    from end to end."""
    with connection.cursor() as cursor:  # those there are: a bulk load builds them last
        cursor.execute(
            "SELECT gin_clean_pending_list(oid) FROM pg_class WHERE relname = ANY(%s)",
            [list(TEXT_INDEXES)],
        )


# --- Ranking every match -----------------------------------------------------------------
#
# A term's weight in an article (BM25-like, as articles.search.ranking states it) is one of
# a few dozen levels, so that the articles holding a term in their title can be read from
# an index best level first and, within a level, latest first: whatever the number of
# matches, the best of each level are a few index entries away. Only title terms are kept
# there; a term elsewhere in an article weighs at most REST_LEVEL_MAX, which the ranking
# reads from the article's own vectors.

TITLE_TERMS_FUNCTION = "newsreader_title_terms"
TERM_IDF_FUNCTION = "newsreader_term_idf"
WORD_TERM_PREFIX = "w:"  # a word of several syllables, from word_vector: w:quocphong
LEVELS_PER_UNIT = 10
SATURATION = 1.2  # BM25's k1: how soon more of the same term stops counting
LENGTH_WEIGHT = 0.75  # BM25's b: how much a long title counts against its terms
TITLE_LENGTH = 25  # a title's usual number of lexemes (folded, and stemmed English)
# ts_rank's weights {D, C, B, A}: entity names, body and captions, lead, and not the title
REST_WEIGHTS = "{0.1, 0.2, 0.4, 0}"
REST_LEVEL_MAX = 7  # ts_rank with those weights stays below 0.65, whatever the counts


def _tsquery_of_lexeme(lexeme_sql: str) -> str:
    return f"('''' || replace(replace({lexeme_sql}, '\\', '\\\\'), '''', '''''') || '''')::tsquery"


def rest_level_sql(vector_sql: str, lexeme_sql: str) -> str:
    """A term's weight outside the title, in levels: ts_rank's harmonic sum of its
    occurrences, without length normalization (so that it has a bound)."""
    return (
        f"round({LEVELS_PER_UNIT} * ts_rank('{REST_WEIGHTS}', {vector_sql}, "
        f"{_tsquery_of_lexeme(lexeme_sql)}, 0))"
    )


# Each lexeme of an article's title, in search_vector (folded syllables, English stems)
# and in word_vector (its words of several syllables: a word whose folded form is one of
# the title's syllables is that syllable), with its level: the title's BM25 term weight,
# (k1 + 1) tf / (tf + k1 (1 - b + b length / usual length)), plus the rest of the text's.
CREATE_TITLE_TERMS_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {TITLE_TERMS_FUNCTION}(tsvector, tsvector)
RETURNS TABLE(term text, level smallint)
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
    WITH title AS (SELECT ts_filter($1, '{{a}}') AS syllables),
    entries AS (
        SELECT '' AS kind, lexeme, cardinality(positions) AS count, $1 AS vector
        FROM title, unnest(title.syllables)
        UNION ALL
        SELECT '{WORD_TERM_PREFIX}', lexeme, cardinality(positions), $2
        FROM title, unnest(ts_filter($2, '{{a}}'))
        WHERE {FOLD_FUNCTION}(lexeme) <> ALL(tsvector_to_array(title.syllables))
    ),
    length AS (SELECT greatest(length(syllables), 1) AS lexemes FROM title)
    SELECT kind || lexeme, round(
        {LEVELS_PER_UNIT} * ({SATURATION} + 1) * count / (count + {SATURATION} * (
            1 - {LENGTH_WEIGHT} + {LENGTH_WEIGHT} * length.lexemes / {TITLE_LENGTH}.0))
        + {rest_level_sql("vector", "lexeme")}
    )::smallint
    FROM entries, length
$$;
"""

# Each term's inverse document frequency, ln(1 + (1 - f) / f), f the share of articles
# holding it, from PostgreSQL's statistics of its vector (kept by ANALYZE), each read once:
# a term the statistics do not hold is rarer than the rarest they hold, and counted at half
# of that; 1 before there are any.
CREATE_TERM_IDF_FUNCTION = f"""
CREATE OR REPLACE FUNCTION {TERM_IDF_FUNCTION}(text[]) RETURNS TABLE(term text, idf float8)
LANGUAGE sql STABLE STRICT PARALLEL SAFE AS $$
    WITH stats AS MATERIALIZED (
        SELECT attname, most_common_elems::text::text[] AS lexemes,
            most_common_elem_freqs AS shares
        FROM pg_stats WHERE schemaname = current_schema() AND tablename = 'articles_article'
            AND attname IN ('search_vector', 'word_vector')
    ),
    terms AS (
        SELECT term, CASE WHEN left(term, 2) = '{WORD_TERM_PREFIX}' THEN 'word_vector'
            ELSE 'search_vector' END AS vector,
            CASE WHEN left(term, 2) = '{WORD_TERM_PREFIX}' THEN substr(term, 3)
            ELSE term END AS lexeme
        FROM unnest($1) AS term
    )
    SELECT terms.term, coalesce(ln(1 + (1 - share) / greatest(share, 1e-9)), 1)
    FROM terms LEFT JOIN LATERAL (
        SELECT coalesce(stats.shares[array_position(stats.lexemes, terms.lexeme)],
            stats.shares[cardinality(stats.shares) - 2] / 2) AS share
        FROM stats WHERE stats.attname = terms.vector
    ) AS found ON true
$$;
"""
DROP_RANKING_FUNCTIONS = (
    f"DROP FUNCTION IF EXISTS {TERM_IDF_FUNCTION}(text[]); "
    f"DROP FUNCTION IF EXISTS {TITLE_TERMS_FUNCTION}(tsvector, tsvector);"
)
