"""Full-text search in PostgreSQL, in Vietnamese and English, with or without diacritics.

Each article stores three generated tsvector columns with GIN indexes:
- search_vector: title (A), lead (B), body and captions (C) and the names of the entities it
  mentions (D), each folded (no diacritics, đ→d) under the "simple" config, and the English
  text again under the "english" config, so English words are stemmed;
- head_vector: title and lead only, plus their Vietnamese words unfolded, so that an exact
  diacritic match can rank above a folded one;
- phrase_vector: every pair of neighbouring folded words ("ten lua"), so that a quoted
  phrase finds its few articles through the index; checking word positions in
  search_vector then reads only those, not every article holding the words somewhere.

The fold is our own SQL function, newsreader_fold() (articles.searchtext.sql_fold), which
takes the same steps as the Python fold of the reader's query, since `unaccent` is not
available here.
"""

import re
from dataclasses import dataclass
from functools import partial

from django.contrib.postgres.search import SearchQuery as PostgresSearchQuery
from django.contrib.postgres.search import SearchQueryField
from django.db import connection
from django.db.models import BooleanField, F, Func, Q, Value
from django.utils.functional import SimpleLazyObject
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from articles.searchtext import (
    SearchQuery,
    exclusions,
    fold_for_search,
    highlight_snippet,
    query_terms,
    sql_fold,
)
from newsreader.pagecache import remember

FOLD_FUNCTION = "newsreader_fold"

CREATE_FOLD_FUNCTION = (
    f"CREATE OR REPLACE FUNCTION {FOLD_FUNCTION}(text) RETURNS text "
    f"LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$ SELECT {sql_fold('$1')} $$"
)
DROP_FOLD_FUNCTION = f"DROP FUNCTION IF EXISTS {FOLD_FUNCTION}(text)"

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

SYNC_SEARCH_TEXT_SQL = """
UPDATE articles_article AS article SET
    body_vi = COALESCE((
        SELECT string_agg(paragraph.text_vi, E'\\n' ORDER BY paragraph.position)
        FROM articles_paragraph AS paragraph WHERE paragraph.article_id = article.id), ''),
    body_en = COALESCE((
        SELECT string_agg(paragraph.text_en, E'\\n' ORDER BY paragraph.position)
        FROM articles_paragraph AS paragraph
        WHERE paragraph.article_id = article.id AND paragraph.text_en <> ''), ''),
    entity_names = COALESCE((
        SELECT string_agg(DISTINCT name, ' ' ORDER BY name) FROM articles_mention AS mention,
        LATERAL (
            SELECT entity.name_vi FROM articles_entity AS entity WHERE entity.id = mention.entity_id
            UNION SELECT entity.name_en FROM articles_entity AS entity
                WHERE entity.id = mention.entity_id
            UNION SELECT alias.text FROM articles_entityalias AS alias
                WHERE alias.entity_id = mention.entity_id
        ) AS names(name)
        WHERE mention.article_id = article.id), '')
"""


def sync_search_text(article_ids=None) -> None:
    """Copy the articles' paragraphs and their entities' names into the searched columns
    (all articles when no ids are given)."""
    with connection.cursor() as cursor:
        if article_ids is None:
            cursor.execute(SYNC_SEARCH_TEXT_SQL)
        else:
            cursor.execute(
                f"{SYNC_SEARCH_TEXT_SQL} WHERE article.id = ANY(%s)", [list(article_ids)]
            )


class _Matches(Func):
    arg_joiner = " @@ "
    template = "(%(expressions)s)"
    output_field = BooleanField()


def holds_word_pairs(phrase: str) -> _Matches:
    """A condition true of the articles holding every pair of neighbouring words of the
    phrase, in any order: through the phrase_vector index, the few that may hold it."""
    pairs = Func(Value(phrase), function=PHRASE_PAIRS_FUNCTION, output_field=SearchQueryField())
    return _Matches(F("phrase_vector"), pairs)


def reader_tsquery(query: SearchQuery) -> PostgresSearchQuery:
    """The reader's words folded for the Vietnamese side, or stemmed for the English side.

    Each side's exclusions hold for the other too: `sanctions -treaties` leaves out an
    article saying "treaty", which only the English side's stemming would catch.
    """
    text, folded = _without_lone_minus(query.text), _without_lone_minus(query.folded)
    tsquery = _websearch(folded, "simple") | _websearch(text, "english")
    if excluded := exclusions(text):
        tsquery &= _websearch(exclusions(folded), "simple") & _websearch(excluded, "english")
    return tsquery


def exact_tsquery(query: SearchQuery) -> PostgresSearchQuery:
    """The reader's words as typed, diacritics included, for the exact-match bonus."""
    return _websearch(_without_lone_minus(query.text), "simple")


def _websearch(text: str, config: str) -> PostgresSearchQuery:
    return PostgresSearchQuery(text, config=config, search_type="websearch")


# A run of minus signs touching no word or phrase after it: "Việt - Nhật", "nhat -", "-!x".
_LONE_MINUS = re.compile(r'-+(?![^\W_]|")')


def _without_lone_minus(text: str) -> str:
    """websearch_to_tsquery reads a minus as "leave out the next word" even when a space
    follows it, but "Việt - Nhật" names two countries: only a minus touching a word (or a
    quoted phrase) excludes it."""
    return _LONE_MINUS.sub(" ", text)


def attach_snippets(articles, query: SearchQuery) -> None:
    """Give each article of a results page a highlighted excerpt, made when a page first
    shows one (cards kept from an earlier rendering need none): one query for the page."""
    made: dict[int, tuple[SafeString, str]] = {}

    def snippet(article) -> tuple[SafeString, str]:
        if not made:
            made.update(_snippets(articles, query))
        return made[article.pk]

    for article in articles:
        article.snippet = SimpleLazyObject(partial(lambda a: snippet(a)[0], article))
        article.snippet_language = SimpleLazyObject(partial(lambda a: snippet(a)[1], article))


