"""Ranking every match beside ranking only the latest ones, side by side in one run.

For each query of benchmarks/search.py: p50/p95 of the first page of 20, ranked the way
search ranks now (every match reachable: the best title holders of each weight level,
articles.search.ranking) and the way it ranked before (the 250 latest of each kind of
match, ts_rank); how many of the ten best of a full ranking of every match each first
page holds (each against its own score); and the whole search page over HTTP for the
first reader after a change.

    python -m benchmarks.ranking [--articles 100000] [--scale 10]

With --scale, the title terms alone are copied that many times over (a corpus of a
million articles from 100,000), and what depends on their number is measured on them.
"""

from benchmarks.timing import percentiles

TOP = 10
PAGE = 20
PREVIOUS_CANDIDATES = 250
PREVIOUS_EXACT_BONUS = 0.5
BY_DATE = ("-published_at", "-id")


def previous_ranking(articles, query, reading, every_match: bool = False):
    """Search as it ranked before it ranked every match: the 250 latest articles of each
    kind of match (in the title or lead, anywhere, holding the words, holding them side
    by side, naming the entity the query names), ranked within the same tiers by the
    whole text's ts_rank times the recency factor, an exact-diacritic match in the title
    or lead adding 0.5."""
    from django.contrib.postgres.search import SearchRank
    from django.db.models import Case, F, FloatField, Q, Value, When
    from django.db.models.expressions import RawSQL

    from articles.search.query import (
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
    from articles.search.ranking import recency_sql

    tsquery = syllables_tsquery(query, reading) if reading.words else reader_tsquery(query)
    holding_phrases = articles
    for phrase in required_phrases(query.text):
        holding_phrases = holding_phrases.filter(holds_word_pairs(phrase))
    matching = (
        holding_phrases
        if is_only_word_pairs(query.text)
        else holding_phrases.filter(search_vector=tsquery)
    )
    holds = [Q(word_vector=holding_tsquery(word)) for word in reading.words if word.forms]
    side_by_side = [holds_word_pairs(pair) for pair in reading.neighbours()]
    names = Q(entity_ids__overlap=list(reading.named_entities))
    if every_match:
        found = matching
    else:
        kinds = [holding_phrases.filter(head_vector=tsquery), matching]
        if holds:
            kinds.append(matching.filter(*holds))
        if side_by_side:
            kinds.append(matching.filter(*holds, *side_by_side))
        if reading.named_entities:
            kinds.append(articles.filter(names))
        latest = [kind.order_by(*BY_DATE).values("pk")[:PREVIOUS_CANDIDATES] for kind in kinds]
        found = articles.filter(pk__in=latest[0].union(*latest[1:]))
    if exclusions(query.text):
        found = found.filter(search_vector=tsquery)
    recency = RawSQL(recency_sql(), [], output_field=FloatField())
    rank = SearchRank(F("search_vector"), tsquery, normalization=Value(1)) * recency
    if query.has_diacritics:
        exact = When(head_vector=exact_tsquery(query), then=Value(PREVIOUS_EXACT_BONUS))
        rank = rank + Case(exact, default=Value(0.0))
    return found.annotate(
        names_held=_counted([names] if reading.named_entities else []),
        words_held=_counted(holds),
        neighbours_held=_counted(side_by_side),
        forms_held=_counted(
            [Q(word_vector=form_tsquery(form)) for form in reading.forms_ranked_first()]
        ),
        rank=rank,
    ).order_by("-names_held", "-words_held", "-neighbours_held", "-forms_held", "-rank", *BY_DATE)


def _counted(conditions: list):
    """How many of the conditions hold, as a number to order by."""
    from django.db.models import Case, Value, When

    cases = [Case(When(condition, then=Value(1)), default=Value(0)) for condition in conditions]
    return sum(cases, Value(0))


def ids(ranked, count: int = PAGE) -> list[int]:
    return list(ranked.values_list("pk", flat=True)[:count])


def run() -> list[dict]:
    """Every query's timings first, then the full rankings, which read every match: at a
    million articles, one of those leaves a cold cache that no reader of a live site meets."""
    from django.test import Client

    from articles.models import Article
    from articles.search.query import parse_query
    from articles.search.reading import read
    from benchmarks.search import QUERIES, RUNS, filtered, slow_percentiles
    from newsreader.pagecache import content_changed

    client = Client()
    measured = []
    for label, text, filters in QUERIES:
        query = parse_query(text)
        reading = read(query)
        articles = filtered(Article.objects.for_listing(), filters)
        now_p50, now_p95 = percentiles(
            lambda: ids(articles.search(query, reading)),  # noqa: B023
            RUNS,
        )
        before_p50, before_p95 = percentiles(
            lambda: ids(previous_ranking(articles, query, reading)),  # noqa: B023
            RUNS,
        )

        def first_reader():
            content_changed()
            return client.get("/search/", {"q": text, **filters})  # noqa: B023

        _, page_p95 = percentiles(first_reader, RUNS)
        measured.append((label, text, filters, now_p50, now_p95, before_p50, before_p95, page_p95))
    rows = []
    for label, text, filters, now_p50, now_p95, before_p50, before_p95, page_p95 in measured:
        query = parse_query(text)
        reading = read(query)
        articles = filtered(Article.objects.for_listing(), filters)
        every = articles.search(query, reading, candidates=None)
        every_before = previous_ranking(articles, query, reading, every_match=True)
        full_p50, _ = slow_percentiles(lambda: ids(every, TOP))  # noqa: B023
        best, best_before = set(ids(every, TOP)), set(ids(every_before, TOP))
        held = len(best & set(ids(articles.search(query, reading), TOP)))
        held_before = len(best_before & set(ids(previous_ranking(articles, query, reading), TOP)))
        shown = " ".join([f"`{text}`", *(f"{k}={v}" for k, v in filters.items())])
        rows.append(
            {
                "what": f"{label}: {shown} ({every.count():,} matches)",
                "p50": now_p50,
                "p95": now_p95,
                "ratio": f"holds {held} of the full ranking's {TOP} best; before: p50 "
                f"{before_p50:.1f} ms, p95 {before_p95:.1f} ms, held {held_before} of "
                f"{TOP}; ranking every match p50 {full_p50:,.0f} ms; whole page p95 "
                f"{page_p95:.0f} ms (first reader after a change)",
            }
        )
    return rows


SCALED_TABLE = "bench_title_terms_scaled"
SCALED_HOURS_APART = 7  # each copy of the corpus's title terms published that much earlier


def scale_title_terms(copies: int) -> int:
    """A table of the corpus's title terms `copies` times over, each copy with ids of its
    own and published a little earlier, indexed as TitleTerm is: the search structure a
    corpus that many times larger would have. Kept for later runs; how many articles."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT to_regclass(%s)", [SCALED_TABLE])
        if cursor.fetchone()[0] is None:
            cursor.execute(
                f"CREATE UNLOGGED TABLE {SCALED_TABLE} AS SELECT article_id + copy * "
                "10000000000 AS article_id, term, level, published_at - make_interval(secs => "
                f"copy * 3600 * {SCALED_HOURS_APART}) AS published_at "
                "FROM articles_titleterm, generate_series(0, %s) AS copy",
                [copies - 1],
            )
            cursor.execute(
                f"CREATE INDEX ON {SCALED_TABLE} (term, level DESC, published_at DESC) "
                "INCLUDE (article_id)"
            )
            cursor.execute(f"ANALYZE {SCALED_TABLE}")
        cursor.execute(f"SELECT count(DISTINCT article_id) FROM {SCALED_TABLE}")
        return cursor.fetchone()[0]


def scaled(copies: int) -> list[dict]:
    """What ranking every match costs where it depends on the size of the corpus: reading
    the best title holders of each term and level (articles.search.ranking), from the
    title terms of a corpus `copies` times larger; and how many of the ten best title
    holders by the same weights (every one of them ranked) the candidates hold. The rest
    of the ranking reads the candidates and the latest matches, whose number does not
    grow with the corpus."""
    from django.db import connection

    from articles.search.query import parse_query
    from articles.search.ranking import TITLE_TERMS_TABLE, scored_terms, title_candidates_sql
    from articles.search.reading import read
    from benchmarks.search import QUERIES, RUNS, slow_percentiles

    articles = scale_title_terms(copies)
    rows = []
    seen = set()
    for label, text, _filters in QUERIES:
        if text in seen:
            continue
        seen.add(text)
        query = parse_query(text)
        terms = scored_terms(query, read(query))
        best_sql, params = title_candidates_sql(terms)
        best_sql = best_sql.replace(TITLE_TERMS_TABLE, SCALED_TABLE)
        idf = [float(term.idf_params[0]) if term.idf_sql == "%s" else 1.0 for term in terms]
        lexemes = [term.lexeme_params[0] for term in terms]

        def fetch():
            with connection.cursor() as cursor:
                cursor.execute(best_sql, params)  # noqa: B023
                return cursor.fetchall()

        p50, p95 = percentiles(fetch, RUNS)
        every_sql = f"SELECT article_id FROM {SCALED_TABLE} WHERE term = ANY(%s)"
        weights = (lexemes, idf)
        full_p50, _ = slow_percentiles(lambda: _best(weights, every_sql, [lexemes]))  # noqa: B023
        best = set(_best(weights, every_sql, [lexemes]))
        held = len(best & set(_best(weights, best_sql, params)))
        rows.append(
            {
                "what": f"{label}: `{text}`, {len(fetch()):,} candidates of {articles:,} "
                "articles' title terms",
                "p50": p50,
                "p95": p95,
                "ratio": f"holds {held} of the {TOP} best title holders; ranking every title "
                f"holder p50 {full_p50:,.0f} ms",
            }
        )
    return rows


def _best(weights: tuple[list, list], candidates_sql: str, params: list) -> list[int]:
    """The ten best of these candidates by their title terms' weights alone (idf × level ×
    recency), read from the scaled title terms."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT held.article_id FROM {SCALED_TABLE} AS held JOIN unnest("
            "%s::text[], %s::float8[]) AS term(lexeme, idf) ON held.term = term.lexeme "
            f"WHERE held.article_id IN ({candidates_sql}) GROUP BY held.article_id "
            "ORDER BY sum(term.idf * held.level) * (1 + 0.5 * power(0.5, least(greatest("
            "extract(epoch FROM now() - max(held.published_at)), 0) / 2592000, 1000))) "
            f"DESC, held.article_id DESC LIMIT {TOP}",
            [*weights, *params],
        )
        return [pk for (pk,) in cursor.fetchall()]


TITLE = "Search ranking: every match reachable, beside the latest of each kind"


def main() -> None:
    import argparse

    from benchmarks.setup import fill_to, use_bench_database
    from benchmarks.timing import table

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--articles", type=int, default=100_000, help="corpus size")
    parser.add_argument(
        "--scale", type=int, default=0, help="also read title terms this many times over"
    )
    options = parser.parse_args()
    use_bench_database(options.articles)
    fill_to(options.articles)
    print(table(TITLE, run()))
    if options.scale:
        print(table(f"Best title holders, {options.scale} times the corpus", scaled(options.scale)))


if __name__ == "__main__":
    main()
