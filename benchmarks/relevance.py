"""Search relevance on a judged query set, side by side with the previous ranking.

The queries and the articles relevant to each are in benchmarks/judged/queries.json; the
articles are the demo articles and the realistic ones of benchmarks/judged/articles.ndjson
(short news items written to hold the words the queries ask for, and the traps: the same
syllables apart, in other words, with other tones, or as an entity's alias), imported the
way `import_articles` imports them into a database of their own (newsreader_bench_judged),
so that every article's words and mentions are read as on a live site.

Reported, averaged over the queries, the way search ranks them now and the way it ranked
them before it read Vietnamese words (ranked_before):
- R-precision: of the R relevant articles, the share found in the first R results;
- nDCG@10: the first ten results' discounted gain (1 per relevant article, 1/log2(rank+1))
  against the best possible order;
- recall@20: the share of the relevant articles on the first page.

    python -m benchmarks.relevance
"""

import contextlib
import io
import json
import math
import statistics
from collections import defaultdict
from pathlib import Path

JUDGED = Path(__file__).resolve().parent / "judged"
DATABASE = "judged"
PAGE = 20
TOP = 10
PREVIOUS_CANDIDATES = 250
PREVIOUS_EXACT_BONUS = 0.5


def load_corpus() -> None:
    """Migrate, load the demo articles and import the judged ones (a re-import of unchanged
    articles changes nothing)."""
    from django.core.management import call_command

    call_command("migrate", verbosity=0)
    call_command("load_demo", verbosity=0)
    with contextlib.redirect_stderr(io.StringIO()):  # its progress bar
        call_command(
            "import_articles", str(JUDGED / "articles.ndjson"), "--publish", stdout=io.StringIO()
        )


def judged_queries() -> list[dict]:
    return json.loads((JUDGED / "queries.json").read_text(encoding="utf-8"))["queries"]


def ranked_now(text: str) -> list[int]:
    from articles.models import Article
    from articles.search.query import parse_query
    from articles.search.reading import read

    query = parse_query(text)
    found = Article.objects.for_listing().search(query, read(query))
    return list(found.values_list("pk", flat=True)[:PAGE])


def ranked_before(text: str, articles=None) -> list[int]:
    """The previous ranking: every folded syllable matched anywhere (a quoted phrase through
    its word pairs first); the 250 most recent matches in the title or lead and the 250
    most recent anywhere, ranked on the title and lead, an exact-diacritic match in them
    first."""
    from django.contrib.postgres.search import SearchRank
    from django.db.models import Case, F, Value, When

    from articles.models import Article
    from articles.search.query import (
        exact_tsquery,
        exclusions,
        holds_word_pairs,
        is_only_word_pairs,
        parse_query,
        reader_tsquery,
        required_phrases,
    )

    query = parse_query(text)
    tsquery = reader_tsquery(query)
    articles = Article.objects.for_listing() if articles is None else articles
    by_date = ("-published_at", "-id")
    for phrase in required_phrases(query.text):
        articles = articles.filter(holds_word_pairs(phrase))
    matching = (
        articles if is_only_word_pairs(query.text) else articles.filter(search_vector=tsquery)
    )
    in_head = articles.filter(head_vector=tsquery).order_by(*by_date).values("pk")
    anywhere = matching.order_by(*by_date).values("pk")
    found = Article.objects.for_listing().filter(
        pk__in=in_head[:PREVIOUS_CANDIDATES].union(anywhere[:PREVIOUS_CANDIDATES])
    )
    if exclusions(query.text):
        found = found.filter(search_vector=tsquery)
    rank = SearchRank(F("head_vector"), tsquery)
    if query.has_diacritics:
        rank = rank + Case(
            When(head_vector=exact_tsquery(query), then=Value(PREVIOUS_EXACT_BONUS)),
            default=Value(0.0),
        )
    found = found.annotate(rank=rank).order_by("-rank", *by_date)
    return list(found.values_list("pk", flat=True)[:PAGE])


def r_precision(ranked: list[str], relevant: set[str]) -> float:
    return len(set(ranked[: len(relevant)]) & relevant) / len(relevant)


def ndcg(ranked: list[str], relevant: set[str], top: int = TOP) -> float:
    gain = sum(1 / math.log2(rank + 2) for rank, key in enumerate(ranked[:top]) if key in relevant)
    best = sum(1 / math.log2(rank + 2) for rank in range(min(top, len(relevant))))
    return gain / best


def recall(ranked: list[str], relevant: set[str], top: int = PAGE) -> float:
    return len(set(ranked[:top]) & relevant) / len(relevant)


METRICS = {"R-precision": r_precision, "nDCG@10": ndcg, "recall@20": recall}


def measure() -> tuple[dict, dict, list]:
    """{way: {metric: mean}}, {kind: {way: {metric: mean}}}, and the queries now below
    full marks with what they ranked first."""
    from articles.models import Article

    keys = {
        pk: (ref or "").removeprefix("ndjson:")
        for pk, ref in Article.objects.values_list("pk", "import_ref")
    }
    scores: dict = defaultdict(lambda: defaultdict(list))
    by_kind: dict = defaultdict(lambda: defaultdict(lambda: defaultdict(list)))
    short = []
    for judged in judged_queries():
        relevant = set(judged["relevant"])
        for way, rank in (("before", ranked_before), ("now", ranked_now)):
            ranked = [keys[pk] for pk in rank(judged["query"])]
            for name, metric in METRICS.items():
                value = metric(ranked, relevant)
                scores[way][name].append(value)
                by_kind[judged["kind"]][way][name].append(value)
            if way == "now" and r_precision(ranked, relevant) < 1:
                short.append((judged["query"], sorted(relevant), ranked[: len(relevant) + 2]))
    means = {way: {n: statistics.mean(v) for n, v in m.items()} for way, m in scores.items()}
    kinds = {
        kind: {way: {n: statistics.mean(v) for n, v in m.items()} for way, m in ways.items()}
        for kind, ways in by_kind.items()
    }
    return means, kinds, short


def report() -> str:
    means, kinds, short = measure()
    queries = judged_queries()
    lines = [
        f"### Search relevance: {len(queries)} judged queries",
        "",
        "| | " + " | ".join(f"{name} before | now" for name in METRICS) + " |",
        "|---|" + "---:|---:|" * len(METRICS),
        "| all | "
        + " | ".join(f"{means['before'][n]:.3f} | **{means['now'][n]:.3f}**" for n in METRICS)
        + " |",
    ]
    counts = defaultdict(int)
    for judged in queries:
        counts[judged["kind"]] += 1
    for kind, ways in sorted(kinds.items()):
        lines.append(
            f"| {kind} ({counts[kind]}) | "
            + " | ".join(f"{ways['before'][n]:.3f} | {ways['now'][n]:.3f}" for n in METRICS)
            + " |"
        )
    if short:
        lines += ["", "Below full R-precision now (relevant; first results):", ""]
        lines += [
            f"- `{query}`: {', '.join(rel[:8])}{' …' if len(rel) > 8 else ''}; {', '.join(got[:8])}"
            for query, rel, got in short
        ]
    return "\n".join(lines) + "\n"


def main() -> None:
    from benchmarks.setup import use_bench_database

    use_bench_database(0, name=DATABASE)
    load_corpus()
    print(report())


if __name__ == "__main__":
    main()