def _snippets(articles, query: SearchQuery) -> dict[int, tuple[SafeString, str]]:
    from articles.models import Article

    bodies = {
        pk: (body_vi, body_en)
        for pk, body_vi, body_en in Article.objects.filter(
            pk__in=[article.pk for article in articles]
        ).values_list("pk", "body_vi", "body_en")
    }
    terms = query_terms(query)
    snippets = {}
    for article in articles:
        body_vi, body_en = bodies.get(article.pk, ("", ""))
        texts = [
            (article.lead_vi, "vi"),
            (body_vi, "vi"),
            (article.lead_en, "en"),
            (body_en, "en"),
        ]
        text, language = next(
            ((text, language) for text, language in texts if text and _mentions_any(text, terms)),
            (article.lead_vi, "vi"),
        )
        snippets[article.pk] = (highlight_snippet(text, query), language)
    return snippets


def _mentions_any(text: str, terms: list[str]) -> bool:
    folded = fold_for_search(text)
    return any(term in folded for term in terms)


SIMILAR_NAMES_SQL = f"""
SELECT name, entity_id, similarity({FOLD_FUNCTION}(name), %(text)s) AS score
FROM (
    SELECT text, entity_id FROM articles_entityalias WHERE {FOLD_FUNCTION}(text) %% %(text)s
    UNION SELECT name_vi, id FROM articles_entity WHERE {FOLD_FUNCTION}(name_vi) %% %(text)s
    UNION SELECT name_en, id FROM articles_entity WHERE {FOLD_FUNCTION}(name_en) %% %(text)s
) AS names(name, entity_id)
ORDER BY score DESC, name LIMIT %(limit)s
"""
MIN_SUGGESTION_SCORE = 0.4
MAX_WORDS_TO_CORRECT = 4
MIN_WORD_TO_CORRECT = 4


@dataclass(frozen=True)
class Suggestion:
    query: str  # the corrected query to offer
    entity_id: int


def similar_names(folded_text: str, limit: int = 5) -> list[tuple[str, int, float]]:
    """Entity names and aliases that look like the text (trigram similarity)."""
    with connection.cursor() as cursor:
        cursor.execute(SIMILAR_NAMES_SQL, {"text": folded_text, "limit": limit})
        return cursor.fetchall()


def did_you_mean(query: SearchQuery, found: int) -> list[Suggestion]:
    """A corrected query: a mistyped name (Blinkin → Blinken), or an unaccented one given
    its accents (nhat ban → Nhật Bản). The whole query first; when nothing was found,
    each word of a short query. Kept until the content changes."""
    return remember(("did you mean", query.text, bool(found)), lambda: _did_you_mean(query, found))


def _did_you_mean(query: SearchQuery, found: int) -> list[Suggestion]:
    if any(operator in query.text for operator in ('"', " OR ", " -")) or query.text[:1] == "-":
        return []
    whole = _correction(query.text)
    if whole:
        return [whole]
    words = query.text.split()
    if found or not 1 < len(words) <= MAX_WORDS_TO_CORRECT:
        return []
    corrected, entity_id = [], None
    for word in words:
        correction = _correction(word) if len(word) >= MIN_WORD_TO_CORRECT else None
        corrected.append(correction.query if correction else word)
        entity_id = entity_id or (correction and correction.entity_id)
    if entity_id is None:
        return []
    return [Suggestion(" ".join(corrected), entity_id)]


def _correction(typed: str) -> Suggestion | None:
    folded = fold_for_search(typed)
    for name, entity_id, score in similar_names(folded):
        folded_name = fold_for_search(name)
        if name == typed:
            return None
        if folded_name == folded:
            # offer the accents the reader left out, not just other capitals (japan → Japan)
            typed_accents = any(not char.isascii() for char in typed)
            only_case_differs = name.lower() == typed.lower()
            return None if typed_accents or only_case_differs else Suggestion(name, entity_id)
        close_in_length = abs(len(folded_name) - len(folded)) <= max(2, len(folded) // 4)
        if score >= MIN_SUGGESTION_SCORE and close_in_length:
            return Suggestion(name, entity_id)
    return None


def complete(typed: str, limit: int = 8) -> list[dict]:
    """Entities and categories for the search box as the reader types."""
    from articles.models import Category, Entity

    folded = fold_for_search(typed).strip()
    if len(folded) < 2:
        return []
    entity_ids = [entity_id for _, entity_id, _ in similar_names(folded, limit * 2)]
    starting = Entity.objects.annotate(
        folded_vi=Func(F("name_vi"), function=FOLD_FUNCTION),
        folded_en=Func(F("name_en"), function=FOLD_FUNCTION),
    ).filter(Q(folded_vi__startswith=folded) | Q(folded_en__startswith=folded))
    entities = list(starting.order_by("name_en")[:limit])
    known = {entity.pk for entity in entities}
    entities += [
        entity for entity in Entity.objects.in_bulk(entity_ids).values() if entity.pk not in known
    ]
    categories = Category.objects.annotate(
        folded_vi=Func(F("name_vi"), function=FOLD_FUNCTION),
        folded_en=Func(F("name_en"), function=FOLD_FUNCTION),
    ).filter(Q(folded_vi__contains=folded) | Q(folded_en__contains=folded))
    return [
        {
            "label": str(category),
            "kind_label": gettext("Category"),
            "url": category.get_absolute_url(),
        }
        for category in categories[:3]
    ] + [
        {
            "label": str(entity),
            "kind_label": entity.get_kind_display(),
            "url": entity.get_absolute_url(),
        }
        for entity in entities[:limit]
    ]
